/* onnx: export and import. Every kind round-trips with the same bits in
 * double (and as its float rounding in float); PyTorch's fixtures
 * (tests/onnx/make_torch_fixtures.py) import and predict PyTorch's outputs
 * to 1e-12; the refusals of the reader and the importer are hit by
 * hand-built models (test_refused_*, test_own_*: the chain route's and the reader's in
 * tables, the 512 MiB and 2 GiB limits through lowered seams); allocation
 * failures leave nothing behind and every success keeps every name. */
#include "nnact_test.h"

#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <time.h>
#include <unistd.h>

#include "alloc_fault.h"
#include "core/alloc.h"
#include "nnact/nnact.h"
#include "onnx/onnx_internal.h"

/* ---- helpers ---- */

static nnact_net *kind_net(nnact_act_kind k, double a, int extras)
{
    nnact_net *net;
    assert_int_equal(nnact_net_create(3, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 4, k, a), NNACT_OK);
    assert_int_equal(nnact_net_add_dense_ex(net, 2, k, a, NNACT_DENSE_NO_BIAS), NNACT_OK);
    assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 5 + (uint64_t)k), NNACT_OK);
    if (extras) {
        double shift[3] = {0.1, -2, 3.5}, scale[3] = {1.5, 0.25, 3};
        const char *classes[2] = {"cat", "dog\t\"x\""};
        const char *inputs[3] = {"a", "b", "c,d"};
        const char *targets[1] = {"kind"};
        assert_int_equal(nnact_net_set_input_scaling(net, shift, scale), NNACT_OK);
        assert_int_equal(nnact_net_set_class_names(net, 2, classes), NNACT_OK);
        assert_int_equal(nnact_net_set_input_names(net, inputs), NNACT_OK);
        assert_int_equal(nnact_net_set_target_names(net, 1, targets), NNACT_OK);
    }
    return net;
}

static unsigned char *export_mem(const nnact_net *net, nnact_onnx_elem elem, size_t *size)
{
    nnact_onnx_config *cfg;
    assert_int_equal(nnact_onnx_config_create(&cfg), NNACT_OK);
    assert_int_equal(nnact_onnx_config_set_elem(cfg, elem), NNACT_OK);
    assert_int_equal(nnact_onnx_save_buffer(net, cfg, NULL, 0, size), NNACT_OK);
    unsigned char *buf = malloc(*size);
    size_t again = 0;
    assert_int_equal(nnact_onnx_save_buffer(net, cfg, buf, *size, &again), NNACT_OK);
    assert_int_equal(again, *size);
    nnact_onnx_config_free(cfg);
    return buf;
}

static void same_predictions(const nnact_net *a, const nnact_net *b)
{
    double x[3 * 5], ya[2 * 5], yb[2 * 5];
    for (int i = 0; i < 15; i++)
        x[i] = (i - 7) * 0.61;
    assert_int_equal(nnact_net_predict(a, 5, x, ya), NNACT_OK);
    assert_int_equal(nnact_net_predict(b, 5, x, yb), NNACT_OK);
    assert_memory_equal(ya, yb, sizeof ya);
}

/* ---- options and arguments ---- */

