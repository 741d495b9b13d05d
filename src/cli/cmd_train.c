/* nnact train: fit a dense network on a built-in data set or a CSV file, with
 * a progress bar on a terminal and plain lines otherwise. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/table.h"
#include "cli/train.h"
#include "cli/train_mpi.h"
#include "nnact/nnact.h"

/* One help line "  --opt NAME ... default" and the family's names under it. */
static void names_option(FILE *out, const char *line, enum cli_family f)
{
    static const char indent[] = "                     ";
    fprintf(out, "%s\n%s", line, indent);
    cli_print_kinds(out, f, indent, 79);
}

/* The data options: files, targets, task, held-out rows. */
static void data_help(FILE *out)
{
    fprintf(out,
            "  --data NAME|FILE   xor (default), toy (the 4x3 set y = first input), sine, or\n"
            "                     a table FILE ('-': standard input): comma, semicolon, tab\n"
            "                     or blank separated, the header line detected; read\n"
            "                     strictly (a bad cell is an error naming FILE:LINE:COLUMN)\n"
            "  --target COLS      the target columns, names or 1-based numbers separated by\n"
            "                     ','; the other columns are the features. Without it the\n"
            "                     last --outputs columns are regression targets (and '#'\n"
            "                     lines are skipped)\n"
            "  --outputs K        without --target: the last K columns are the targets (1)\n"
            "  --task TASK        regress (default): the target columns are the outputs, loss\n"
            "                     mse unless --loss; classify: one --target column of class\n"
            "                     labels (any text), one output per class (two for a binary\n"
            "                     task, not one logit), loss softmax_ce_index; the labels are\n"
            "                     saved in the model in first-seen order\n"
            "  --standardize      scale each feature to mean 0 and standard deviation 1,\n"
            "                     fitted on the training rows only and saved in the model\n"
            "                     (predict and eval apply it); constant columns are kept\n"
            "  --header WHEN      auto (default: a first line that is not all numbers),\n"
            "                     yes or no: whether --data and --test start with a header\n"
            "  --max-rows N       refuse a table of more than N data rows (default 10000000;\n"
            "                     bounds a pipe given as --data -)\n"
            "  --test FILE        held-out rows: a table with the same columns and header;\n"
            "                     scored at the end (a class it has that training has not is\n"
            "                     an error naming FILE:LINE)\n"
            "  --test-fraction F  hold out this share of --data's rows instead, in (0, 1),\n"
            "                     drawn from --seed (stratified by class for classify)\n"
            "  --val F            validation share of the training rows in [0, 1) (default\n"
            "                     0), drawn from --seed (stratified for classify), never the\n"
            "                     last rows\n"
            "  --patience N       stop after N epochs without a better validation loss and\n"
            "                     keep the best epoch's parameters (needs --val)\n");
}

