/* io: nnact_file_describe and nnact_file_describe_buffer on the fixtures of
 * tests/gen_io_fixtures.py (expected values from the generator, not from a
 * run), on hostile bytes, and on bad arguments. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "alloc_fault.h"
#include "test_io_util.h"

#define FIVE NNACT_TEST_DATA_DIR "/io_five.nnm"
#define CKPT NNACT_TEST_DATA_DIR "/io_ckpt_adam.nnm"

static nnact_file_info fresh(void)
{
    nnact_file_info d;
    memset(&d, 0xA5, sizeof d); /* a sentinel: failures must leave it */
    d.size = sizeof d;
    return d;
}

static void model_from_path(void **state)
{
    (void)state;
    nnact_file_info d = fresh();
    nnact_net *net = NULL;
    assert_int_equal(nnact_file_describe(FIVE, &d, &net), NNACT_OK);
    size_t size;
    unsigned char *bytes = io_read_all(FIVE, &size);
    assert_int_equal(d.size, sizeof d);
    assert_int_equal(d.kind, NNACT_FILE_MODEL);
    assert_int_equal(d.format_version, 1);
    assert_int_equal(d.file_size, size);
    assert_int_equal(d.crc32c, 0x8f6eb04au); /* the generator's CRC-32C */
    assert_int_equal(d.n_layers, 5);
    assert_int_equal(d.n_inputs, 5);
    assert_int_equal(d.n_outputs, 1);
    /* 5*4+4 + 4*3+3 + 3*5 (no bias) + 5*2+2 + 2*1+1 */
    assert_int_equal(d.n_params, 69);
    assert_int_equal(d.n_nonfinite, 0);
    assert_int_equal(d.opt_steps, 0);
    assert_int_equal(d.epochs_done, 0);
    assert_int_equal(d.input_scaling, 0); /* a version-1 file has no section */
    assert_int_equal(d.n_classes, 0);
    assert_non_null(net);
    assert_int_equal(nnact_net_layer_count(net), 5);
    assert_int_equal(nnact_net_param_count(net), 69);
    free(bytes);
    nnact_net_free(net);
}

static void checkpoint_from_path(void **state)
{
    (void)state;
    nnact_file_info d = fresh();
    assert_int_equal(nnact_file_describe(CKPT, &d, NULL), NNACT_OK);
    assert_int_equal(d.kind, NNACT_FILE_CHECKPOINT);
    assert_int_equal(d.file_size, 2628);
    assert_int_equal(d.crc32c, 0x98dfbee0u);
    assert_int_equal(d.n_layers, 5);
    assert_int_equal(d.n_params, 69);
    assert_int_equal(d.opt_kind, NNACT_OPT_ADAM);
    assert_int_equal(d.opt_steps, 1234);
    assert_int_equal(d.epochs_done, 12);
    assert_int_equal(d.batch_in_epoch, 3);
    assert_same_bits(d.base_lr, 0.05);
}

/* The same bytes from memory describe the same file, field by field. */
static void buffer_equals_path(void **state)
{
    (void)state;
    const char *files[] = {FIVE, CKPT};
    for (size_t f = 0; f < 2; f++) {
        size_t size;
        unsigned char *bytes = io_read_all(files[f], &size);
        nnact_file_info a = fresh(), b = fresh();
        nnact_net *net = NULL;
        assert_int_equal(nnact_file_describe(files[f], &a, NULL), NNACT_OK);
        assert_int_equal(nnact_file_describe_buffer(bytes, size, &b, &net), NNACT_OK);
        assert_int_equal(a.kind, b.kind);
        assert_int_equal(a.format_version, b.format_version);
        assert_int_equal(a.file_size, b.file_size);
        assert_int_equal(a.crc32c, b.crc32c);
        assert_int_equal(a.n_layers, b.n_layers);
        assert_int_equal(a.n_inputs, b.n_inputs);
        assert_int_equal(a.n_outputs, b.n_outputs);
        assert_int_equal(a.n_params, b.n_params);
        assert_int_equal(a.n_nonfinite, b.n_nonfinite);
        assert_int_equal(a.opt_kind, b.opt_kind);
        assert_int_equal(a.opt_steps, b.opt_steps);
        assert_int_equal(a.epochs_done, b.epochs_done);
        assert_int_equal(a.batch_in_epoch, b.batch_in_epoch);
        assert_same_bits(a.base_lr, b.base_lr);
        /* the layer the fixture gives a leaky slope of 0.25 */
        nnact_act_kind act;
        double alpha;
        assert_int_equal(nnact_net_layer_info(net, 1, NULL, NULL, &act, &alpha, NULL), NNACT_OK);
        assert_int_equal(act, NNACT_ACT_LEAKY_RELU);
        assert_same_bits(alpha, 0.25);
        nnact_net_free(net);
        free(bytes);
    }
}

