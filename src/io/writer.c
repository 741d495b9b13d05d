/* Serialization of a network through its public accessors (layer_info and
 * get_layer): io sits above net and needs nothing private from it. */
#include "act/act_internal.h"
#include "core/alloc.h"
#include "core/checked.h"
#include "io/io_internal.h"

typedef unsigned long long ull;

uint32_t nnact__io_net_version(const nnact_net *net)
{
    int scaled = 0;
    (void)nnact_net_get_input_scaling(net, NULL, NULL, &scaled);
    return scaled || nnact_net_class_count(net) > 0 || nnact_net_input_name(net, 0) != NULL ||
                   nnact_net_target_count(net) > 0
               ? NNACT__IO_VERSION_PREP
               : NNACT__IO_VERSION;
}

/* Bytes of a names block: a u32 length and the bytes of each name. */
typedef const char *(*name_at)(const nnact_net *net, size_t i);
static uint64_t names_size(const nnact_net *net, size_t n, name_at name)
{
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += 4u + strlen(name(net, i));
    return bytes;
}

/* Writes a names block at p; returns the byte after it. */
static unsigned char *put_names(const nnact_net *net, size_t n, name_at name, unsigned char *p)
{
    for (size_t i = 0; i < n; i++, p += 4)
        nnact__put_u32(p, (uint32_t)strlen(name(net, i)));
    for (size_t i = 0; i < n; i++) {
        const size_t len = strlen(name(net, i));
        memcpy(p, name(net, i), len);
        p += len;
    }
    return p;
}

/* Bytes of the preprocessing section (0 when the network has none). The
 * network's own limits (NNACT_NET_MAX_CLASSES, NNACT_NET_MAX_CLASS_NAME, the
 * input and output widths checked by the caller) keep it within
 * NNACT__IO_MAX_PREP. */
static uint64_t prep_size(const nnact_net *net)
{
    if (nnact__io_net_version(net) == NNACT__IO_VERSION) return 0;
    int scaled = 0;
    (void)nnact_net_get_input_scaling(net, NULL, NULL, &scaled);
    const size_t n_in = nnact_net_input_size(net), n_targets = nnact_net_target_count(net);
    uint64_t n = NNACT__IO_PREP_HEAD_LEN + (scaled ? 16u * (uint64_t)n_in : 0);
    n += names_size(net, nnact_net_class_count(net), nnact_net_class_name);
    if (nnact_net_input_name(net, 0) != NULL) n += names_size(net, n_in, nnact_net_input_name);
    if (n_targets > 0) n += 4u + names_size(net, n_targets, nnact_net_target_name);
    return n + (8u - n % 8u) % 8u;
}

/* The section at p (prep_size(net) bytes): its members in the order of their
 * flag bits. */