void cli_train_help(FILE *out)
{
    fprintf(out, "usage: nnact train [OPTIONS]\n\n"
                 "Trains a dense network with nnact_net_fit_run and prints the loss per epoch\n"
                 "(a progress bar fitting the terminal, plain lines otherwise), then the\n"
                 "held-out rows' scores: accuracy, log-loss and a confusion matrix (rows: true\n"
                 "class, columns: predicted, at most 80 columns wide), or R2 per output and\n"
                 "their mean, MSE and MAE. With --target and nothing held out, the training\n"
                 "rows' scores; on a built-in set, the first rows' predictions.\n"
                 "Under an MPI launcher (mpirun -np N nnact train ...) the fit is data-parallel\n"
                 "when this build has MPI: every rank reads the data, rank 0 prints and saves\n"
                 "(docs/SCALING.md).\n\n");
    data_help(out);
    fprintf(out,
            "  --hidden SPEC      hidden layers: widths separated by ',' or '-', each with an\n"
            "                     optional :ACT[:ALPHA] (default 8; 0 = none); the network is\n"
            "                     INPUTS,SPEC,OUTPUTS in nnact gradcheck's --layers grammar\n"
            "  --act NAME         hidden activation where SPEC names none (default tanh)\n"
            "  --out-act NAME     output activation (default identity; sigmoid with\n"
            "                     --loss bce_logits is warned about: the sigmoid twice)\n");
    names_option(out, "  --loss NAME        mse (default), or one of", CLI_LOSS);
    names_option(out, "  --opt NAME         adam (default), or one of", CLI_OPT);
    fprintf(out, "  --lr X             learning rate (default: the optimizer's own; 0.02 for adam\n"
                 "                     on xor)\n"
                 "  --epochs N         (default 1000)\n"
                 "  --batch B          minibatch rows (default: all training rows; a larger B is\n"
                 "                     clamped to them with a note)\n");
    names_option(out,
                 "  --sched NAME       constant (default; cosine takes T_max = epochs), one of",
                 CLI_SCHED);
    names_option(out, "  --init NAME        xavier_uniform (default), or one of", CLI_INIT);
    fprintf(out,
            "  --seed S           initialisation, split and shuffling seed (default 1)\n"
            "  --save FILE        save the trained model to FILE, with its scaling, class,\n"
            "                     feature and target names; written last and atomically (an\n"
            "                     error leaves FILE as it was); its directory is checked\n"
            "                     before training\n"
            "  --checkpoint FILE  save a training checkpoint to FILE after every epoch\n"
            "                     (atomically: an interrupted run leaves the last epoch's)\n"
            "  --resume FILE      continue the run a checkpoint FILE stopped: the network,\n"
            "                     optimizer, epochs done, base lr and seed come from FILE\n"
            "                     (--hidden, --act, --out-act, --opt, --lr, --init,\n"
            "                     --standardize and a different --seed are refused); pass the\n"
            "                     first run's --data, --target, --task, --outputs, --loss,\n"
            "                     --batch, --val, --test-fraction and --sched, and --epochs\n"
            "                     as the total; the result is bit-identical to one run\n"
            "\nErrors are one line: exit status 1 for data (a file that cannot be read, a\n"
            "bad cell, a missing column), 2 for usage.\n"
            "\nActivations (ACT):\n  ");
    cli_print_kinds(out, CLI_ACT, "  ", 79);
}

static const char *const cmd = cli_train_cmd;

/* An option naming a kind of a family: *kind, or a usage error listing the names. */
static int kind_value(const char *a, const char *v, enum cli_family f, int *kind)
{
    const char *why = cli_parse_kind(f, v, kind);
    return why ? cli_usage_error(cmd, "%s: %s", a, why) : CLI_OK;
}

/* The options that shape the model (refused with --resume). */
static int model_value(const char *a, const char *v, struct train_opts *o)
{
    const char *why = NULL;
    o->model_opt = a;
    if (strcmp(a, "--hidden") == 0) {
        o->hidden = v;
    } else if (strcmp(a, "--act") == 0) {
        return kind_value(a, v, CLI_ACT, &o->act);
    } else if (strcmp(a, "--out-act") == 0) {
        return kind_value(a, v, CLI_ACT, &o->out_act);
    } else if (strcmp(a, "--opt") == 0) {
        return kind_value(a, v, CLI_OPT, &o->opt);
    } else if (strcmp(a, "--init") == 0) {
        return kind_value(a, v, CLI_INIT, &o->init);
    } else {
        why = cli_parse_real(v, 0.0, HUGE_VAL, &o->lr); /* --lr */
    }
    return why ? cli_usage_error(cmd, "%s: '%s' %s", a, cli_quote(v), why) : CLI_OK;
}

