/* First checks of the activation catalogue against closed forms; the
 * high-precision accuracy tests live in test_act_accuracy.c. */
#include <stdint.h>
#include <string.h>

#include "nnact_test.h"

#include "nnact/nnact.h"

static void sigmoid_neuron_closed_form(void **state)
{
    (void)state;
    /* sigma(1) = e / (1 + e); sigma'(1) = e / (1 + e)^2 */
    double x = 1.0, y = NAN, d = NAN;
    assert_int_equal(nnact_act_forward(NNACT_ACT_SIGMOID, NAN, 1, &x, &y), NNACT_OK);
    assert_close(y, 0.7310585786300049, 3.4e-16) /* 3 ulp */;
    assert_int_equal(nnact_act_derivative(NNACT_ACT_SIGMOID, NAN, 1, &x, &d), NNACT_OK);
    assert_close(d, 0.19661193324148185, 8.4e-17) /* 3 ulp */;
}

static void tanh_from_output_matches_derivative(void **state)
{
    (void)state;
    double x[5] = {-3.0, -0.25, 0.0, 0.5, 18.0}, y[5], dy[5] = {1, 2, 3, 4, 5}, a[5], b[5];
    assert_int_equal(nnact_act_forward(NNACT_ACT_TANH, NAN, 5, x, y), NNACT_OK);
    assert_int_equal(nnact_act_backward(NNACT_ACT_TANH, NAN, 5, x, dy, a), NNACT_OK);
    assert_int_equal(nnact_act_backward_from_output(NNACT_ACT_TANH, NAN, 5, y, dy, b), NNACT_OK);
    for (int i = 0; i < 5; i++) {
        double exact = dy[i] / (cosh(x[i]) * cosh(x[i]));
        assert_close(a[i], exact, 4e-16 * fabs(exact) + 1e-300);
        /* from the output the conditioning near saturation is the tanh rounding */
        assert_close(b[i], exact, 1e-15 * dy[i]);
    }
}

static void bad_arguments_are_rejected(void **state)
{
    (void)state;
    double x = 1.0, y = 0.0;
    assert_int_equal(nnact_act_forward((nnact_act_kind)999, NAN, 1, &x, &y), NNACT_ERR_ARG);
    assert_int_equal(nnact_act_forward(NNACT_ACT_RELU, NAN, 1, NULL, &y), NNACT_ERR_ARG);
    assert_int_equal(nnact_act_forward(NNACT_ACT_RELU, NAN, 0, NULL, NULL), NNACT_OK);
    assert_int_equal(nnact_act_forward(NNACT_ACT_LEAKY_RELU, INFINITY, 1, &x, &y), NNACT_ERR_ARG);
    assert_non_null(strstr(nnact_last_error(), "leaky_relu"));
    assert_non_null(strstr(nnact_last_error(), "alpha"));
    assert_int_equal(nnact_act_backward_from_output(NNACT_ACT_GELU, NAN, 1, &x, &x, &y),
                     NNACT_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sigmoid_neuron_closed_form),
        cmocka_unit_test(tanh_from_output_matches_derivative),
        cmocka_unit_test(bad_arguments_are_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
