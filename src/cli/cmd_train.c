/* nnact train: fit a dense network on a built-in data set or a CSV file, with
 * a progress bar on a terminal and plain lines otherwise. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "nnact/nnact.h"

/* One help line "  --opt NAME ... default" and the family's names under it. */
static void names_option(FILE *out, const char *line, enum cli_family f)
{
    static const char indent[] = "                     ";
    fprintf(out, "%s\n%s", line, indent);
    cli_print_kinds(out, f, indent, 79);
}

void cli_train_help(FILE *out)
{
    fprintf(out,
            "usage: nnact train [OPTIONS]\n\n"
            "Trains a dense network with nnact_net_fit and prints the loss per epoch\n"
            "(a progress bar on a terminal, plain lines otherwise) and the predictions.\n\n"
            "  --data NAME|FILE   xor (default), toy (the 4x3 set y = first input), sine,\n"
            "                     or a CSV/whitespace file of numbers, one row per line\n"
            "  --outputs K        the last K columns of FILE are the targets (default 1)\n"
            "  --hidden SPEC      hidden layers: widths separated by ',' or '-', each with an\n"
            "                     optional :ACT[:ALPHA] (default 8; 0 = none); the network is\n"
            "                     INPUTS,SPEC,OUTPUTS in nnact gradcheck's --layers grammar\n"
            "  --act NAME         hidden activation where SPEC names none (default tanh)\n"
            "  --out-act NAME     output activation (default identity)\n");
    names_option(out, "  --loss NAME        mse (default), or one of", CLI_LOSS);
    names_option(out, "  --opt NAME         adam (default), or one of", CLI_OPT);
    fprintf(
        out,
        "  --lr X             learning rate (default: the optimizer's own; 0.02 for adam on xor)\n"
        "  --epochs N         (default 1000)\n"
        "  --batch B          minibatch rows (default: all training rows)\n"
        "  --val F            validation fraction in [0, 1) (default 0)\n");
    names_option(out,
                 "  --sched NAME       constant (default; cosine takes T_max = epochs), one of",
                 CLI_SCHED);
    names_option(out, "  --init NAME        xavier_uniform (default), or one of", CLI_INIT);
    fprintf(out,
            "  --seed S           initialisation and shuffling seed (default 1)\n"
            "  --save FILE        save the trained model to FILE (atomically)\n"
            "  --checkpoint FILE  save a training checkpoint to FILE after every epoch\n"
            "                     (atomically: an interrupted run leaves the last epoch's)\n"
            "  --resume FILE      continue the run a checkpoint FILE stopped: the network,\n"
            "                     optimizer, epochs done, base lr and seed come from FILE\n"
            "                     (--hidden, --act, --out-act, --opt, --lr, --init and a\n"
            "                     different --seed are refused); pass the first run's --data,\n"
            "                     --outputs, --loss, --batch, --val and --sched, and --epochs\n"
            "                     as the total; the result is bit-identical to one run\n"
            "\nActivations (ACT):\n  ");
    cli_print_kinds(out, CLI_ACT, "  ", 79);
}

struct data {
    size_t n, n_in, n_out;
    double *x, *t;
};

static int builtin(const char *name, struct data *d)
{
    if (strcmp(name, "xor") == 0 || strcmp(name, "toy") == 0) {
        static const double xx[8] = {0, 0, 0, 1, 1, 0, 1, 1}, xt[4] = {0, 1, 1, 0};
        static const double tx[12] = {0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1}, tt[4] = {0, 0, 1, 1};
        int xor_ = name[0] == 'x';
        d->n = 4;
        d->n_in = xor_ ? 2 : 3;
        d->n_out = 1;
        d->x = malloc(d->n * d->n_in * sizeof(double));
        d->t = malloc(4 * sizeof(double));
        if (d->x == NULL || d->t == NULL) return 0;
        memcpy(d->x, xor_ ? xx : tx, d->n * d->n_in * sizeof(double));
        memcpy(d->t, xor_ ? xt : tt, 4 * sizeof(double));
        return 1;
    }
    if (strcmp(name, "sine") == 0) {
        d->n = 64;
        d->n_in = d->n_out = 1;
        d->x = malloc(64 * sizeof(double));
        d->t = malloc(64 * sizeof(double));
        if (d->x == NULL || d->t == NULL) return 0;
        for (size_t i = 0; i < 64; i++) {
            d->x[i] = -3.14159265358979 + 6.28318530717959 * (double)i / 63.0;
            d->t[i] = sin(d->x[i]);
        }
        return 1;
    }
    return -1; /* not a built-in name */
}