/* One option with its value: CLI_OK or a usage error. */
static int parse_value(const char *a, const char *v, struct train_opts *o)
{
    static const char *const model_opts[] = {"--hidden", "--act",  "--out-act",
                                             "--opt",    "--init", "--lr"};
    for (size_t k = 0; k < sizeof model_opts / sizeof *model_opts; k++)
        if (strcmp(a, model_opts[k]) == 0) return model_value(a, v, o);
    const char *why = NULL;
    if (strcmp(a, "--data") == 0) {
        o->data = v;
    } else if (strcmp(a, "--target") == 0) {
        o->targets = v;
    } else if (strcmp(a, "--task") == 0) {
        if (strcasecmp(v, "classify") == 0)
            o->task = NNACT_TASK_CLASSIFY;
        else if (strcasecmp(v, "regress") == 0)
            o->task = NNACT_TASK_REGRESS;
        else
            why = "is not a task (classify, regress)";
    } else if (strcmp(a, "--header") == 0) {
        return cli_parse_header(cmd, v, &o->read.header);
    } else if (strcmp(a, "--max-rows") == 0) {
        return cli_parse_max_rows(cmd, v, &o->read.max_rows);
    } else if (strcmp(a, "--test") == 0) {
        o->test_path = v;
    } else if (strcmp(a, "--test-fraction") == 0) {
        why = cli_parse_real(v, 0.0, 1.0, &o->test_fraction);
        if (why == NULL && (o->test_fraction <= 0.0 || o->test_fraction >= 1.0))
            why = "is not inside (0, 1)";
    } else if (strcmp(a, "--patience") == 0) {
        why = cli_parse_size(v, 1, SIZE_MAX, &o->patience);
    } else if (strcmp(a, "--outputs") == 0) {
        why = cli_parse_size(v, 1, SIZE_MAX, &o->n_out_file);
    } else if (strcmp(a, "--loss") == 0) {
        o->loss_given = 1;
        return kind_value(a, v, CLI_LOSS, &o->loss);
    } else if (strcmp(a, "--sched") == 0) {
        return kind_value(a, v, CLI_SCHED, &o->sched);
    } else if (strcmp(a, "--val") == 0) {
        why = cli_parse_real(v, 0.0, 1.0, &o->val);
        if (why == NULL && o->val >= 1.0) why = "is not below 1";
    } else if (strcmp(a, "--epochs") == 0) {
        why = cli_parse_size(v, 1, SIZE_MAX, &o->epochs);
    } else if (strcmp(a, "--batch") == 0) {
        why = cli_parse_size(v, 0, SIZE_MAX, &o->batch);
    } else if (strcmp(a, "--seed") == 0) {
        why = cli_parse_u64(v, &o->seed);
        o->seed_given = 1;
    } else if (strcmp(a, "--save") == 0) {
        o->save_path = v;
    } else if (strcmp(a, "--checkpoint") == 0) {
        o->ckpt_path = v;
    } else if (strcmp(a, "--resume") == 0) {
        o->resume_path = v;
    } else {
        return cli_usage_error(cmd, "unknown option '%s' (see 'nnact train --help')", cli_quote(a));
    }
    return why ? cli_usage_error(cmd, "%s: '%s' %s", a, cli_quote(v), why) : CLI_OK;
}

/* --target's list as the reader takes it (names or 1-based numbers, ','
 * between), checked here so a malformed list is a usage error: no empty
 * list or item, no column 0, no column twice, one column to classify. */
static int check_targets(const struct train_opts *o)
{
    const char *v = o->targets;
    if (v == NULL) return CLI_OK;
    if (v[0] == '\0')
        return cli_usage_error(cmd, "--target '' names no column (names or 1-based numbers, "
                                    "separated by ',')");
    size_t count = 0;
    for (const char *item = v;; count++) {
        const size_t len = strcspn(item, ",");
        if (len == 0)
            return cli_usage_error(cmd, "--target '%s': item %zu is empty", cli_quote(v),
                                   count + 1);
        if (strspn(item, "0") == len) /* "0", "00": numbers start at 1 */
            return cli_usage_error(cmd, "--target '%s': column numbers start at 1, not 0",
                                   cli_quote(v));
        for (const char *prev = v; prev < item; prev += strcspn(prev, ",") + 1)
            if (strcspn(prev, ",") == len && strncmp(prev, item, len) == 0)
                return cli_usage_error(cmd, "--target '%s': item %zu repeats an earlier one",
                                       cli_quote(v), count + 1);
        if (item[len] == '\0') break;
        item += len + 1;
    }
    if (o->task == NNACT_TASK_CLASSIFY && count > 0)
        return cli_usage_error(
            cmd, "--task classify takes one --target column (the labels), not %zu", count + 1);
    return CLI_OK;
}

