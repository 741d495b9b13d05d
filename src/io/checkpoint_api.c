/* Public checkpoint calls: the network, the optimizer's whole state (through
 * the optimizer module's state view/import) and the training position, in
 * one atomically saved kind-2 file. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/record.h"
#include "io/checkpoint.h"
#include "optim/optim_internal.h"

/* The 1.1 position record: everything up to and including rng_counter. A
 * later version appends fields and reads or writes them only when the
 * caller's size covers them. */

static nnact_status save_at(const char *who, const char *path, const nnact_net *net,
                            const nnact_opt *opt, const nnact_checkpoint_position *pos)
{
    const uint64_t epochs_done = pos->epochs_done, batch_in_epoch = pos->batch_in_epoch;
    const uint64_t rng_key = pos->rng_key, rng_counter = pos->rng_counter;
    const double base_lr = pos->base_lr;
    NNACT_RETURN_IF(path == NULL || net == NULL || opt == NULL, NNACT_ERR_ARG, "%s: %s is NULL",
                    who,
                    path == NULL  ? "path"
                    : net == NULL ? "net"
                                  : "opt");
    NNACT_RETURN_IF(path[0] == '\0', NNACT_ERR_ARG, "%s: path is empty", who);
    NNACT_RETURN_IF(!(isfinite(base_lr) && base_lr >= 0), NNACT_ERR_ARG,
                    "%s: base_lr %g is not finite and >= 0", who, base_lr);
    struct nnact__opt_state s;
    nnact__opt_state_view(opt, &s);
    NNACT_RETURN_IF(s.bound_n != 0 && s.bound_n != nnact_net_param_count(net), NNACT_ERR_SHAPE,
                    "%s: the optimizer is bound to %zu parameters, the network has %zu", who,
                    s.bound_n, nnact_net_param_count(net));
    struct nnact__ckpt_opt o = {0};
    o.kind = (uint32_t)s.kind;
    for (uint32_t k = 0; k < NNACT__CKPT_OPT_KEYS; k++) {
        double v;
        if (nnact_opt_get(opt, (nnact_opt_param)k, &v) == NNACT_OK) {
            o.hp_key[o.n_hp] = k;
            o.hp_value[o.n_hp++] = v;
        }
    }
    o.steps = s.steps;
    o.bound_n = s.bound_n;
    o.n_bufs = (uint32_t)s.n_bufs;
    o.flags = s.momentum_init ? NNACT__CKPT_FLAG_MOMENTUM_INIT : 0u;
    o.state = s.state;
    struct nnact__ckpt_train t = {epochs_done, batch_in_epoch, base_lr, rng_key, rng_counter};
    unsigned char *data;
    size_t size;
    NNACT_FORWARD_IF_ERROR(nnact__ckpt_serialize(who, net, &o, &t, &data, &size));
    nnact_status st = nnact__io_write_file_atomic(who, path, data, size);
    nnact__free(data);
    return st;
}

nnact_status nnact_checkpoint_save(const char *path, const nnact_net *net, const nnact_opt *opt,
                                   uint64_t epochs_done, uint64_t batch_in_epoch, double base_lr,
                                   uint64_t rng_key, uint64_t rng_counter)
{
    const nnact_checkpoint_position pos = {sizeof pos, epochs_done, batch_in_epoch,
                                           base_lr,    rng_key,     rng_counter};
    return save_at("nnact_checkpoint_save", path, net, opt, &pos);
}

nnact_status nnact_checkpoint_save_at(const char *path, const nnact_net *net, const nnact_opt *opt,
                                      const nnact_checkpoint_position *pos)
{
    static const char who[] = "nnact_checkpoint_save_at";
    NNACT_RETURN_IF(pos == NULL, NNACT_ERR_ARG, "%s: pos is NULL", who);
    NNACT_FORWARD_IF_ERROR(nnact__record_check(who, "pos", pos, NNACT__CHECKPOINT_POSITION_MIN));
    return save_at(who, path, net, opt, pos);
}

/* Rewraps the detail a callee recorded, with our function's name. */
static nnact_status rejected(const char *who, nnact_status s, uint64_t offset, const char *what)
{
    char reason[512]; /* the capacity of the last-error buffer (core/status.c) */
    return nnact__fail(s, "%s: offset %llu: %s rejected: %s", who, (unsigned long long)offset, what,
                       nnact__last_reason(reason, sizeof reason));
}

/* Everything after the bytes are in memory; the caller checked the handles
 * and flags and owns data. */