/* Rows of numbers separated by commas or blanks; every row as wide as the first. */
static int read_file(const char *path, size_t n_out, struct data *d, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot open '%s': %s", cli_quote(path), strerror(errno));
        return 0;
    }
    size_t cap = 0, len = 0, width = 0, row = 0;
    double *v = NULL;
    char line[65536];
    int ok = 1;
    while (ok && fgets(line, sizeof line, f) != NULL) {
        size_t w = 0;
        char *p = line, *end;
        for (;;) {
            while (*p == ',' || *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
                p++;
            if (*p == '\0' || *p == '#') break;
            double val = strtod(p, &end);
            if (end == p) {
                snprintf(err, errlen, "%s:%zu: not a number near '%s'", cli_quote(path), row + 1,
                         cli_quote(p));
                ok = 0;
                break;
            }
            if (len == cap) {
                cap = cap ? 2 * cap : 1024;
                double *nv = realloc(v, cap * sizeof *v);
                if (nv == NULL) {
                    snprintf(err, errlen, "out of memory");
                    ok = 0;
                    break;
                }
                v = nv;
            }
            v[len++] = val;
            w++;
            p = end;
        }
        if (!ok || w == 0) continue;
        if (width == 0) width = w;
        if (w != width) {
            snprintf(err, errlen, "%s:%zu: %zu columns, the first row has %zu", cli_quote(path),
                     row + 1, w, width);
            ok = 0;
        }
        row++;
    }
    fclose(f);
    if (ok && (row == 0 || width <= n_out)) {
        snprintf(err, errlen, "%s: need rows with more than %zu columns", cli_quote(path), n_out);
        ok = 0;
    }
    if (ok) {
        d->n = row;
        d->n_out = n_out;
        d->n_in = width - n_out;
        d->x = malloc(row * d->n_in * sizeof(double));
        d->t = malloc(row * n_out * sizeof(double));
        ok = d->x != NULL && d->t != NULL;
        if (!ok) snprintf(err, errlen, "out of memory");
        for (size_t r = 0; ok && r < row; r++) {
            memcpy(d->x + r * d->n_in, v + r * width, d->n_in * sizeof(double));
            memcpy(d->t + r * n_out, v + r * width + d->n_in, n_out * sizeof(double));
        }
    }
    free(v);
    return ok;
}

struct progress {
    int tty;
    size_t every;
    size_t done; /* the last epoch completed (0: none in this run) */
};

static int on_epoch(size_t epoch, size_t epochs, double loss, double val, double elapsed,
                    void *user)
{
    struct progress *pr = user;
    pr->done = epoch;
    if (pr->tty) {
        if (epoch != 1 && epoch != epochs && epoch % (epochs / 100 ? epochs / 100 : 1) != 0)
            return 0; /* at most ~100 redraws */
        enum { WIDTH = 30 };
        size_t filled = epoch * WIDTH / epochs;
        char bar[WIDTH + 1];
        for (size_t i = 0; i < WIDTH; i++)
            bar[i] = i < filled ? '#' : '-';
        bar[WIDTH] = '\0';
        printf("\r[%s] epoch %zu/%zu  loss %.6g", bar, epoch, epochs, loss);
        if (!isnan(val)) printf("  val %.6g", val);
        printf("  %.1fs ", elapsed);
        if (epoch == epochs) printf("\n");
        fflush(stdout);
    } else if (epoch % pr->every == 0 || epoch == epochs || epoch == 1) {
        printf("epoch %zu/%zu loss %.9g", epoch, epochs, loss);
        if (!isnan(val)) printf(" val %.9g", val);
        printf(" time %.3fs\n", elapsed);
    }
    return 0;
}

