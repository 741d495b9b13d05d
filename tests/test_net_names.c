/* net: the input (feature) names and the target names kept with a network:
 * their rules (count, 1..255 bytes, distinct, any byte but NUL), that every
 * failure leaves the network as it was (allocation failure at every k
 * included), what adding a layer and fusing do to them, and their bytes in
 * nnact_net_memory_bytes(). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_fault.h"
#include "core/alloc.h"
#include "nnact/nnact.h"
#include "nnact_test.h"

/* 3 inputs -> 4 identity -> 2 identity, deterministic parameters. */
static nnact_net *make_net(void)
{
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(3, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 4, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 2, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    const size_t P = nnact_net_param_count(net);
    double *p = malloc(P * sizeof *p);
    assert_non_null(p);
    for (size_t i = 0; i < P; i++)
        p[i] = ((double)((i * 29) % 19) - 9.0) / 8.0;
    assert_int_equal(nnact_net_set_params(net, P, p), NNACT_OK);
    free(p);
    return net;
}

static void expect_inputs(const nnact_net *net, const char *a, const char *b, const char *c)
{
    assert_string_equal(nnact_net_input_name(net, 0), a);
    assert_string_equal(nnact_net_input_name(net, 1), b);
    assert_string_equal(nnact_net_input_name(net, 2), c);
    assert_null(nnact_net_input_name(net, 3));
}

static void input_names(void **state)
{
    (void)state;
    nnact_net *a = make_net();
    assert_null(nnact_net_input_name(NULL, 0));
    assert_null(nnact_net_input_name(a, 0)); /* none yet */
    char first[16] = "sepal length";
    const char *names[3] = {first, "p,w\xc3\xa9", "\x01\t\x7f"};
    assert_int_equal(nnact_net_set_input_names(a, names), NNACT_OK);
    strcpy(first, "changed"); /* the network holds a copy */
    expect_inputs(a, "sepal length", "p,w\xc3\xa9", "\x01\t\x7f");
    assert_null(nnact_net_input_name(a, (size_t)-1));

    char long_name[NNACT_NET_MAX_CLASS_NAME + 2];
    memset(long_name, 'n', sizeof long_name);
    long_name[NNACT_NET_MAX_CLASS_NAME + 1] = '\0';
    const char *bad[][3] = {
        {"a", "b", "a"}, {"a", "", "c"}, {long_name, "b", "c"}, {"a", "b", NULL}};
    const char *words[] = {"input name a appears twice", "names[1] is empty", "longer than 255",
                           "names[2] is NULL"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(nnact_net_set_input_names(a, bad[i]), NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), "nnact_net_set_input_names: "));
        if (strstr(nnact_last_error(), words[i]) == NULL) {
            print_error("'%s' lacks '%s'\n", nnact_last_error(), words[i]);
            fail();
        }
        expect_inputs(a, "sepal length", "p,w\xc3\xa9", "\x01\t\x7f");
    }
    assert_non_null(strstr(nnact_last_error(), "names[2] is NULL"));
    long_name[NNACT_NET_MAX_CLASS_NAME] = '\0'; /* 255 bytes: the limit itself */
    const char *ok255[3] = {"a", long_name, "c"};
    assert_int_equal(nnact_net_set_input_names(a, ok255), NNACT_OK);
    assert_int_equal(strlen(nnact_net_input_name(a, 1)), NNACT_NET_MAX_CLASS_NAME);
    assert_int_equal(nnact_net_set_input_names(NULL, names), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "nnact_net_set_input_names: net is NULL"));
    /* allocation failure at every k: the names stay as they were */
    const char *next[3] = {"x", "y", "z"};
    int succeeded = 0;
    for (size_t k = 0; !succeeded; k++) {
        struct fail_at f = {k, 0};
        nnact__alloc_set_hook(fail_kth, &f);
        nnact_status s = nnact_net_set_input_names(a, next);
        nnact__alloc_set_hook(NULL, NULL);
        if (s == NNACT_OK) {
            succeeded = 1;
            assert_true(k >= 2); /* the block, the duplicate check's sorted copy */
        } else {
            assert_int_equal(s, NNACT_ERR_NOMEM);
            expect_inputs(a, "a", long_name, "c");
        }
    }
    expect_inputs(a, "x", "y", "z");
    /* NULL removes them */
    assert_int_equal(nnact_net_set_input_names(a, NULL), NNACT_OK);
    assert_null(nnact_net_input_name(a, 0));
    nnact_net_free(a);
}