/* A failure leaves info as it was and the network NULL. */
static void expect_failure(const unsigned char *bytes, size_t size, nnact_status want)
{
    nnact_file_info d = fresh(), before = d;
    nnact_net *net = (nnact_net *)&d; /* must be reset */
    assert_int_equal(nnact_file_describe_buffer(bytes, size, &d, &net), want);
    assert_null(net);
    assert_memory_equal(&d, &before, sizeof d);
    assert_non_null(strstr(nnact_last_error(), "nnact_file_describe_buffer"));
}

static void hostile_bytes(void **state)
{
    (void)state;
    size_t size;
    unsigned char *bytes = io_read_all(FIVE, &size);
    bytes[0] ^= 1; /* bad magic: not a libnnact file */
    expect_failure(bytes, size, NNACT_ERR_FORMAT);
    assert_non_null(strstr(nnact_last_error(), "magic"));
    bytes[0] ^= 1;
    expect_failure(bytes, size - 1, NNACT_ERR_FORMAT); /* truncated */
    expect_failure(bytes, 10, NNACT_ERR_FORMAT);       /* shorter than a header */
    expect_failure(bytes, 0, NNACT_ERR_FORMAT);
    bytes[size - 20] ^= 0x40; /* a parameter bit: the checksum no longer holds */
    expect_failure(bytes, size, NNACT_ERR_FORMAT);
    assert_non_null(strstr(nnact_last_error(), "CRC"));
    free(bytes);
}

/* Non-finite parameters are counted, not refused (a plain load refuses them). */
static void nonfinite_counted(void **state)
{
    (void)state;
    nnact_net *net = NULL, *back = NULL;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    const double p[3] = {NAN, 1.0, INFINITY};
    assert_int_equal(nnact_net_set_params(net, 3, p), NNACT_OK);
    unsigned char buf[512];
    size_t size = 0;
    assert_int_equal(nnact_net_save_buffer(net, buf, sizeof buf, &size), NNACT_OK);
    nnact_file_info d = fresh();
    assert_int_equal(nnact_file_describe_buffer(buf, size, &d, &back), NNACT_OK);
    assert_int_equal(d.n_params, 3);
    assert_int_equal(d.n_nonfinite, 2);
    assert_non_null(back);
    nnact_net_free(back);
    assert_int_equal(nnact_net_load_buffer(buf, size, &back), NNACT_ERR_FORMAT);
    nnact_net_free(net);
}

/* An older caller's smaller struct gets its prefix; a newer caller's larger
 * one keeps the bytes this library does not know. */
