/**
 * @file nnact/spec.h
 * @brief A network from one line of text, the grammar every libnnact tool
 *        accepts (`nnact train`, `nnact gradcheck --layers`, `nnact-bench --net`).
 *
 * Grammar (no spaces anywhere):
 *
 *     spec  = size sep layer { sep layer }
 *     sep   = "," | "-"              (the first separator is used throughout)
 *     layer = size [ ":" act [ (":" | "@") param ] ]
 *     size  = digit { digit }        (decimal, > 0, no sign)
 *     act   = a name nnact_act_from_name() accepts (case-insensitive, aliases)
 *     param = a finite decimal number (the activation's parameter, e.g. the
 *             leaky slope; a leading '-' is the number's sign, not a separator)
 *
 * The first size is the input width; each layer is a dense layer of that many
 * outputs. Examples: "3,4:tanh,10:relu,1:identity", "784-1024:relu-10",
 * "5,6:elu:0.5,3", "4-3:leaky_relu@-0.1-1".
 */
#ifndef NNACT_SPEC_H
#define NNACT_SPEC_H

#include "nnact/act.h"
#include "nnact/export.h"
#include "nnact/net.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/**
 * @brief Builds a network from a spec string (grammar in nnact/spec.h).
 *
 * A layer without ":act" takes `hidden_act`, or `output_act` when it is the
 * last layer: `nnact gradcheck` passes identity for both, `nnact-bench --net`
 * relu and identity, so the spellings each tool has always accepted keep their
 * meaning. Parameters are left at the activation's default unless given.
 * The weights are all zero, as nnact_net_add_dense() leaves them: initialise
 * them with nnact_net_init().
 * @param spec  NUL-terminated text.
 * @param hidden_act, output_act default activations (valid kinds).
 * @param layer_flags passed to every layer (0 or NNACT_DENSE_NO_BIAS).
 * @param out   receives the network; NULL on failure.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL spec or out, unknown default kind or
 *         flag; a malformed spec: empty, a size that is not a positive decimal
 *         integer or overflows, junk, a missing or trailing separator, mixed
 *         separators, an activation on the input size, an unknown activation,
 *         a parameter that is not a finite number or out of the activation's
 *         range, no layer at all). The detail names the layer, the byte offset
 *         and quotes the spec, e.g. "nnact_net_from_spec: layer 1 at offset 4 of
 *         \"784-0-10\": a size must be positive, got 0".
 *         NNACT_ERR_OVERFLOW (a size exceeds what the BLAS can index);
 *         NNACT_ERR_NOMEM.
 * @since 1.1
 */
NNACT_API nnact_status nnact_net_from_spec(const char *spec, nnact_act_kind hidden_act,
                                           nnact_act_kind output_act, unsigned layer_flags,
                                           nnact_net **out);

NNACT_END_DECLS

#endif /* NNACT_SPEC_H */