/* Options that only make sense together. */
static int check_combinations(const struct train_opts *o)
{
    const int builtin =
        strcmp(o->data, "xor") == 0 || strcmp(o->data, "toy") == 0 || strcmp(o->data, "sine") == 0;
    if (o->resume_path != NULL && o->model_opt != NULL)
        return cli_usage_error(cmd,
                               "%s cannot be combined with --resume (the network and the "
                               "optimizer come from the checkpoint)",
                               o->model_opt);
    if (builtin && (o->targets || o->test_path || o->test_fraction > 0 || o->task >= 0))
        return cli_usage_error(cmd, "--target, --task, --test and --test-fraction need a --data "
                                    "FILE, not the built-in set");
    if (o->task == NNACT_TASK_CLASSIFY && o->targets == NULL)
        return cli_usage_error(cmd, "--task classify needs --target COL (the label column)");
    if (check_targets(o) != CLI_OK) return CLI_USAGE;
    if (o->task != NNACT_TASK_CLASSIFY && o->loss == NNACT_LOSS_SOFTMAX_CE_INDEX && !builtin)
        return cli_usage_error(cmd, "--loss softmax_ce_index reads one column of class labels: "
                                    "use --task classify --target COL");
    if (o->task == NNACT_TASK_CLASSIFY && o->loss_given && o->loss != NNACT_LOSS_SOFTMAX_CE_INDEX)
        return cli_usage_error(cmd, "--task classify trains with --loss softmax_ce_index, not %s",
                               nnact_loss_name((nnact_loss_kind)o->loss));
    if (o->test_path != NULL && o->test_fraction > 0)
        return cli_usage_error(cmd, "--test and --test-fraction: choose one");
    if (o->patience > 0 && o->val <= 0.0)
        return cli_usage_error(cmd, "--patience needs a validation split (--val F)");
    return CLI_OK;
}

static int parse_opts(int argc, char **argv, struct train_opts *o)
{
    *o = (struct train_opts){.data = "xor",
                             .hidden = "8",
                             .n_out_file = 1,
                             .epochs = 1000,
                             .lr = NAN,
                             .seed = 1,
                             .task = -1,
                             .act = NNACT_ACT_TANH,
                             .out_act = NNACT_ACT_IDENTITY,
                             .loss = NNACT_LOSS_MSE,
                             .opt = NNACT_OPT_ADAM,
                             .sched = NNACT_SCHED_CONSTANT,
                             .init = NNACT_INIT_XAVIER_UNIFORM,
                             .read = CLI_READ_DEFAULTS};
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--standardize") == 0) { /* the one flag without a value */
            o->standardize = 1;
            o->model_opt = argv[i];
            i--;
            continue;
        }
        if (i + 1 >= argc)
            return cli_usage_error(cmd, "'%s' needs a value (see 'nnact train --help')",
                                   cli_quote(argv[i]));
        int rc = parse_value(argv[i], argv[i + 1], o);
        if (rc != CLI_OK) return rc;
    }
    const int rc = check_combinations(o);
    if (o->task == NNACT_TASK_CLASSIFY) o->loss = NNACT_LOSS_SOFTMAX_CE_INDEX;
    return rc;
}

/* The files the run writes, checked before it starts: a run of minutes must
 * not end on a directory that does not exist. */
static int check_outputs(const struct train_opts *o)
{
    const char *why = NULL;
    if (o->save_path != NULL && (why = cli_output_path_problem(o->save_path)) != NULL)
        return cli_fail(cmd, "--save '%s' %s", cli_quote(o->save_path), why);
    if (o->ckpt_path != NULL && (why = cli_output_path_problem(o->ckpt_path)) != NULL)
        return cli_fail(cmd, "--checkpoint '%s' %s", cli_quote(o->ckpt_path), why);
    return CLI_OK;
}

static int train(int argc, char **argv)
{
    struct train_opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc == CLI_OK) rc = check_outputs(&o);
    /* agreed too: without a shared file system the output folder may exist
       on some ranks only (cli/train_mpi.h) */
    if ((rc = cli_mpi_agree(rc)) != CLI_OK) return rc;
    struct data d;
    /* under mpirun every rank reads the data: all go on or all stop (cli/train_mpi.h) */
    rc = train_load_data(&o, &d);
    if ((rc = cli_mpi_agree(rc)) != CLI_OK) return rc;
    struct model m = {0};
    rc = o.resume_path ? train_resume_model(&o, &d, &m) : train_new_model(&o, &d, &m);
    if ((rc = cli_mpi_agree(rc)) == CLI_OK) rc = train_run(&o, &d, &m);
    train_free_model(&m);
    train_free_data(&d);
    return rc;
}

int cli_train(int argc, char **argv)
{
    int rc = cli_mpi_start();
    return cli_mpi_finish(rc == CLI_OK ? train(argc, argv) : rc);
}