static void struct_sizes(void **state)
{
    (void)state;
    struct {
        nnact_file_info info;
        unsigned char tail[16];
    } big;
    memset(&big, 0x5A, sizeof big);
    big.info.size = sizeof big;
    assert_int_equal(nnact_file_describe(CKPT, &big.info, NULL), NNACT_OK);
    assert_int_equal(big.info.size, sizeof big);
    assert_int_equal(big.info.opt_steps, 1234);
    for (size_t i = 0; i < sizeof big.tail; i++)
        assert_int_equal(big.tail[i], 0x5A);
    nnact_file_info d = fresh();
    /* the 1.1 record ends with n_targets (the preprocessing fields joined it
       before 1.1 was released) */
    d.size = offsetof(nnact_file_info, n_targets) + sizeof(size_t);
    assert_int_equal(nnact_file_describe(CKPT, &d, NULL), NNACT_OK);
    assert_int_equal(d.epochs_done, 12);
    d.size = offsetof(nnact_file_info, n_targets);
    assert_int_equal(nnact_file_describe(CKPT, &d, NULL), NNACT_ERR_ARG);
    d.size = offsetof(nnact_file_info, n_classes);
    assert_int_equal(nnact_file_describe(CKPT, &d, NULL), NNACT_ERR_ARG);
    d.size = offsetof(nnact_file_info, base_lr);
    assert_int_equal(nnact_file_describe(CKPT, &d, NULL), NNACT_ERR_ARG);
}

/* A huge sparse file is judged by its header before anything is read or
 * allocated (nnact info once read up to 8 GiB before checking the magic):
 * 3 GiB of zeros, and 3 GiB behind a model's real header (its declared size
 * disagrees with the file's), each fail at once with no allocation. */
static void huge_file_judged_by_header(void **state)
{
    (void)state;
    char path[] = "/tmp/nnact_describe_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)3 << 30), 0);
    nnact_file_info d = fresh();
    size_t before = nnact__alloc_count();
    assert_int_equal(nnact_file_describe(path, &d, NULL), NNACT_ERR_FORMAT);
    assert_non_null(strstr(nnact_last_error(), "bad magic"));
    assert_int_equal(nnact__alloc_count(), before);

    unsigned char head[24];
    FILE *f = fopen(FIVE, "rb");
    assert_non_null(f);
    assert_int_equal(fread(head, 1, sizeof head, f), sizeof head);
    fclose(f);
    assert_int_equal(pwrite(fd, head, sizeof head, 0), (ssize_t)sizeof head);
    before = nnact__alloc_count();
    assert_int_equal(nnact_file_describe(path, &d, NULL), NNACT_ERR_FORMAT);
    assert_int_equal(nnact__alloc_count(), before);
    close(fd);
    unlink(path);
}

