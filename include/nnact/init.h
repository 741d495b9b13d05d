/**
 * @file nnact/init.h
 * @brief Weight initialisation from the library's own reproducible PRNG: the
 *        same seed gives the same weights bit for bit on every machine.
 *
 * Draws come from a counter-based generator (splitmix64's mixer over a
 * counter, a log of the library's own for normal draws, no libm
 * transcendental), specified in docs/OPTIMIZERS.md.
 */
#ifndef NNACT_INIT_H
#define NNACT_INIT_H

#include <stddef.h>
#include <stdint.h>

#include "nnact/export.h"
#include "nnact/net.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/**
 * @brief Initialisation schemes (PyTorch's nn.init formulas, fan_in = n_in,
 *        fan_out = n_out of a dense layer). Values explicit and append-only.
 * The `scale` of nnact_init_fill()/nnact_net_init_ex() is the std for NORMAL
 * and the gain for the others; NAN selects the default shown.
 * @since 1.0
 */
typedef enum nnact_init_kind {
    NNACT_INIT_NORMAL = 0,         /**< N(0, scale^2), default scale 1 (nn.init.normal_) */
    NNACT_INIT_XAVIER_UNIFORM = 1, /**< U(-a, a), a = gain sqrt(6 / (fan_in + fan_out)), gain 1 */
    NNACT_INIT_XAVIER_NORMAL = 2,  /**< N(0, s^2), s = gain sqrt(2 / (fan_in + fan_out)), gain 1 */
    /** U(-a, a), a = gain sqrt(3 / fan_in), gain sqrt 2 (kaiming_uniform_, relu) */
    NNACT_INIT_HE_UNIFORM = 3,
    /** N(0, s^2), s = gain / sqrt(fan_in), gain sqrt 2 (kaiming_normal_, relu) */
    NNACT_INIT_HE_NORMAL = 4,
    NNACT_INIT_ZEROS = 5 /**< all zeros (scale ignored) */
} nnact_init_kind;

/** @brief Number of schemes; valid schemes are 0 .. nnact_init_count() - 1. @since 1.1 */
NNACT_API size_t nnact_init_count(void);

/**
 * @brief Canonical name of a scheme, e.g. "he_normal".
 * @return a static string; NULL for an unknown scheme.
 * @since 1.1
 */
NNACT_API const char *nnact_init_name(nnact_init_kind k);

/**
 * @brief Scheme from its canonical name or an alias ("kaiming_normal", ...),
 *        compared case-insensitively (ASCII).
 * @return NNACT_OK; NNACT_ERR_ARG for NULL arguments or an unknown name (the
 *         detail lists the valid names; *k unchanged).
 * @since 1.1
 */
NNACT_API nnact_status nnact_init_from_name(const char *name, nnact_init_kind *k);

/**
 * @brief Fills w[0 .. n-1] with draws of the scheme from stream (seed, stream).
 *        Draws are taken in index order; the result depends on nothing but the
 *        arguments.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL w with n > 0, unknown scheme, fan_in 0
 *         (and fan_out 0 for Xavier), scale negative, Inf or a NaN other than the default).
 * @since 1.0
 */
NNACT_API nnact_status nnact_init_fill(nnact_init_kind scheme, double scale, size_t fan_in,
                                       size_t fan_out, uint64_t seed, uint64_t stream, size_t n,
                                       double *w);

/**
 * @brief Initialises every layer: W of layer l from nnact_init_fill(scheme,
 *        default scale, n_in, n_out, seed, stream = l), row-major, biases zero.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net, unknown scheme);
 *         NNACT_ERR_NOMEM (network unchanged).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_init(nnact_net *net, nnact_init_kind scheme, uint64_t seed);

/**
 * @brief As nnact_net_init() with an explicit scale: the std for NORMAL, the gain
 *        otherwise; NAN = the default.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_init_ex(nnact_net *net, nnact_init_kind scheme, double scale,
                                         uint64_t seed);

NNACT_END_DECLS

#endif /* NNACT_INIT_H */