static const char cmd[] = "train";

/* Everything the command line says, defaults filled in. */
struct train_opts {
    const char *data, *hidden, *save_path, *ckpt_path, *resume_path;
    const char *model_opt; /* the last option that --resume refuses, if any */
    size_t n_out_file, epochs, batch;
    double lr, val; /* lr NAN: the default */
    uint64_t seed;
    int seed_given;
    int act, out_act, loss, opt, sched, init; /* kinds of each family */
};

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
    } else if (strcmp(a, "--outputs") == 0) {
        why = cli_parse_size(v, 1, SIZE_MAX, &o->n_out_file);
    } else if (strcmp(a, "--loss") == 0) {
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
        return cli_usage_error(cmd, "unknown option '%s' (see nnact train --help)", cli_quote(a));
    }
    return why ? cli_usage_error(cmd, "%s: '%s' %s", a, cli_quote(v), why) : CLI_OK;
}

static int parse_opts(int argc, char **argv, struct train_opts *o)
{
    *o = (struct train_opts){.data = "xor",
                             .hidden = "8",
                             .n_out_file = 1,
                             .epochs = 1000,
                             .lr = NAN,
                             .seed = 1,
                             .act = NNACT_ACT_TANH,
                             .out_act = NNACT_ACT_IDENTITY,
                             .loss = NNACT_LOSS_MSE,
                             .opt = NNACT_OPT_ADAM,
                             .sched = NNACT_SCHED_CONSTANT,
                             .init = NNACT_INIT_XAVIER_UNIFORM};
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc)
            return cli_usage_error(cmd, "'%s' needs a value (see nnact train --help)",
                                   cli_quote(argv[i]));
        int rc = parse_value(argv[i], argv[i + 1], o);
        if (rc != CLI_OK) return rc;
    }
    if (o->resume_path != NULL && o->model_opt != NULL)
        return cli_usage_error(cmd,
                               "%s cannot be combined with --resume (the network and the "
                               "optimizer come from the checkpoint)",
                               o->model_opt);
    return CLI_OK;
}

static void free_data(struct data *d)
{
    free(d->x);
    free(d->t);
}

static int load_data(const struct train_opts *o, struct data *d)
{
    char err[512] = "";
    int b = builtin(o->data, d);
    if (b == 0 || (b < 0 && !read_file(o->data, o->n_out_file, d, err, sizeof err))) {
        cli_fail(cmd, "%s", b == 0 ? "out of memory" : err);
        free_data(d);
        return CLI_FAILED;
    }
    return CLI_OK;
}

/* The model being trained: network, optimizer, where the run starts. */
struct model {
    nnact_net *net;
    nnact_opt *opt;
    size_t start; /* epochs already done */
    uint64_t seed;
    int resumed; /* pos holds the checkpoint's position */
    nnact_checkpoint_position pos;
};

static void free_model(struct model *m)
{
    nnact_opt_free(m->opt);
    nnact_net_free(m->net);
    m->net = NULL;
    m->opt = NULL;
}

/* The separator --hidden uses (',' when it has one layer): the character
 * after its first layer, read as the grammar reads a layer, "WIDTH[:ACT[(:|@)
 * NUMBER]]", so the '-' of a parameter (4:leaky_relu:-0.1,3) is not taken for
 * the dash spelling's separator. */
static char hidden_separator(const char *h)
{
    const char *p = h;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == ':') {
        p++;
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
               *p == '_')
            p++;
        if (*p == ':' || *p == '@') {
            char *end = NULL;
            (void)strtod(p + 1, &end);
            if (end != NULL && end > p + 1) p = end;
        }
    }
    return *p == '-' ? '-' : ',';
}