static void target_names(void **state)
{
    (void)state;
    nnact_net *a = make_net(); /* 2 outputs */
    assert_int_equal(nnact_net_target_count(NULL), 0);
    assert_null(nnact_net_target_name(NULL, 0));
    assert_int_equal(nnact_net_target_count(a), 0);
    assert_null(nnact_net_target_name(a, 0));
    const char *one[1] = {"species"};
    assert_int_equal(nnact_net_set_target_names(a, 1, one), NNACT_OK); /* a classifier's column */
    assert_int_equal(nnact_net_target_count(a), 1);
    assert_string_equal(nnact_net_target_name(a, 0), "species");
    assert_null(nnact_net_target_name(a, 1));
    const char *two[2] = {"y1", "y\xff"}; /* regression: one per output */
    assert_int_equal(nnact_net_set_target_names(a, 2, two), NNACT_OK);
    assert_int_equal(nnact_net_target_count(a), 2);
    assert_string_equal(nnact_net_target_name(a, 1), "y\xff");

    char long_name[NNACT_NET_MAX_CLASS_NAME + 2];
    memset(long_name, 't', sizeof long_name);
    long_name[NNACT_NET_MAX_CLASS_NAME + 1] = '\0';
    const char *bad[][2] = {{"q", "q"}, {"", "b"}, {"a", long_name}, {NULL, "b"}};
    const char *words[] = {"target name q appears twice", "names[0] is empty", "longer than 255",
                           "names[0] is NULL"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(nnact_net_set_target_names(a, 2, bad[i]), NNACT_ERR_ARG);
        assert_non_null(strstr(nnact_last_error(), words[i]));
        assert_int_equal(nnact_net_target_count(a), 2);
        assert_string_equal(nnact_net_target_name(a, 0), "y1");
    }
    const char *three[3] = {"a", "b", "c"};
    assert_int_equal(nnact_net_set_target_names(a, 3, three), NNACT_ERR_SHAPE);
    assert_non_null(strstr(nnact_last_error(), "3 target names for 2 outputs"));
    assert_int_equal(nnact_net_set_target_names(a, (size_t)-1, three), NNACT_ERR_SHAPE);
    assert_int_equal(nnact_net_set_target_names(a, 2, NULL), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "names is NULL with count 2"));
    assert_int_equal(nnact_net_set_target_names(NULL, 1, one), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_target_count(a), 2);
    /* allocation failure at every k */
    int succeeded = 0;
    for (size_t k = 0; !succeeded; k++) {
        struct fail_at f = {k, 0};
        nnact__alloc_set_hook(fail_kth, &f);
        nnact_status s = nnact_net_set_target_names(a, 1, one);
        nnact__alloc_set_hook(NULL, NULL);
        if (s == NNACT_OK) {
            succeeded = 1;
        } else {
            assert_int_equal(s, NNACT_ERR_NOMEM);
            assert_int_equal(nnact_net_target_count(a), 2);
            assert_string_equal(nnact_net_target_name(a, 1), "y\xff");
        }
    }
    assert_int_equal(nnact_net_target_count(a), 1);
    /* a target may be named as an input: no cross check */
    const char *in[3] = {"species", "b", "c"};
    assert_int_equal(nnact_net_set_input_names(a, in), NNACT_OK);
    /* count 0 removes them (names ignored) */
    assert_int_equal(nnact_net_set_target_names(a, 0, NULL), NNACT_OK);
    assert_int_equal(nnact_net_target_count(a), 0);
    assert_null(nnact_net_target_name(a, 0));
    nnact_net_free(a);

    /* a network without layers: its output is its input */
    nnact_net *bare = NULL;
    assert_int_equal(nnact_net_create(2, &bare), NNACT_OK);
    assert_int_equal(nnact_net_set_target_names(bare, 2, two), NNACT_OK);
    assert_int_equal(nnact_net_set_target_names(bare, 3, three), NNACT_ERR_SHAPE);
    nnact_net_free(bare);
}