static nnact_status load_from(const char *who, const unsigned char *data, size_t size,
                              unsigned flags, nnact_net **net, nnact_opt **opt,
                              nnact_checkpoint_position *pos)
{
    struct nnact__model_view m;
    struct nnact__ckpt_opt o;
    struct nnact__ckpt_train t;
    nnact_net *n = NULL;
    nnact_opt *p = NULL;
    double *state = NULL;
    nnact_status st = nnact__ckpt_parse(who, data, size, flags, &m, &o, &t);
    if (st == NNACT_OK) st = nnact_opt_create((nnact_opt_kind)o.kind, &p);
    /* Range-check each stored hyper-parameter through the optimizer's own
     * setter, one record at a time, so a rejection can name the offset. Keys
     * this kind does not use are ignored, as the import ignores them. */
    for (uint32_t i = 0; st == NNACT_OK && i < o.n_hp; i++) {
        double current;
        if (nnact_opt_get(p, (nnact_opt_param)o.hp_key[i], &current) != NNACT_OK) continue;
        if (nnact_opt_set(p, (nnact_opt_param)o.hp_key[i], o.hp_value[i]) != NNACT_OK)
            st = rejected(who, NNACT_ERR_FORMAT, o.hp_offset[i], "optimizer hyper-parameter");
    }
    if (st == NNACT_OK && o.bound_n * o.n_bufs > 0) {
        /* bound_n equals the model's count (<= 2^28) and n_bufs <= 3: no wrap */
        state = nnact__malloc((size_t)(o.bound_n * o.n_bufs) * sizeof(double));
        if (state == NULL) st = nnact__fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
        for (size_t i = 0; state != NULL && i < o.bound_n * o.n_bufs; i++)
            state[i] = nnact__get_f64(o.state_bytes + 8 * i);
    }
    if (st == NNACT_OK) {
        struct nnact__opt_state s;
        nnact__opt_state_view(p, &s); /* defaults for the keys the file omits */
        double hp[NNACT__CKPT_OPT_KEYS];
        memcpy(hp, s.hp, sizeof hp);
        for (uint32_t i = 0; i < o.n_hp; i++)
            hp[o.hp_key[i]] = o.hp_value[i];
        s.hp = hp;
        s.steps = o.steps;
        s.bound_n = (size_t)o.bound_n;
        s.n_bufs = o.n_bufs;
        s.momentum_init = (o.flags & NNACT__CKPT_FLAG_MOMENTUM_INIT) != 0;
        s.state = state;
        st = nnact__opt_state_import(p, &s, who);
        /* Out of memory stays NNACT_ERR_NOMEM; anything else is the file's fault. */
        if (st != NNACT_OK && st != NNACT_ERR_NOMEM)
            st = rejected(who, NNACT_ERR_FORMAT, m.end, "optimizer section");
    }
    if (st == NNACT_OK) st = nnact__io_build_net(who, &m, &n);
    nnact__free(state);
    if (st != NNACT_OK) {
        nnact_opt_free(p);
        return st;
    }
    *net = n;
    *opt = p;
    /* the 1.1 fields (the caller's size was checked to cover them) */
    pos->epochs_done = t.epochs_done;
    pos->batch_in_epoch = t.batch_in_epoch;
    pos->base_lr = t.base_lr;
    pos->rng_key = t.rng_key;
    pos->rng_counter = t.rng_counter;
    return NNACT_OK;
}

/* Handles and flags, checked before anything else; both handles NULL after. */
static nnact_status check_args(const char *who, unsigned flags, nnact_net **net, nnact_opt **opt)
{
    NNACT_RETURN_IF(net == NULL || opt == NULL, NNACT_ERR_ARG, "%s: %s is NULL", who,
                    net == NULL ? "net" : "opt");
    *net = NULL;
    *opt = NULL;
    NNACT_RETURN_IF((flags & ~NNACT_LOAD_ALLOW_NONFINITE) != 0, NNACT_ERR_ARG,
                    "%s: unknown flags 0x%x", who, flags);
    return NNACT_OK;
}

/* The 1.0 calls' loose position pointers, each may be NULL. */
struct loose_position {
    uint64_t *epochs_done, *batch_in_epoch, *rng_key, *rng_counter;
    double *base_lr;
};

static void scatter(const nnact_checkpoint_position *pos, const struct loose_position *out)
{
    if (out->epochs_done) *out->epochs_done = pos->epochs_done;
    if (out->batch_in_epoch) *out->batch_in_epoch = pos->batch_in_epoch;
    if (out->base_lr) *out->base_lr = pos->base_lr;
    if (out->rng_key) *out->rng_key = pos->rng_key;
    if (out->rng_counter) *out->rng_counter = pos->rng_counter;
}

