/* Validation of model files: every field is checked against its limit, in
 * 64-bit checked arithmetic, against the bytes actually present, before the
 * loader allocates anything. Structure is checked before the checksum so a
 * fuzzer (and a user reading the error) reaches the precise field at fault. */
#include <math.h>
#include <stdio.h>

#include "act/act_internal.h"
#include "io/io_internal.h"

typedef unsigned long long ull;

nnact_status nnact__io_check_header(const char *who, const unsigned char *data, size_t size,
                                    uint32_t *kind)
{
    return nnact__io_check_file_header(who, data, (uint64_t)size, kind);
}

nnact_status nnact__io_check_file_header(const char *who, const unsigned char *data, uint64_t size,
                                         uint32_t *kind)
{
    const uint64_t min = NNACT__IO_HEADER_LEN + NNACT__IO_CRC_LEN;
    NNACT_RETURN_IF(size < NNACT__IO_MAGIC_LEN, NNACT_ERR_FORMAT,
                    "%s: offset %llu: file ends inside the magic (%llu bytes, a model file has at "
                    "least %llu)",
                    who, (ull)size, (ull)size, (ull)min);
    NNACT_RETURN_IF(memcmp(data, NNACT__IO_MAGIC, NNACT__IO_MAGIC_LEN) != 0, NNACT_ERR_FORMAT,
                    "%s: offset 0: bad magic, not a libnnact model file", who);
    NNACT_RETURN_IF(size < min, NNACT_ERR_FORMAT,
                    "%s: offset %llu: file ends inside the header (%llu bytes, need at least %llu)",
                    who, (ull)size, (ull)size, (ull)min);
    uint32_t version = nnact__get_u32(data + 8);
    NNACT_RETURN_IF(version != NNACT__IO_VERSION && version != NNACT__IO_VERSION_PREP,
                    NNACT_ERR_FORMAT,
                    "%s: offset 8: format version %lu is not supported (this library reads %u "
                    "and %u)",
                    who, (unsigned long)version, NNACT__IO_VERSION, NNACT__IO_VERSION_PREP);
    uint32_t k = nnact__get_u32(data + 12);
    NNACT_RETURN_IF(k != NNACT__IO_KIND_MODEL && k != NNACT__IO_KIND_CHECKPOINT, NNACT_ERR_FORMAT,
                    "%s: offset 12: unknown file kind %lu (1 model, 2 checkpoint)", who,
                    (unsigned long)k);
    uint64_t payload = nnact__get_u64(data + 16);
    uint64_t present = (uint64_t)size - min;
    const uint64_t max =
        (k == NNACT__IO_KIND_MODEL ? NNACT__IO_MAX_MODEL_PAYLOAD : NNACT__IO_MAX_CKPT_PAYLOAD) +
        (version == NNACT__IO_VERSION_PREP ? NNACT__IO_MAX_PREP : 0u);
    NNACT_RETURN_IF(payload > max, NNACT_ERR_FORMAT,
                    "%s: offset 16: declared payload of %llu bytes exceeds the limit of %llu for "
                    "a %s",
                    who, (ull)payload, (ull)max,
                    k == NNACT__IO_KIND_MODEL ? "model" : "checkpoint");
    NNACT_RETURN_IF(payload > present, NNACT_ERR_FORMAT,
                    "%s: offset 16: declared payload of %llu bytes but only %llu are present "
                    "(file truncated?)",
                    who, (ull)payload, (ull)present);
    NNACT_RETURN_IF(payload < present, NNACT_ERR_FORMAT,
                    "%s: offset %llu: %llu trailing bytes after the checksum", who,
                    (ull)(payload + min), (ull)(present - payload));
    *kind = k;
    return NNACT_OK;
}

nnact_status nnact__io_check_kind(const char *who, uint32_t kind, uint32_t want)
{
    NNACT_RETURN_IF(kind != want && want == NNACT__IO_KIND_MODEL, NNACT_ERR_FORMAT,
                    "%s: offset 12: file is a training checkpoint (kind %lu), not a model; load it "
                    "with nnact_checkpoint_load",
                    who, (unsigned long)kind);
    NNACT_RETURN_IF(kind != want, NNACT_ERR_FORMAT,
                    "%s: offset 12: file is a model (kind %lu), not a training checkpoint", who,
                    (unsigned long)kind);
    return NNACT_OK;
}