/* INPUTS,HIDDEN,OUTPUTS through the one network grammar (nnact_net_from_spec);
 * --act and --out-act are the defaults where the spec names none. */
static int new_model(const struct train_opts *o, const struct data *d, struct model *m)
{
    char spec[1024];
    const char sep = hidden_separator(o->hidden);
    if (strcmp(o->hidden, "0") == 0)
        snprintf(spec, sizeof spec, "%zu%c%zu", d->n_in, sep, d->n_out);
    else if ((size_t)snprintf(spec, sizeof spec, "%zu%c%s%c%zu", d->n_in, sep, o->hidden, sep,
                              d->n_out) >= sizeof spec)
        return cli_usage_error(cmd, "--hidden: the layer list is too long");
    nnact_status st =
        nnact_net_from_spec(spec, (nnact_act_kind)o->act, (nnact_act_kind)o->out_act, 0, &m->net);
    if (st == NNACT_ERR_ARG) return cli_usage_error(cmd, "--hidden: %s", cli_library_reason());
    if (st == NNACT_OK) st = nnact_net_init(m->net, (nnact_init_kind)o->init, o->seed);
    if (st == NNACT_OK) st = nnact_opt_create((nnact_opt_kind)o->opt, &m->opt);
    double lr = o->lr;
    if (isnan(lr)) lr = o->opt == NNACT_OPT_ADAM && strcmp(o->data, "xor") == 0 ? 0.02 : NAN;
    if (st == NNACT_OK && !isnan(lr)) st = nnact_opt_set(m->opt, NNACT_OPT_PARAM_LR, lr);
    m->seed = o->seed;
    if (st != NNACT_OK) {
        fprintf(stderr, "nnact train: %s\n", nnact_last_error());
        free_model(m);
        return CLI_FAILED;
    }
    return CLI_OK;
}

/* The network, optimizer and position of a checkpoint, checked against the
 * command line and the data. */
static int resume_model(const struct train_opts *o, const struct data *d, struct model *m)
{
    m->pos.size = sizeof m->pos;
    nnact_status st = nnact_checkpoint_load_at(o->resume_path, 0, &m->net, &m->opt, &m->pos);
    if (st != NNACT_OK) {
        fprintf(stderr, "nnact train: --resume: %s\n", nnact_last_error());
        return CLI_FAILED;
    }
    const uint64_t epochs_done = m->pos.epochs_done;
    m->seed = m->pos.rng_key;
    m->resumed = 1;
    int ok = 1;
    if (o->seed_given && m->seed != o->seed) {
        fprintf(stderr, "nnact train: --seed %llu differs from the checkpoint's seed %llu\n",
                (unsigned long long)o->seed, (unsigned long long)m->seed);
        ok = 0;
    } else if (nnact_net_input_size(m->net) != d->n_in ||
               nnact_net_output_size(m->net) != d->n_out) {
        /* fit reads rows as wide as the network's input: they must agree */
        fprintf(stderr,
                "nnact train: --resume: the checkpoint's network maps %zu inputs to %zu "
                "outputs, the data has %zu and %zu\n",
                nnact_net_input_size(m->net), nnact_net_output_size(m->net), d->n_in, d->n_out);
        ok = 0;
    } else if (epochs_done > o->epochs) {
        fprintf(stderr,
                "nnact train: --resume: the checkpoint is at epoch %llu, past --epochs %zu\n",
                (unsigned long long)epochs_done, o->epochs);
        ok = 0;
    }
    if (!ok) {
        free_model(m);
        return CLI_FAILED;
    }
    m->start = (size_t)epochs_done;
    printf("resuming %s after epoch %zu of %zu\n", cli_quote(o->resume_path), m->start, o->epochs);
    return CLI_OK;
}

static nnact_status make_sched(const struct train_opts *o, nnact_sched **s)
{
    *s = NULL;
    if (o->sched == NNACT_SCHED_CONSTANT) return NNACT_OK;
    nnact_status st = nnact_sched_create((nnact_sched_kind)o->sched, s);
    if (st == NNACT_OK && o->sched == NNACT_SCHED_COSINE)
        st = nnact_sched_set(*s, NNACT_SCHED_PARAM_T_MAX, (double)(o->epochs ? o->epochs : 1));
    return st;
}

