/* Describing a file: the same validation as the loaders (format.c,
 * checkpoint.c), with non-finite parameters counted instead of refused, and
 * the header's facts returned so that no tool needs the format's offsets. */
#include <math.h>
#include <stddef.h>

#include "core/alloc.h"
#include "core/record.h"
#include "io/checkpoint.h"
#include "io/io_internal.h"

static nnact_status check_info(const char *who, const nnact_file_info *info, nnact_net **net)
{
    if (net != NULL) *net = NULL;
    NNACT_RETURN_IF(info == NULL, NNACT_ERR_ARG, "%s: info is NULL", who);
    return nnact__record_check(who, "info", info, NNACT__FILE_INFO_MIN);
}

/* The model section's facts, from a view format.c validated. */
static void describe_model(const struct nnact__model_view *m, nnact_file_info *d)
{
    d->n_layers = m->n_layers;
    d->n_inputs = (size_t)m->n_inputs;
    d->n_outputs = d->n_inputs;
    if (m->n_layers > 0) /* the last layer record's n_out (u64 after n_in) */
        d->n_outputs =
            (size_t)nnact__get_u64(m->table + (size_t)(m->n_layers - 1) * NNACT__IO_LAYER_LEN + 8);
    d->n_params = m->n_params;
    d->input_scaling = m->shift != NULL;
    d->n_classes = m->n_classes;
    d->input_names = m->input_names != NULL;
    d->n_targets = m->n_targets;
    d->n_nonfinite = 0;
    for (uint64_t i = 0; i < m->n_params; i++)
        d->n_nonfinite += !isfinite(nnact__get_f64(m->params + i * 8u));
}

static nnact_status describe(const char *who, const unsigned char *data, size_t size,
                             nnact_file_info *info, nnact_net **net)
{
    uint32_t kind;
    NNACT_FORWARD_IF_ERROR(nnact__io_check_header(who, data, size, &kind));
    nnact_file_info d = {0};
    struct nnact__model_view m;
    if (kind == NNACT__IO_KIND_CHECKPOINT) {
        struct nnact__ckpt_opt o;
        struct nnact__ckpt_train t;
        NNACT_FORWARD_IF_ERROR(
            nnact__ckpt_parse(who, data, size, NNACT_LOAD_ALLOW_NONFINITE, &m, &o, &t));
        d.kind = NNACT_FILE_CHECKPOINT;
        d.opt_kind = (nnact_opt_kind)o.kind;
        d.opt_steps = o.steps;
        d.epochs_done = t.epochs_done;
        d.batch_in_epoch = t.batch_in_epoch;
        d.base_lr = t.base_lr;
    } else {
        NNACT_FORWARD_IF_ERROR(nnact__io_check_kind(who, kind, NNACT__IO_KIND_MODEL));
        const uint64_t limit = (uint64_t)size - NNACT__IO_CRC_LEN;
        NNACT_FORWARD_IF_ERROR(nnact__io_parse_model(who, data, NNACT__IO_HEADER_LEN, limit, &m));
        NNACT_RETURN_IF(m.end != limit, NNACT_ERR_FORMAT,
                        "%s: offset %llu: %llu bytes after the model in the payload", who,
                        (unsigned long long)m.end, (unsigned long long)(limit - m.end));
        NNACT_FORWARD_IF_ERROR(nnact__io_check_crc(who, data, size));
        d.kind = NNACT_FILE_MODEL;
    }
    d.format_version = nnact__get_u32(data + NNACT__IO_MAGIC_LEN);
    d.file_size = size;
    d.crc32c = nnact__get_u32(data + size - NNACT__IO_CRC_LEN);
    describe_model(&m, &d);
    if (net != NULL) NNACT_FORWARD_IF_ERROR(nnact__io_build_net(who, &m, net));
    nnact__record_put(info, &d, sizeof d);
    return NNACT_OK;
}

nnact_status nnact_file_describe_buffer(const void *data, size_t size, nnact_file_info *info,
                                        nnact_net **net)
{
    static const char who[] = "nnact_file_describe_buffer";
    NNACT_FORWARD_IF_ERROR(check_info(who, info, net));
    NNACT_RETURN_IF(data == NULL && size > 0, NNACT_ERR_ARG, "%s: data is NULL with size %zu", who,
                    size);
    return describe(who, data ? data : "", size, info, net);
}

nnact_status nnact_file_describe(const char *path, nnact_file_info *info, nnact_net **net)
{
    static const char who[] = "nnact_file_describe";
    NNACT_FORWARD_IF_ERROR(check_info(who, info, net));
    NNACT_RETURN_IF(path == NULL, NNACT_ERR_ARG, "%s: path is NULL", who);
    NNACT_RETURN_IF(path[0] == '\0', NNACT_ERR_ARG, "%s: path is empty", who);
    unsigned char *data;
    size_t size;
    /* Header first, checked before the buffer is allocated (file.c). */
    NNACT_FORWARD_IF_ERROR(nnact__io_read_file(who, path, 0, &data, &size));
    nnact_status s = describe(who, data, size, info, net);
    nnact__free(data);
    return s;
}