nnact_status nnact__io_need(const char *who, uint64_t offset, uint64_t limit, uint64_t bytes,
                            const char *what)
{
    NNACT_RETURN_IF(offset > limit || limit - offset < bytes, NNACT_ERR_FORMAT,
                    "%s: offset %llu: %s needs %llu bytes, only %llu remain in the payload", who,
                    (ull)offset, what, (ull)bytes, (ull)(offset > limit ? 0 : limit - offset));
    return NNACT_OK;
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* The scaling: every shift finite, every scale finite and nonzero, whatever
 * the load flags (a non-finite scaling is never a model's state). */
static nnact_status parse_scaling(const char *who, const unsigned char *data, uint64_t at,
                                  uint64_t n)
{
    for (uint64_t j = 0; j < 2 * n; j++, at += 8) {
        const double d = nnact__get_f64(data + at);
        NNACT_RETURN_IF(!isfinite(d) || (j >= n && d == 0.0), NNACT_ERR_FORMAT,
                        "%s: offset %llu: input %s[%llu] is %g (%s)", who, (ull)at,
                        j < n ? "shift" : "scale", (ull)(j < n ? j : j - n), d,
                        j < n ? "must be finite" : "must be finite and nonzero");
    }
    return NNACT_OK;
}

/* A names block: n u32 lengths, each 1..NNACT_NET_MAX_CLASS_NAME, then the
 * names' bytes, no NUL among them; *bytes receives their total. (That they are
 * distinct is checked when the network takes them: nnact_net_set_*_names.) */
static nnact_status parse_names(const char *who, const unsigned char *data, uint64_t at,
                                uint64_t limit, uint64_t n, const char *what, uint64_t *bytes)
{
    char label[48];
    (void)snprintf(label, sizeof label, "the %s name lengths", what);
    /* n <= 2^24: 4 n cannot wrap */
    NNACT_FORWARD_IF_ERROR(nnact__io_need(who, at, limit, 4u * n, label));
    uint64_t total = 0;
    for (uint64_t i = 0; i < n; i++) {
        const uint32_t len = nnact__get_u32(data + at + 4u * i);
        NNACT_RETURN_IF(len < 1 || len > NNACT_NET_MAX_CLASS_NAME, NNACT_ERR_FORMAT,
                        "%s: offset %llu: %s name %llu has length %lu, outside [1, %d]", who,
                        (ull)(at + 4u * i), what, (ull)i, (unsigned long)len,
                        NNACT_NET_MAX_CLASS_NAME);
        total += len;
    }
    at += 4u * n;
    (void)snprintf(label, sizeof label, "the %s names", what);
    NNACT_FORWARD_IF_ERROR(nnact__io_need(who, at, limit, total, label));
    const unsigned char *nul = memchr(data + at, 0, (size_t)total);
    NNACT_RETURN_IF(nul != NULL, NNACT_ERR_FORMAT, "%s: offset %llu: NUL byte inside %s %s name",
                    who, (ull)(nul - data), what[0] == 'i' ? "an" : "a", what);
    *bytes = total;
    return NNACT_OK;
}

/* The section's head: known flags, not empty, the class count against the
 * names flag and the output width. */
static nnact_status parse_prep_head(const char *who, const unsigned char *data, uint64_t at,
                                    const struct nnact__model_view *v)
{
    const uint32_t flags = nnact__get_u32(data + at), n = nnact__get_u32(data + at + 4);
    NNACT_RETURN_IF((flags & ~(uint32_t)NNACT__IO_PREP_KNOWN) != 0, NNACT_ERR_FORMAT,
                    "%s: offset %llu: unknown preprocessing flags 0x%lx", who, (ull)at,
                    (unsigned long)(flags & ~(uint32_t)NNACT__IO_PREP_KNOWN));
    NNACT_RETURN_IF(flags == 0, NNACT_ERR_FORMAT,
                    "%s: offset %llu: empty preprocessing section (a file without one is "
                    "version 1)",
                    who, (ull)at);
    const int names = (flags & NNACT__IO_PREP_NAMES) != 0;
    NNACT_RETURN_IF(!names && n != 0, NNACT_ERR_FORMAT,
                    "%s: offset %llu: %lu class names without the names flag", who, (ull)at + 4,
                    (unsigned long)n);
    NNACT_RETURN_IF(names && (v->n_outputs == 1 ? n != 2 : n != v->n_outputs), NNACT_ERR_FORMAT,
                    "%s: offset %llu: %lu class names for %llu outputs (one per output, or 2 "
                    "for one logit)",
                    who, (ull)at + 4, (unsigned long)n, (ull)v->n_outputs);
    return NNACT_OK;
}

/* The target names at `at`: u32 count in [1, n_outputs], then a names block. */
static nnact_status parse_targets(const char *who, const unsigned char *data, uint64_t at,
                                  uint64_t limit, struct nnact__model_view *v, uint64_t *next)
{
    NNACT_FORWARD_IF_ERROR(nnact__io_need(who, at, limit, 4u, "the target count"));
    const uint32_t n = nnact__get_u32(data + at);
    NNACT_RETURN_IF(n < 1 || n > v->n_outputs, NNACT_ERR_FORMAT,
                    "%s: offset %llu: %lu target names for %llu outputs (1 to the output width)",
                    who, (ull)at, (unsigned long)n, (ull)v->n_outputs);
    at += 4u;
    uint64_t bytes = 0;
    NNACT_FORWARD_IF_ERROR(parse_names(who, data, at, limit, n, "target", &bytes));
    v->n_targets = n;
    v->target_name_lengths = data + at;
    v->target_names_offset = at;
    at += 4u * (uint64_t)n;
    v->target_names = data + at;
    *next = at + bytes;
    return NNACT_OK;
}

/* The preprocessing section of a version-2 file at `at` (docs/FORMAT.md):
 * its members in the order of their flag bits, then the padding. */
static nnact_status parse_prep(const char *who, const unsigned char *data, uint64_t at,
                               uint64_t limit, struct nnact__model_view *v)
{
    const uint64_t start = at;
    NNACT_FORWARD_IF_ERROR(
        nnact__io_need(who, at, limit, NNACT__IO_PREP_HEAD_LEN, "the preprocessing section"));
    NNACT_FORWARD_IF_ERROR(parse_prep_head(who, data, at, v));
    const uint32_t flags = nnact__get_u32(data + at), n = nnact__get_u32(data + at + 4);
    at += NNACT__IO_PREP_HEAD_LEN;
    v->prep_flags = flags;
    v->prep_offset = start;
    if (flags & NNACT__IO_PREP_SCALING) {
        /* n_inputs <= 2^24: 16 n_inputs cannot wrap */
        NNACT_FORWARD_IF_ERROR(
            nnact__io_need(who, at, limit, 16u * v->n_inputs, "the input scaling"));
        NNACT_FORWARD_IF_ERROR(parse_scaling(who, data, at, v->n_inputs));
        v->shift = data + at;
        at += 16u * v->n_inputs;
    }
    if (flags & NNACT__IO_PREP_NAMES) {
        uint64_t bytes = 0;
        NNACT_FORWARD_IF_ERROR(parse_names(who, data, at, limit, n, "class", &bytes));
        v->n_classes = n;
        v->name_lengths = data + at;
        v->names_offset = at;
        at += 4u * (uint64_t)n;
        v->names = data + at;
        at += bytes;
    }
    if (flags & NNACT__IO_PREP_INPUTS) {
        uint64_t bytes = 0;
        NNACT_FORWARD_IF_ERROR(parse_names(who, data, at, limit, v->n_inputs, "input", &bytes));
        v->input_name_lengths = data + at;
        v->input_names_offset = at;
        at += 4u * v->n_inputs;
        v->input_names = data + at;
        at += bytes;
    }
    if (flags & NNACT__IO_PREP_TARGETS)
        NNACT_FORWARD_IF_ERROR(parse_targets(who, data, at, limit, v, &at));
    const uint64_t pad = (8u - (at - start) % 8u) % 8u;
    NNACT_FORWARD_IF_ERROR(nnact__io_need(who, at, limit, pad, "the section's padding"));
    for (uint64_t i = 0; i < pad; i++)
        NNACT_RETURN_IF(data[at + i] != 0, NNACT_ERR_FORMAT,
                        "%s: offset %llu: padding byte is 0x%02x, must be 0", who, (ull)(at + i),
                        (unsigned)data[at + i]);
    v->end = at + pad;
    return NNACT_OK;
}

nnact_status nnact__io_parse_model(const char *who, const unsigned char *data, uint64_t offset,
                                   uint64_t limit, struct nnact__model_view *v)
{
    NNACT_FORWARD_IF_ERROR(
        nnact__io_need(who, offset, limit, NNACT__IO_MODEL_HEAD_LEN, "the model header"));
    const unsigned char *p = data + offset;
    uint64_t n_inputs = nnact__get_u64(p);
    uint32_t n_layers = nnact__get_u32(p + 8);
    uint32_t reserved = nnact__get_u32(p + 12);
    NNACT_RETURN_IF(n_inputs < 1 || n_inputs > NNACT_IO_MAX_DIM, NNACT_ERR_FORMAT,
                    "%s: offset %llu: input size %llu is outside [1, %u]", who, (ull)offset,
                    (ull)n_inputs, NNACT_IO_MAX_DIM);
    NNACT_RETURN_IF(n_layers > NNACT_IO_MAX_LAYERS, NNACT_ERR_FORMAT,
                    "%s: offset %llu: layer count %lu exceeds the limit of %u", who,
                    (ull)offset + 8, (unsigned long)n_layers, NNACT_IO_MAX_LAYERS);
    NNACT_RETURN_IF(reserved != 0, NNACT_ERR_FORMAT,
                    "%s: offset %llu: reserved field is %lu, must be 0", who, (ull)offset + 12,
                    (unsigned long)reserved);
    offset += NNACT__IO_MODEL_HEAD_LEN;

    /* n_layers <= 4096, so the table size cannot overflow; still compared
     * against what remains before a record is read. */
    uint64_t table_bytes = (uint64_t)n_layers * NNACT__IO_LAYER_LEN;
    NNACT_FORWARD_IF_ERROR(nnact__io_need(who, offset, limit, table_bytes, "the layer table"));
    const unsigned char *table = data + offset;
    uint64_t prev_out = n_inputs, total = 0, max_layer = 0;
    for (uint32_t i = 0; i < n_layers; i++) {
        const unsigned char *r = table + (size_t)i * NNACT__IO_LAYER_LEN;
        uint64_t at = offset + (uint64_t)i * NNACT__IO_LAYER_LEN;
        uint64_t n_in = nnact__get_u64(r), n_out = nnact__get_u64(r + 8);
        uint32_t act = nnact__get_u32(r + 16), flags = nnact__get_u32(r + 20);
        double alpha = nnact__get_f64(r + 24);
        NNACT_RETURN_IF(n_in != prev_out, NNACT_ERR_FORMAT,
                        "%s: offset %llu: layer %lu expects %llu inputs, %s gives %llu", who,
                        (ull)at, (unsigned long)i, (ull)n_in,
                        i == 0 ? "the network input" : "the previous layer", (ull)prev_out);
        NNACT_RETURN_IF(n_out < 1 || n_out > NNACT_IO_MAX_DIM, NNACT_ERR_FORMAT,
                        "%s: offset %llu: layer %lu output size %llu is outside [1, %u]", who,
                        (ull)at + 8, (unsigned long)i, (ull)n_out, NNACT_IO_MAX_DIM);
        NNACT_RETURN_IF(act >= NNACT_ACT_KIND_COUNT, NNACT_ERR_FORMAT,
                        "%s: offset %llu: layer %lu activation id %lu is unknown (0..%d)", who,
                        (ull)at + 16, (unsigned long)i, (unsigned long)act,
                        NNACT_ACT_KIND_COUNT - 1);
        NNACT_RETURN_IF((flags & ~(uint32_t)NNACT__IO_LAYER_NO_BIAS) != 0, NNACT_ERR_FORMAT,
                        "%s: offset %llu: layer %lu has unknown flags 0x%lx", who, (ull)at + 20,
                        (unsigned long)i, (unsigned long)flags);
        /* The parameter must be the resolved value the writer stores: in range
         * for kinds that take one, +0.0 for kinds that do not. Anything else
         * would not survive save(load(f)) byte for byte. */
        double resolved = 0.0;
        nnact_status s = nnact__act_resolve(who, (nnact_act_kind)act, alpha, &resolved);
        NNACT_RETURN_IF(
            s != NNACT_OK || isnan(alpha) || !same_bits(resolved, alpha), NNACT_ERR_FORMAT,
            "%s: offset %llu: layer %lu parameter %.17g is not valid for activation "
            "%s",
            who, (ull)at + 24, (unsigned long)i, alpha, nnact_act_name((nnact_act_kind)act));
        /* n_in, n_out <= 2^24 here, so these cannot wrap; checked anyway so
         * the invariant does not rest on the limits alone. */
        uint64_t w, lp;
        NNACT_RETURN_IF(
            !nnact__mul_u64(n_in, n_out, &w) ||
                !nnact__add_u64(w, (flags & NNACT__IO_LAYER_NO_BIAS) ? 0 : n_out, &lp) ||
                !nnact__add_u64(total, lp, &total) || total > NNACT_IO_MAX_PARAMS,
            NNACT_ERR_FORMAT,
            "%s: offset %llu: parameter count through layer %lu exceeds the limit of "
            "%u",
            who, (ull)at, (unsigned long)i, NNACT_IO_MAX_PARAMS);
        if (lp > max_layer) max_layer = lp;
        prev_out = n_out;
    }
    offset += table_bytes;
    uint64_t param_bytes;
    NNACT_RETURN_IF(!nnact__mul_u64(total, sizeof(double), &param_bytes), NNACT_ERR_FORMAT,
                    "%s: offset %llu: parameter bytes overflow", who, (ull)offset);
    NNACT_FORWARD_IF_ERROR(nnact__io_need(who, offset, limit, param_bytes, "the parameters"));
    memset(v, 0, sizeof *v);
    v->version = nnact__get_u32(data + NNACT__IO_MAGIC_LEN); /* the header was checked */
    v->n_inputs = n_inputs;
    v->n_outputs = prev_out;
    v->n_layers = n_layers;
    v->table = table;
    v->params = data + offset;
    v->n_params = total;
    v->max_layer_params = max_layer;
    v->end = offset + param_bytes;
    if (v->version == NNACT__IO_VERSION_PREP)
        NNACT_FORWARD_IF_ERROR(parse_prep(who, data, v->end, limit, v));
    return NNACT_OK;
}

nnact_status nnact__io_check_crc(const char *who, const unsigned char *data, size_t size)
{
    size_t body = size - NNACT__IO_CRC_LEN;
    uint32_t stored = nnact__get_u32(data + body);
    uint32_t computed = nnact__crc32c(0, data, body);
    NNACT_RETURN_IF(stored != computed, NNACT_ERR_FORMAT,
                    "%s: offset %llu: checksum mismatch (stored CRC-32C 0x%08lx, computed 0x%08lx)",
                    who, (ull)body, (unsigned long)stored, (unsigned long)computed);
    return NNACT_OK;
}

nnact_status nnact__io_check_finite(const char *who, const unsigned char *data,
                                    const struct nnact__model_view *v)
{
    const unsigned char *p = v->params;
    for (uint32_t i = 0; i < v->n_layers; i++) {
        const unsigned char *r = v->table + (size_t)i * NNACT__IO_LAYER_LEN;
        uint64_t n_in = nnact__get_u64(r), n_out = nnact__get_u64(r + 8);
        int bias = !(nnact__get_u32(r + 20) & NNACT__IO_LAYER_NO_BIAS);
        uint64_t n = n_in * n_out + (bias ? n_out : 0); /* checked by the parser */
        for (uint64_t j = 0; j < n; j++, p += 8) {
            double d = nnact__get_f64(p);
            NNACT_RETURN_IF(!isfinite(d), NNACT_ERR_FORMAT,
                            "%s: offset %llu: layer %lu %s[%llu] is %g (non-finite parameters "
                            "need NNACT_LOAD_ALLOW_NONFINITE)",
                            who, (ull)(p - data), (unsigned long)i, j < n_in * n_out ? "W" : "b",
                            (ull)(j < n_in * n_out ? j : j - n_in * n_out), d);
        }
    }
    return NNACT_OK;
}

void nnact__io_put_header(unsigned char *data, uint32_t version, uint32_t kind, uint64_t size)
{
    memcpy(data, NNACT__IO_MAGIC, NNACT__IO_MAGIC_LEN);
    nnact__put_u32(data + 8, version);
    nnact__put_u32(data + 12, kind);
    nnact__put_u64(data + 16, size - NNACT__IO_HEADER_LEN - NNACT__IO_CRC_LEN);
}

void nnact__io_put_crc(unsigned char *data, size_t size)
{
    size_t body = size - NNACT__IO_CRC_LEN;
    nnact__put_u32(data + body, nnact__crc32c(0, data, body));
}
