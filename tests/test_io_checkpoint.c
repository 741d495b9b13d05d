/* io: checkpoint sections (kind 2) on plain data: the writer reproduces the
 * fixture tests/gen_io_fixtures.py wrote from docs/FORMAT.md byte for byte,
 * the reader returns every field bit for bit, and hostile files are rejected
 * before any allocation. (The public checkpoint calls need the optimizer's
 * state export; see docs/FORMAT.md.) */
#include <unistd.h>

#include "test_io_util.h"

#include "io/checkpoint.h"

static size_t param_count(const nnact_net *net)
{
    size_t total = 0;
    for (size_t i = 0; i < nnact_net_layer_count(net); i++) {
        size_t n_in, n_out;
        unsigned flags;
        assert_int_equal(nnact_net_layer_info(net, i, &n_in, &n_out, NULL, NULL, &flags), NNACT_OK);
        total += n_in * n_out + ((flags & NNACT_DENSE_NO_BIAS) ? 0 : n_out);
    }
    return total;
}

/* The data the fixture holds (see tests/gen_io_fixtures.py). */
static void fixture_data(struct nnact__ckpt_opt *o, struct nnact__ckpt_train *t, double *state)
{
    static const uint32_t keys[] = {0, 2, 3, 4, 6, 11, 12, 13, 14};
    static const double values[] = {1e-3, 0.9, 0.999, 1e-8, 0.0, 1.0, 0.0, 0.0, 1.0};
    memset(o, 0, sizeof *o);
    o->kind = 5;
    o->n_hp = 9;
    for (int i = 0; i < 9; i++) {
        o->hp_key[i] = keys[i];
        o->hp_value[i] = values[i];
    }
    o->steps = 1234;
    o->bound_n = 69;
    o->n_bufs = 3;
    o->flags = NNACT__CKPT_FLAG_MOMENTUM_INIT;
    for (int j = 0; j < 3 * 69; j++)
        state[j] = io_value(7, j);
    o->state = state;
    t->epochs_done = 12;
    t->batch_in_epoch = 3;
    t->base_lr = 0.05;
    t->rng_key = 0x0123456789ABCDEFu;
    t->rng_counter = 987654321u;
}

static void writer_matches_fixture_and_reader_returns_fields(void **state_)
{
    (void)state_;
    size_t size, fsize;
    unsigned char *fixture = io_fixture("io_ckpt_adam.nnm", &fsize);
    unsigned char *model = io_fixture("io_five.nnm", &size);
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_load_buffer(model, size, &net), NNACT_OK);
    assert_int_equal(param_count(net), 69);
    struct nnact__ckpt_opt o, o2;
    struct nnact__ckpt_train t, t2;
    double state[3 * 69];
    fixture_data(&o, &t, state);

    unsigned char *data = NULL;
    size_t n = 0;
    assert_int_equal(nnact__ckpt_serialize("test", net, &o, &t, &data, &n), NNACT_OK);
    assert_int_equal(n, fsize);
    assert_memory_equal(data, fixture, n);

    struct nnact__model_view m;
    assert_int_equal(nnact__ckpt_parse("test", fixture, fsize, 0, &m, &o2, &t2), NNACT_OK);
    assert_int_equal(m.n_params, 69);
    assert_int_equal(m.n_layers, 5);
    assert_int_equal(o2.kind, 5);
    assert_int_equal(o2.n_hp, 9);
    for (uint32_t i = 0; i < o2.n_hp; i++) {
        assert_int_equal(o2.hp_key[i], o.hp_key[i]);
        assert_same_bits(o2.hp_value[i], o.hp_value[i]);
    }
    assert_int_equal(o2.steps, 1234);
    assert_int_equal(o2.bound_n, 69);
    assert_int_equal(o2.n_bufs, 3);
    assert_int_equal(o2.flags, 1);
    for (int j = 0; j < 3 * 69; j++)
        assert_same_bits(nnact__get_f64(o2.state_bytes + 8 * j), io_value(7, j));
    assert_int_equal(t2.epochs_done, 12);
    assert_int_equal(t2.batch_in_epoch, 3);
    assert_same_bits(t2.base_lr, 0.05);
    assert_int_equal(t2.rng_key, 0x0123456789ABCDEFu);
    assert_int_equal(t2.rng_counter, 987654321u);
    /* The model inside builds the same network as the model file. */
    nnact_net *inner = NULL;
    assert_int_equal(nnact__io_build_net("test", &m, &inner), NNACT_OK);
    io_assert_same_net(net, inner);
    nnact_net_free(inner);
    /* A checkpoint is not a model, and a model is not a checkpoint. */
    nnact_net *no = (nnact_net *)&o;
    assert_int_equal(nnact_net_load_buffer(fixture, fsize, &no), NNACT_ERR_FORMAT);
    assert_null(no);
    assert_int_equal(nnact__ckpt_parse("test", model, size, 0, &m, &o2, &t2), NNACT_ERR_FORMAT);
    assert_non_null(strstr(nnact_last_error(), "not a training checkpoint"));

    nnact__alloc_set_hook(NULL, NULL);
    free(data);
    free(model);
    free(fixture);
    nnact_net_free(net);
}