static nnact_status load_file(const char *who, const char *path, unsigned flags, nnact_net **net,
                              nnact_opt **opt, nnact_checkpoint_position *pos)
{
    NNACT_FORWARD_IF_ERROR(check_args(who, flags, net, opt));
    NNACT_RETURN_IF(path == NULL, NNACT_ERR_ARG, "%s: path is NULL", who);
    NNACT_RETURN_IF(path[0] == '\0', NNACT_ERR_ARG, "%s: path is empty", who);
    unsigned char *data;
    size_t size;
    NNACT_FORWARD_IF_ERROR(nnact__io_read_file(who, path, NNACT__IO_KIND_CHECKPOINT, &data, &size));
    nnact_status st = load_from(who, data, size, flags, net, opt, pos);
    nnact__free(data);
    return st;
}

static nnact_status load_buffer(const char *who, const void *data, size_t size, unsigned flags,
                                nnact_net **net, nnact_opt **opt, nnact_checkpoint_position *pos)
{
    NNACT_FORWARD_IF_ERROR(check_args(who, flags, net, opt));
    NNACT_RETURN_IF(data == NULL, NNACT_ERR_ARG, "%s: data is NULL", who);
    return load_from(who, (const unsigned char *)data, size, flags, net, opt, pos);
}

nnact_status nnact_checkpoint_load(const char *path, unsigned flags, nnact_net **net,
                                   nnact_opt **opt, uint64_t *epochs_done, uint64_t *batch_in_epoch,
                                   double *base_lr, uint64_t *rng_key, uint64_t *rng_counter)
{
    nnact_checkpoint_position pos = {sizeof pos, 0, 0, 0.0, 0, 0};
    const struct loose_position out = {epochs_done, batch_in_epoch, rng_key, rng_counter, base_lr};
    NNACT_FORWARD_IF_ERROR(load_file("nnact_checkpoint_load", path, flags, net, opt, &pos));
    scatter(&pos, &out);
    return NNACT_OK;
}

nnact_status nnact_checkpoint_load_buffer(const void *data, size_t size, unsigned flags,
                                          nnact_net **net, nnact_opt **opt, uint64_t *epochs_done,
                                          uint64_t *batch_in_epoch, double *base_lr,
                                          uint64_t *rng_key, uint64_t *rng_counter)
{
    nnact_checkpoint_position pos = {sizeof pos, 0, 0, 0.0, 0, 0};
    const struct loose_position out = {epochs_done, batch_in_epoch, rng_key, rng_counter, base_lr};
    NNACT_FORWARD_IF_ERROR(
        load_buffer("nnact_checkpoint_load_buffer", data, size, flags, net, opt, &pos));
    scatter(&pos, &out);
    return NNACT_OK;
}

/* The caller's record, checked before anything else (also before the handles
 * are cleared, which is the "untouched" of a refused argument). */
static nnact_status check_position(const char *who, const nnact_checkpoint_position *pos)
{
    return pos != NULL ? nnact__record_check(who, "pos", pos, NNACT__CHECKPOINT_POSITION_MIN)
                       : NNACT_OK;
}

nnact_status nnact_checkpoint_load_at(const char *path, unsigned flags, nnact_net **net,
                                      nnact_opt **opt, nnact_checkpoint_position *pos)
{
    static const char who[] = "nnact_checkpoint_load_at";
    NNACT_FORWARD_IF_ERROR(check_position(who, pos));
    nnact_checkpoint_position got = {sizeof got, 0, 0, 0.0, 0, 0};
    NNACT_FORWARD_IF_ERROR(load_file(who, path, flags, net, opt, &got));
    if (pos != NULL) nnact__record_put(pos, &got, sizeof got);
    return NNACT_OK;
}

nnact_status nnact_checkpoint_load_buffer_at(const void *data, size_t size, unsigned flags,
                                             nnact_net **net, nnact_opt **opt,
                                             nnact_checkpoint_position *pos)
{
    static const char who[] = "nnact_checkpoint_load_buffer_at";
    NNACT_FORWARD_IF_ERROR(check_position(who, pos));
    nnact_checkpoint_position got = {sizeof got, 0, 0, 0.0, 0, 0};
    NNACT_FORWARD_IF_ERROR(load_buffer(who, data, size, flags, net, opt, &got));
    if (pos != NULL) nnact__record_put(pos, &got, sizeof got);
    return NNACT_OK;
}