/* Adding a layer keeps the input names (they describe the input) and drops
 * the target names with the class names (the output changed); fusing keeps
 * all of them (same function). */
static void add_dense_and_fuse(void **state)
{
    (void)state;
    nnact_net *a = make_net();
    const char *in[3] = {"f0", "f1", "f2"}, *cls[2] = {"no", "yes"}, *tg[1] = {"label"};
    assert_int_equal(nnact_net_set_input_names(a, in), NNACT_OK);
    assert_int_equal(nnact_net_set_class_names(a, 2, cls), NNACT_OK);
    assert_int_equal(nnact_net_set_target_names(a, 1, tg), NNACT_OK);
    nnact_net *f = NULL;
    assert_int_equal(nnact_net_fuse_linear(a, &f, NULL, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_net_layer_count(f), 1);
    expect_inputs(f, "f0", "f1", "f2");
    assert_int_equal(nnact_net_class_count(f), 2);
    assert_string_equal(nnact_net_class_name(f, 1), "yes");
    assert_int_equal(nnact_net_target_count(f), 1);
    assert_string_equal(nnact_net_target_name(f, 0), "label");
    nnact_net_free(f);
    /* fuse fails cleanly at every allocation (nothing of `a` changes) */
    int succeeded = 0;
    for (size_t k = 0; !succeeded; k++) {
        struct fail_at fa = {k, 0};
        nnact_net *g = (nnact_net *)a;
        nnact__alloc_set_hook(fail_kth, &fa);
        nnact_status s = nnact_net_fuse_linear(a, &g, NULL, NULL, NULL);
        nnact__alloc_set_hook(NULL, NULL);
        if (s == NNACT_OK) {
            succeeded = 1;
            assert_int_equal(nnact_net_target_count(g), 1);
            nnact_net_free(g);
        } else {
            assert_int_equal(s, NNACT_ERR_NOMEM);
            assert_null(g);
        }
    }
    expect_inputs(a, "f0", "f1", "f2");
    assert_int_equal(nnact_net_add_dense(a, 3, NNACT_ACT_RELU, NAN), NNACT_OK);
    expect_inputs(a, "f0", "f1", "f2");
    assert_int_equal(nnact_net_class_count(a), 0);
    assert_int_equal(nnact_net_target_count(a), 0);
    assert_null(nnact_net_target_name(a, 0));
    /* a failed add_dense changes nothing */
    assert_int_equal(nnact_net_set_target_names(a, 1, tg), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(a, 0, NNACT_ACT_RELU, NAN), NNACT_ERR_ARG);
    assert_int_equal(nnact_net_target_count(a), 1);
    nnact_net_free(a);
}

/* The names' blocks are counted: pointers plus bytes with their NULs. */
static void memory_counts_names(void **state)
{
    (void)state;
    nnact_net *a = make_net();
    size_t m0, m1, m2;
    assert_int_equal(nnact_net_memory_bytes(a, 0, &m0), NNACT_OK);
    const char *in[3] = {"ab", "c", "def"}, *tg[2] = {"t", "uv"};
    assert_int_equal(nnact_net_set_input_names(a, in), NNACT_OK);
    assert_int_equal(nnact_net_memory_bytes(a, 0, &m1), NNACT_OK);
    assert_int_equal(m1 - m0, 3 * sizeof(char *) + 3 + 2 + 4);
    assert_int_equal(nnact_net_set_target_names(a, 2, tg), NNACT_OK);
    assert_int_equal(nnact_net_memory_bytes(a, 0, &m2), NNACT_OK);
    assert_int_equal(m2 - m1, 2 * sizeof(char *) + 2 + 3);
    assert_int_equal(nnact_net_set_input_names(a, NULL), NNACT_OK);
    assert_int_equal(nnact_net_set_target_names(a, 0, NULL), NNACT_OK);
    assert_int_equal(nnact_net_memory_bytes(a, 0, &m2), NNACT_OK);
    assert_int_equal(m2, m0);
    nnact_net_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(input_names),
        cmocka_unit_test(target_names),
        cmocka_unit_test(add_dense_and_fuse),
        cmocka_unit_test(memory_counts_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