/* An unbound optimizer (no state yet) and SGD (no state ever). */
static void unbound_optimizer(void **state_)
{
    (void)state_;
    nnact_net *net = io_make_net(3, 2, 4);
    struct nnact__ckpt_opt o = {0}, o2;
    struct nnact__ckpt_train t = {0, 0, 0.1, 7, 0}, t2;
    o.kind = 0;
    o.n_hp = 1;
    o.hp_key[0] = 0;
    o.hp_value[0] = 0.1;
    unsigned char *data;
    size_t n;
    assert_int_equal(nnact__ckpt_serialize("test", net, &o, &t, &data, &n), NNACT_OK);
    struct nnact__model_view m;
    assert_int_equal(nnact__ckpt_parse("test", data, n, 0, &m, &o2, &t2), NNACT_OK);
    assert_int_equal(o2.bound_n, 0);
    assert_int_equal(o2.n_bufs, 0);
    assert_same_bits(t2.base_lr, 0.1);
    nnact__free(data);
    nnact_net_free(net);
}

static void expect_reject(const unsigned char *p, size_t n, const char *words)
{
    struct nnact__model_view m;
    struct nnact__ckpt_opt o;
    struct nnact__ckpt_train t;
    size_t before = nnact__alloc_count();
    assert_int_equal(nnact__ckpt_parse("test", p, n, 0, &m, &o, &t), NNACT_ERR_FORMAT);
    assert_int_equal(nnact__alloc_count(), before);
    if (words != NULL && strstr(nnact_last_error(), words) == NULL) {
        print_error("last error '%s' lacks '%s'\n", nnact_last_error(), words);
        fail();
    }
}

static void field(const unsigned char *base, size_t size, size_t off, int width, uint64_t v,
                  const char *words)
{
    unsigned char *p = malloc(size);
    assert_non_null(p);
    memcpy(p, base, size);
    if (width == 4)
        nnact__put_u32(p + off, (uint32_t)v);
    else
        nnact__put_u64(p + off, v);
    io_fix_crc(p, size);
    expect_reject(p, size, words);
    free(p);
}

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static void hostile_checkpoints(void **state_)
{
    (void)state_;
    size_t size;
    unsigned char *f = io_fixture("io_ckpt_adam.nnm", &size);
    /* Every prefix and a bit flip at every byte. */
    for (size_t n = 0; n < size; n++) {
        unsigned char *p = malloc(n ? n : 1);
        assert_non_null(p);
        memcpy(p, f, n);
        expect_reject(p, n, NULL);
        free(p);
    }
    for (size_t i = 0; i < size; i++) {
        f[i] ^= (unsigned char)(1u << (i % 8));
        expect_reject(f, size, NULL);
        f[i] ^= (unsigned char)(1u << (i % 8));
    }
    /* Optimizer section at 24 + 16 + 5*32 + 69*8 = 752. */
    const size_t o = 752, hp = o + 8, tail = hp + 9 * 16, st = tail + 24, tr = st + 3 * 69 * 8;
    assert_int_equal(tr + 40 + 4, size);
    field(f, size, o, 4, 7, "optimizer kind 7 is unknown");
    field(f, size, o, 4, UINT32_MAX, "optimizer kind");
    field(f, size, o + 4, 4, 16, "hyper-parameters, at most 15");
    field(f, size, o + 4, 4, UINT32_MAX, "at most 15");
    field(f, size, o + 4, 4, 10, ""); /* one record too many: misparses, rejected */
    field(f, size, o + 4, 4, 8, "");
    field(f, size, hp, 4, 15, "key 15 unknown or out of order");
    field(f, size, hp + 16, 4, 0, "key 0 unknown or out of order"); /* repeat of key 0 */
    field(f, size, hp + 4, 4, 1, "reserved");
    field(f, size, hp + 8, 8, bits(NAN), "hyper-parameter 0 is nan");
    field(f, size, hp + 8, 8, bits(INFINITY), "hyper-parameter 0 is inf");
    field(f, size, tail + 8, 8, 68, "bound to 68 parameters, the model has 69");
    field(f, size, tail + 8, 8, UINT64_MAX, "bound to");
    field(f, size, tail + 8, 8, (uint64_t)1 << 32, "bound to");
    field(f, size, tail + 16, 4, 4, "4 state vectors");
    field(f, size, tail + 16, 4, UINT32_MAX, "state vectors");
    field(f, size, tail + 16, 4, 2, "bytes after the training position");
    field(f, size, tail + 20, 4, 2, "unknown optimizer flags");
    field(f, size, st + 8 * 5, 8, bits(NAN), "state vector 0 element 5");
    field(f, size, st + 8 * (69 + 2), 8, bits(-INFINITY), "state vector 1 element 2");
    field(f, size, tr + 16, 8, bits(NAN), "base learning rate");
    field(f, size, tr + 16, 8, bits(-1.0), "base learning rate");
    field(f, size, 16, 8, size - 28 + 1, "only");
    /* Unbound optimizer with state vectors declared. */
    unsigned char *p = malloc(size);
    assert_non_null(p);
    memcpy(p, f, size);
    nnact__put_u64(p + tail + 8, 0);
    io_fix_crc(p, size);
    expect_reject(p, size, "0 unbound");
    /* Non-finite state is accepted when allowed. */
    memcpy(p, f, size);
    nnact__put_f64(p + st, NAN);
    io_fix_crc(p, size);
    struct nnact__model_view m;
    struct nnact__ckpt_opt oo;
    struct nnact__ckpt_train t;
    assert_int_equal(nnact__ckpt_parse("test", p, size, NNACT_LOAD_ALLOW_NONFINITE, &m, &oo, &t),
                     NNACT_OK);
    assert_true(isnan(nnact__get_f64(oo.state_bytes)));
    free(p);
    free(f);
}