static void bad_arguments(void **state)
{
    (void)state;
    nnact_file_info d = fresh();
    nnact_net *net = (nnact_net *)&d;
    assert_int_equal(nnact_file_describe(FIVE, NULL, &net), NNACT_ERR_ARG);
    assert_null(net);
    assert_int_equal(nnact_file_describe(NULL, &d, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_file_describe("", &d, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_file_describe_buffer(NULL, 4, &d, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_file_describe_buffer(NULL, 0, &d, NULL), NNACT_ERR_FORMAT);
    assert_int_equal(nnact_file_describe_buffer("", 0, NULL, NULL), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_file_describe_buffer"));
    assert_int_equal(nnact_file_describe(NNACT_TEST_DATA_DIR "/no_such_file", &d, NULL),
                     NNACT_ERR_IO);
    assert_int_equal(nnact_file_describe("/dev/zero", &d, NULL), NNACT_ERR_IO);
    assert_int_equal(nnact_file_describe(NNACT_TEST_DATA_DIR, &d, NULL), NNACT_ERR_IO);
    nnact_file_info before = fresh();
    assert_memory_equal(&d, &before, sizeof d);
}

/* Every allocation that can fail fails cleanly: NOMEM, nothing returned. */
static void allocation_failure(void **state)
{
    (void)state;
    for (size_t k = 0;; k++) {
        nnact_file_info d = fresh();
        nnact_net *net = NULL;
        struct fail_at f = {k, 0};
        nnact__alloc_set_hook(fail_kth, &f);
        nnact_status s = nnact_file_describe(CKPT, &d, &net);
        nnact__alloc_set_hook(NULL, NULL);
        if (s == NNACT_OK) {
            assert_true(k > 0);
            nnact_net_free(net);
            break;
        }
        assert_int_equal(s, NNACT_ERR_NOMEM);
        assert_null(net);
        nnact_file_info before = fresh();
        assert_memory_equal(&d, &before, sizeof d);
    }
}

/* Version-2 files: whether they hold a scaling, how many class names, for a
 * model and a checkpoint, and the network comes with both. */
static void prep_reported(void **state)
{
    (void)state;
    nnact_file_info d = fresh();
    nnact_net *net = NULL;
    assert_int_equal(nnact_file_describe(NNACT_TEST_DATA_DIR "/io_prep.nnm", &d, &net), NNACT_OK);
    assert_int_equal(d.format_version, 2);
    assert_int_equal(d.file_size, 452);
    assert_int_equal(d.input_scaling, 1);
    assert_int_equal(d.n_classes, 3);
    assert_int_equal(d.n_outputs, 3);
    assert_string_equal(nnact_net_class_name(net, 0), "setosa");
    nnact_net_free(net);
    d = fresh();
    assert_int_equal(nnact_file_describe(NNACT_TEST_DATA_DIR "/io_prep_binary.nnm", &d, NULL),
                     NNACT_OK);
    assert_int_equal(d.input_scaling, 0);
    assert_int_equal(d.n_classes, 2);
    d = fresh();
    assert_int_equal(nnact_file_describe(NNACT_TEST_DATA_DIR "/io_ckpt_prep.nnm", &d, NULL),
                     NNACT_OK);
    assert_int_equal(d.kind, NNACT_FILE_CHECKPOINT);
    assert_int_equal(d.format_version, 2);
    assert_int_equal(d.input_scaling, 1);
    assert_int_equal(d.n_classes, 2);
    assert_int_equal(d.opt_steps, 1234);
    assert_int_equal(d.input_names, 0);
    assert_int_equal(d.n_targets, 0);
    /* input and target names */
    d = fresh();
    assert_int_equal(nnact_file_describe(NNACT_TEST_DATA_DIR "/io_prep_names.nnm", &d, &net),
                     NNACT_OK);
    assert_int_equal(d.input_scaling, 1);
    assert_int_equal(d.n_classes, 3);
    assert_int_equal(d.input_names, 1);
    assert_int_equal(d.n_targets, 1);
    assert_string_equal(nnact_net_target_name(net, 0), "species");
    nnact_net_free(net);
    d = fresh();
    assert_int_equal(nnact_file_describe(NNACT_TEST_DATA_DIR "/io_prep_regress.nnm", &d, NULL),
                     NNACT_OK);
    assert_int_equal(d.input_scaling, 0);
    assert_int_equal(d.n_classes, 0);
    assert_int_equal(d.input_names, 1);
    assert_int_equal(d.n_targets, 2);
    d = fresh();
    assert_int_equal(nnact_file_describe(NNACT_TEST_DATA_DIR "/io_ckpt_prep_names.nnm", &d, NULL),
                     NNACT_OK);
    assert_int_equal(d.kind, NNACT_FILE_CHECKPOINT);
    assert_int_equal(d.input_names, 1);
    assert_int_equal(d.n_targets, 1);
    d = fresh();
    assert_int_equal(nnact_file_describe(NNACT_TEST_DATA_DIR "/io_one.nnm", &d, NULL), NNACT_OK);
    assert_int_equal(d.input_names, 0);
    assert_int_equal(d.n_targets, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(model_from_path),
        cmocka_unit_test(checkpoint_from_path),
        cmocka_unit_test(buffer_equals_path),
        cmocka_unit_test(hostile_bytes),
        cmocka_unit_test(nonfinite_counted),
        cmocka_unit_test(struct_sizes),
        cmocka_unit_test(huge_file_judged_by_header),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(allocation_failure),
        cmocka_unit_test(prep_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