/* "network 2-8-1 (tanh hidden, identity out), adam lr 0.02, ..." */
static void print_setup(const struct train_opts *o, const struct data *d, const struct model *m,
                        size_t n_val, size_t batch)
{
    const size_t n_layers = nnact_net_layer_count(m->net);
    nnact_act_kind kinds[64], out = (nnact_act_kind)o->out_act;
    int same = 1;
    printf("network %zu", d->n_in);
    for (size_t l = 0; l < n_layers; l++) {
        size_t w = 0;
        nnact_act_kind k = NNACT_ACT_IDENTITY;
        (void)nnact_net_layer_info(m->net, l, NULL, &w, &k, NULL, NULL);
        if (l + 1 < n_layers) printf("-%zu", w);
        if (l + 1 == n_layers) out = k;
        if (l < 64) kinds[l] = k;
        same &= l + 1 == n_layers || l == 0 || l >= 64 || k == kinds[0];
    }
    /* one kind for every hidden layer: "(tanh hidden, ...)"; else each in turn */
    printf("-%zu (", d->n_out);
    if (n_layers < 2)
        printf("no hidden layer");
    else if (same)
        printf("%s hidden", nnact_act_name(kinds[0]));
    else
        for (size_t l = 0; l + 1 < n_layers && l < 64; l++)
            printf("%s%s", l ? ", " : "hidden ", nnact_act_name(kinds[l]));
    double lr_now = NAN;
    (void)nnact_opt_get(m->opt, NNACT_OPT_PARAM_LR, &lr_now);
    if (m->resumed) lr_now = m->pos.base_lr;
    printf(", %s out), %s lr %g, loss %s, %zu rows (%zu validation), "
           "batch %zu, seed %llu\n",
           nnact_act_name(out), nnact_opt_name(nnact_opt_get_kind(m->opt)), lr_now,
           nnact_loss_name((nnact_loss_kind)o->loss), d->n, n_val, batch,
           (unsigned long long)m->seed);
}

/* The fit itself, in one place, through the library's fit configuration; a
 * resumed run takes its start epoch and shuffling seed from the checkpoint's
 * position (nnact_fit_config_resume). The fit scales the optimizer's rate, so
 * that rate must be the base rate the checkpoint recorded: the checkpoints
 * this tool writes hold it so; one saved from a 1.0 fit callback holds the
 * scheduled rate instead, and is set back to its recorded base, once, with a
 * note. */
static nnact_status run_fit(const struct train_opts *o, const struct data *d, struct model *m,
                            nnact_sched *s, size_t batch, struct progress *pr, size_t *best_epoch,
                            double *best)
{
    nnact_fit_config *cfg = NULL;
    nnact_fit_report rep = {.size = sizeof rep, .best_epoch = 0, .best_loss = NAN};
    nnact_status st = nnact_fit_config_create(&cfg);
    double lr = NAN;
    if (st == NNACT_OK && m->resumed &&
        nnact_opt_get(m->opt, NNACT_OPT_PARAM_LR, &lr) == NNACT_OK && lr != m->pos.base_lr) {
        printf("note: the checkpoint's optimizer rate %g is not its recorded base rate %g; "
               "resuming from the base rate\n",
               lr, m->pos.base_lr);
        st = nnact_opt_set(m->opt, NNACT_OPT_PARAM_LR, m->pos.base_lr);
    }
    if (st == NNACT_OK) st = nnact_fit_config_set_int(cfg, NNACT_FIT_PARAM_EPOCHS, o->epochs);
    if (st == NNACT_OK) st = nnact_fit_config_set_int(cfg, NNACT_FIT_PARAM_BATCH_SIZE, batch);
    if (st == NNACT_OK) st = nnact_fit_config_set_int(cfg, NNACT_FIT_PARAM_SEED, m->seed);
    if (st == NNACT_OK && m->resumed) st = nnact_fit_config_resume(cfg, &m->pos);
    if (st == NNACT_OK) st = nnact_fit_config_set_real(cfg, NNACT_FIT_PARAM_VAL_FRACTION, o->val);
    if (st == NNACT_OK) st = nnact_fit_config_set_schedule(cfg, s);
    if (st == NNACT_OK) st = nnact_fit_config_set_checkpoint(cfg, o->ckpt_path);
    if (st == NNACT_OK) st = nnact_fit_config_set_callback(cfg, on_epoch, pr);
    if (st == NNACT_OK)
        st = nnact_net_fit_run(m->net, m->opt, (nnact_loss_kind)o->loss, d->n, d->x, d->t, cfg,
                               &rep);
    nnact_fit_config_free(cfg);
    *best_epoch = (size_t)rep.best_epoch;
    *best = rep.best_loss;
    return st;
}