/* Finite but out-of-range hyper-parameters pass the parser and are rejected
 * by the optimizer's setter; the public loader must report NNACT_ERR_FORMAT
 * with the parameter's name and its file offset, in a readable message (the
 * detail used to be fed back into the buffer it was read from). */
static void checkpoint_load_rejects_hyper_parameter(const unsigned char *f, size_t size, size_t off,
                                                    double v, const char *name)
{
    unsigned char *p = malloc(size);
    assert_non_null(p);
    memcpy(p, f, size);
    nnact__put_f64(p + off, v);
    io_fix_crc(p, size);
    char dir[] = "/tmp/nnact_ckpt_hp_XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/c.nnm", dir);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(p, 1, size, fp), size);
    assert_int_equal(fclose(fp), 0);
    nnact_net *net = (nnact_net *)p;
    nnact_opt *opt = (nnact_opt *)p;
    assert_int_equal(nnact_checkpoint_load(path, 0, &net, &opt, NULL, NULL, NULL, NULL, NULL),
                     NNACT_ERR_FORMAT);
    assert_null(net);
    assert_null(opt);
    char want[64];
    snprintf(want, sizeof want, "offset %zu:", off);
    const char *e = nnact_last_error();
    if (strncmp(e, "nnact_checkpoint_load: ", 23) != 0 || strstr(e, want) == NULL ||
        strstr(e, name) == NULL || strstr(e + 1, "nnact_checkpoint_load") != NULL) {
        print_error("last error '%s' lacks '%s' or '%s' (or repeats the caller)\n", e, want, name);
        fail();
    }
    unlink(path);
    rmdir(dir);
    free(p);
}

static void checkpoint_load_hyper_parameter_detail(void **state_)
{
    (void)state_;
    size_t size;
    unsigned char *f = io_fixture("io_ckpt_adam.nnm", &size);
    /* Records at 760 (see hostile_checkpoints): key 0 lr, then key 2 beta1;
     * the value is 8 bytes into a record. */
    checkpoint_load_rejects_hyper_parameter(f, size, 760 + 8, -5.0, "lr");
    checkpoint_load_rejects_hyper_parameter(f, size, 760 + 16 + 8, 1.0, "beta1");
    checkpoint_load_rejects_hyper_parameter(f, size, 760 + 16 + 8, 1.5, "beta1");
    free(f);
}

/* The in-memory loader gives what the fixture holds; bad arguments are
 * refused with both handles NULL. */
