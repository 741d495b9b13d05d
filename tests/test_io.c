/* io: the format against fixtures written by an independent implementation
 * (tests/gen_io_fixtures.py), strict loading, and round trips. */
#include <unistd.h>

#include "test_io_util.h"

static const char *fixtures[] = {"io_empty.nnm",       "io_one.nnm",         "io_nobias.nnm",
                                 "io_five.nnm",        "io_xor.nnm",         "io_all_acts.nnm",
                                 "io_prep.nnm",        "io_prep_binary.nnm", "io_prep_names.nnm",
                                 "io_prep_regress.nnm"};
enum { N_FIXTURES = sizeof fixtures / sizeof fixtures[0] };

static void crc32c_check_values(void **state)
{
    (void)state;
    /* Published check values of CRC-32C (RFC 3720 appendix B.4 vectors). */
    assert_int_equal(nnact__crc32c(0, "123456789", 9), 0xE3069283u);
    assert_int_equal(nnact__crc32c(0, "", 0), 0u);
    unsigned char zeros[32] = {0}, ones[32];
    memset(ones, 0xff, sizeof ones);
    assert_int_equal(nnact__crc32c(0, zeros, 32), 0x8A9136AAu);
    assert_int_equal(nnact__crc32c(0, ones, 32), 0x62A8AB43u);
    /* Continuation: two halves give the whole. */
    assert_int_equal(nnact__crc32c(nnact__crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
}

/* Each fixture loads with the layers and parameters the generator wrote. */
static void fixtures_load_as_written(void **state)
{
    (void)state;
    /* io_all_acts: layer a has activation a, (a % 5) + 1 outputs, parameter
     * 0.75 x default for the kinds that take one, no bias when a % 3 == 2. */
    size_t size;
    unsigned char *data = io_fixture("io_all_acts.nnm", &size);
    nnact_net *net = (nnact_net *)data; /* garbage: must be overwritten */
    assert_int_equal(nnact_net_load_buffer(data, size, &net), NNACT_OK);
    assert_non_null(net);
    assert_int_equal(nnact_net_input_size(net), 2);
    /* the fixture was written with the 26 kinds of the first catalogue: a
     * file from then still loads after kinds were appended */
    assert_int_equal(nnact_net_layer_count(net), 26);
    assert_true(nnact_act_count() >= 26);
    size_t prev = 2;
    for (size_t a = 0; a < 26; a++) {
        size_t n_in, n_out;
        nnact_act_kind k;
        double alpha;
        unsigned flags;
        assert_int_equal(nnact_net_layer_info(net, a, &n_in, &n_out, &k, &alpha, &flags), NNACT_OK);
        assert_int_equal(n_in, prev);
        assert_int_equal(n_out, a % 5 + 1);
        assert_int_equal(k, (nnact_act_kind)a);
        assert_int_equal(flags, a % 3 == 2 ? NNACT_DENSE_NO_BIAS : 0u);
        double expect_alpha = 0.0;
        switch (a) {
        case NNACT_ACT_LEAKY_RELU:
            expect_alpha = 0.0075;
            break;
        case NNACT_ACT_ELU:
        case NNACT_ACT_CELU:
        case NNACT_ACT_SOFTPLUS:
            expect_alpha = 0.75;
            break;
        case NNACT_ACT_SOFTSHRINK:
        case NNACT_ACT_HARDSHRINK:
            expect_alpha = 0.375;
            break;
        default:
            break;
        }
        assert_same_bits(alpha, expect_alpha);
        double W[25], b[5];
        assert_int_equal(nnact_net_get_layer(net, a, W, b), NNACT_OK);
        for (size_t j = 0; j < n_in * n_out; j++)
            assert_same_bits(W[j], io_value((int)a, (int)j));
        for (size_t j = 0; j < n_out; j++)
            assert_same_bits(b[j], flags ? 0.0 : io_value((int)a, (int)(n_in * n_out + j)));
        prev = n_out;
    }
    nnact_net_free(net);
    free(data);

    data = io_fixture("io_empty.nnm", &size);
    assert_int_equal(size, 44);
    assert_int_equal(nnact_net_load_buffer(data, size, &net), NNACT_OK);
    assert_int_equal(nnact_net_input_size(net), 3);
    assert_int_equal(nnact_net_layer_count(net), 0);
    nnact_net_free(net);
    free(data);
}

/* save(load(f)) is byte-identical to f, through the buffer and through a file. */
static void fixtures_resave_byte_identical(void **state)
{
    (void)state;
    char dir[] = "/tmp/nnact_io_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/m.nnm", dir);
    for (int i = 0; i < N_FIXTURES; i++) {
        size_t size, n, m;
        unsigned char *data = io_fixture(fixtures[i], &size);
        nnact_net *net = NULL;
        assert_int_equal(nnact_net_load_buffer(data, size, &net), NNACT_OK);
        unsigned char *again = io_save(net, &n);
        assert_int_equal(n, size);
        assert_memory_equal(again, data, size);
        assert_int_equal(nnact_net_save(net, path), NNACT_OK);
        unsigned char *disk = io_read_all(path, &m);
        assert_int_equal(m, size);
        assert_memory_equal(disk, data, size);
        nnact_net *from_disk = NULL;
        assert_int_equal(nnact_net_load(path, &from_disk), NNACT_OK);
        io_assert_same_net(net, from_disk);
        nnact_net_free(from_disk);
        nnact_net_free(net);
        free(data);
        free(again);
        free(disk);
    }
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* data (n bytes, saved from net) loads back as the same network: same
 * layers and parameters, the same bits out of predict on `batch` (<= 7) rows
 * of 3 inputs when it has a layer, and the same bytes when saved again. */
static void reload_is_same(const nnact_net *net, const unsigned char *data, size_t n, size_t batch)
{
    nnact_net *back = NULL;
    assert_int_equal(nnact_net_load_buffer(data, n, &back), NNACT_OK);
    io_assert_same_net(net, back);
    if (nnact_net_layer_count(net) > 0) { /* predict needs a layer */
        double x[7 * 3], y1[7 * 5], y2[7 * 5];
        for (size_t j = 0; j < batch * 3; j++)
            x[j] = (double)((int)(j * 13 % 17) - 8) / 4.0;
        assert_int_equal(nnact_net_predict(net, batch, x, y1), NNACT_OK);
        assert_int_equal(nnact_net_predict(back, batch, x, y2), NNACT_OK);
        for (size_t j = 0; j < batch * nnact_net_output_size(net); j++)
            assert_same_bits(y2[j], y1[j]);
    }
    size_t m;
    unsigned char *again = io_save(back, &m);
    assert_int_equal(m, n);
    assert_memory_equal(again, data, n);
    nnact_net_free(back);
    free(again);
}

/* load(save(net)) is the same network and predicts the same bits, for 0..5
 * layers and every activation kind. */
static void roundtrip_bit_identical(void **state)
{
    (void)state;
    const size_t batch = 7;
    for (int layers = 0; layers <= 5; layers++) {
        for (int act0 = 0; act0 < (int)nnact_act_count(); act0++) {
            nnact_net *net = io_make_net(3, layers, act0);
            size_t n;
            unsigned char *data = io_save(net, &n);
            reload_is_same(net, data, n, batch);
            nnact_net_free(net);
            free(data);
        }
    }
}

/* The XOR fixture predicts what numpy computed from the spec's bytes. */
static void xor_fixture_predicts_reference(void **state)
{
    (void)state;
    size_t size;
    unsigned char *data = io_fixture("io_xor.nnm", &size);
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_load_buffer(data, size, &net), NNACT_OK);
    char path[1024];
    snprintf(path, sizeof path, "%s/io_xor_expected.txt", NNACT_TEST_DATA_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    double expect[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(fscanf(f, "%lf", &expect[i]), 1);
    fclose(f);
    const double x[8] = {0, 0, 0, 1, 1, 0, 1, 1};
    double y[4];
    assert_int_equal(nnact_net_predict(net, 4, x, y), NNACT_OK);
    for (int i = 0; i < 4; i++)
        assert_close(y[i], expect[i], 4e-16);
    nnact_net_free(net);
    free(data);
}

/* NaN/Inf parameters: rejected by default with the offset, kept bit for bit
 * when allowed. */
static void nonfinite_rejected_unless_allowed(void **state)
{
    (void)state;
    size_t size;
    unsigned char *data = io_fixture("io_nonfinite.nnm", &size);
    nnact_net *net = (nnact_net *)data;
    assert_int_equal(nnact_net_load_buffer(data, size, &net), NNACT_ERR_FORMAT);
    assert_null(net);
    /* params start at 24 + 16 + 32 = 72; W[3] at 72 + 24 = 96. */
    assert_non_null(strstr(nnact_last_error(), "offset 96"));
    assert_non_null(strstr(nnact_last_error(), "W[3]"));
    assert_int_equal(nnact_net_load_buffer_ex(data, size, NNACT_LOAD_ALLOW_NONFINITE, &net),
                     NNACT_OK);
    double W[4], b[2];
    assert_int_equal(nnact_net_get_layer(net, 0, W, b), NNACT_OK);
    assert_true(isnan(W[3]));
    assert_same_bits(W[2], io_value(0, 2));
    size_t n;
    unsigned char *again = io_save(net, &n);
    assert_int_equal(n, size);
    assert_memory_equal(again, data, size);
    nnact_net_free(net);
    free(again);

    /* +Inf and -Inf in a bias, checksum recomputed. */
    for (int sign = -1; sign <= 1; sign += 2) {
        nnact__put_f64(data + 72 + 4 * 8 + 8, sign * INFINITY);
        nnact__put_f64(data + 96, 1.0);
        io_fix_crc(data, size);
        assert_int_equal(nnact_net_load_buffer(data, size, &net), NNACT_ERR_FORMAT);
        assert_null(net);
        assert_non_null(strstr(nnact_last_error(), "b[1]"));
        assert_non_null(strstr(nnact_last_error(), "offset 112"));
    }
    free(data);
}

static void bad_arguments(void **state)
{
    (void)state;
    nnact_net *net = io_make_net(2, 2, 3);
    size_t n = 12345;
    unsigned char buf[16];
    memset(buf, 0xAB, sizeof buf);
    assert_int_equal(nnact_net_save_buffer(NULL, NULL, 0, &n), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "net is NULL"));
    assert_int_equal(nnact_net_save_buffer(net, NULL, 0, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_save_buffer(net, NULL, 8, &n), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_save_buffer(net, buf, sizeof buf, &n), NNACT_ERR_ARG);
    /* header + model head + 2 records + parameters (both layers have bias) + CRC */
    size_t n_out1 = 0, n_out2 = 0;
    nnact_net_layer_info(net, 0, NULL, &n_out1, NULL, NULL, NULL);
    nnact_net_layer_info(net, 1, NULL, &n_out2, NULL, NULL, NULL);
    size_t expect = 24 + 16 + 2 * 32 + (2 * n_out1 + n_out1 + n_out1 * n_out2 + n_out2) * 8 + 4;
    assert_int_equal(n, expect); /* the size needed, reported with the error */
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0xAB); /* untouched */
    assert_int_equal(nnact_net_save(NULL, "/tmp/x"), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_save(net, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_save(net, ""), NNACT_ERR_ARG);

    unsigned char *data = io_save(net, &n);
    nnact_net *out = (nnact_net *)buf;
    assert_int_equal(nnact_net_load_buffer(data, n, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_load_buffer(NULL, 5, &out), NNACT_ERR_ARG);
    assert_null(out);
    out = (nnact_net *)buf;
    assert_int_equal(nnact_net_load_buffer(NULL, 0, &out), NNACT_ERR_FORMAT);
    assert_null(out);
    out = (nnact_net *)buf;
    assert_int_equal(nnact_net_load_buffer_ex(data, n, 2u, &out), NNACT_ERR_ARG);
    assert_null(out);
    assert_non_null(strstr(nnact_last_error(), "unknown flags"));
    assert_int_equal(nnact_net_load(NULL, &out), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_load("/tmp/x", NULL), NNACT_ERR_ARG);
    out = (nnact_net *)buf;
    assert_int_equal(nnact_net_load_ex("/tmp/x", 4u, &out), NNACT_ERR_ARG);
    assert_null(out);
    free(data);
    nnact_net_free(net);
}

/* A checkpoint-kind file is not a model: nnact_net_load says so. */
static void checkpoint_kind_refused_by_net_load(void **state)
{
    (void)state;
    size_t size;
    unsigned char *data = io_fixture("io_one.nnm", &size);
    nnact__put_u32(data + 12, NNACT__IO_KIND_CHECKPOINT);
    io_fix_crc(data, size);
    nnact_net *net = (nnact_net *)data;
    assert_int_equal(nnact_net_load_buffer(data, size, &net), NNACT_ERR_FORMAT);
    assert_null(net);
    assert_non_null(strstr(nnact_last_error(), "checkpoint"));
    free(data);
}

/* Fail the k-th allocation of a load and of a save, for every k: a clean
 * NNACT_ERR_NOMEM (or the net's own status), out NULL, nothing leaked
 * (LeakSanitizer checks the last part under the sanitized build). */
struct fail_at {
    size_t k, seen;
};
static int fail_kth(size_t size, void *ctx)
{
    (void)size;
    struct fail_at *f = ctx;
    return ++f->seen != f->k;
}

static void allocation_failures(void **state)
{
    (void)state;
    size_t size;
    unsigned char *data = io_fixture("io_five.nnm", &size);
    int succeeded = 0;
    for (size_t k = 1; k < 200 && !succeeded; k++) {
        struct fail_at f = {k, 0};
        nnact_net *net = (nnact_net *)data;
        nnact__alloc_set_hook(fail_kth, &f);
        nnact_status s = nnact_net_load_buffer(data, size, &net);
        nnact__alloc_set_hook(NULL, NULL);
        if (f.seen < k) {
            assert_int_equal(s, NNACT_OK); /* fewer than k allocations: done */
            succeeded = 1;
        } else {
            assert_int_equal(s, NNACT_ERR_NOMEM);
            assert_null(net);
        }
        nnact_net_free(net);
    }
    assert_true(succeeded);

    nnact_net *net = NULL;
    assert_int_equal(nnact_net_load_buffer(data, size, &net), NNACT_OK);
    unsigned char copy[1024];
    assert_true(size <= sizeof copy);
    succeeded = 0;
    for (size_t k = 1; k < 50 && !succeeded; k++) {
        struct fail_at f = {k, 0};
        size_t n = 0;
        memset(copy, 0x5A, sizeof copy);
        nnact__alloc_set_hook(fail_kth, &f);
        nnact_status s = nnact_net_save_buffer(net, copy, sizeof copy, &n);
        nnact__alloc_set_hook(NULL, NULL);
        if (f.seen < k) {
            assert_int_equal(s, NNACT_OK);
            assert_memory_equal(copy, data, size);
            succeeded = 1;
        } else {
            assert_int_equal(s, NNACT_ERR_NOMEM);
            for (size_t i = 0; i < sizeof copy; i++)
                assert_int_equal(copy[i], 0x5A);
        }
    }
    assert_true(succeeded);
    nnact_net_free(net);
    free(data);
}

/* The version-2 fixtures (tests/gen_io_fixtures.py): the section's values as
 * written, and a file's version is 1 exactly when it has no section. */
static void prep_fixtures_load_as_written(void **state)
{
    (void)state;
    size_t size;
    unsigned char *data = io_fixture("io_prep.nnm", &size);
    assert_int_equal(size, 452);
    assert_int_equal(nnact__get_u32(data + 8), 2);
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_load_buffer(data, size, &net), NNACT_OK);
    const double shift[3] = {0.5, -0.0, 1024.25}, scale[3] = {2.0, -0.125, 5e-324};
    double sh[3], sc[3];
    int present = 0;
    assert_int_equal(nnact_net_get_input_scaling(net, sh, sc, &present), NNACT_OK);
    assert_int_equal(present, 1);
    for (int j = 0; j < 3; j++) {
        assert_same_bits(sh[j], shift[j]);
        assert_same_bits(sc[j], scale[j]);
    }
    assert_int_equal(nnact_net_class_count(net), 3);
    assert_string_equal(nnact_net_class_name(net, 0), "setosa");
    assert_string_equal(nnact_net_class_name(net, 1), "versi\tcolor");
    assert_string_equal(nnact_net_class_name(net, 2), "virg\xc3\xadnica");
    assert_null(nnact_net_class_name(net, 3));
    /* the network computes layers((x - shift) / scale): the same bits as the
     * file's layers alone on the scaled rows */
    const double x[2 * 3] = {1.0, 0.25, 1024.25, -3.0, 0.0, 1024.25};
    double xs[2 * 3], y1[2 * 3], y2[2 * 3];
    for (int i = 0; i < 6; i++)
        xs[i] = (x[i] - shift[i % 3]) / scale[i % 3];
    assert_int_equal(nnact_net_predict(net, 2, x, y1), NNACT_OK);
    assert_int_equal(nnact_net_set_input_scaling(net, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_net_predict(net, 2, xs, y2), NNACT_OK);
    for (int i = 0; i < 6; i++)
        assert_same_bits(y1[i], y2[i]);
    /* without scaling and names the file is version 1 again */
    assert_int_equal(nnact_net_set_class_names(net, 0, NULL), NNACT_OK);
    size_t n;
    unsigned char *v1 = io_save(net, &n);
    assert_int_equal(nnact__get_u32(v1 + 8), 1);
    assert_int_equal(n, size - 8 - 48 - 12 - 24 - 4); /* head, scaling, lengths, names + pad */
    free(v1);
    nnact_net_free(net);
    free(data);

    data = io_fixture("io_prep_binary.nnm", &size);
    assert_int_equal(nnact_net_load_buffer(data, size, &net), NNACT_OK);
    assert_int_equal(nnact_net_get_input_scaling(net, sh, sc, &present), NNACT_OK);
    assert_int_equal(present, 0);
    assert_same_bits(sh[0], 0.0);
    assert_same_bits(sc[1], 1.0);
    assert_int_equal(nnact_net_output_size(net), 1);
    assert_int_equal(nnact_net_class_count(net), 2);
    assert_string_equal(nnact_net_class_name(net, 0), "n");
    assert_string_equal(nnact_net_class_name(net, 1), "ja");
    nnact_net_free(net);
    free(data);
}

/* io_prep_names.nnm holds all four members (section at 352: head, scaling
 * 360, class lengths 408 and bytes 420, input lengths 447 and bytes 459,
 * target count 731, length 735, "species" 739, padding 746..751); and
 * io_prep_regress.nnm only input and target names (flags 4 | 8). Loaded as
 * written; removing every member gives a version-1 file again. */
static void names_fixtures_load_as_written(void **state)
{
    (void)state;
    size_t size;
    unsigned char *data = io_fixture("io_prep_names.nnm", &size);
    assert_int_equal(size, 756);
    assert_int_equal(nnact__get_u32(data + 352), 15);
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_load_buffer(data, size, &net), NNACT_OK);
    int present = 0;
    assert_int_equal(nnact_net_get_input_scaling(net, NULL, NULL, &present), NNACT_OK);
    assert_int_equal(present, 1);
    assert_int_equal(nnact_net_class_count(net), 3);
    assert_string_equal(nnact_net_class_name(net, 2), "virg\xc3\xadnica");
    assert_string_equal(nnact_net_input_name(net, 0), "sepal length");
    assert_string_equal(nnact_net_input_name(net, 1), "p,w\xc3\xa9");
    assert_int_equal(strlen(nnact_net_input_name(net, 2)), 255);
    assert_int_equal(strspn(nnact_net_input_name(net, 2), "x"), 255);
    assert_null(nnact_net_input_name(net, 3));
    assert_int_equal(nnact_net_target_count(net), 1);
    assert_string_equal(nnact_net_target_name(net, 0), "species");
    /* each member removed in turn: the file shrinks by exactly its bytes */
    size_t n;
    unsigned char *v = NULL;
    assert_int_equal(nnact_net_set_target_names(net, 0, NULL), NNACT_OK);
    v = io_save(net, &n);
    assert_int_equal(nnact__get_u32(v + 352), 7);
    assert_int_equal(n, size - 16); /* 4 + 4 + 7 bytes and the padding: 400 -> 384 */
    free(v);
    assert_int_equal(nnact_net_set_input_names(net, NULL), NNACT_OK);
    v = io_save(net, &n);
    assert_int_equal(n, 452);
    size_t prep_size;
    unsigned char *prep = io_fixture("io_prep.nnm", &prep_size);
    assert_int_equal(prep_size, 452);
    assert_memory_equal(v, prep, 452);
    free(prep);
    free(v);
    assert_int_equal(nnact_net_set_input_scaling(net, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_net_set_class_names(net, 0, NULL), NNACT_OK);
    v = io_save(net, &n);
    assert_int_equal(nnact__get_u32(v + 8), 1);
    free(v);
    nnact_net_free(net);
    free(data);

    data = io_fixture("io_prep_regress.nnm", &size);
    assert_int_equal(size, 284);
    assert_int_equal(nnact__get_u32(data + 240), 12);
    assert_int_equal(nnact_net_load_buffer(data, size, &net), NNACT_OK);
    assert_int_equal(nnact_net_get_input_scaling(net, NULL, NULL, &present), NNACT_OK);
    assert_int_equal(present, 0);
    assert_int_equal(nnact_net_class_count(net), 0);
    assert_string_equal(nnact_net_input_name(net, 0), "a");
    assert_string_equal(nnact_net_input_name(net, 1), "bb");
    assert_int_equal(nnact_net_target_count(net), 2);
    assert_string_equal(nnact_net_target_name(net, 0), "y1");
    assert_string_equal(nnact_net_target_name(net, 1), "y2");
    /* input names alone still make a version-2 file, target names too */
    assert_int_equal(nnact_net_set_target_names(net, 0, NULL), NNACT_OK);
    v = io_save(net, &n);
    assert_int_equal(nnact__get_u32(v + 8), 2);
    assert_int_equal(nnact__get_u32(v + 240), 4);
    assert_int_equal(n, 24 + 216 + 8 + 8 + 3 + 5 + 4);
    free(v);
    const char *t[1] = {"only"};
    assert_int_equal(nnact_net_set_input_names(net, NULL), NNACT_OK);
    assert_int_equal(nnact_net_set_target_names(net, 1, t), NNACT_OK);
    v = io_save(net, &n);
    assert_int_equal(nnact__get_u32(v + 240), 8);
    assert_int_equal(nnact__get_u32(v + 248), 1);
    assert_int_equal(n, 24 + 216 + 8 + 4 + 4 + 4 + 4 + 4);
    free(v);
    nnact_net_free(net);
    free(data);
}

/* A repeated input or target name passes the structure checks and is refused
 * when the network takes the names: a format error naming the offset of the
 * member's lengths. */
static void repeated_input_and_target_names_refused(void **state)
{
    (void)state;
    size_t size;
    unsigned char *data = io_fixture("io_prep_regress.nnm", &size);
    /* input lengths at 248 (1) and 252 (2), bytes "abb" at 256: "a" and "a"
       by making the second name one byte; the freed byte joins the next
       member, so shift the rest of the section left by one instead */
    unsigned char *p = malloc(size);
    assert_non_null(p);
    memcpy(p, data, size);
    nnact__put_u32(p + 252, 1);
    p[257] = 'a';
    memmove(p + 258, p + 259, 275 - 259); /* "a" "a", target part one byte earlier */
    p[274] = 0;                           /* padding 5 -> 6 bytes */
    io_fix_crc(p, size);
    nnact_net *net = (nnact_net *)p;
    assert_int_equal(nnact_net_load_buffer(p, size, &net), NNACT_ERR_FORMAT);
    assert_null(net);
    assert_non_null(strstr(nnact_last_error(), "offset 248: input names rejected"));
    assert_non_null(strstr(nnact_last_error(), "input name a appears twice"));
    /* target names "y1" "y2" at 271: make them "y1" "y1" */
    memcpy(p, data, size);
    p[274] = '1';
    io_fix_crc(p, size);
    net = (nnact_net *)p;
    assert_int_equal(nnact_net_load_buffer(p, size, &net), NNACT_ERR_FORMAT);
    assert_null(net);
    assert_non_null(strstr(nnact_last_error(), "offset 263: target names rejected"));
    assert_non_null(strstr(nnact_last_error(), "target name y1 appears twice"));
    free(p);
    free(data);
}

/* load(save(net)) with every combination of scaling and names, for 0..5
 * layers and every activation kind: same network, same bits out. */
static void roundtrip_with_prep(void **state)
{
    (void)state;
    for (int which = 1; which <= 15; which++) {
        for (int layers = 0; layers <= 5; layers++) {
            for (int act0 = 0; act0 < (int)nnact_act_count(); act0 += 3) {
                nnact_net *net = io_make_net(3, layers, act0);
                io_add_prep(net, which);
                size_t n;
                unsigned char *data = io_save(net, &n);
                assert_int_equal(nnact__get_u32(data + 8), 2);
                reload_is_same(net, data, n, 4);
                nnact_net_free(net);
                free(data);
            }
        }
    }
}

/* A repeated class name passes the structure checks (they allocate nothing)
 * and is refused when the network takes the names: a format error naming the
 * offset of the lengths. */
static void repeated_class_name_refused(void **state)
{
    (void)state;
    size_t size;
    unsigned char *data = io_fixture("io_prep_binary.nnm", &size);
    /* section at 96: flags, count, lengths 1 and 2 at 104 and 108, "n" "ja"
       at 112: make the second name "n" too (length 1, the freed byte padding) */
    nnact__put_u32(data + 104 + 4, 1);
    data[113] = 'n';
    data[114] = 0;
    io_fix_crc(data, size);
    nnact_net *net = (nnact_net *)data;
    assert_int_equal(nnact_net_load_buffer(data, size, &net), NNACT_ERR_FORMAT);
    assert_null(net);
    assert_non_null(strstr(nnact_last_error(), "offset 104: class names rejected"));
    assert_non_null(strstr(nnact_last_error(), "appears twice"));
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc32c_check_values),
        cmocka_unit_test(fixtures_load_as_written),
        cmocka_unit_test(fixtures_resave_byte_identical),
        cmocka_unit_test(roundtrip_bit_identical),
        cmocka_unit_test(xor_fixture_predicts_reference),
        cmocka_unit_test(nonfinite_rejected_unless_allowed),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(checkpoint_kind_refused_by_net_load),
        cmocka_unit_test(allocation_failures),
        cmocka_unit_test(prep_fixtures_load_as_written),
        cmocka_unit_test(roundtrip_with_prep),
        cmocka_unit_test(repeated_class_name_refused),
        cmocka_unit_test(names_fixtures_load_as_written),
        cmocka_unit_test(repeated_input_and_target_names_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