static nnact_status write_prep(const char *who, const nnact_net *net, unsigned char *p)
{
    const size_t n_in = nnact_net_input_size(net), n_classes = nnact_net_class_count(net),
                 n_targets = nnact_net_target_count(net);
    const int inputs = nnact_net_input_name(net, 0) != NULL;
    int scaled = 0;
    (void)nnact_net_get_input_scaling(net, NULL, NULL, &scaled);
    unsigned char *start = p;
    nnact__put_u32(
        p, (scaled ? NNACT__IO_PREP_SCALING : 0u) | (n_classes ? NNACT__IO_PREP_NAMES : 0u) |
               (inputs ? NNACT__IO_PREP_INPUTS : 0u) | (n_targets ? NNACT__IO_PREP_TARGETS : 0u));
    nnact__put_u32(p + 4, (uint32_t)n_classes);
    p += NNACT__IO_PREP_HEAD_LEN;
    if (scaled) {
        double *tmp = nnact__malloc(2 * n_in * sizeof(double)); /* n_in <= 2^24 */
        NNACT_RETURN_IF(tmp == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
        (void)nnact_net_get_input_scaling(net, tmp, tmp + n_in, NULL);
        for (size_t j = 0; j < 2 * n_in; j++, p += 8)
            nnact__put_f64(p, tmp[j]);
        nnact__free(tmp);
    }
    p = put_names(net, n_classes, nnact_net_class_name, p);
    if (inputs) p = put_names(net, n_in, nnact_net_input_name, p);
    if (n_targets > 0) {
        nnact__put_u32(p, (uint32_t)n_targets);
        p = put_names(net, n_targets, nnact_net_target_name, p + 4);
    }
    while ((size_t)(p - start) % 8u != 0)
        *p++ = 0;
    return NNACT_OK;
}

nnact_status nnact__io_model_size(const char *who, const nnact_net *net, uint64_t *bytes)
{
    size_t n_layers = nnact_net_layer_count(net);
    size_t n_inputs = nnact_net_input_size(net);
    NNACT_RETURN_IF(n_inputs < 1 || n_inputs > NNACT_IO_MAX_DIM, NNACT_ERR_OVERFLOW,
                    "%s: input size %zu is outside the format's [1, %u]", who, n_inputs,
                    NNACT_IO_MAX_DIM);
    NNACT_RETURN_IF(n_layers > NNACT_IO_MAX_LAYERS, NNACT_ERR_OVERFLOW,
                    "%s: %zu layers exceed the format's limit of %u", who, n_layers,
                    NNACT_IO_MAX_LAYERS);
    uint64_t total = 0;
    for (size_t i = 0; i < n_layers; i++) {
        size_t n_in = 0, n_out = 0;
        unsigned flags = 0;
        NNACT_FORWARD_IF_ERROR(nnact_net_layer_info(net, i, &n_in, &n_out, NULL, NULL, &flags));
        NNACT_RETURN_IF(n_out < 1 || n_out > NNACT_IO_MAX_DIM, NNACT_ERR_OVERFLOW,
                        "%s: layer %zu output size %zu is outside the format's [1, %u]", who, i,
                        n_out, NNACT_IO_MAX_DIM);
        uint64_t w, lp;
        NNACT_RETURN_IF(!nnact__mul_u64(n_in, n_out, &w) ||
                            !nnact__add_u64(w, (flags & NNACT_DENSE_NO_BIAS) ? 0 : n_out, &lp) ||
                            !nnact__add_u64(total, lp, &total) || total > NNACT_IO_MAX_PARAMS,
                        NNACT_ERR_OVERFLOW, "%s: more than %u parameters", who,
                        NNACT_IO_MAX_PARAMS);
    }
    /* Bounded by the limits above (2^28 doubles, 4096 records): no wrap. */
    *bytes = NNACT__IO_MODEL_HEAD_LEN + (uint64_t)n_layers * NNACT__IO_LAYER_LEN + total * 8u +
             prep_size(net);
    return NNACT_OK;
}

nnact_status nnact__io_write_model(const char *who, const nnact_net *net, unsigned char *p)
{
    size_t n_layers = nnact_net_layer_count(net);
    nnact__put_u64(p, nnact_net_input_size(net));
    nnact__put_u32(p + 8, (uint32_t)n_layers);
    nnact__put_u32(p + 12, 0);
    unsigned char *table = p + NNACT__IO_MODEL_HEAD_LEN;
    unsigned char *q = table + n_layers * NNACT__IO_LAYER_LEN;
    size_t max_w = 1;
    for (size_t i = 0; i < n_layers; i++) {
        size_t n_in = 0, n_out = 0, w;
        nnact_act_kind act = NNACT_ACT_IDENTITY;
        double alpha = 0.0, resolved = 0.0;
        unsigned flags = 0;
        NNACT_FORWARD_IF_ERROR(nnact_net_layer_info(net, i, &n_in, &n_out, &act, &alpha, &flags));
        /* Store the canonical parameter (+0.0 for kinds without one), the
         * only value the loader accepts. */
        NNACT_FORWARD_IF_ERROR(nnact__act_resolve(who, act, alpha, &resolved));
        unsigned char *r = table + i * NNACT__IO_LAYER_LEN;
        nnact__put_u64(r, n_in);
        nnact__put_u64(r + 8, n_out);
        nnact__put_u32(r + 16, (uint32_t)act);
        nnact__put_u32(r + 20, (flags & NNACT_DENSE_NO_BIAS) ? NNACT__IO_LAYER_NO_BIAS : 0u);
        nnact__put_f64(r + 24, resolved);
        w = n_in * n_out; /* checked by nnact__io_model_size */
        if (w + n_out > max_w) max_w = w + n_out;
    }
    size_t bytes;
    NNACT_RETURN_IF(!nnact__mul_size(max_w, sizeof(double), &bytes), NNACT_ERR_OVERFLOW,
                    "%s: layer too large", who);
    double *tmp = nnact__malloc(bytes);
    NNACT_RETURN_IF(tmp == NULL, NNACT_ERR_NOMEM, "%s: cannot allocate %zu bytes", who, bytes);
    for (size_t i = 0; i < n_layers; i++) {
        size_t n_in = 0, n_out = 0;
        unsigned flags = 0;
        nnact_status s = nnact_net_layer_info(net, i, &n_in, &n_out, NULL, NULL, &flags);
        int bias = !(flags & NNACT_DENSE_NO_BIAS);
        size_t w = n_in * n_out;
        if (s == NNACT_OK) s = nnact_net_get_layer(net, i, tmp, bias ? tmp + w : NULL);
        if (s != NNACT_OK) {
            nnact__free(tmp);
            return s;
        }
        size_t n = w + (bias ? n_out : 0);
        for (size_t j = 0; j < n; j++, q += 8)
            nnact__put_f64(q, tmp[j]);
    }
    nnact__free(tmp);
    return nnact__io_net_version(net) == NNACT__IO_VERSION ? NNACT_OK : write_prep(who, net, q);
}

/* Whole model file in a fresh buffer of *size bytes. */
nnact_status nnact__io_start_image(const char *who, const nnact_net *net, uint32_t kind,
                                   uint64_t extra, unsigned char **data, uint64_t *total,
                                   uint64_t *body)
{
    NNACT_FORWARD_IF_ERROR(nnact__io_model_size(who, net, body));
    const uint64_t fixed = NNACT__IO_HEADER_LEN + NNACT__IO_CRC_LEN;
    NNACT_RETURN_IF(extra > UINT64_MAX - fixed - *body, NNACT_ERR_OVERFLOW,
                    "%s: file size overflows", who);
    *total = *body + extra + fixed;
    NNACT_RETURN_IF(*total > SIZE_MAX, NNACT_ERR_OVERFLOW, "%s: %llu bytes exceed size_t", who,
                    (ull)*total);
    unsigned char *buf = nnact__malloc((size_t)*total);
    NNACT_RETURN_IF(buf == NULL, NNACT_ERR_NOMEM, "%s: cannot allocate %llu bytes", who,
                    (ull)*total);
    nnact__io_put_header(buf, nnact__io_net_version(net), kind, *total);
    nnact_status s = nnact__io_write_model(who, net, buf + NNACT__IO_HEADER_LEN);
    if (s != NNACT_OK) {
        nnact__free(buf);
        return s;
    }
    *data = buf;
    return NNACT_OK;
}

static nnact_status serialize(const char *who, const nnact_net *net, unsigned char **data,
                              size_t *size)
{
    uint64_t body, total;
    unsigned char *buf;
    NNACT_FORWARD_IF_ERROR(
        nnact__io_start_image(who, net, NNACT__IO_KIND_MODEL, 0, &buf, &total, &body));
    nnact__io_put_crc(buf, (size_t)total);
    *data = buf;
    *size = (size_t)total;
    return NNACT_OK;
}

nnact_status nnact_net_save_buffer(const nnact_net *net, void *buf, size_t capacity, size_t *size)
{
    static const char who[] = "nnact_net_save_buffer";
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    NNACT_RETURN_IF(size == NULL, NNACT_ERR_ARG, "%s: size is NULL", who);
    NNACT_RETURN_IF(buf == NULL && capacity > 0, NNACT_ERR_ARG, "%s: buf is NULL with capacity %zu",
                    who, capacity);
    uint64_t body;
    NNACT_FORWARD_IF_ERROR(nnact__io_model_size(who, net, &body));
    uint64_t total = body + NNACT__IO_HEADER_LEN + NNACT__IO_CRC_LEN;
    NNACT_RETURN_IF(total > SIZE_MAX, NNACT_ERR_OVERFLOW, "%s: %llu bytes exceed size_t", who,
                    (ull)total);
    if (buf == NULL) {
        *size = (size_t)total;
        return NNACT_OK;
    }
    if (capacity < total) {
        *size = (size_t)total;
        return nnact__fail(NNACT_ERR_ARG, "%s: capacity %zu is less than the %llu bytes needed",
                           who, capacity, (ull)total);
    }
    /* Serialize into a scratch copy first so a failure leaves buf untouched. */
    unsigned char *data;
    size_t n;
    NNACT_FORWARD_IF_ERROR(serialize(who, net, &data, &n));
    memcpy(buf, data, n);
    nnact__free(data);
    *size = n;
    return NNACT_OK;
}

nnact_status nnact_net_save(const nnact_net *net, const char *path)
{
    static const char who[] = "nnact_net_save";
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    NNACT_RETURN_IF(path == NULL, NNACT_ERR_ARG, "%s: path is NULL", who);
    NNACT_RETURN_IF(path[0] == '\0', NNACT_ERR_ARG, "%s: path is empty", who);
    unsigned char *data;
    size_t n;
    NNACT_FORWARD_IF_ERROR(serialize(who, net, &data, &n));
    nnact_status s = nnact__io_write_file_atomic(who, path, data, n);
    nnact__free(data);
    return s;
}