static void checkpoint_load_buffer_fixture(void **state_)
{
    (void)state_;
    size_t size;
    unsigned char *f = io_fixture("io_ckpt_adam.nnm", &size);
    nnact_net *net = NULL;
    nnact_opt *opt = NULL;
    uint64_t epochs = 0, batch = 0, key = 0, counter = 0;
    double lr = 0;
    assert_int_equal(
        nnact_checkpoint_load_buffer(f, size, 0, &net, &opt, &epochs, &batch, &lr, &key, &counter),
        NNACT_OK);
    assert_int_equal(param_count(net), 69);
    assert_int_equal(nnact_opt_get_kind(opt), NNACT_OPT_ADAM);
    assert_int_equal(nnact_opt_step_count(opt), 1234);
    double beta2 = 0;
    assert_int_equal(nnact_opt_get(opt, NNACT_OPT_PARAM_BETA2, &beta2), NNACT_OK);
    assert_same_bits(beta2, 0.999);
    assert_int_equal(epochs, 12);
    assert_int_equal(batch, 3);
    assert_same_bits(lr, 0.05);
    assert_int_equal(key, 0x0123456789ABCDEFu);
    assert_int_equal(counter, 987654321u);
    nnact_net_free(net);
    nnact_opt_free(opt);
    net = (nnact_net *)f;
    opt = (nnact_opt *)f;
    assert_int_equal(
        nnact_checkpoint_load_buffer(NULL, size, 0, &net, &opt, NULL, NULL, NULL, NULL, NULL),
        NNACT_ERR_ARG);
    assert_null(net);
    assert_null(opt);
    assert_int_equal(
        nnact_checkpoint_load_buffer(f, size, 2, &net, &opt, NULL, NULL, NULL, NULL, NULL),
        NNACT_ERR_ARG);
    assert_int_equal(
        nnact_checkpoint_load_buffer(f, size - 1, 0, &net, &opt, NULL, NULL, NULL, NULL, NULL),
        NNACT_ERR_FORMAT);
    assert_null(net);
    assert_null(opt);
    free(f);
}

static int fail_kth(size_t size, void *ctx)
{
    (void)size;
    long *k = ctx;
    return (*k)-- != 0;
}

/* Running out of memory anywhere in a checkpoint load is NNACT_ERR_NOMEM (the
 * optimizer's import used to be rewrapped as NNACT_ERR_FORMAT), with both
 * handles NULL; the k-th allocation fails for every k until the load succeeds. */
static void checkpoint_load_out_of_memory(void **state_)
{
    (void)state_;
    size_t size;
    unsigned char *f = io_fixture("io_ckpt_adam.nnm", &size);
    int failures = 0;
    for (long k = 0;; k++) {
        long left = k;
        nnact_net *net = (nnact_net *)f;
        nnact_opt *opt = (nnact_opt *)f;
        nnact__alloc_set_hook(fail_kth, &left);
        nnact_status s =
            nnact_checkpoint_load_buffer(f, size, 0, &net, &opt, NULL, NULL, NULL, NULL, NULL);
        nnact__alloc_set_hook(NULL, NULL);
        if (s == NNACT_OK) {
            nnact_net_free(net);
            nnact_opt_free(opt);
            break;
        }
        assert_int_equal(s, NNACT_ERR_NOMEM);
        assert_null(net);
        assert_null(opt);
        failures++;
        assert_true(k < 1000);
    }
    assert_true(failures >= 3); /* optimizer, its state, the network at least */
    free(f);
}

/* Saving the loaded checkpoint again gives the fixture's bytes. */
static void resaves_byte_for_byte(const nnact_net *net, const nnact_opt *opt,
                                  const nnact_checkpoint_position *pos, const unsigned char *f,
                                  size_t size)
{
    char dir[] = "/tmp/nnact_ckfix_XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/c.nnm", dir);
    assert_int_equal(nnact_checkpoint_save_at(path, net, opt, pos), NNACT_OK);
    size_t n;
    unsigned char *again = io_read_all(path, &n);
    assert_int_equal(n, size);
    assert_memory_equal(again, f, size);
    free(again);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* Every proper prefix and every single-bit flip of a valid file is refused. */
static void every_prefix_and_flip_refused(unsigned char *f, size_t size)
{
    for (size_t k = 0; k < size; k++) {
        unsigned char *p = malloc(k ? k : 1);
        assert_non_null(p);
        memcpy(p, f, k);
        expect_reject(p, k, NULL);
        free(p);
    }
    for (size_t i = 0; i < size; i++) {
        f[i] ^= (unsigned char)(1u << (i % 8));
        expect_reject(f, size, NULL);
        f[i] ^= (unsigned char)(1u << (i % 8));
    }
}