/* The best epoch and the first rows' predictions. */
static void report(const struct data *d, const struct model *m, size_t epochs, size_t n_val,
                   size_t best_epoch, double best)
{
    if (m->start >= epochs)
        printf("nothing to train: the checkpoint is at the last epoch\n");
    else
        printf("best epoch %zu%s, %s loss %.9g\n", best_epoch,
               m->start ? " of the resumed epochs" : "", n_val ? "validation" : "training", best);
    size_t show = d->n < 8 ? d->n : 8;
    double *y = malloc(show * d->n_out * sizeof *y);
    if (y != NULL && nnact_net_predict(m->net, show, d->x, y) == NNACT_OK) {
        printf("first %zu rows: target -> prediction\n", show);
        for (size_t r = 0; r < show; r++) {
            printf(" ");
            for (size_t j = 0; j < d->n_out; j++)
                printf("  %g -> %.6f", d->t[r * d->n_out + j], y[r * d->n_out + j]);
            printf("\n");
        }
    }
    free(y);
}

/* Schedule, fit, save and report on a built model. */
static int train(const struct train_opts *o, const struct data *d, struct model *m)
{
    nnact_sched *s = NULL;
    const size_t n_val = (size_t)floor((double)d->n * o->val);
    const size_t batch = o->batch ? o->batch : d->n - n_val;
    struct progress pr = {isatty(fileno(stdout)), o->epochs / 20 ? o->epochs / 20 : 1, 0};
    size_t best_epoch = 0;
    double best = NAN;
    nnact_status st = make_sched(o, &s);
    int in_fit = 0;
    if (st == NNACT_OK) {
        print_setup(o, d, m, n_val, batch);
        st = run_fit(o, d, m, s, batch, &pr, &best_epoch, &best);
        in_fit = st != NNACT_OK;
    }
    if (st == NNACT_OK && o->save_path != NULL) st = nnact_net_save(m->net, o->save_path);
    nnact_sched_free(s);
    if (st != NNACT_OK) {
        if (pr.tty) printf("\n");
        fflush(stdout);
        if (in_fit && st == NNACT_ERR_NUMERIC) /* say which epoch: the ones before it are kept */
            fprintf(stderr, "nnact train: epoch %zu of %zu: %s\n",
                    (pr.done ? pr.done : m->start) + 1, o->epochs, nnact_last_error());
        else
            fprintf(stderr, "nnact train: %s\n", nnact_last_error());
        return CLI_FAILED;
    }
    report(d, m, o->epochs, n_val, best_epoch, best);
    return CLI_OK;
}

int cli_train(int argc, char **argv)
{
    struct train_opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc != CLI_OK) return rc;
    struct data d = {0};
    if ((rc = load_data(&o, &d)) != CLI_OK) return rc;
    struct model m = {0};
    rc = o.resume_path ? resume_model(&o, &d, &m) : new_model(&o, &d, &m);
    if (rc == CLI_OK) rc = train(&o, &d, &m);
    free_model(&m);
    free_data(&d);
    return rc;
}
