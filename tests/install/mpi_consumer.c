/* A downstream MPI program against the installed libnnact_mpi: two ranks fit
 * XOR data-parallel and must end with the same parameters. */
#include <stdio.h>
#include <string.h>

#include <nnact/mpi.h>
#include <nnact/nnact.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const double x[8] = {0, 0, 0, 1, 1, 0, 1, 1}, t[4] = {0, 1, 1, 0};
    nnact_mpi *m = NULL;
    nnact_net *net = NULL;
    nnact_opt *o = NULL;
    nnact_fit_config *c = NULL;
    int ok = nnact_mpi_create(MPI_COMM_WORLD, &m) == NNACT_OK &&
             nnact_net_create(2, &net) == NNACT_OK &&
             nnact_net_add_dense(net, 4, NNACT_ACT_TANH, 0.0) == NNACT_OK &&
             nnact_net_add_dense(net, 1, NNACT_ACT_IDENTITY, 0.0) == NNACT_OK &&
             nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, 1) == NNACT_OK &&
             nnact_opt_create(NNACT_OPT_ADAM, &o) == NNACT_OK &&
             nnact_fit_config_create(&c) == NNACT_OK &&
             nnact_fit_config_set_int(c, NNACT_FIT_PARAM_EPOCHS, 50) == NNACT_OK &&
             nnact_fit_config_set_int(c, NNACT_FIT_PARAM_BATCH_SIZE, 4) == NNACT_OK &&
             nnact_mpi_fit(m, net, o, NNACT_LOSS_MSE, 4, x, t, c, NULL) == NNACT_OK;
    double p[17], q[17];
    ok = ok && nnact_net_get_params(net, 17, p) == NNACT_OK;
    memcpy(q, p, sizeof p);
    MPI_Bcast(q, 17, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    ok = ok && memcmp(p, q, sizeof p) == 0;
    if (!ok)
        fprintf(stderr, "mpi consumer failed: %s\n", nnact_mpi_last_error());
    else if (nnact_mpi_rank(m) == 0)
        printf("mpi consumer ok: %d ranks\n", nnact_mpi_size(m));
    nnact_fit_config_free(c);
    nnact_opt_free(o);
    nnact_net_free(net);
    nnact_mpi_free(m);
    MPI_Finalize();
    return ok ? 0 : 1;
}