/* A checkpoint with the preprocessing section (io_ckpt_prep.nnm): the
 * section sits between the model parameters (ending at 752) and the optimizer
 * section, which it moves to 752 + 8 + 80 + 8 + 5 + 3 = 856. Loads with its
 * scaling and names, saves back byte for byte, and is as strict as the rest. */
static void checkpoint_with_prep_fixture(void **state_)
{
    (void)state_;
    size_t size;
    unsigned char *f = io_fixture("io_ckpt_prep.nnm", &size);
    nnact_net *net = NULL;
    nnact_opt *opt = NULL;
    nnact_checkpoint_position pos = {sizeof pos, 0, 0, 0.0, 0, 0};
    assert_int_equal(nnact_checkpoint_load_buffer_at(f, size, 0, &net, &opt, &pos), NNACT_OK);
    assert_int_equal(param_count(net), 69);
    assert_int_equal(nnact_opt_step_count(opt), 1234);
    assert_int_equal(pos.epochs_done, 12);
    double shift[5], scale[5];
    int present = 0;
    assert_int_equal(nnact_net_get_input_scaling(net, shift, scale, &present), NNACT_OK);
    assert_int_equal(present, 1);
    assert_same_bits(shift[4], 5.0);
    assert_same_bits(scale[3], -1.0);
    assert_int_equal(nnact_net_class_count(net), 2);
    assert_string_equal(nnact_net_class_name(net, 1), "yes");
    resaves_byte_for_byte(net, opt, &pos, f, size);
    nnact_net_free(net);
    nnact_opt_free(opt);

    every_prefix_and_flip_refused(f, size);
    field(f, size, 752, 4, 0, "empty preprocessing section");
    field(f, size, 756, 4, 1, "1 class names for 1 outputs");
    field(f, size, 760 + 40, 8, 0, "offset 800: input scale[0]");
    field(f, size, 856, 4, 7, "offset 856: optimizer kind 7 is unknown");
    /* version 1: the section is read as the optimizer section, and fails there */
    field(f, size, 8, 4, 1, "offset 764: reserved field");
    free(f);
}

/* A checkpoint with all four section members (io_ckpt_prep_names.nnm):
 * section at 752 (head, scaling 760, class lengths 840 and bytes 848, input
 * lengths 853 and bytes 873, target count 883, length 887, "label" 891..895,
 * no padding), optimizer section at 896. Loads, saves back byte for byte,
 * refuses every prefix and bit flip. */
static void checkpoint_with_names_fixture(void **state_)
{
    (void)state_;
    size_t size;
    unsigned char *f = io_fixture("io_ckpt_prep_names.nnm", &size);
    nnact_net *net = NULL;
    nnact_opt *opt = NULL;
    nnact_checkpoint_position pos = {sizeof pos, 0, 0, 0.0, 0, 0};
    assert_int_equal(nnact_checkpoint_load_buffer_at(f, size, 0, &net, &opt, &pos), NNACT_OK);
    assert_int_equal(nnact_opt_step_count(opt), 1234);
    assert_int_equal(nnact_net_class_count(net), 2);
    assert_string_equal(nnact_net_input_name(net, 0), "f1");
    assert_string_equal(nnact_net_input_name(net, 4), "f5");
    assert_int_equal(nnact_net_target_count(net), 1);
    assert_string_equal(nnact_net_target_name(net, 0), "label");
    resaves_byte_for_byte(net, opt, &pos, f, size);
    nnact_net_free(net);
    nnact_opt_free(opt);

    every_prefix_and_flip_refused(f, size);
    field(f, size, 752, 4, 31, "offset 752: unknown preprocessing flags 0x10");
    field(f, size, 853, 4, 0, "offset 853: input name 0 has length 0");
    field(f, size, 883, 4, 2, "offset 883: 2 target names for 1 outputs");
    field(f, size, 887, 4, 0, "offset 887: target name 0 has length 0");
    field(f, size, 896, 4, 7, "offset 896: optimizer kind 7 is unknown");
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writer_matches_fixture_and_reader_returns_fields),
        cmocka_unit_test(unbound_optimizer),
        cmocka_unit_test(hostile_checkpoints),
        cmocka_unit_test(checkpoint_load_hyper_parameter_detail),
        cmocka_unit_test(checkpoint_load_buffer_fixture),
        cmocka_unit_test(checkpoint_load_out_of_memory),
        cmocka_unit_test(checkpoint_with_prep_fixture),
        cmocka_unit_test(checkpoint_with_names_fixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
