/* Loading: validate everything (format.c), then build the network through
 * its public API (create, add_dense_ex, set_layer). */
#include "core/alloc.h"
#include "core/checked.h"
#include "core/error.h"
#include "io/io_internal.h"

typedef unsigned long long ull;

/* The scaling of a validated view into the network. */
static nnact_status build_scaling(const char *who, const struct nnact__model_view *v,
                                  nnact_net *net)
{
    const size_t n = (size_t)v->n_inputs; /* <= 2^24 */
    double *tmp = nnact__malloc(2 * n * sizeof(double));
    NNACT_RETURN_IF(tmp == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    for (size_t j = 0; j < 2 * n; j++)
        tmp[j] = nnact__get_f64(v->shift + 8 * j);
    nnact_status s = nnact_net_set_input_scaling(net, tmp, tmp + n);
    nnact__free(tmp);
    return s;
}

/* A names block of a validated view (n u32 lengths, then the bytes) as n
 * NUL-terminated strings in one allocation; NULL when out of memory. */
static char **decode_names(size_t n, const unsigned char *lengths, const unsigned char *src)
{
    size_t text = 0; /* n <= 2^24 names of <= 255 bytes */
    for (size_t i = 0; i < n; i++)
        text += nnact__get_u32(lengths + 4 * i) + 1u;
    char **ptrs = nnact__malloc(n * sizeof *ptrs + text);
    if (ptrs == NULL) return NULL;
    char *p = (char *)(ptrs + n);
    for (size_t i = 0; i < n; i++) {
        const size_t len = nnact__get_u32(lengths + 4 * i);
        memcpy(p, src, len);
        p[len] = '\0';
        ptrs[i] = p;
        p += len + 1;
        src += len;
    }
    return ptrs;
}

enum names_member { CLASS_NAMES, INPUT_NAMES, TARGET_NAMES };

/* One names member of a validated view, given to the network, which refuses a
 * repeated name (a format error here, at the member's offset). */
static nnact_status build_names(const char *who, const struct nnact__model_view *v,
                                enum names_member which, nnact_net *net)
{
    static const char *const what[] = {"class", "input", "target"};
    const size_t n = which == CLASS_NAMES   ? v->n_classes
                     : which == INPUT_NAMES ? (size_t)v->n_inputs
                                            : v->n_targets;
    const unsigned char *lengths = which == CLASS_NAMES   ? v->name_lengths
                                   : which == INPUT_NAMES ? v->input_name_lengths
                                                          : v->target_name_lengths;
    const unsigned char *bytes = which == CLASS_NAMES   ? v->names
                                 : which == INPUT_NAMES ? v->input_names
                                                        : v->target_names;
    const uint64_t offset = which == CLASS_NAMES   ? v->names_offset
                            : which == INPUT_NAMES ? v->input_names_offset
                                                   : v->target_names_offset;
    char **ptrs = decode_names(n, lengths, bytes);
    NNACT_RETURN_IF(ptrs == NULL, NNACT_ERR_NOMEM, "%s: out of memory", who);
    const char *const *names = (const char *const *)ptrs;
    nnact_status s = which == CLASS_NAMES   ? nnact_net_set_class_names(net, n, names)
                     : which == INPUT_NAMES ? nnact_net_set_input_names(net, names)
                                            : nnact_net_set_target_names(net, n, names);
    nnact__free(ptrs);
    if (s == NNACT_OK || s == NNACT_ERR_NOMEM) return s;
    char reason[512];
    return nnact__fail(NNACT_ERR_FORMAT, "%s: offset %llu: %s names rejected: %s", who, (ull)offset,
                       what[which], nnact__last_reason(reason, sizeof reason));
}

nnact_status nnact__io_build_net(const char *who, const struct nnact__model_view *v,
                                 nnact_net **out)
{
    nnact_net *net = NULL;
    double *tmp = NULL;
    nnact_status s = nnact_net_create((size_t)v->n_inputs, &net);
    for (uint32_t i = 0; s == NNACT_OK && i < v->n_layers; i++) {
        const unsigned char *r = v->table + (size_t)i * NNACT__IO_LAYER_LEN;
        unsigned flags =
            (nnact__get_u32(r + 20) & NNACT__IO_LAYER_NO_BIAS) ? NNACT_DENSE_NO_BIAS : 0u;
        s = nnact_net_add_dense_ex(net, (size_t)nnact__get_u64(r + 8),
                                   (nnact_act_kind)nnact__get_u32(r + 16), nnact__get_f64(r + 24),
                                   flags);
    }
    if (s == NNACT_OK && v->n_layers > 0) {
        /* One decode buffer for the largest layer: W plus b, bounded by the
         * file's own size since every parameter is present in it. */
        size_t bytes;
        if (!nnact__mul_size((size_t)v->max_layer_params, sizeof(double), &bytes))
            s = nnact__fail(NNACT_ERR_OVERFLOW, "%s: layer too large", who);
        else if ((tmp = nnact__malloc(bytes)) == NULL)
            s = nnact__fail(NNACT_ERR_NOMEM, "%s: cannot allocate %zu bytes", who, bytes);
    }
    const unsigned char *p = v->params;
    for (uint32_t i = 0; s == NNACT_OK && i < v->n_layers; i++) {
        const unsigned char *r = v->table + (size_t)i * NNACT__IO_LAYER_LEN;
        size_t n_in = (size_t)nnact__get_u64(r), n_out = (size_t)nnact__get_u64(r + 8);
        int bias = !(nnact__get_u32(r + 20) & NNACT__IO_LAYER_NO_BIAS);
        size_t n = n_in * n_out + (bias ? n_out : 0);
        for (size_t j = 0; j < n; j++, p += 8)
            tmp[j] = nnact__get_f64(p);
        s = nnact_net_set_layer(net, i, tmp, bias ? tmp + n_in * n_out : NULL);
    }
    nnact__free(tmp);
    /* names last: adding a layer removes them */
    if (s == NNACT_OK && v->shift != NULL) s = build_scaling(who, v, net);
    if (s == NNACT_OK && v->n_classes > 0) s = build_names(who, v, CLASS_NAMES, net);
    if (s == NNACT_OK && v->input_names != NULL) s = build_names(who, v, INPUT_NAMES, net);
    if (s == NNACT_OK && v->n_targets > 0) s = build_names(who, v, TARGET_NAMES, net);
    if (s != NNACT_OK) {
        nnact_net_free(net);
        return s;
    }
    *out = net;
    return NNACT_OK;
}

static nnact_status load_buffer(const char *who, const unsigned char *data, size_t size,
                                unsigned flags, nnact_net **out)
{
    uint32_t kind;
    struct nnact__model_view v;
    NNACT_FORWARD_IF_ERROR(nnact__io_check_header(who, data, size, &kind));
    NNACT_FORWARD_IF_ERROR(nnact__io_check_kind(who, kind, NNACT__IO_KIND_MODEL));
    uint64_t limit = (uint64_t)size - NNACT__IO_CRC_LEN;
    NNACT_FORWARD_IF_ERROR(nnact__io_parse_model(who, data, NNACT__IO_HEADER_LEN, limit, &v));
    NNACT_RETURN_IF(v.end != limit, NNACT_ERR_FORMAT,
                    "%s: offset %llu: %llu bytes after the model in the payload", who,
                    (unsigned long long)v.end, (unsigned long long)(limit - v.end));
    NNACT_FORWARD_IF_ERROR(nnact__io_check_crc(who, data, size));
    if (!(flags & NNACT_LOAD_ALLOW_NONFINITE))
        NNACT_FORWARD_IF_ERROR(nnact__io_check_finite(who, data, &v));
    return nnact__io_build_net(who, &v, out);
}

nnact_status nnact_net_load_buffer_ex(const void *data, size_t size, unsigned flags,
                                      nnact_net **out)
{
    static const char who[] = "nnact_net_load_buffer";
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "%s: out is NULL", who);
    *out = NULL;
    NNACT_RETURN_IF(data == NULL && size > 0, NNACT_ERR_ARG, "%s: data is NULL with size %zu", who,
                    size);
    NNACT_RETURN_IF((flags & ~NNACT_LOAD_ALLOW_NONFINITE) != 0, NNACT_ERR_ARG,
                    "%s: unknown flags 0x%x", who, flags);
    return load_buffer(who, data ? data : "", size, flags, out);
}

nnact_status nnact_net_load_buffer(const void *data, size_t size, nnact_net **out)
{
    return nnact_net_load_buffer_ex(data, size, 0, out);
}

nnact_status nnact_net_load_ex(const char *path, unsigned flags, nnact_net **out)
{
    static const char who[] = "nnact_net_load";
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "%s: out is NULL", who);
    *out = NULL;
    NNACT_RETURN_IF(path == NULL, NNACT_ERR_ARG, "%s: path is NULL", who);
    NNACT_RETURN_IF(path[0] == '\0', NNACT_ERR_ARG, "%s: path is empty", who);
    NNACT_RETURN_IF((flags & ~NNACT_LOAD_ALLOW_NONFINITE) != 0, NNACT_ERR_ARG,
                    "%s: unknown flags 0x%x", who, flags);
    unsigned char *data;
    size_t size;
    NNACT_FORWARD_IF_ERROR(nnact__io_read_file(who, path, NNACT__IO_KIND_MODEL, &data, &size));
    nnact_status s = load_buffer(who, data, size, flags, out);
    nnact__free(data);
    return s;
}

nnact_status nnact_net_load(const char *path, nnact_net **out)
{
    return nnact_net_load_ex(path, 0, out);
}
