/* nnact demo, the XOR part: the same 2-8-1 network trained with an identity,
 * a tanh and a ReLU hidden layer, side by side. Without a nonlinearity the
 * network is one affine map, and the best affine fit of XOR is 0.5 everywhere
 * (MSE 1/4); either nonlinearity solves it. */
#include <math.h>
#include <stdio.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/io_cmds.h"
#include "nnact/nnact.h"

#define XOR_STEPS 2000

/* The trained ReLU network, kept for the demo's save-and-reload part. */
static nnact_net *kept_relu;

nnact_net *cli_demo_xor_take_net(void)
{
    nnact_net *net = kept_relu;
    kept_relu = NULL;
    return net;
}

/* Trains one network; *keep (if not NULL) receives it instead of its freeing. */
static nnact_status train_one(nnact_act_kind hidden, double pred[4], double *mse, nnact_net **keep)
{
    static const double x[8] = {0, 0, 0, 1, 1, 0, 1, 1}, t[4] = {0, 1, 1, 0};
    nnact_net *net = NULL;
    nnact_opt *o = NULL;
    nnact_status s = nnact_net_create(2, &net);
    if (s == NNACT_OK) s = nnact_net_add_dense(net, 8, hidden, NAN);
    if (s == NNACT_OK) s = nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, NAN);
    if (s == NNACT_OK) /* He for ReLU, Glorot otherwise, as the schemes were made for */
        s = nnact_net_init(
            net, hidden == NNACT_ACT_RELU ? NNACT_INIT_HE_UNIFORM : NNACT_INIT_XAVIER_UNIFORM, 1);
    if (s == NNACT_OK) s = nnact_opt_create(NNACT_OPT_ADAM, &o);
    if (s == NNACT_OK) s = nnact_opt_set(o, NNACT_OPT_PARAM_LR, 0.01);
    double loss = NAN;
    for (int i = 0; i < XOR_STEPS && s == NNACT_OK; i++)
        s = nnact_net_train_step(net, o, NNACT_LOSS_MSE, 4, x, t, &loss);
    if (s == NNACT_OK) s = nnact_net_predict(net, 4, x, pred);
    if (s == NNACT_OK) s = nnact_loss(NNACT_LOSS_MSE, 4, 1, pred, t, mse, NULL);
    nnact_opt_free(o);
    if (s == NNACT_OK && keep != NULL) {
        *keep = net;
        net = NULL;
    }
    nnact_net_free(net);
    return s;
}

int cli_demo_xor(FILE *out)
{
    static const nnact_act_kind kinds[3] = {NNACT_ACT_IDENTITY, NNACT_ACT_TANH, NNACT_ACT_RELU};
    double pred[3][4], mse[3];
    for (int k = 0; k < 3; k++)
        if (train_one(kinds[k], pred[k], &mse[k],
                      kinds[k] == NNACT_ACT_RELU && kept_relu == NULL ? &kept_relu : NULL) !=
            NNACT_OK) {
            fprintf(stderr, "nnact demo: %s\n", cli_library_reason());
            return CLI_FAILED;
        }
    fprintf(out, "\nXOR with a 2-8-1 network, Adam (lr 0.01), %d full-batch steps, seed 1:\n\n",
            XOR_STEPS);
    fprintf(out, "  %-9s %-7s", "input", "target");
    for (int k = 0; k < 3; k++)
        fprintf(out, " %12s", nnact_act_name(kinds[k]));
    fprintf(out, "\n");
    static const char *const rows[4] = {"0 0", "0 1", "1 0", "1 1"};
    static const int target[4] = {0, 1, 1, 0};
    for (int i = 0; i < 4; i++) {
        fprintf(out, "  %-9s %-7d", rows[i], target[i]);
        for (int k = 0; k < 3; k++)
            fprintf(out, " %12.6f", pred[k][i]);
        fprintf(out, "\n");
    }
    fprintf(out, "  %-17s", "final MSE");
    for (int k = 0; k < 3; k++)
        fprintf(out, " %12.3e", mse[k]);
    fprintf(out, "\n  %-17s", "rounds to XOR");
    for (int k = 0; k < 3; k++) {
        int ok = 1;
        for (int i = 0; i < 4; i++)
            ok &= lround(pred[k][i]) == target[i];
        fprintf(out, " %12s", ok ? "yes" : "no");
    }
    fprintf(out, "\n\nWith identity hidden units the network is one affine map; the best affine\n"
                 "fit of XOR predicts 0.5 everywhere, MSE 0.25, whatever the depth.\n");
    return CLI_OK;
}
