/* Checkpoint sections (kind 2): writer and strict reader on plain data. */
#include <math.h>

#include "core/alloc.h"
#include "io/checkpoint.h"

typedef unsigned long long ull;

#define OPT_HEAD_LEN 8u  /* u32 kind, u32 n_hp */
#define OPT_HP_LEN   16u /* u32 key, u32 reserved, f64 value */
#define OPT_TAIL_LEN 24u /* u64 steps, u64 bound_n, u32 n_bufs, u32 flags */
#define TRAIN_LEN    40u /* u64 epochs, u64 batch, f64 base_lr, u64 key, u64 counter */
_Static_assert(NNACT__IO_MAX_CKPT_EXTRA ==
                   OPT_HEAD_LEN + NNACT__CKPT_OPT_KEYS * OPT_HP_LEN + OPT_TAIL_LEN +
                       (uint64_t)NNACT__CKPT_MAX_BUFS * NNACT_IO_MAX_PARAMS * 8u + TRAIN_LEN,
               "the checkpoint payload limit in io_internal.h matches the sections");

/* Bytes of the optimizer and training sections; n_hp <= 15 and the state
 * size are checked by the caller. */
static nnact_status sections_size(const char *who, const struct nnact__ckpt_opt *o, uint64_t *bytes)
{
    uint64_t state = 0;
    NNACT_RETURN_IF(o->n_hp > NNACT__CKPT_OPT_KEYS || o->n_bufs > NNACT__CKPT_MAX_BUFS ||
                        !nnact__mul_u64(o->bound_n, o->n_bufs, &state) ||
                        !nnact__mul_u64(state, 8, &state) ||
                        state > ((uint64_t)NNACT__CKPT_MAX_BUFS * NNACT_IO_MAX_PARAMS * 8),
                    NNACT_ERR_OVERFLOW, "%s: optimizer state too large", who);
    *bytes = OPT_HEAD_LEN + (uint64_t)o->n_hp * OPT_HP_LEN + OPT_TAIL_LEN + state + TRAIN_LEN;
    return NNACT_OK;
}

nnact_status nnact__ckpt_serialize(const char *who, const nnact_net *net,
                                   const struct nnact__ckpt_opt *o,
                                   const struct nnact__ckpt_train *t, unsigned char **data,
                                   size_t *size)
{
    uint64_t body = 0, extra = 0, total;
    unsigned char *buf;
    NNACT_FORWARD_IF_ERROR(sections_size(who, o, &extra));
    NNACT_FORWARD_IF_ERROR(
        nnact__io_start_image(who, net, NNACT__IO_KIND_CHECKPOINT, extra, &buf, &total, &body));
    unsigned char *p = buf + NNACT__IO_HEADER_LEN + body;
    nnact__put_u32(p, o->kind);
    nnact__put_u32(p + 4, o->n_hp);
    p += OPT_HEAD_LEN;
    for (uint32_t i = 0; i < o->n_hp; i++, p += OPT_HP_LEN) {
        nnact__put_u32(p, o->hp_key[i]);
        nnact__put_u32(p + 4, 0);
        nnact__put_f64(p + 8, o->hp_value[i]);
    }
    nnact__put_u64(p, o->steps);
    nnact__put_u64(p + 8, o->bound_n);
    nnact__put_u32(p + 16, o->n_bufs);
    nnact__put_u32(p + 20, o->flags);
    p += OPT_TAIL_LEN;
    size_t n_state = (size_t)(o->bound_n * o->n_bufs);
    for (size_t i = 0; i < n_state; i++, p += 8)
        nnact__put_f64(p, o->state[i]);
    nnact__put_u64(p, t->epochs_done);
    nnact__put_u64(p + 8, t->batch_in_epoch);
    nnact__put_f64(p + 16, t->base_lr);
    nnact__put_u64(p + 24, t->rng_key);
    nnact__put_u64(p + 32, t->rng_counter);
    nnact__io_put_crc(buf, (size_t)total);
    *data = buf;
    *size = (size_t)total;
    return NNACT_OK;
}

nnact_status nnact__ckpt_parse(const char *who, const unsigned char *data, size_t size,
                               unsigned flags, struct nnact__model_view *m,
                               struct nnact__ckpt_opt *o, struct nnact__ckpt_train *t)
{
    uint32_t kind;
    NNACT_FORWARD_IF_ERROR(nnact__io_check_header(who, data, size, &kind));
    NNACT_FORWARD_IF_ERROR(nnact__io_check_kind(who, kind, NNACT__IO_KIND_CHECKPOINT));
    const uint64_t limit = (uint64_t)size - NNACT__IO_CRC_LEN;
    NNACT_FORWARD_IF_ERROR(nnact__io_parse_model(who, data, NNACT__IO_HEADER_LEN, limit, m));

