/* spec: nnact_net_from_spec builds the layers the text says, in both
 * spellings, and refuses every malformed spec with its position. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_fault.h"
#include "nnact/nnact.h"
#include "nnact_test.h"

#include "core/alloc.h"

struct want {
    size_t n_out;
    nnact_act_kind act;
    double alpha; /* NAN: do not check */
};

static void check_net(const nnact_net *net, size_t n_in, size_t n, const struct want *w,
                      unsigned flags)
{
    assert_int_equal(nnact_net_input_size(net), n_in);
    assert_int_equal(nnact_net_layer_count(net), n);
    size_t prev = n_in;
    for (size_t l = 0; l < n; l++) {
        size_t li, lo;
        nnact_act_kind act;
        double alpha;
        unsigned f;
        assert_int_equal(nnact_net_layer_info(net, l, &li, &lo, &act, &alpha, &f), NNACT_OK);
        assert_int_equal(li, prev);
        assert_int_equal(lo, w[l].n_out);
        assert_int_equal(act, w[l].act);
        if (!isnan(w[l].alpha)) assert_same_bits(alpha, w[l].alpha);
        assert_int_equal(f, flags);
        prev = lo;
    }
}

static void comma_spelling(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_from_spec("3,4:tanh,10:relu,1:identity", NNACT_ACT_IDENTITY,
                                         NNACT_ACT_IDENTITY, 0, &net),
                     NNACT_OK);
    const struct want w[] = {
        {4, NNACT_ACT_TANH, NAN}, {10, NNACT_ACT_RELU, NAN}, {1, NNACT_ACT_IDENTITY, NAN}};
    check_net(net, 3, 3, w, 0);
    /* weights start at zero, as nnact_net_add_dense leaves them */
    double p[4 * 3 + 4];
    assert_int_equal(nnact_net_get_layer(net, 0, p, p + 12), NNACT_OK);
    for (size_t i = 0; i < 16; i++)
        assert_same_bits(p[i], 0.0);
    nnact_net_free(net);
}

static void dash_spelling_and_defaults(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    /* the bench's defaults: relu hidden, identity out */
    assert_int_equal(
        nnact_net_from_spec("784-1024:relu-10", NNACT_ACT_RELU, NNACT_ACT_IDENTITY, 0, &net),
        NNACT_OK);
    const struct want w1[] = {{1024, NNACT_ACT_RELU, NAN}, {10, NNACT_ACT_IDENTITY, NAN}};
    check_net(net, 784, 2, w1, 0);
    nnact_net_free(net);
    assert_int_equal(nnact_net_from_spec("8-16-16-2", NNACT_ACT_RELU, NNACT_ACT_IDENTITY, 0, &net),
                     NNACT_OK);
    const struct want w2[] = {
        {16, NNACT_ACT_RELU, NAN}, {16, NNACT_ACT_RELU, NAN}, {2, NNACT_ACT_IDENTITY, NAN}};
    check_net(net, 8, 3, w2, 0);
    nnact_net_free(net);
    /* gradcheck's default: identity everywhere; an explicit kind wins */
    assert_int_equal(
        nnact_net_from_spec("2,3,1:sigmoid", NNACT_ACT_IDENTITY, NNACT_ACT_TANH, 0, &net),
        NNACT_OK);
    const struct want w3[] = {{3, NNACT_ACT_IDENTITY, NAN}, {1, NNACT_ACT_SIGMOID, NAN}};
    check_net(net, 2, 2, w3, 0);
    nnact_net_free(net);
}

static void parameters_aliases_flags(void **state)
{
    (void)state;
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_from_spec("5,6:elu:0.5,4:leaky_relu,3:lrelu@0.25,2:softplus@2e0",
                                         NNACT_ACT_IDENTITY, NNACT_ACT_IDENTITY,
                                         NNACT_DENSE_NO_BIAS, &net),
                     NNACT_OK);
    const struct want w[] = {{6, NNACT_ACT_ELU, 0.5},
                             {4, NNACT_ACT_LEAKY_RELU, 0.01}, /* the kind's default */
                             {3, NNACT_ACT_LEAKY_RELU, 0.25},
                             {2, NNACT_ACT_SOFTPLUS, 2.0}};
    check_net(net, 5, 4, w, NNACT_DENSE_NO_BIAS);
    nnact_net_free(net);
    /* with '-' separators a negative parameter keeps its sign */
    assert_int_equal(
        nnact_net_from_spec("4-3:leaky_relu@-0.1-1", NNACT_ACT_RELU, NNACT_ACT_IDENTITY, 0, &net),
        NNACT_OK);
    const struct want w2[] = {{3, NNACT_ACT_LEAKY_RELU, -0.1}, {1, NNACT_ACT_IDENTITY, NAN}};
    check_net(net, 4, 2, w2, 0);
    nnact_net_free(net);
}

