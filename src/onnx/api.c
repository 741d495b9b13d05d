/* The public calls of nnact/onnx.h: options, export to memory and to a
 * file (io's atomic writer), import and description from memory and from a
 * file. */
#include <string.h>

#include "core/alloc.h"
#include "core/names.h"
#include "core/record.h"
#include "io/io_internal.h"
#include "onnx/onnx_internal.h"

struct nnact_onnx_config {
    nnact_onnx_elem elem;
};

nnact_status nnact_onnx_config_create(nnact_onnx_config **out)
{
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "nnact_onnx_config_create: out is NULL");
    *out = NULL;
    nnact_onnx_config *c = nnact__calloc(1, sizeof *c);
    NNACT_RETURN_IF(c == NULL, NNACT_ERR_NOMEM, "nnact_onnx_config_create: out of memory");
    c->elem = NNACT_ONNX_DOUBLE;
    *out = c;
    return NNACT_OK;
}

void nnact_onnx_config_free(nnact_onnx_config *cfg)
{
    nnact__free(cfg);
}

nnact_status nnact_onnx_config_set_elem(nnact_onnx_config *cfg, nnact_onnx_elem elem)
{
    NNACT_RETURN_IF(cfg == NULL, NNACT_ERR_ARG, "nnact_onnx_config_set_elem: cfg is NULL");
    NNACT_RETURN_IF(elem != NNACT_ONNX_DOUBLE && elem != NNACT_ONNX_FLOAT, NNACT_ERR_ARG,
                    "nnact_onnx_config_set_elem: unknown element type %d (NNACT_ONNX_DOUBLE or "
                    "NNACT_ONNX_FLOAT)",
                    (int)elem);
    cfg->elem = elem;
    return NNACT_OK;
}

static nnact_status export_checked(const char *who, const nnact_net *net,
                                   const nnact_onnx_config *cfg, struct pbw *w)
{
    NNACT_RETURN_IF(net == NULL, NNACT_ERR_ARG, "%s: net is NULL", who);
    NNACT_RETURN_IF(nnact_net_layer_count(net) == 0, NNACT_ERR_ARG,
                    "%s: the network has no layers (nothing to export)", who);
    nnact_status s = nnact__onnx_export(who, net, cfg ? cfg->elem : NNACT_ONNX_DOUBLE, w);
    if (s != NNACT_OK) nnact__pbw_free(w);
    return s;
}

nnact_status nnact_onnx_save_buffer(const nnact_net *net, const nnact_onnx_config *cfg, void *buf,
                                    size_t capacity, size_t *size)
{
    static const char who[] = "nnact_onnx_save_buffer";
    NNACT_RETURN_IF(size == NULL, NNACT_ERR_ARG, "%s: size is NULL", who);
    NNACT_RETURN_IF(buf == NULL && capacity > 0, NNACT_ERR_ARG, "%s: buf is NULL with capacity %zu",
                    who, capacity);
    struct pbw w = {0};
    NNACT_FORWARD_IF_ERROR(export_checked(who, net, cfg, &w));
    *size = w.len;
    if (buf == NULL) {
        nnact__pbw_free(&w);
        return NNACT_OK;
    }
    if (capacity < w.len) {
        nnact__pbw_free(&w);
        return nnact__fail(NNACT_ERR_ARG, "%s: capacity %zu is below the %zu bytes of the model",
                           who, capacity, *size);
    }
    memcpy(buf, w.p, w.len);
    nnact__pbw_free(&w);
    return NNACT_OK;
}

nnact_status nnact_onnx_save(const nnact_net *net, const nnact_onnx_config *cfg, const char *path)
{
    static const char who[] = "nnact_onnx_save";
    NNACT_RETURN_IF(path == NULL || path[0] == '\0', NNACT_ERR_ARG, "%s: path is NULL or empty",
                    who);
    struct pbw w = {0};
    NNACT_FORWARD_IF_ERROR(export_checked(who, net, cfg, &w));
    nnact_status s = nnact__io_write_file_atomic(who, path, w.p, w.len);
    nnact__pbw_free(&w);
    return s;
}

static nnact_status read_all(const char *who, const char *path, unsigned char **data, size_t *size)
{
    NNACT_RETURN_IF(path == NULL || path[0] == '\0', NNACT_ERR_ARG, "%s: path is NULL or empty",
                    who);
    return nnact__io_read_plain_file(who, path, ONNX_MAX_FILE, "an ONNX model", data, size);
}