static void test_config(void **state)
{
    (void)state;
    nnact_onnx_config *cfg;
    assert_int_equal(nnact_onnx_config_create(NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_onnx_config_create(&cfg), NNACT_OK);
    assert_int_equal(nnact_onnx_config_set_elem(NULL, NNACT_ONNX_FLOAT), NNACT_ERR_ARG);
    assert_int_equal(nnact_onnx_config_set_elem(cfg, (nnact_onnx_elem)7), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_onnx_config_set_elem"));
    nnact_onnx_config_free(cfg);
    nnact_onnx_config_free(NULL);
    struct fail_at f = {0, 0};
    nnact__alloc_set_hook(fail_kth, &f);
    cfg = (nnact_onnx_config *)&f;
    assert_int_equal(nnact_onnx_config_create(&cfg), NNACT_ERR_NOMEM);
    nnact__alloc_set_hook(NULL, NULL);
    assert_null(cfg);
}

static void test_save_args(void **state)
{
    (void)state;
    nnact_net *net = kind_net(NNACT_ACT_RELU, 0, 0), *empty;
    size_t size = 0;
    unsigned char small[8];
    assert_int_equal(nnact_onnx_save_buffer(NULL, NULL, NULL, 0, &size), NNACT_ERR_ARG);
    assert_int_equal(nnact_onnx_save_buffer(net, NULL, NULL, 0, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_onnx_save_buffer(net, NULL, NULL, 5, &size), NNACT_ERR_ARG);
    assert_int_equal(nnact_onnx_save_buffer(net, NULL, small, sizeof small, &size), NNACT_ERR_ARG);
    assert_true(size > sizeof small); /* the size needed is reported */
    assert_non_null(strstr(nnact_last_error(), "capacity 8"));
    assert_int_equal(nnact_net_create(2, &empty), NNACT_OK);
    assert_int_equal(nnact_onnx_save_buffer(empty, NULL, NULL, 0, &size), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "no layers"));
    assert_int_equal(nnact_onnx_save(net, NULL, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_onnx_save(net, NULL, ""), NNACT_ERR_ARG);
    assert_int_equal(nnact_onnx_save(net, NULL, "/nonexistent-dir/x.onnx"), NNACT_ERR_IO);
    /* a float export of a value beyond float's range is refused, named */
    double W[12], b[4];
    nnact_net_get_layer(net, 0, W, b);
    W[5] = 1e300;
    nnact_net_set_layer(net, 0, W, b);
    nnact_onnx_config *cfg;
    assert_int_equal(nnact_onnx_config_create(&cfg), NNACT_OK);
    assert_int_equal(nnact_onnx_config_set_elem(cfg, NNACT_ONNX_FLOAT), NNACT_OK);
    assert_int_equal(nnact_onnx_save_buffer(net, cfg, NULL, 0, &size), NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "W0[5] = 1.0000000000000001e+300 is infinite"));
    assert_int_equal(nnact_onnx_save_buffer(net, NULL, NULL, 0, &size), NNACT_OK); /* double */
    /* review item 11: the activation's parameter too (CELU's alpha 0 in float
     * would divide by 0; leaky_relu's slope would be infinite) */
    nnact_net *celu = kind_net(NNACT_ACT_CELU, 1e-300, 0),
              *leaky = kind_net(NNACT_ACT_LEAKY_RELU, 1e300, 0);
    assert_int_equal(nnact_onnx_save_buffer(celu, cfg, NULL, 0, &size), NNACT_ERR_NUMERIC);
    assert_non_null(
        strstr(nnact_last_error(), "layer 0 (celu) has alpha = 1e-300, which is 0 in float"));
    assert_int_equal(nnact_onnx_save_buffer(leaky, cfg, NULL, 0, &size), NNACT_ERR_NUMERIC);
    assert_non_null(strstr(nnact_last_error(), "which is infinite in float"));
    assert_int_equal(nnact_onnx_save_buffer(celu, NULL, NULL, 0, &size), NNACT_OK);
    assert_int_equal(nnact_onnx_save_buffer(leaky, NULL, NULL, 0, &size), NNACT_OK);
    nnact_net_free(celu);
    nnact_net_free(leaky);
    nnact_onnx_config_free(cfg);
    nnact_net_free(empty);
    nnact_net_free(net);
}

static void test_gelu_double_refused(void **state)
{
    (void)state;
    nnact_net *net = kind_net(NNACT_ACT_GELU, 0, 0);
    size_t size = 0;
    assert_int_equal(nnact_onnx_save_buffer(net, NULL, NULL, 0, &size), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "layer 0 is gelu (erf)"));
    assert_non_null(strstr(nnact_last_error(), "float"));
    unsigned char *buf = export_mem(net, NNACT_ONNX_FLOAT, &size);
    nnact_net *back = NULL;
    assert_int_equal(nnact_onnx_load_buffer(buf, size, &back), NNACT_OK);
    nnact_act_kind k;
    assert_int_equal(nnact_net_layer_info(back, 1, NULL, NULL, &k, NULL, NULL), NNACT_OK);
    assert_int_equal(k, NNACT_ACT_GELU);
    nnact_net_free(back);
    free(buf);
    nnact_net_free(net);
}

/* ---- round trips ---- */

static double param_for(nnact_act_kind k)
{
    if (nnact_act_param_name(k) == NULL) return 0;
    return k == NNACT_ACT_LEAKY_RELU ? 0.01 : 0.3; /* not exact in float: compositions */
}

static void check_layers(const nnact_net *a, const nnact_net *b, int as_float)
{
    assert_int_equal(nnact_net_layer_count(a), nnact_net_layer_count(b));
    for (size_t l = 0; l < nnact_net_layer_count(a); l++) {
        size_t ia, oa, ib, ob;
        nnact_act_kind ka, kb;
        double pa, pb;
        unsigned fa, fb;
        nnact_net_layer_info(a, l, &ia, &oa, &ka, &pa, &fa);
        nnact_net_layer_info(b, l, &ib, &ob, &kb, &pb, &fb);
        assert_int_equal(ia, ib);
        assert_int_equal(oa, ob);
        assert_int_equal(ka, kb);
        assert_int_equal(fa, fb);
        double want = as_float ? (double)(float)pa : pa;
        if (memcmp(&want, &pb, sizeof pb) != 0) {
            print_error("layer %zu (%s): parameter %a, back %a\n", l, nnact_act_name(ka), want, pb);
            fail();
        }
        double Wa[12], Wb[12], ba[4], bb[4];
        nnact_net_get_layer(a, l, Wa, ba);
        nnact_net_get_layer(b, l, Wb, bb);
        for (size_t i = 0; i < ia * oa; i++) {
            double w = as_float ? (double)(float)Wa[i] : Wa[i];
            assert_memory_equal(&w, &Wb[i], sizeof w);
        }
    }
}

static void test_round_trip_every_kind(void **state)
{
    (void)state;
    for (int elem = 0; elem < 2; elem++)
        for (size_t k = 0; k < nnact_act_count(); k++) {
            if (k == NNACT_ACT_GELU && elem == NNACT_ONNX_DOUBLE) continue;
            nnact_net *net = kind_net((nnact_act_kind)k, param_for((nnact_act_kind)k), 1);
            size_t size;
            unsigned char *buf = export_mem(net, (nnact_onnx_elem)elem, &size);
            nnact_net *back = NULL;
            nnact_status s = nnact_onnx_load_buffer(buf, size, &back);
            if (s != NNACT_OK)
                print_error("%s: %s\n", nnact_act_name((nnact_act_kind)k), nnact_last_error());
            assert_int_equal(s, NNACT_OK);
            check_layers(net, back, elem);
            if (elem == NNACT_ONNX_DOUBLE) same_predictions(net, back);
            assert_string_equal(nnact_net_class_name(back, 1), "dog\t\"x\"");
            assert_string_equal(nnact_net_input_name(back, 2), "c,d");
            assert_string_equal(nnact_net_target_name(back, 0), "kind");
            double shift[3], scale[3];
            int present = 0;
            nnact_net_get_input_scaling(back, shift, scale, &present);
            assert_int_equal(present, 1);
            assert_true(shift[2] == 3.5 && scale[1] == 0.25);
            /* the export of what came back is the same file */
            size_t size2;
            unsigned char *buf2 = export_mem(back, (nnact_onnx_elem)elem, &size2);
            assert_int_equal(size, size2);
            assert_memory_equal(buf, buf2, size);
            free(buf2);
            nnact_net_free(back);
            nnact_net_free(net);
            free(buf);
        }
}

static void test_file_round_trip(void **state)
{
    (void)state;
    char path[] = "/tmp/nnact_test_onnx_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    nnact_net *net = kind_net(NNACT_ACT_ELU, 1.0, 0), *back = NULL;
    assert_int_equal(nnact_onnx_save(net, NULL, path), NNACT_OK);
    assert_int_equal(nnact_onnx_load(path, &back), NNACT_OK);
    same_predictions(net, back);
    nnact_onnx_info info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;
    nnact_net *d = NULL;
    assert_int_equal(nnact_onnx_describe(path, &info, &d), NNACT_OK);
    assert_int_equal(info.ir_version, 8);
    assert_int_equal(info.opset, 17);
    assert_string_equal(info.producer, "libnnact");
    assert_string_equal(info.input, "x");
    assert_string_equal(info.output, "y");
    assert_int_equal(info.input_rank, 2);
    assert_int_equal(info.input_dims[0], -1);
    assert_int_equal(info.input_dims[1], 3);
    assert_int_equal(info.output_dims[1], 2);
    assert_int_equal(info.importable, 1);
    assert_non_null(d);
    nnact_net_free(d);
    info.size = 8;
    assert_int_equal(nnact_onnx_describe(path, &info, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_onnx_describe(path, NULL, NULL), NNACT_ERR_ARG);
    unlink(path);
    nnact_net *none = (nnact_net *)path;
    assert_int_equal(nnact_onnx_load(path, &none), NNACT_ERR_IO);
    assert_null(none);
    assert_int_equal(nnact_onnx_load("/tmp", &none), NNACT_ERR_IO);
    assert_non_null(strstr(nnact_last_error(), "directory"));
    assert_int_equal(nnact_onnx_load(NULL, &none), NNACT_ERR_ARG);
    assert_int_equal(nnact_onnx_load(path, NULL), NNACT_ERR_ARG);
    assert_int_equal(nnact_onnx_load_buffer(NULL, 3, &none), NNACT_ERR_ARG);
    nnact_net_free(back);
    nnact_net_free(net);
}

/* ---- PyTorch's exports ---- */

static void torch_fixture(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/onnx/%s.txt", NNACT_TEST_DATA_DIR, name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n_in, n_out, batch;
    assert_int_equal(fscanf(f, "%zu %zu %zu", &n_in, &n_out, &batch), 3);
    double *x = malloc(n_in * batch * sizeof *x), *want = malloc(n_out * batch * sizeof *want);
    double *got = malloc(n_out * batch * sizeof *got);
    for (size_t i = 0; i < n_in * batch; i++)
        assert_int_equal(fscanf(f, "%lf", &x[i]), 1);
    for (size_t i = 0; i < n_out * batch; i++)
        assert_int_equal(fscanf(f, "%lf", &want[i]), 1);
    fclose(f);
    snprintf(path, sizeof path, "%s/onnx/%s.onnx", NNACT_TEST_DATA_DIR, name);
    nnact_net *net = NULL;
    nnact_status s = nnact_onnx_load(path, &net);
    if (s != NNACT_OK) print_error("%s: %s\n", name, nnact_last_error());
    assert_int_equal(s, NNACT_OK);
    assert_int_equal(nnact_net_input_size(net), n_in);
    assert_int_equal(nnact_net_output_size(net), n_out);
    assert_int_equal(nnact_net_predict(net, batch, x, got), NNACT_OK);
    for (size_t i = 0; i < n_out * batch; i++) {
        if (!(fabs(got[i] - want[i]) <= 1e-12 * fabs(want[i]) + 1e-300)) {
            print_error("%s: output %zu = %.17g, PyTorch %.17g\n", name, i, got[i], want[i]);
            fail();
        }
    }
    nnact_net_free(net);
    free(x);
    free(want);
    free(got);
}

static void test_torch_fixtures(void **state)
{
    (void)state;
    static const char *const names[] = {
        "relu_tanh_sigmoid_op13",     "leaky_elu_selu_op14",
        "celu_gelu_silu_mish_op15",   "softplus_hardtanh_relu6_op16",
        "hardsigmoid_hardswish_op17", "logsigmoid_tanhshrink_op17",
        "softshrink_hardshrink_op17", "softsign_op15",
        "matmul_add_relu_op17",       "matmul_add_tanh_op13",
        "addmm_transb0_elu_op15"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        torch_fixture(names[i]);
}

/* ---- hand-built models for every refusal ---- */

/* What a test model holds; the defaults are a valid 2 -> 3 ReLU -> 1 MLP. */
struct spec {
    int elem;           /* input type */
    int in_rank;        /* input rank */
    int n_outputs;      /* graph outputs */
    const char *op1;    /* activation after the first Gemm */
    int64_t w0_dims[2]; /* W0's dims */
    size_t w0_data;     /* W0's data bytes (0: what the dims need) */
    int trans_a;        /* Gemm transA */
    float gemm_alpha;   /* Gemm alpha */
    double w_value;     /* every weight */
    int external;       /* W0 with external data */
    int extra_nodes;    /* Identity nodes appended (the output renamed) */
    int domain;         /* the activation in a custom domain */
    int act_first;      /* the activation before the first Gemm */
    float op1_alpha;    /* when nonzero: op1's float attribute "alpha" */
};

static const struct spec good = {ONNX_DOUBLE, 2, 1, "Relu", {2, 3}, 0, 0, 1.0f, 0.5, 0, 0, 0, 0, 0};

static void put_t(struct pbw *g, const char *name, int rank, const int64_t *dims, double v,
                  size_t bytes, int external)
{
    size_t at = nnact__pbw_begin(g, 5);
    size_t n = 1;
    for (int i = 0; i < rank; i++) {
        nnact__pbw_varint(g, 1, (uint64_t)dims[i]);
        n *= dims[i] > 0 && dims[i] < 1000 ? (size_t)dims[i] : 1;
    }
    nnact__pbw_varint(g, 2, ONNX_DOUBLE);
    nnact__pbw_str(g, 8, name);
    if (external) {
        size_t e = nnact__pbw_begin(g, 13);
        nnact__pbw_str(g, 1, "location");
        nnact__pbw_str(g, 2, "weights.bin");
        nnact__pbw_end(g, e);
        nnact__pbw_varint(g, 14, 1);
    } else {
        size_t body = nnact__pbw_begin(g, 9);
        size_t want = bytes ? bytes : 8 * n;
        for (size_t i = 0; i < want; i++) {
            unsigned char b = ((const unsigned char *)&v)[i % 8];
            nnact__pbw_raw(g, &b, 1);
        }
        nnact__pbw_end(g, body);
    }
    nnact__pbw_end(g, at);
}

static void put_n(struct pbw *g, const char *op, const char *a, const char *b, const char *c,
                  const char *out, const char *domain, float alpha)
{
    size_t at = nnact__pbw_begin(g, 1);
    nnact__pbw_str(g, 1, a);
    if (b) nnact__pbw_str(g, 1, b);
    if (c) nnact__pbw_str(g, 1, c);
    nnact__pbw_str(g, 2, out);
    nnact__pbw_str(g, 4, op);
    if (domain) nnact__pbw_str(g, 7, domain);
    if (alpha != 0) {
        size_t t = nnact__pbw_begin(g, 5);
        nnact__pbw_str(g, 1, "alpha");
        nnact__pbw_float(g, 2, alpha);
        nnact__pbw_varint(g, 20, 1);
        nnact__pbw_end(g, t);
    }
    nnact__pbw_end(g, at);
}

static void put_gemm(struct pbw *g, const char *a, const char *w, const char *b, const char *out,
                     int trans_a, float alpha)
{
    size_t at = nnact__pbw_begin(g, 1);
    nnact__pbw_str(g, 1, a);
    nnact__pbw_str(g, 1, w);
    nnact__pbw_str(g, 1, b);
    nnact__pbw_str(g, 2, out);
    nnact__pbw_str(g, 4, "Gemm");
    size_t t = nnact__pbw_begin(g, 5);
    nnact__pbw_str(g, 1, "transA");
    nnact__pbw_varint(g, 3, (uint64_t)trans_a);
    nnact__pbw_varint(g, 20, 2);
    nnact__pbw_end(g, t);
    t = nnact__pbw_begin(g, 5);
    nnact__pbw_str(g, 1, "alpha");
    nnact__pbw_float(g, 2, alpha);
    nnact__pbw_varint(g, 20, 1);
    nnact__pbw_end(g, t);
    nnact__pbw_end(g, at);
}

static void put_io(struct pbw *g, uint32_t field, const char *name, int elem, int rank)
{
    size_t at = nnact__pbw_begin(g, field);
    nnact__pbw_str(g, 1, name);
    size_t ty = nnact__pbw_begin(g, 2), tt = nnact__pbw_begin(g, 1);
    nnact__pbw_varint(g, 1, (uint64_t)elem);
    size_t sh = nnact__pbw_begin(g, 2);
    for (int i = 0; i < rank; i++) {
        size_t d = nnact__pbw_begin(g, 1);
        if (i == 0)
            nnact__pbw_str(g, 2, "N");
        else
            nnact__pbw_varint(g, 1, 2);
        nnact__pbw_end(g, d);
    }
    nnact__pbw_end(g, sh);
    nnact__pbw_end(g, tt);
    nnact__pbw_end(g, ty);
    nnact__pbw_end(g, at);
}

static unsigned char *build(const struct spec *s, size_t *size)
{
    struct pbw g = {0}, m = {0};
    const char *first = s->act_first ? "a" : "x";
    if (s->act_first) put_n(&g, "Relu", "x", NULL, NULL, "a", NULL, 0);
    put_gemm(&g, first, "W0", "b0", "z0", s->trans_a, s->gemm_alpha);
    put_n(&g, s->op1, "z0", NULL, NULL, "h0", s->domain ? "com.example" : NULL, s->op1_alpha);
    put_gemm(&g, "h0", "W1", "b1", s->extra_nodes ? "i0" : "y", 0, 1.0f);
    char in[16], out[16];
    for (int i = 0; i < s->extra_nodes; i++) {
        snprintf(in, sizeof in, "i%d", i);
        snprintf(out, sizeof out, i + 1 == s->extra_nodes ? "y" : "i%d", i + 1);
        put_n(&g, "Identity", in, NULL, NULL, out, NULL, 0);
    }
    int64_t d1[2] = {3, 1}, db0[1] = {3}, db1[1] = {1};
    put_t(&g, "W0", 2, s->w0_dims, s->w_value, s->w0_data, s->external);
    put_t(&g, "b0", 1, db0, 0.25, 0, 0);
    put_t(&g, "W1", 2, d1, -1.0, 0, 0);
    put_t(&g, "b1", 1, db1, 0.125, 0, 0);
    put_io(&g, 11, "x", s->elem, s->in_rank);
    for (int i = 0; i < s->n_outputs; i++)
        put_io(&g, 12, i ? "y2" : "y", ONNX_DOUBLE, 2);
    nnact__pbw_varint(&m, 1, 8);
    nnact__pbw_bytes(&m, 7, g.p, g.len);
    size_t op = nnact__pbw_begin(&m, 8);
    nnact__pbw_varint(&m, 2, 17);
    nnact__pbw_end(&m, op);
    nnact__pbw_free(&g);
    *size = m.len;
    return m.p;
}

static void expect_refused(const unsigned char *data, size_t size, nnact_status want,
                           const char *words)
{
    nnact_net *net = (nnact_net *)&size;
    nnact_status s = nnact_onnx_load_buffer(data, size, &net);
    if (s != want || net != NULL || (words && !strstr(nnact_last_error(), words))) {
        print_error("status %d, detail '%s', want %d with '%s'\n", (int)s, nnact_last_error(),
                    (int)want, words ? words : "");
        if (s == NNACT_OK) nnact_net_free(net);
        fail();
    }
}

static void refused_spec(const struct spec *sp, nnact_status want, const char *words)
{
    size_t size;
    unsigned char *data = build(sp, &size);
    expect_refused(data, size, want, words);
    nnact__free(data);
}

static void test_handmade_good(void **state)
{
    (void)state;
    size_t size;
    unsigned char *data = build(&good, &size);
    nnact_net *net = NULL;
    assert_int_equal(nnact_onnx_load_buffer(data, size, &net), NNACT_OK);
    double x[2] = {1, -3}, y;
    /* z = 0.5 (1 - 3) + 0.25 = -0.75 per unit; relu 0; y = 0.125 */
    assert_int_equal(nnact_net_predict(net, 1, x, &y), NNACT_OK);
    assert_true(y == 0.125);
    x[1] = 3; /* z = 2.25: y = -3 * 2.25 + 0.125 */
    assert_int_equal(nnact_net_predict(net, 1, x, &y), NNACT_OK);
    assert_true(y == -6.625);
    nnact_net_free(net);
    nnact__free(data);
    struct spec s = good;
    s.extra_nodes = 2; /* Identity nodes are tolerated */
    data = build(&s, &size);
    assert_int_equal(nnact_onnx_load_buffer(data, size, &net), NNACT_OK);
    nnact_net_free(net);
    nnact__free(data);
    /* a float32 attribute is the float value it holds: LeakyRelu(0.1f) has
     * slope 0.100000001490116..., not 0.1 */
    s = good;
    s.op1 = "LeakyRelu";
    s.op1_alpha = 0.1f;
    data = build(&s, &size);
    assert_int_equal(nnact_onnx_load_buffer(data, size, &net), NNACT_OK);
    nnact_act_kind k;
    double alpha;
    assert_int_equal(nnact_net_layer_info(net, 0, NULL, NULL, &k, &alpha, NULL), NNACT_OK);
    assert_int_equal(k, NNACT_ACT_LEAKY_RELU);
    assert_true(alpha == (double)0.1f && alpha != 0.1);
    nnact_net_free(net);
    nnact__free(data);
}

static void test_refused_graphs(void **state)
{
    (void)state;
    struct spec s = good;
    s.op1 = "Softmax";
    refused_spec(&s, NNACT_ERR_FORMAT, "op Softmax");
    s = good;
    s.op1 = "Ev\x01l";
    refused_spec(&s, NNACT_ERR_FORMAT, "Ev\\x01l"); /* user bytes quoted */
    s = good;
    s.domain = 1;
    refused_spec(&s, NNACT_ERR_FORMAT, "outside the default domain");
    s = good;
    s.w0_dims[0] = 3; /* 3 x 3 against a width of 2 */
    refused_spec(&s, NNACT_ERR_FORMAT, "does not match the width");
    s = good;
    s.in_rank = 3;
    refused_spec(&s, NNACT_ERR_FORMAT, "rank 3");
    s = good;
    s.n_outputs = 2;
    refused_spec(&s, NNACT_ERR_FORMAT, "2 outputs");
    s = good;
    s.elem = ONNX_INT64;
    refused_spec(&s, NNACT_ERR_FORMAT, "not a float or double");
    s = good;
    s.trans_a = 1;
    refused_spec(&s, NNACT_ERR_FORMAT, "transA");
    s = good;
    s.gemm_alpha = 2.0f;
    refused_spec(&s, NNACT_ERR_FORMAT, "alpha or beta");
    s = good;
    s.act_first = 1;
    refused_spec(&s, NNACT_ERR_FORMAT, "before the first dense layer");
    s = good;
    s.op1 = "Relu";
    s.w_value = NAN;
    refused_spec(&s, NNACT_ERR_NUMERIC, "NaN");
}

static void test_refused_tensors(void **state)
{
    (void)state;
    struct spec s = good;
    s.external = 1;
    refused_spec(&s, NNACT_ERR_FORMAT, "external data");
    s = good;
    s.w0_data = 40; /* 6 elements need 48 bytes */
    refused_spec(&s, NNACT_ERR_FORMAT, "need 48");
    s = good;
    s.w0_dims[0] = (int64_t)1 << 40;
    refused_spec(&s, NNACT_ERR_FORMAT, "dimension 1099511627776");
    s = good;
    s.w0_dims[0] = 1 << 20;
    s.w0_dims[1] = 1 << 20;
    refused_spec(&s, NNACT_ERR_FORMAT, "more than 67108864 elements");
    s = good;
    s.w0_dims[0] = -2;
    refused_spec(&s, NNACT_ERR_FORMAT, "dimension -2");
}

/* Raw wire-format damage, each refused by the reader with the offset. */
static void test_refused_wire(void **state)
{
    (void)state;
    static const unsigned char trunc_varint[] = {0x08, 0x80, 0x80};
    expect_refused(trunc_varint, sizeof trunc_varint, NNACT_ERR_FORMAT, "truncated varint");
    static const unsigned char long_varint[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    expect_refused(long_varint, sizeof long_varint, NNACT_ERR_FORMAT, "longer than 64 bits");
    static const unsigned char past_end[] = {0x3a, 0x10, 0x0a};
    expect_refused(past_end, sizeof past_end, NNACT_ERR_FORMAT, "declares 16 bytes, 1 remain");
    static const unsigned char group[] = {0x0b};
    expect_refused(group, sizeof group, NNACT_ERR_FORMAT, "wire type 3");
    static const unsigned char field0[] = {0x00, 0x01};
    expect_refused(field0, sizeof field0, NNACT_ERR_FORMAT, "field number 0");
    static const unsigned char fixed_cut[] = {0x09, 1, 2, 3};
    expect_refused(fixed_cut, sizeof fixed_cut, NNACT_ERR_FORMAT, "truncated fixed-width");
    static const unsigned char no_graph[] = {0x08, 0x08};
    expect_refused(no_graph, sizeof no_graph, NNACT_ERR_FORMAT, "no graph");
    expect_refused(NULL, 0, NNACT_ERR_FORMAT, "no graph");
    static const unsigned char two_graphs[] = {0x3a, 0x00, 0x3a, 0x00};
    expect_refused(two_graphs, sizeof two_graphs, NNACT_ERR_FORMAT, "second graph");
    static const unsigned char graph_as_varint[] = {0x38, 0x01};
    expect_refused(graph_as_varint, sizeof graph_as_varint, NNACT_ERR_FORMAT, "wire type 0");
    /* an unknown field of each wire type is skipped: only "no graph" remains */
    static const unsigned char unknown[] = {0xf8, 0x01, 0x05, 0xf9, 0x01, 1,    2,    3, 4, 5, 6, 7,
                                            8,    0xfa, 0x01, 0x01, 0x00, 0xfd, 0x01, 1, 2, 3, 4};
    expect_refused(unknown, sizeof unknown, NNACT_ERR_FORMAT, "no graph");
}

static void test_refused_counts(void **state)
{
    (void)state;
    /* a graph of 4097 empty nodes: over the limit before anything is read */
    struct pbw g = {0}, m = {0};
    for (unsigned i = 0; i <= ONNX_MAX_NODES; i++)
        nnact__pbw_bytes(&g, 1, "", 0);
    nnact__pbw_bytes(&m, 7, g.p, g.len);
    expect_refused(m.p, m.len, NNACT_ERR_FORMAT, "4097 nodes (limit 4096)");
    nnact__pbw_free(&g);
    nnact__pbw_free(&m);
    /* a node with four inputs */
    size_t at = nnact__pbw_begin(&g, 1);
    for (int i = 0; i < 4; i++)
        nnact__pbw_str(&g, 1, "x");
    nnact__pbw_end(&g, at);
    nnact__pbw_bytes(&m, 7, g.p, g.len);
    expect_refused(m.p, m.len, NNACT_ERR_FORMAT, "more than 3 inputs");
    nnact__pbw_free(&g);
    nnact__pbw_free(&m);
    /* a tensor with five dimensions */
    at = nnact__pbw_begin(&g, 5);
    for (int i = 0; i < 5; i++)
        nnact__pbw_varint(&g, 1, 1);
    nnact__pbw_end(&g, at);
    nnact__pbw_bytes(&m, 7, g.p, g.len);
    expect_refused(m.p, m.len, NNACT_ERR_FORMAT, "more than 4 dimensions");
    nnact__pbw_free(&g);
    nnact__pbw_free(&m);
    /* an integer tensor's data */
    at = nnact__pbw_begin(&g, 5);
    nnact__pbw_varint(&g, 7, 1);
    nnact__pbw_end(&g, at);
    nnact__pbw_bytes(&m, 7, g.p, g.len);
    expect_refused(m.p, m.len, NNACT_ERR_FORMAT, "integer or string data");
    nnact__pbw_free(&g);
    nnact__pbw_free(&m);
}

/* A model that claims to be an own export ("nnact.layers" = layers): input
 * x of elem, W0 of w_type [d0, d1] with w_bytes data bytes (0: none), and,
 * when sc_type is nonzero, shift and scale of that type with 8 bytes each. */
static unsigned char *own_claim(const char *layers, int elem, int w_type, int64_t d0, int64_t d1,
                                size_t w_bytes, int sc_type, size_t *size)
{
    struct pbw g = {0}, m = {0};
    size_t at = nnact__pbw_begin(&g, 5);
    nnact__pbw_varint(&g, 1, (uint64_t)d0);
    nnact__pbw_varint(&g, 1, (uint64_t)d1);
    nnact__pbw_varint(&g, 2, (uint64_t)w_type);
    nnact__pbw_str(&g, 8, "W0");
    if (w_bytes) {
        size_t body = nnact__pbw_begin(&g, 9);
        for (size_t i = 0; i < w_bytes; i++)
            nnact__pbw_raw(&g, "\x3f", 1);
        nnact__pbw_end(&g, body);
    }
    nnact__pbw_end(&g, at);
    for (int i = 0; sc_type && i < 2; i++) {
        at = nnact__pbw_begin(&g, 5);
        nnact__pbw_varint(&g, 1, (uint64_t)d0);
        nnact__pbw_varint(&g, 2, (uint64_t)sc_type);
        nnact__pbw_str(&g, 8, i ? "scale" : "shift");
        nnact__pbw_bytes(&g, 9, "\x3f\x3f\x3f\x3f\x3f\x3f\x3f\x3f", 8);
        nnact__pbw_end(&g, at);
    }
    put_io(&g, 11, "x", elem, 2);
    put_io(&g, 12, "y", elem, 2);
    nnact__pbw_varint(&m, 1, 8);
    nnact__pbw_bytes(&m, 7, g.p, g.len);
    at = nnact__pbw_begin(&m, 14);
    nnact__pbw_str(&m, 1, "nnact.layers");
    nnact__pbw_str(&m, 2, layers);
    nnact__pbw_end(&m, at);
    nnact__pbw_free(&g);
    *size = m.len;
    return m.p;
}

/* Review of issue 16, item 1: tensors of another element type than float or
 * double were read as double without their size checked (a 62-byte file read
 * 48 MB past its end, or dereferenced NULL). */
static void test_own_claim_other_types(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/onnx_regress_own_int64.onnx", NNACT_TEST_DATA_DIR);
    nnact_net *net = (nnact_net *)path;
    assert_int_equal(nnact_onnx_load(path, &net), NNACT_ERR_FORMAT);
    assert_null(net);
    size_t size;
    /* INT64 input and W0, no data / 8 bytes for 6 million elements */
    unsigned char *data = own_claim("relu", ONNX_INT64, ONNX_INT64, 2000, 3000, 0, 0, &size);
    expect_refused(data, size, NNACT_ERR_FORMAT, NULL);
    nnact__free(data);
    data = own_claim("relu", ONNX_INT64, ONNX_INT64, 2000, 3000, 8, 0, &size);
    expect_refused(data, size, NNACT_ERR_FORMAT, NULL);
    nnact__free(data);
    /* a good double W0 [1, 1], but shift and scale of INT64 holding one element's
     * 8 bytes for 1 element: read as int64, never as double */
    data = own_claim("relu", ONNX_DOUBLE, ONNX_DOUBLE, 1, 1, 8, ONNX_INT64, &size);
    expect_refused(data, size, NNACT_ERR_FORMAT, NULL);
    nnact__free(data);
    /* ... and with 2 elements declared, 8 bytes: a size mismatch, never read */
    data = own_claim("relu", ONNX_DOUBLE, ONNX_DOUBLE, 2, 1, 16, ONNX_INT64, &size);
    expect_refused(data, size, NNACT_ERR_FORMAT, NULL);
    nnact__free(data);
}

/* Found by fuzz_onnx in CI: an initializer and a graph input with empty names
 * (no bytes, a NULL pointer) were compared with memcmp in the description. */
static void test_describe_empty_names(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/onnx_regress_empty_input_name.onnx", NNACT_TEST_DATA_DIR);
    nnact_onnx_info info = {.size = sizeof info};
    nnact_net *net = (nnact_net *)path;
    assert_int_equal(nnact_onnx_describe(path, &info, &net), NNACT_OK);
    assert_null(net);
    assert_int_equal(info.importable, 0);
    assert_string_equal(info.reason, "the graph has no input");
    assert_string_equal(info.input, "");
}

/* ---- every refusal, table-driven ---- */

/* A node with up to two float attributes. */
struct tn {
    const char *op, *in[3], *out;
    const char *an, *bn;
    float af, bf;
};
/* A double initializer of rank 0 to 2 whose every element is v. */
struct ti {
    const char *name;
    int rank;
    int64_t d[2];
    double v;
};
/* A graph: nodes, initializers, inputs (double [N, 2]) and the output y. */
struct tg {
    struct tn n[6];
    struct ti t[4];
    const char *inputs[3];
    const char *output;
    const char *words; /* what the refusal says */
};

static void put_tn(struct pbw *g, const struct tn *n)
{
    size_t at = nnact__pbw_begin(g, 1);
    for (int i = 0; i < 3 && n->in[i]; i++)
        nnact__pbw_str(g, 1, n->in[i]);
    if (n->out) nnact__pbw_str(g, 2, n->out);
    nnact__pbw_str(g, 4, n->op);
    const char *names[2] = {n->an, n->bn};
    float vals[2] = {n->af, n->bf};
    for (int i = 0; i < 2 && names[i]; i++) {
        size_t t = nnact__pbw_begin(g, 5);
        nnact__pbw_str(g, 1, names[i]);
        nnact__pbw_float(g, 2, vals[i]);
        nnact__pbw_varint(g, 20, ONNX_ATTR_FLOAT);
        nnact__pbw_end(g, t);
    }
    nnact__pbw_end(g, at);
}

static void put_ti(struct pbw *g, const struct ti *t)
{
    size_t at = nnact__pbw_begin(g, 5), n = 1;
    for (int i = 0; i < t->rank; i++) {
        nnact__pbw_varint(g, 1, (uint64_t)t->d[i]);
        n *= (size_t)t->d[i];
    }
    nnact__pbw_varint(g, 2, ONNX_DOUBLE);
    nnact__pbw_str(g, 8, t->name);
    size_t body = nnact__pbw_begin(g, 9);
    for (size_t i = 0; i < n; i++)
        nnact__pbw_raw(g, &t->v, 8);
    nnact__pbw_end(g, body);
    nnact__pbw_end(g, at);
}

/* The model of graph body g (a GraphProto's bytes). */
static unsigned char *model_of(const struct pbw *g, size_t *size)
{
    struct pbw m = {0};
    nnact__pbw_varint(&m, 1, 8);
    nnact__pbw_bytes(&m, 7, g->p, g->len);
    size_t op = nnact__pbw_begin(&m, 8);
    nnact__pbw_varint(&m, 2, 17);
    nnact__pbw_end(&m, op);
    assert_false(m.failed || g->failed);
    *size = m.len;
    return m.p;
}

static void tg_refused(const struct tg *t)
{
    struct pbw g = {0};
    for (size_t i = 0; i < 6 && t->n[i].op; i++)
        put_tn(&g, &t->n[i]);
    for (size_t i = 0; i < 4 && t->t[i].name; i++)
        put_ti(&g, &t->t[i]);
    for (size_t i = 0; i < 3 && t->inputs[i]; i++)
        put_io(&g, 11, t->inputs[i], ONNX_DOUBLE, 2);
    if (t->output) put_io(&g, 12, t->output, ONNX_DOUBLE, 2);
    size_t size;
    unsigned char *data = model_of(&g, &size);
    nnact__pbw_free(&g);
    print_message("refusal: %s\n", t->words);
    expect_refused(data, size, NNACT_ERR_FORMAT, t->words);
    nnact__free(data);
}

#define W23                                                                                        \
    {                                                                                              \
        "W", 2, {2, 3}, 0.5                                                                        \
    }
#define B3                                                                                         \
    {                                                                                              \
        "b", 1, {3, 0}, 0.25                                                                       \
    }
#define GEMM(out)                                                                                  \
    {                                                                                              \
        "Gemm", {"x", "W", "b"}, out, NULL, NULL, 0, 0                                             \
    }
#define ACT(op, in, out)                                                                           \
    {                                                                                              \
        op, {in, NULL, NULL}, out, NULL, NULL, 0, 0                                                \
    }

/* Review of issue 16, item 7: each refusal of the importer's chain route. */
static void test_refused_chain(void **state)
{
    (void)state;
    static const struct tg cases[] = {
        {{{"Gemm", {"x"}, "y", NULL, NULL, 0, 0}}, {W23}, {"x"}, "y", "no weight input"},
        {{GEMM("y")}, {{"W", 1, {2, 0}, 0.5}, B3}, {"x"}, "y", "not a 2-D float or double"},
        {{GEMM("y")}, {W23}, {"x"}, "y", "its bias C is not a float or double constant"},
        {{GEMM("y")}, {W23, {"b", 1, {2, 0}, 0.25}}, {"x"}, "y", "one value per output"},
        {{GEMM("y")}, {{"W", 2, {2, 0}, 0.5}, {"b", 1, {0, 0}, 0}}, {"x"}, "y", "zero dimension"},
        {{{"MatMul", {"x"}, "y", NULL, NULL, 0, 0}}, {W23}, {"x"}, "y", "MatMul needs two inputs"},
        {{{"MatMul", {"x", "W"}, "m", NULL, NULL, 0, 0},
          {"Add", {"m", "x"}, "y", NULL, NULL, 0, 0}},
         {W23},
         {"x"},
         "y",
         "op Add, byte"},
        {{{"MatMul", {"x", "W"}, "m", NULL, NULL, 0, 0},
          {"Add", {"m", "x"}, "y", NULL, NULL, 0, 0}},
         {W23},
         {"x"},
         "y",
         "no float or double constant bias"},
        {{GEMM("z"), ACT("Relu", "z", "r"), ACT("Relu", "r", "y")},
         {W23, B3},
         {"x"},
         "y",
         "a second activation"},
        {{GEMM("z"), {"Selu", {"z"}, "y", "alpha", NULL, 2.0f, 0}},
         {W23, B3},
         {"x"},
         "y",
         "Selu with other constants"},
        {{GEMM("z"), ACT("HardSigmoid", "z", "y")},
         {W23, B3},
         {"x"},
         "y",
         "HardSigmoid other than"},
        {{GEMM("z"), {"Shrink", {"z"}, "y", "bias", "lambd", 0.25f, 0.5f}},
         {W23, B3},
         {"x"},
         "y",
         "neither 0 nor lambd"},
        {{GEMM("z"), {"Shrink", {"z"}, "y", "lambd", NULL, -1.0f, 0}},
         {W23, B3},
         {"x"},
         "y",
         "negative lambd"},
        {{GEMM("z"), {"Clip", {"z", "lo", "hi"}, "y", NULL, NULL, 0, 0}},
         {W23, B3, {"lo", 0, {0, 0}, 0}, {"hi", 0, {0, 0}, 5}},
         {"x"},
         "y",
         "only Clip(0, 6)"},
        {{GEMM("z"), {"Celu", {"z"}, "y", "alpha", NULL, -1.0f, 0}},
         {W23, B3},
         {"x"},
         "y",
         "Celu alpha must be positive"},
        {{GEMM("z"), {"Relu", {"z"}, NULL, NULL, NULL, 0, 0}},
         {W23, B3},
         {"x"},
         "y",
         "not one output and some input"},
        {{GEMM("z"), ACT("Relu", "q", "y")},
         {W23, B3},
         {"x"},
         "y",
         "is not the chain's current value"},
        {{GEMM("y")}, {W23, B3}, {NULL}, "y", "the graph has no input"},
        {{GEMM("y")}, {W23, B3}, {"x", "x2"}, "y", "more than one graph input"},
        {{ACT("Identity", "x", "y")}, {{NULL}}, {"x"}, "y", "no dense layer"},
        {{GEMM("z")}, {W23, B3}, {"x"}, "y", "which is not the graph output"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        tg_refused(&cases[i]);
    /* 1025 dense layers of 2 -> 2 */
    struct pbw g = {0};
    char in[16], out[16];
    for (int i = 0; i <= 1024; i++) {
        snprintf(in, sizeof in, i ? "h%d" : "x", i);
        snprintf(out, sizeof out, i == 1024 ? "y" : "h%d", i + 1);
        struct tn n = {"Gemm", {in, "W", NULL}, out, NULL, NULL, 0, 0};
        put_tn(&g, &n);
    }
    struct ti w = {"W", 2, {2, 2}, 0.5};
    put_ti(&g, &w);
    put_io(&g, 11, "x", ONNX_DOUBLE, 2);
    put_io(&g, 12, "y", ONNX_DOUBLE, 2);
    size_t size;
    unsigned char *data = model_of(&g, &size);
    nnact__pbw_free(&g);
    expect_refused(data, size, NNACT_ERR_FORMAT, "more than 1024 dense layers");
    nnact__free(data);
}

/* GraphProto's fields for one node and one initializer (onnx.proto) */
enum { GRAPH_NODE = 1, GRAPH_INITIALIZER = 5 };

/* A model whose graph holds one node or initializer (field) with the given
 * body bytes; the reader refuses it before any import. */
static void graph_item_refused(int field, const struct pbw *body, const char *words)
{
    struct pbw g = {0};
    nnact__pbw_bytes(&g, field, body->p, body->len);
    size_t size;
    unsigned char *data = model_of(&g, &size);
    nnact__pbw_free(&g);
    expect_refused(data, size, NNACT_ERR_FORMAT, words);
    nnact__free(data);
}

static void node_refused(const struct pbw *node, const char *words)
{
    graph_item_refused(GRAPH_NODE, node, words);
}

static void tensor_refused(const struct pbw *tensor, const char *words)
{
    graph_item_refused(GRAPH_INITIALIZER, tensor, words);
}

/* Review of issue 16, item 7: each refusal of the reader. */
static void test_refused_reader(void **state)
{
    (void)state;
    struct pbw b = {0};
    for (int i = 0; i < 9; i++) { /* nine attributes */
        size_t t = nnact__pbw_begin(&b, 5);
        nnact__pbw_str(&b, 1, "a");
        nnact__pbw_end(&b, t);
    }
    node_refused(&b, "more than 8 attributes");
    nnact__pbw_free(&b);
    for (int i = 0; i < 2; i++) { /* two tensor attributes */
        size_t t = nnact__pbw_begin(&b, 5), v = nnact__pbw_begin(&b, 5);
        nnact__pbw_varint(&b, 2, ONNX_DOUBLE);
        nnact__pbw_bytes(&b, 9, "12345678", 8); /* a scalar */
        nnact__pbw_end(&b, v);
        nnact__pbw_end(&b, t);
    }
    node_refused(&b, "second tensor attribute");
    nnact__pbw_free(&b);
    nnact__pbw_str(&b, 2, "y");
    nnact__pbw_str(&b, 2, "y2");
    node_refused(&b, "more than one output");
    nnact__pbw_free(&b);
    /* tensors */
    nnact__pbw_varint(&b, 2, ONNX_FLOAT);
    nnact__pbw_float(&b, 4, 1.0f); /* float_data not packed */
    tensor_refused(&b, "unpacked float_data");
    nnact__pbw_free(&b);
    nnact__pbw_varint(&b, 2, ONNX_DOUBLE);
    nnact__pbw_bytes(&b, 9, "12345678", 8);
    nnact__pbw_bytes(&b, 9, "12345678", 8);
    tensor_refused(&b, "holds its data twice");
    nnact__pbw_free(&b);
    nnact__pbw_varint(&b, 2, ONNX_INT64);
    nnact__pbw_bytes(&b, 4, "1234", 4); /* packed float_data in an INT64 tensor */
    tensor_refused(&b, "data field of another type");
    nnact__pbw_free(&b);
    /* item 9: float_data holds FLOAT only, double_data DOUBLE only */
    nnact__pbw_varint(&b, 2, ONNX_DOUBLE);
    nnact__pbw_bytes(&b, 4, "12345678", 8);
    tensor_refused(&b, "data field of another type (field 4, type 11)");
    nnact__pbw_free(&b);
    nnact__pbw_varint(&b, 2, ONNX_FLOAT);
    nnact__pbw_bytes(&b, 10, "1234", 4);
    tensor_refused(&b, "data field of another type (field 10, type 1)");
    nnact__pbw_free(&b);
    nnact__pbw_bytes(&b, 14, "x", 1);
    tensor_refused(&b, "TensorProto.data_location (field 14)");
    nnact__pbw_free(&b);
    /* item 10: a known field with the wrong wire type is refused, named */
    static const struct {
        uint32_t outer;        /* 0: the field at the model's top level */
        unsigned char body[8]; /* the field inside the outer message */
        size_t n;
        const char *words;
    } wrong[] = {
        {0, {0x10, 0x01}, 2, "ModelProto.producer_name (field 2)"},
        {0, {0x42, 0x02, 0x12, 0x00}, 4, "OperatorSetIdProto.version (field 2)"},
        {0, {0x42, 0x02, 0x08, 0x00}, 4, "OperatorSetIdProto.domain (field 1)"},
        {0, {0x72, 0x02, 0x08, 0x00}, 4, "StringStringEntryProto field (field 1)"},
        {11, {0x08, 0x01}, 2, "ValueInfoProto.name (field 1)"},
        {11, {0x10, 0x01}, 2, "ValueInfoProto.type (field 2)"},
        {11, {0x12, 0x02, 0x08, 0x01}, 4, "TypeProto.tensor_type (field 1)"},
        {11, {0x12, 0x04, 0x0a, 0x02, 0x0a, 0x00}, 6, "TypeProto.Tensor.elem_type (field 1)"},
        {11, {0x12, 0x04, 0x0a, 0x02, 0x10, 0x01}, 6, "TypeProto.Tensor.shape (field 2)"},
    };
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        struct pbw mm = {0}, gg = {0};
        if (wrong[i].outer) nnact__pbw_bytes(&gg, wrong[i].outer, wrong[i].body, wrong[i].n);
        nnact__pbw_bytes(&mm, 7, gg.p, gg.len);
        if (!wrong[i].outer) nnact__pbw_raw(&mm, wrong[i].body, wrong[i].n);
        expect_refused(mm.p, mm.len, NNACT_ERR_FORMAT, wrong[i].words);
        nnact__pbw_free(&mm);
        nnact__pbw_free(&gg);
    }
    /* a dimension's dim_value as a string */
    {
        struct pbw gg = {0};
        static const unsigned char v[] = {0x12, 0x08, 0x0a, 0x06, 0x12,
                                          0x04, 0x0a, 0x02, 0x0a, 0x00};
        nnact__pbw_bytes(&gg, 11, v, sizeof v);
        size_t sz;
        unsigned char *d = model_of(&gg, &sz);
        expect_refused(d, sz, NNACT_ERR_FORMAT, "Dimension.dim_value (field 1)");
        nnact__free(d);
        nnact__pbw_free(&gg);
    }
    /* a value with 65 shape dims */
    struct pbw g = {0};
    size_t at = nnact__pbw_begin(&g, 11);
    nnact__pbw_str(&g, 1, "x");
    size_t ty = nnact__pbw_begin(&g, 2), tt = nnact__pbw_begin(&g, 1);
    nnact__pbw_varint(&g, 1, ONNX_DOUBLE);
    size_t sh = nnact__pbw_begin(&g, 2);
    for (int i = 0; i < 65; i++) {
        size_t d = nnact__pbw_begin(&g, 1);
        nnact__pbw_varint(&g, 1, 1);
        nnact__pbw_end(&g, d);
    }
    nnact__pbw_end(&g, sh);
    nnact__pbw_end(&g, tt);
    nnact__pbw_end(&g, ty);
    nnact__pbw_end(&g, at);
    size_t size;
    unsigned char *data = model_of(&g, &size);
    expect_refused(data, size, NNACT_ERR_FORMAT, "too many dims");
    nnact__free(data);
    nnact__pbw_free(&g);
    /* 4097 initializers; 65 graph inputs */
    for (unsigned i = 0; i <= ONNX_MAX_INITS; i++)
        nnact__pbw_bytes(&g, 5, "", 0);
    data = model_of(&g, &size);
    expect_refused(data, size, NNACT_ERR_FORMAT, "4097 initializers (limit 4096)");
    nnact__free(data);
    nnact__pbw_free(&g);
    for (unsigned i = 0; i <= ONNX_MAX_IO; i++)
        nnact__pbw_bytes(&g, 11, "", 0);
    data = model_of(&g, &size);
    expect_refused(data, size, NNACT_ERR_FORMAT, "more than 64 graph inputs");
    nnact__free(data);
    nnact__pbw_free(&g);
    /* 65537 metadata entries */
    struct pbw m = {0};
    for (unsigned i = 0; i <= ONNX_MAX_METADATA; i++)
        nnact__pbw_bytes(&m, 14, "", 0);
    expect_refused(m.p, m.len, NNACT_ERR_FORMAT, "65537 metadata entries (limit 65536)");
    nnact__pbw_free(&m);
    /* initializers beyond the byte limit (lowered to 64 bytes: 512 MiB in CI's
     * memory is not what the check needs) */
    struct ti big = {"W", 2, {2, 3}, 0.5}, more = {"W2", 2, {2, 3}, 0.5};
    put_ti(&g, &big);
    put_ti(&g, &more);
    data = model_of(&g, &size);
    nnact__pbw_free(&g);
    uint64_t saved = nnact__onnx_seams.max_init_bytes;
    nnact__onnx_seams.max_init_bytes = 64;
    expect_refused(data, size, NNACT_ERR_FORMAT, "initializers beyond 64 bytes");
    nnact__onnx_seams.max_init_bytes = saved;
    nnact__free(data);
}

/* Review of issue 16, item 7: a layer beyond the format's 2 GiB per tensor is
 * NNACT_ERR_OVERFLOW (the limit lowered: such a network needs 2 GiB). */
static void test_export_overflow(void **state)
{
    (void)state;
    nnact_net *net = kind_net(NNACT_ACT_RELU, 0, 0); /* 3 -> 4 (16 values) -> 2 */
    size_t size = 7, saved = nnact__onnx_seams.max_export_values;
    nnact__onnx_seams.max_export_values = 15;
    nnact_status s = nnact_onnx_save_buffer(net, NULL, NULL, 0, &size);
    nnact__onnx_seams.max_export_values = saved;
    assert_int_equal(s, NNACT_ERR_OVERFLOW);
    assert_non_null(strstr(nnact_last_error(), "2 GiB per tensor"));
    assert_int_equal(nnact_onnx_save_buffer(net, NULL, NULL, 0, &size), NNACT_OK);
    nnact_net_free(net);
}

/* Changed weights are data (the file still imports, with them); a changed
 * constant of a composition no longer matches the export of what the
 * metadata says, and the chain reader refuses the composition's first node. */
static void test_tampered_own_export(void **state)
{
    (void)state;
    nnact_net *net = kind_net(NNACT_ACT_ELU, 0.3, 0);
    size_t size;
    unsigned char *buf = export_mem(net, NNACT_ONNX_DOUBLE, &size);
    double W[12], alpha = 0.3;
    nnact_net_get_layer(net, 0, W, NULL);
    unsigned char *hit = NULL;
    for (size_t i = 0; i + 8 <= size && !hit; i++)
        if (memcmp(buf + i, &W[0], 8) == 0) hit = buf + i;
    assert_non_null(hit);
    hit[0] ^= 1;
    nnact_net *back = NULL;
    assert_int_equal(nnact_onnx_load_buffer(buf, size, &back), NNACT_OK);
    double W2[12];
    nnact_net_get_layer(back, 0, W2, NULL);
    assert_true(W2[0] != W[0] && W2[1] == W[1]);
    nnact_net_free(back);
    hit = NULL;
    for (size_t i = 0; i + 8 <= size && !hit; i++)
        if (memcmp(buf + i, &alpha, 8) == 0) hit = buf + i;
    assert_non_null(hit);
    hit[0] ^= 1;
    expect_refused(buf, size, NNACT_ERR_FORMAT, "op Greater");
    free(buf);
    nnact_net_free(net);
}

/* Every prefix and a flipped bit at every byte: a status, never a crash;
 * on failure a detail and no network. */
static void test_prefixes_and_flips(void **state)
{
    (void)state;
    nnact_net *net = kind_net(NNACT_ACT_SOFTPLUS, 1.0, 1);
    size_t size;
    unsigned char *buf = export_mem(net, NNACT_ONNX_DOUBLE, &size);
    unsigned char *copy = malloc(size);
    for (size_t n = 0; n < size; n += 1 + n / 64) {
        nnact_net *got = (nnact_net *)&n;
        nnact_status s = nnact_onnx_load_buffer(buf, n, &got);
        if (s == NNACT_OK)
            nnact_net_free(got);
        else
            assert_true(got == NULL && nnact_last_error()[0] != '\0');
    }
    for (size_t i = 0; i < size; i += 1 + i / 128) {
        memcpy(copy, buf, size);
        copy[i] ^= (unsigned char)(1u << (i % 8));
        nnact_net *got = (nnact_net *)&i;
        nnact_status s = nnact_onnx_load_buffer(copy, size, &got);
        if (s == NNACT_OK)
            nnact_net_free(got);
        else
            assert_true(got == NULL && nnact_last_error()[0] != '\0');
    }
    free(copy);
    free(buf);
    nnact_net_free(net);
}

/* ---- the own route's metadata ---- */

/* buf (an export) with metadata entries key=value appended. */
static unsigned char *with_meta(const unsigned char *buf, size_t size, const char *const *kv,
                                size_t n, size_t *out_size)
{
    struct pbw w = {0};
    nnact__pbw_raw(&w, buf, size);
    for (size_t i = 0; i < n; i++) {
        size_t at = nnact__pbw_begin(&w, 14);
        nnact__pbw_str(&w, 1, kv[2 * i]);
        nnact__pbw_str(&w, 2, kv[2 * i + 1]);
        nnact__pbw_end(&w, at);
    }
    assert_false(w.failed);
    *out_size = w.len;
    return w.p;
}

static void meta_refused(const unsigned char *buf, size_t size, const char *const *kv, size_t n,
                         const char *words)
{
    size_t sz;
    unsigned char *data = with_meta(buf, size, kv, n, &sz);
    expect_refused(data, sz, NNACT_ERR_FORMAT, words);
    nnact__free(data);
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Review of issue 16, items 3 and 5: names were looked up key by key (65530
 * class keys took 26 s), and a broken own export fell back to the chain
 * route, which dropped its metadata or refused an unrelated node. Now the
 * metadata is indexed in one pass and its failure is the one reported. */
static void test_own_metadata(void **state)
{
    (void)state;
    nnact_net *net = kind_net(NNACT_ACT_RELU, 0, 0); /* 3 -> 4 -> 2, chain-importable */
    size_t size;
    unsigned char *buf = export_mem(net, NNACT_ONNX_DOUBLE, &size);
    static const char *const dup[] = {"nnact.class.0", "a", "nnact.class.1", "b",
                                      "nnact.class.1", "c"};
    meta_refused(buf, size, dup, 3, "\"nnact.class.1\" appears twice");
    static const char *const gap[] = {"nnact.class.1", "b"};
    meta_refused(buf, size, gap, 1, "no nnact.class.0");
    static const char *const beyond[] = {"nnact.target.2", "b"};
    meta_refused(buf, size, beyond, 1, "index beyond the network's 2");
    static const char *const lead0[] = {"nnact.input.01", "b"};
    meta_refused(buf, size, lead0, 1, "is not nnact.input.<index>");
    static const char *const word[] = {"nnact.input.x", "b"};
    meta_refused(buf, size, word, 1, "is not nnact.input.<index>");
    /* names the network refuses (repeated): the own route's failure, not a
     * chain import without them */
    static const char *const same[] = {"nnact.class.0", "a", "nnact.class.1", "a"};
    meta_refused(buf, size, same, 2, "nnact.class.names in the metadata are refused");
    /* unreadable layers metadata */
    static const char *const layers[] = {"nnact.layers", "relu,relu"};
    meta_refused(buf, size, layers, 1, "nnact.layers metadata appears twice");
    unsigned char *hit = NULL;
    for (size_t i = 0; i + 9 <= size && !hit; i++)
        if (memcmp(buf + i, "relu,relu", 9) == 0) hit = buf + i;
    assert_non_null(hit);
    memcpy(hit, "relu,nope", 9);
    expect_refused(buf, size, NNACT_ERR_FORMAT, "nnact.layers metadata unreadable");
    memcpy(hit, "relu,relu", 9);
    /* good names, in any order, import */
    static const char *const good_names[] = {"nnact.target.0", "t", "nnact.class.1", "b",
                                             "nnact.class.0",  "a"};
    size_t sz;
    unsigned char *data = with_meta(buf, size, good_names, 3, &sz);
    nnact_net *back = NULL;
    assert_int_equal(nnact_onnx_load_buffer(data, sz, &back), NNACT_OK);
    assert_int_equal(nnact_net_class_count(back), 2);
    assert_string_equal(nnact_net_class_name(back, 0), "a");
    assert_string_equal(nnact_net_class_name(back, 1), "b");
    assert_int_equal(nnact_net_target_count(back), 1);
    same_predictions(net, back);
    nnact_net_free(back);
    nnact__free(data);
    /* 65530 class keys, last first: refused at once, not after a quadratic scan */
    enum { MANY = 65530 };
    char **kv = malloc(2 * MANY * sizeof *kv);
    for (size_t i = 0; i < MANY; i++) {
        kv[2 * i] = malloc(32);
        snprintf(kv[2 * i], 32, "nnact.class.%zu", MANY - 1 - i);
        kv[2 * i + 1] = kv[2 * i] + 6;
    }
    double t0 = seconds();
    meta_refused(buf, size, (const char *const *)kv, MANY, "index beyond the network's 2");
    double took = seconds() - t0;
    for (size_t i = 0; i < MANY; i++)
        free(kv[2 * i]);
    free(kv);
    print_message("own_metadata: %d class keys refused in %.3f s\n", MANY, took);
    assert_true(took < 2.0);
    free(buf);
    nnact_net_free(net);
}

/* Review of issue 16, item 8: files are read by the io module's bounded
 * reader, its details and quoting the same as a model file's. */
static void test_read_file(void **state)
{
    (void)state;
    nnact_net *net = (nnact_net *)state;
    nnact_onnx_info info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;
    assert_int_equal(nnact_onnx_load("/nonexistent-dir/\x01.onnx", &net), NNACT_ERR_IO);
    assert_null(net);
    assert_non_null(strstr(nnact_last_error(), "nnact_onnx_load: cannot open: "));
    assert_non_null(strstr(nnact_last_error(), "(path '/nonexistent-dir/\\x01.onnx')"));
    assert_int_equal(nnact_onnx_describe("/", &info, NULL), NNACT_ERR_IO);
    assert_non_null(strstr(nnact_last_error(), "not a regular file (path '/')"));
    char path[] = "/tmp/nnact_onnx_big_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)ONNX_MAX_FILE + 1), 0); /* sparse */
    close(fd);
    assert_int_equal(nnact_onnx_load(path, &net), NNACT_ERR_IO);
    unlink(path);
    assert_non_null(strstr(nnact_last_error(), "1073741825 bytes, larger than an ONNX model's"));
    assert_null(net);
}

/* ---- locale ---- */

/* The hex text is C-locale %a's, bit for bit, and reads back exactly. */
static void test_hex_text(void **state)
{
    (void)state;
    const double v[] = {0.3,
                        -0.3,
                        1.0,
                        0.0,
                        -0.0,
                        1e-300,
                        4.9406564584124654e-324,
                        2.2250738585072009e-308,
                        1.7976931348623157e308,
                        0.01,
                        1.5,
                        1e300};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char ours[48], libc[48];
        nnact__onnx_hex_format(v[i], ours, sizeof ours);
        snprintf(libc, sizeof libc, "%a", v[i]);
        assert_string_equal(ours, libc);
        double back = 7;
        assert_int_equal(nnact__onnx_hex_parse(ours, &back), 1);
        assert_memory_equal(&back, &v[i], sizeof back);
    }
    double d;
    const char *bad[] = {"",           "0.3",       "0x",
                         "0x1.p",      "0x1p",      "0x2p+0",
                         "0x1,8p+0",   "0x1.8p+0 ", "0x1.00000000000000p+0",
                         "0x1p+999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(nnact__onnx_hex_parse(bad[i], &d), 0);
}

/* A locale whose decimal point is ',' (compiled with localedef when none is
 * installed); NULL when there is none. */
static const char *comma_locale(void)
{
    const char *tries[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8"};
    for (size_t i = 0; i < sizeof tries / sizeof *tries; i++)
        if (setlocale(LC_ALL, tries[i]) && localeconv()->decimal_point[0] == ',') return tries[i];
    static char dir[] = "/tmp/nnact_onnx_locale_XXXXXX";
    if (!mkdtemp(dir)) return NULL;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir);
    if (system(cmd) == 0 && setenv("LOCPATH", dir, 1) == 0 && setlocale(LC_ALL, "de_DE.UTF-8") &&
        localeconv()->decimal_point[0] == ',')
        return "de_DE.UTF-8 (localedef)";
    return NULL;
}

/* Review of issue 16, item 2: the parameters in nnact.layers were written
 * with %a and read with strtod, both in the process locale: an export made
 * under C did not import under de_DE and the other way round. */
static void test_locale_round_trip(void **state)
{
    (void)state;
    nnact_net *net = kind_net(NNACT_ACT_ELU, 0.3, 1);
    size_t size_c, size_de;
    setlocale(LC_ALL, "C");
    unsigned char *in_c = export_mem(net, NNACT_ONNX_DOUBLE, &size_c);
    const char *loc = comma_locale();
    if (!loc) {
        setlocale(LC_ALL, "C");
        free(in_c);
        nnact_net_free(net);
        if (getenv("CI") != NULL) fail();
        skip();
    }
    print_message("locale_round_trip: %s\n", loc);
    unsigned char *in_de = export_mem(net, NNACT_ONNX_DOUBLE, &size_de);
    nnact_net *back = NULL;
    nnact_status s = nnact_onnx_load_buffer(in_c, size_c, &back); /* C's file under de_DE */
    setlocale(LC_ALL, "C");
    if (s != NNACT_OK) print_error("%s\n", nnact_last_error());
    assert_int_equal(s, NNACT_OK);
    check_layers(net, back, 0);
    same_predictions(net, back);
    nnact_net_free(back);
    assert_int_equal(size_c, size_de); /* the same bytes in every locale */
    assert_memory_equal(in_c, in_de, size_c);
    assert_int_equal(nnact_onnx_load_buffer(in_de, size_de, &back), NNACT_OK);
    same_predictions(net, back);
    nnact_net_free(back);
    free(in_c);
    free(in_de);
    nnact_net_free(net);
}

/* ---- allocation failures ---- */

static void test_alloc_failures(void **state)
{
    (void)state;
    nnact_net *net = kind_net(NNACT_ACT_MISH, 0, 1);
    size_t size;
    unsigned char *buf = export_mem(net, NNACT_ONNX_DOUBLE, &size);
    /* export: every allocation in turn fails, then one run succeeds */
    for (size_t k = 0;; k++) {
        struct fail_at f = {k, 0};
        size_t got = 0;
        nnact__alloc_set_hook(fail_kth, &f);
        nnact_status s = nnact_onnx_save_buffer(net, NULL, NULL, 0, &got);
        nnact__alloc_set_hook(NULL, NULL);
        if (s == NNACT_OK) {
            assert_int_equal(got, size);
            break;
        }
        assert_int_equal(s, NNACT_ERR_NOMEM);
        assert_true(k < 10000);
    }
    for (size_t k = 0;; k++) {
        struct fail_at f = {k, 0};
        nnact_net *back = (nnact_net *)&f;
        nnact__alloc_set_hook(fail_kth, &f);
        nnact_status s = nnact_onnx_load_buffer(buf, size, &back);
        nnact__alloc_set_hook(NULL, NULL);
        if (s == NNACT_OK) {
            /* a success is a whole one: every name and the scaling kept (a
             * failed copy of a name once gave NNACT_OK without the names) */
            same_predictions(net, back);
            assert_int_equal(nnact_net_class_count(back), 2);
            assert_string_equal(nnact_net_class_name(back, 1), "dog\t\"x\"");
            assert_string_equal(nnact_net_input_name(back, 2), "c,d");
            assert_int_equal(nnact_net_target_count(back), 1);
            int present = 0;
            double sc[6];
            nnact_net_get_input_scaling(back, sc, sc + 3, &present);
            assert_true(present && sc[4] == 0.25);
            nnact_net_free(back);
            if (f.seen <= k) break; /* no allocation was failed: all were tried */
            continue;
        }
        assert_int_equal(s, NNACT_ERR_NOMEM);
        assert_null(back);
        assert_true(k < 10000);
    }
    /* the chain route (a PyTorch file) too */
    char path[512];
    snprintf(path, sizeof path, "%s/onnx/celu_gelu_silu_mish_op15.onnx", NNACT_TEST_DATA_DIR);
    for (size_t k = 0;; k++) {
        struct fail_at f = {k, 0};
        nnact_net *back = (nnact_net *)&f;
        nnact__alloc_set_hook(fail_kth, &f);
        nnact_status s = nnact_onnx_load(path, &back);
        nnact__alloc_set_hook(NULL, NULL);
        if (s == NNACT_OK) {
            nnact_net_free(back);
            if (f.seen <= k) break; /* no allocation was failed: all were tried */
            continue;
        }
        assert_int_equal(s, NNACT_ERR_NOMEM);
        assert_null(back);
        assert_true(k < 10000);
    }
    free(buf);
    nnact_net_free(net);
}

/* Review of issue 16, item 12: a collapsed network exports as one Gemm and
 * imports as one layer computing the collapsed map. */
static void test_collapsed_single_gemm(void **state)
{
    (void)state;
    nnact_net *net, *one, *back = NULL;
    assert_int_equal(nnact_net_create(3, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 5, NNACT_ACT_IDENTITY, 0), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 2, NNACT_ACT_IDENTITY, 0), NNACT_OK);
    assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 3), NNACT_OK);
    double K[6], c[2];
    assert_int_equal(nnact_net_collapse(net, K, c), NNACT_OK);
    assert_int_equal(nnact_net_create(3, &one), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(one, 2, NNACT_ACT_IDENTITY, 0), NNACT_OK);
    assert_int_equal(nnact_net_set_layer(one, 0, K, c), NNACT_OK);
    size_t size;
    unsigned char *buf = export_mem(one, NNACT_ONNX_DOUBLE, &size);
    nnact_onnx_info info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;
    assert_int_equal(nnact_onnx_describe_buffer(buf, size, &info, &back), NNACT_OK);
    assert_int_equal(info.importable, 1);
    assert_int_equal(info.n_nodes, 1); /* the one Gemm */
    assert_int_equal(info.n_initializers, 2);
    assert_int_equal(nnact_net_layer_count(back), 1);
    same_predictions(one, back);
    double x[3 * 5], ya[2 * 5], yb[2 * 5];
    for (int i = 0; i < 15; i++)
        x[i] = (i - 7) * 0.61;
    assert_int_equal(nnact_net_predict(net, 5, x, ya), NNACT_OK);
    assert_int_equal(nnact_net_predict(back, 5, x, yb), NNACT_OK);
    for (int i = 0; i < 10; i++)
        assert_true(fabs(ya[i] - yb[i]) <= 1e-12 * (1 + fabs(ya[i])));
    nnact_net_free(back);
    free(buf);
    nnact_net_free(one);
    nnact_net_free(net);
}

static void test_describe_not_importable(void **state)
{
    (void)state;
    struct spec s = good;
    s.op1 = "Softmax";
    size_t size;
    unsigned char *data = build(&s, &size);
    nnact_onnx_info info;
    memset(&info, 0xff, sizeof info);
    info.size = sizeof info;
    nnact_net *net = (nnact_net *)&size;
    assert_int_equal(nnact_onnx_describe_buffer(data, size, &info, &net), NNACT_OK);
    assert_null(net);
    assert_int_equal(info.importable, 0);
    assert_non_null(strstr(info.reason, "op Softmax"));
    /* documented: the call succeeded, the import's detail is the last error */
    assert_non_null(strstr(nnact_last_error(), "nnact_onnx_describe_buffer: "));
    assert_non_null(strstr(nnact_last_error(), info.reason));
    assert_int_equal(info.opset, 17);
    assert_int_equal(info.n_nodes, 3);
    assert_int_equal(info.n_initializers, 4);
    assert_string_equal(info.producer, "");
    static const unsigned char junk[] = {0x0b};
    assert_int_equal(nnact_onnx_describe_buffer(junk, 1, &info, NULL), NNACT_ERR_FORMAT);
    assert_int_equal(nnact_onnx_describe_buffer(NULL, 1, &info, NULL), NNACT_ERR_ARG);
    nnact__free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_save_args),
        cmocka_unit_test(test_gelu_double_refused),
        cmocka_unit_test(test_round_trip_every_kind),
        cmocka_unit_test(test_file_round_trip),
        cmocka_unit_test(test_torch_fixtures),
        cmocka_unit_test(test_handmade_good),
        cmocka_unit_test(test_refused_graphs),
        cmocka_unit_test(test_refused_tensors),
        cmocka_unit_test(test_refused_wire),
        cmocka_unit_test(test_refused_counts),
        cmocka_unit_test(test_refused_chain),
        cmocka_unit_test(test_refused_reader),
        cmocka_unit_test(test_export_overflow),
        cmocka_unit_test(test_tampered_own_export),
        cmocka_unit_test(test_own_claim_other_types),
        cmocka_unit_test(test_describe_empty_names),
        cmocka_unit_test(test_prefixes_and_flips),
        cmocka_unit_test(test_own_metadata),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_hex_text),
        cmocka_unit_test(test_locale_round_trip),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_describe_not_importable),
        cmocka_unit_test(test_collapsed_single_gemm),
    };
    nnact_test_skip_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