/* Each malformed spec: NNACT_ERR_ARG, no network, and a detail that names
 * the call and the position. */
static void malformed(void **state)
{
    (void)state;
    static const struct {
        const char *spec, *where;
    } cases[] = {
        {"", "empty"},
        {"0,1", "input size at offset 0"},
        {"3,0", "layer 1 at offset 2"},
        {"784-0-10", "layer 1 at offset 4"},
        {"3,,1", "layer 1 at offset 2"},
        {"3,4,", "layer 2 at offset 4"},
        {"3-4-", "layer 2 at offset 4"},
        {"3,4-1", "layer 1 at offset 3"},
        {"3-4,1", "layer 1 at offset 3"},
        {" 3,1", "input size at offset 0"},
        {"3 ,1", "input size at offset 1"},
        {"+3,1", "input size at offset 0"},
        {"-3,1", "input size at offset 0"},
        {"3,-1", "layer 1 at offset 2"},
        {"3,1x", "layer 1 at offset 3"},
        {"3,4:,1", "layer 1 at offset 4"},
        {"3,4:nope,1", "layer 1 at offset 4"},
        {"3,4:elu:nan,1", "layer 1 at offset 8"},
        {"3,4:elu:inf,1", "layer 1 at offset 8"},
        {"3,4:elu:1e999,1", "layer 1 at offset 8"},
        {"3,4:elu:0x1,1", "layer 1 at offset 8"},
        {"3,4:elu: 1,1", "layer 1 at offset 8"},
        {"3,4:elu:,1", "layer 1 at offset 8"},
        {"3,4:celu:0,1", "layer 1 at offset 2"}, /* out of the kind's range */
        {"3:tanh,1", "input size at offset 1"},
        {"3", "input size at offset 1"},
        {"99999999999999999999999,1", "input size at offset 0"},
        {"3,18446744073709551616", "layer 1 at offset 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nnact_net *net = (nnact_net *)&cases; /* must be reset */
        nnact_status s =
            nnact_net_from_spec(cases[i].spec, NNACT_ACT_RELU, NNACT_ACT_IDENTITY, 0, &net);
        if (s != NNACT_ERR_ARG || net != NULL ||
            strstr(nnact_last_error(), "nnact_net_from_spec: ") != nnact_last_error() ||
            strstr(nnact_last_error(), cases[i].where) == NULL)
            fail_msg("spec \"%s\": status %d, detail '%s', expected '%s'", cases[i].spec, (int)s,
                     nnact_last_error(), cases[i].where);
    }
    /* the detail quotes the spec safely */
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_from_spec("3,4:\x01\n", NNACT_ACT_RELU, NNACT_ACT_IDENTITY, 0, &net),
                     NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "\"3,4:\\x01\\n\""));
}

static void bad_arguments(void **state)
{
    (void)state;
    nnact_net *net = (nnact_net *)&net;
    assert_int_equal(nnact_net_from_spec(NULL, NNACT_ACT_RELU, NNACT_ACT_RELU, 0, &net),
                     NNACT_ERR_ARG);
    assert_null(net);
    assert_int_equal(nnact_net_from_spec("3,1", NNACT_ACT_RELU, NNACT_ACT_RELU, 0, NULL),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_net_from_spec("3,1", (nnact_act_kind)999, NNACT_ACT_RELU, 0, &net),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_net_from_spec("3,1", NNACT_ACT_RELU, (nnact_act_kind)-1, 0, &net),
                     NNACT_ERR_ARG);
    assert_int_equal(nnact_net_from_spec("3,1", NNACT_ACT_RELU, NNACT_ACT_RELU, 2u, &net),
                     NNACT_ERR_ARG);
    assert_null(net);
}

static void allocation_failure(void **state)
{
    (void)state;
    for (size_t k = 0;; k++) {
        nnact_net *net = NULL;
        struct fail_at f = {k, 0};
        nnact__alloc_set_hook(fail_kth, &f);
        nnact_status s =
            nnact_net_from_spec("3,4:tanh,2", NNACT_ACT_RELU, NNACT_ACT_IDENTITY, 0, &net);
        nnact__alloc_set_hook(NULL, NULL);
        if (s == NNACT_OK) {
            assert_true(k > 0);
            nnact_net_free(net);
            break;
        }
        assert_int_equal(s, NNACT_ERR_NOMEM);
        assert_null(net);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(comma_spelling),
        cmocka_unit_test(dash_spelling_and_defaults),
        cmocka_unit_test(parameters_aliases_flags),
        cmocka_unit_test(malformed),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