static nnact_status load_from(const char *who, const void *data, size_t size, nnact_net **out)
{
    struct onnx_model m;
    NNACT_FORWARD_IF_ERROR(nnact__onnx_parse(who, data, size, &m));
    nnact_status s = nnact__onnx_import(who, &m, out);
    nnact__onnx_model_free(&m);
    return s;
}

nnact_status nnact_onnx_load_buffer(const void *data, size_t size, nnact_net **out)
{
    static const char who[] = "nnact_onnx_load_buffer";
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "%s: out is NULL", who);
    *out = NULL;
    NNACT_RETURN_IF(data == NULL && size > 0, NNACT_ERR_ARG, "%s: data is NULL with size %zu", who,
                    size);
    return load_from(who, data, size, out);
}

nnact_status nnact_onnx_load(const char *path, nnact_net **out)
{
    static const char who[] = "nnact_onnx_load";
    NNACT_RETURN_IF(out == NULL, NNACT_ERR_ARG, "%s: out is NULL", who);
    *out = NULL;
    unsigned char *data;
    size_t size;
    NNACT_FORWARD_IF_ERROR(read_all(who, path, &data, &size));
    nnact_status s = load_from(who, data, size, out);
    nnact__free(data);
    return s;
}

static void copy_cut(char *dst, size_t cap, struct onnx_str s)
{
    size_t n = s.n < cap - 1 ? s.n : cap - 1;
    if (n) memcpy(dst, s.p, n);
    dst[n] = '\0';
}

static void fill_info(const struct onnx_model *m, nnact_onnx_info *d)
{
    d->ir_version = m->ir_version;
    d->opset = m->opset;
    d->n_nodes = m->n_nodes;
    d->n_initializers = m->n_inits;
    copy_cut(d->producer, sizeof d->producer, m->producer);
    for (size_t i = 0; i < m->n_in; i++) {
        int is_init = 0;
        for (size_t j = 0; j < m->n_inits && !is_init; j++)
            is_init = onnx_str_eq(m->inits[j].name, m->in[i].name);
        if (is_init) continue;
        copy_cut(d->input, sizeof d->input, m->in[i].name);
        d->input_rank = m->in[i].rank;
        memcpy(d->input_dims, m->in[i].dims, sizeof d->input_dims);
        break;
    }
    if (m->n_out) {
        copy_cut(d->output, sizeof d->output, m->out[0].name);
        d->output_rank = m->out[0].rank;
        memcpy(d->output_dims, m->out[0].dims, sizeof d->output_dims);
    }
}

static nnact_status describe_from(const char *who, const void *data, size_t size,
                                  nnact_onnx_info *info, nnact_net **net)
{
    struct onnx_model m;
    NNACT_FORWARD_IF_ERROR(nnact__onnx_parse(who, data, size, &m));
    nnact_onnx_info d;
    memset(&d, 0, sizeof d);
    d.size = info->size;
    fill_info(&m, &d);
    nnact_net *got = NULL;
    nnact_status s = nnact__onnx_import(who, &m, &got);
    nnact__onnx_model_free(&m);
    if (s == NNACT_ERR_NOMEM) return s;
    d.importable = s == NNACT_OK;
    if (s != NNACT_OK) nnact__last_reason(d.reason, sizeof d.reason);
    nnact__record_put(info, &d, sizeof d);
    if (net)
        *net = got;
    else
        nnact_net_free(got);
    return NNACT_OK;
}

nnact_status nnact_onnx_describe_buffer(const void *data, size_t size, nnact_onnx_info *info,
                                        nnact_net **net)
{
    static const char who[] = "nnact_onnx_describe_buffer";
    if (net) *net = NULL;
    NNACT_RETURN_IF(info == NULL, NNACT_ERR_ARG, "%s: info is NULL", who);
    NNACT_FORWARD_IF_ERROR(nnact__record_check(who, "info", info, NNACT__ONNX_INFO_MIN));
    NNACT_RETURN_IF(data == NULL && size > 0, NNACT_ERR_ARG, "%s: data is NULL with size %zu", who,
                    size);
    return describe_from(who, data, size, info, net);
}

nnact_status nnact_onnx_describe(const char *path, nnact_onnx_info *info, nnact_net **net)
{
    static const char who[] = "nnact_onnx_describe";
    if (net) *net = NULL;
    NNACT_RETURN_IF(info == NULL, NNACT_ERR_ARG, "%s: info is NULL", who);
    NNACT_FORWARD_IF_ERROR(nnact__record_check(who, "info", info, NNACT__ONNX_INFO_MIN));
    unsigned char *data;
    size_t size;
    NNACT_FORWARD_IF_ERROR(read_all(who, path, &data, &size));
    nnact_status s = describe_from(who, data, size, info, net);
    nnact__free(data);
    return s;
}
