/* The worked example of docs/EXAMPLE.md in C: read a labelled table, hold out
 * a stratified fifth of it, standardize on the training rows, train a small
 * network with early stopping, score the held-out rows, and save a model that
 * carries its scaling and class names.
 *
 *   cc iris.c $(pkg-config --cflags --libs nnact) -o iris
 *   ./iris data/iris.csv iris.nnm
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <nnact/nnact.h>

/* Every call returns a status; on failure print the library's detail and stop. */
#define CHECK(call)                                                                                \
    do {                                                                                           \
        if ((call) != NNACT_OK) {                                                                  \
            fprintf(stderr, "iris: %s\n", nnact_last_error());                                     \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

int main(int argc, char **argv)
{
    const char *csv = argc > 1 ? argv[1] : "data/iris.csv";
    const char *model = argc > 2 ? argv[2] : "iris.nnm";
    const uint64_t seed = 7;

    /* the table: four measurements, the species as class labels */
    nnact_read_options *ro;
    nnact_table *all, *train, *test;
    CHECK(nnact_read_options_create(&ro));
    CHECK(nnact_read_options_set_targets(ro, "species"));
    CHECK(nnact_read_options_set_int(ro, NNACT_READ_TASK, NNACT_TASK_CLASSIFY));
    CHECK(nnact_table_read_path(csv, ro, &all));
    const size_t n = nnact_table_rows(all), n_in = nnact_table_feature_count(all);
    const size_t classes = nnact_table_class_count(all);

    /* 80 % training rows, 20 % held out, in the same proportion per class */
    size_t *order = malloc(n * sizeof *order), n_train;
    if (order == NULL) return 1;
    CHECK(nnact_split_rows(n, nnact_table_targets(all), 0.2, seed, order, &n_train));
    CHECK(nnact_table_subset(all, n_train, order, &train));
    CHECK(nnact_table_subset(all, n - n_train, order + n_train, &test));

    /* 4 -> 16 tanh -> 3 logits; standardization fitted on the training rows */
    nnact_net *net;
    double shift[64], scale[64];
    const char *names[64];
    if (n_in > 64 || classes > 64) return 1;
    CHECK(nnact_net_create(n_in, &net));
    CHECK(nnact_net_add_dense(net, 16, NNACT_ACT_TANH, NAN));
    CHECK(nnact_net_add_dense(net, classes, NNACT_ACT_IDENTITY, NAN));
    CHECK(nnact_net_init(net, NNACT_INIT_XAVIER_UNIFORM, seed));
    CHECK(nnact_scaling_fit(NNACT_SCALING_STANDARD, n_train, n_in, nnact_table_features(train),
                            shift, scale));
    CHECK(nnact_net_set_input_scaling(net, shift, scale));
    for (size_t i = 0; i < classes; i++)
        names[i] = nnact_table_class_name(all, i);
    CHECK(nnact_net_set_class_names(net, classes, names));

    /* Adam, minibatches of 16, a validation fifth, stop after 20 epochs without progress */
    nnact_opt *opt;
    nnact_fit_config *cfg;
    nnact_fit_report rep = {.size = sizeof rep};
    CHECK(nnact_opt_create(NNACT_OPT_ADAM, &opt));
    CHECK(nnact_opt_set(opt, NNACT_OPT_PARAM_LR, 0.01));
    CHECK(nnact_fit_config_create(&cfg));
    CHECK(nnact_fit_config_set_int(cfg, NNACT_FIT_PARAM_EPOCHS, 500));
    CHECK(nnact_fit_config_set_int(cfg, NNACT_FIT_PARAM_BATCH_SIZE, 16));
    CHECK(nnact_fit_config_set_int(cfg, NNACT_FIT_PARAM_SEED, seed));
    CHECK(nnact_fit_config_set_real(cfg, NNACT_FIT_PARAM_VAL_FRACTION, 0.2));
    CHECK(nnact_fit_config_set_int(cfg, NNACT_FIT_PARAM_PATIENCE, 20));
    CHECK(nnact_net_fit_run(net, opt, NNACT_LOSS_SOFTMAX_CE_INDEX, n_train,
                            nnact_table_features(train), nnact_table_targets(train), cfg, &rep));
    printf("trained %llu epochs, best epoch %llu (validation loss %.4f)\n",
           (unsigned long long)rep.epochs_done, (unsigned long long)rep.best_epoch,
           rep.best_loss);

    /* the held-out rows */
    const size_t n_test = nnact_table_rows(test);
    double *logits = malloc(n_test * classes * sizeof *logits), confusion[64 * 64];
    nnact_class_metrics m = {.size = sizeof m};
    if (logits == NULL || classes * classes > 64 * 64) return 1;
    CHECK(nnact_net_predict(net, n_test, nnact_table_features(test), logits));
    CHECK(nnact_metrics_classify(n_test, classes, logits, nnact_table_targets(test), &m, confusion,
                                 NULL, NULL, NULL));
    printf("held-out rows %zu: accuracy %.4f, log-loss %.4f\n", n_test, m.accuracy, m.log_loss);
    printf("confusion (rows: true class, columns: predicted)\n");
    for (size_t i = 0; i < classes; i++) {
        printf("  %-12s", nnact_net_class_name(net, i));
        for (size_t j = 0; j < classes; j++)
            printf(" %3.0f", confusion[i * classes + j]);
        printf("\n");
    }

    CHECK(nnact_net_save(net, model));
    printf("saved %s\n", model);

    free(logits);
    free(order);
    nnact_fit_config_free(cfg);
    nnact_opt_free(opt);
    nnact_net_free(net);
    nnact_table_free(test);
    nnact_table_free(train);
    nnact_table_free(all);
    nnact_read_options_free(ro);
    return 0;
}