    /* Optimizer section. */
    uint64_t at = m->end;
    NNACT_FORWARD_IF_ERROR(nnact__io_need(who, at, limit, OPT_HEAD_LEN, "the optimizer header"));
    o->kind = nnact__get_u32(data + at);
    o->n_hp = nnact__get_u32(data + at + 4);
    NNACT_RETURN_IF(o->kind >= NNACT__CKPT_OPT_KINDS, NNACT_ERR_FORMAT,
                    "%s: offset %llu: optimizer kind %lu is unknown (0..%u)", who, (ull)at,
                    (unsigned long)o->kind, NNACT__CKPT_OPT_KINDS - 1);
    NNACT_RETURN_IF(o->n_hp > NNACT__CKPT_OPT_KEYS, NNACT_ERR_FORMAT,
                    "%s: offset %llu: %lu hyper-parameters, at most %u", who, (ull)at + 4,
                    (unsigned long)o->n_hp, NNACT__CKPT_OPT_KEYS);
    at += OPT_HEAD_LEN;
    NNACT_FORWARD_IF_ERROR(nnact__io_need(who, at, limit, (uint64_t)o->n_hp * OPT_HP_LEN,
                                          "the hyper-parameter table"));
    for (uint32_t i = 0; i < o->n_hp; i++, at += OPT_HP_LEN) {
        uint32_t key = nnact__get_u32(data + at), reserved = nnact__get_u32(data + at + 4);
        double v = nnact__get_f64(data + at + 8);
        NNACT_RETURN_IF(key >= NNACT__CKPT_OPT_KEYS || (i > 0 && key <= o->hp_key[i - 1]),
                        NNACT_ERR_FORMAT,
                        "%s: offset %llu: hyper-parameter key %lu unknown or out of order", who,
                        (ull)at, (unsigned long)key);
        NNACT_RETURN_IF(reserved != 0, NNACT_ERR_FORMAT,
                        "%s: offset %llu: reserved field is %lu, must be 0", who, (ull)at + 4,
                        (unsigned long)reserved);
        NNACT_RETURN_IF(!isfinite(v), NNACT_ERR_FORMAT,
                        "%s: offset %llu: hyper-parameter %lu is %g", who, (ull)at + 8,
                        (unsigned long)key, v);
        o->hp_key[i] = key;
        o->hp_value[i] = v;
        o->hp_offset[i] = at + 8;
    }
    NNACT_FORWARD_IF_ERROR(
        nnact__io_need(who, at, limit, OPT_TAIL_LEN, "the optimizer state header"));
    o->steps = nnact__get_u64(data + at);
    o->bound_n = nnact__get_u64(data + at + 8);
    o->n_bufs = nnact__get_u32(data + at + 16);
    o->flags = nnact__get_u32(data + at + 20);
    NNACT_RETURN_IF(o->bound_n != 0 && o->bound_n != m->n_params, NNACT_ERR_FORMAT,
                    "%s: offset %llu: optimizer bound to %llu parameters, the model has %llu", who,
                    (ull)at + 8, (ull)o->bound_n, (ull)m->n_params);
    NNACT_RETURN_IF(o->n_bufs > NNACT__CKPT_MAX_BUFS || (o->bound_n == 0 && o->n_bufs != 0),
                    NNACT_ERR_FORMAT, "%s: offset %llu: %lu state vectors (at most %u, 0 unbound)",
                    who, (ull)at + 16, (unsigned long)o->n_bufs, NNACT__CKPT_MAX_BUFS);
    NNACT_RETURN_IF((o->flags & ~(uint32_t)NNACT__CKPT_FLAG_MOMENTUM_INIT) != 0, NNACT_ERR_FORMAT,
                    "%s: offset %llu: unknown optimizer flags 0x%lx", who, (ull)at + 20,
                    (unsigned long)o->flags);
    at += OPT_TAIL_LEN;
    uint64_t state_bytes; /* bound_n <= 2^28 (equals the model's count), n_bufs <= 3 */
    NNACT_RETURN_IF(!nnact__mul_u64(o->bound_n, o->n_bufs, &state_bytes) ||
                        !nnact__mul_u64(state_bytes, 8, &state_bytes),
                    NNACT_ERR_FORMAT, "%s: offset %llu: state size overflows", who, (ull)at);
    NNACT_FORWARD_IF_ERROR(nnact__io_need(who, at, limit, state_bytes, "the optimizer state"));
    o->state = NULL;
    o->state_bytes = data + at;
    at += state_bytes;

    /* Training position. */
    NNACT_FORWARD_IF_ERROR(nnact__io_need(who, at, limit, TRAIN_LEN, "the training position"));
    t->epochs_done = nnact__get_u64(data + at);
    t->batch_in_epoch = nnact__get_u64(data + at + 8);
    t->base_lr = nnact__get_f64(data + at + 16);
    t->rng_key = nnact__get_u64(data + at + 24);
    t->rng_counter = nnact__get_u64(data + at + 32);
    NNACT_RETURN_IF(!(isfinite(t->base_lr) && t->base_lr >= 0), NNACT_ERR_FORMAT,
                    "%s: offset %llu: base learning rate %g is not finite and >= 0", who,
                    (ull)at + 16, t->base_lr);
    at += TRAIN_LEN;
    NNACT_RETURN_IF(at != limit, NNACT_ERR_FORMAT,
                    "%s: offset %llu: %llu bytes after the training position in the payload", who,
                    (ull)at, (ull)(limit - at));

    NNACT_FORWARD_IF_ERROR(nnact__io_check_crc(who, data, size));
    if (!(flags & NNACT_LOAD_ALLOW_NONFINITE)) {
        NNACT_FORWARD_IF_ERROR(nnact__io_check_finite(who, data, m));
        const unsigned char *p = o->state_bytes;
        for (uint64_t i = 0; i < o->bound_n * o->n_bufs; i++, p += 8) {
            double d = nnact__get_f64(p);
            NNACT_RETURN_IF(!isfinite(d), NNACT_ERR_FORMAT,
                            "%s: offset %llu: optimizer state vector %llu element %llu is %g", who,
                            (ull)(p - data), (ull)(i / o->bound_n), (ull)(i % o->bound_n), d);
        }
    }
    return NNACT_OK;
}
