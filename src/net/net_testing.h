/* Internal, for tests only: views into the network that no library code
 * uses. Included by src/net/net.c (which implements them) and by tests. */
#ifndef NNACT_NET_TESTING_H
#define NNACT_NET_TESTING_H

#include <stddef.h>

#include "core/error.h"
#include "nnact/net.h"

/* nnact_net_forward without the copy into y; the output stays inside
 * (nnact__net_output). Copies x, like nnact_net_forward. */
NNACT_HIDDEN nnact_status nnact__net_forward_keep(nnact_net *net, size_t batch, const double *x);
/* 1 when a backward has written every gradient since the network last
 * changed shape (what nnact_net_get_grads checks). */
NNACT_HIDDEN int nnact__net_has_grad(const nnact_net *net);
/* Read-only view of layer l's parameters (b NULL for a no-bias layer). 0 when
 * out of range. */
NNACT_HIDDEN int nnact__net_layer_view(const nnact_net *net, size_t l, const double **W,
                                       const double **b);

#endif /* NNACT_NET_TESTING_H */
