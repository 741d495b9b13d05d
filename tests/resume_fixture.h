/* The network and optimizers shared by the two resume tests (through the
 * checkpoint calls, test_io_resume.c, and through nnact_net_fit_ex,
 * test_train_resume.c). Include after nnact_test.h. */
#ifndef NNACT_RESUME_FIXTURE_H
#define NNACT_RESUME_FIXTURE_H

#include "nnact/nnact.h"

/* 2 -> 5 tanh -> 3 leaky ReLU (no bias) -> 1, Xavier from a fixed seed. */
static inline nnact_net *resume_fresh_net(void)
{
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(2, &net), NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 5, NNACT_ACT_TANH, NAN), NNACT_OK);
    assert_int_equal(nnact_net_add_dense_ex(net, 3, NNACT_ACT_LEAKY_RELU, 0.1, NNACT_DENSE_NO_BIAS),
                     NNACT_OK);
    assert_int_equal(nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN), NNACT_OK);
    assert_int_equal(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 2024), NNACT_OK);
    return net;
}

/* Non-default settings so every state vector of the kind is in play. */
static inline nnact_opt *resume_fresh_opt(nnact_opt_kind k)
{
    nnact_opt *o = NULL;
    assert_int_equal(nnact_opt_create(k, &o), NNACT_OK);
    if (k == NNACT_OPT_RMSPROP) {
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_CENTERED, 1), NNACT_OK);
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_MOMENTUM, 0.5), NNACT_OK);
    }
    if (k == NNACT_OPT_ADAM || k == NNACT_OPT_ADAMW)
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_AMSGRAD, 1), NNACT_OK);
    if (k == NNACT_OPT_ADAGRAD)
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR_DECAY, 0.01), NNACT_OK);
    if (k == NNACT_OPT_SGD || k == NNACT_OPT_MOMENTUM)
        assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_WEIGHT_DECAY, 1e-3), NNACT_OK);
    return o;
}

/* The base learning rate of the resume runs, and an optimizer set to it. */
#define RESUME_BASE_LR 0.05
static inline nnact_opt *resume_fresh_opt_at_base(nnact_opt_kind k)
{
    nnact_opt *o = resume_fresh_opt(k);
    assert_int_equal(nnact_opt_set(o, NNACT_OPT_PARAM_LR, RESUME_BASE_LR), NNACT_OK);
    return o;
}

/* StepLR halving the rate every 2 epochs. */
static inline nnact_sched *resume_step_sched(void)
{
    nnact_sched *s = NULL;
    assert_int_equal(nnact_sched_create(NNACT_SCHED_STEP, &s), NNACT_OK);
    assert_int_equal(nnact_sched_set(s, NNACT_SCHED_PARAM_STEP_SIZE, 2), NNACT_OK);
    assert_int_equal(nnact_sched_set(s, NNACT_SCHED_PARAM_GAMMA, 0.5), NNACT_OK);
    return s;
}

#endif /* NNACT_RESUME_FIXTURE_H */
