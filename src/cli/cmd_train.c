/* nnact train: fit a dense network on a built-in data set or a CSV file, with
 * a progress bar on a terminal and plain lines otherwise. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "nnact/nnact.h"

void cli_train_help(FILE *out)
{
    fprintf(
        out,
        "usage: nnact train [OPTIONS]\n\n"
        "Trains a dense network with nnact_net_fit and prints the loss per epoch\n"
        "(a progress bar on a terminal, plain lines otherwise) and the predictions.\n\n"
        "  --data NAME|FILE   xor (default), toy (the 4x3 set y = first input), sine,\n"
        "                     or a CSV/whitespace file of numbers, one row per line\n"
        "  --outputs K        the last K columns of FILE are the targets (default 1)\n"
        "  --hidden W[,W...]  hidden layer widths (default 8; 0 = none)\n"
        "  --act NAME         hidden activation (default tanh)\n"
        "  --out-act NAME     output activation (default identity)\n"
        "  --loss NAME        mse (default), half_sse, mae, huber, bce_logits, ...\n"
        "  --opt NAME         sgd, momentum, nesterov, adagrad, rmsprop, adam (default), adamw\n"
        "  --lr X             learning rate (default: the optimizer's own; 0.02 for adam on xor)\n"
        "  --epochs N         (default 1000)\n"
        "  --batch B          minibatch rows (default: all training rows)\n"
        "  --val F            validation fraction in [0, 1) (default 0)\n"
        "  --sched NAME       constant (default), step, exponential, cosine (T_max = epochs)\n"
        "  --init NAME        normal, xavier_uniform (default), xavier_normal, he_uniform,\n"
        "                     he_normal\n"
        "  --seed S           initialisation and shuffling seed (default 1)\n"
        "  --save FILE        save the trained model to FILE (atomically)\n"
        "  --checkpoint FILE  save a training checkpoint to FILE after every epoch\n"
        "                     (atomically: an interrupted run leaves the last epoch's)\n"
        "  --resume FILE      continue the run a checkpoint FILE stopped: the network,\n"
        "                     optimizer, epochs done, base lr and seed come from FILE\n"
        "                     (--hidden, --act, --out-act, --opt, --lr, --init and a\n"
        "                     different --seed are refused); pass the first run's --data,\n"
        "                     --outputs, --loss, --batch, --val and --sched, and --epochs\n"
        "                     as the total; the result is bit-identical to one run\n");
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
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
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
                snprintf(err, errlen, "%s:%zu: not a number near '%.20s'", path, row + 1, p);
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
            snprintf(err, errlen, "%s:%zu: %zu columns, the first row has %zu", path, row + 1, w,
                     width);
            ok = 0;
        }
        row++;
    }
    fclose(f);
    if (ok && (row == 0 || width <= n_out)) {
        snprintf(err, errlen, "%s: need rows with more than %zu columns", path, n_out);
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
};

static int on_epoch(size_t epoch, size_t epochs, double loss, double val, double elapsed,
                    void *user)
{
    const struct progress *pr = user;
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

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end != '\0' || s[0] == '-') return 0;
    *out = (size_t)v;
    return 1;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return !errno && end != s && *end == '\0';
}

static const char *const opt_names[] = {"sgd",     "momentum", "nesterov", "adagrad",
                                        "rmsprop", "adam",     "adamw"};
static const char *const init_names[] = {"normal", "xavier_uniform", "xavier_normal", "he_uniform",
                                         "he_normal"};

static int lookup(const char *name, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0) return i;
    return -1;
}

/* The network and optimizer of a checkpoint, with the position to resume at. */
struct resumed {
    nnact_net *net;
    nnact_opt *opt;
    uint64_t epochs_done, seed;
    double base_lr;
};

static int load_resume(const char *path, struct resumed *r)
{
    nnact_status st = nnact_checkpoint_load(path, 0, &r->net, &r->opt, &r->epochs_done, NULL,
                                            &r->base_lr, &r->seed, NULL);
    /* a checkpoint saved mid-schedule may hold the scheduled rate: the fit
       scales the optimizer's rate at the call, which must be the base */
    if (st == NNACT_OK) st = nnact_opt_set(r->opt, NNACT_OPT_PARAM_LR, r->base_lr);
    if (st != NNACT_OK) {
        fprintf(stderr, "nnact train: --resume: %s\n", nnact_last_error());
        nnact_net_free(r->net);
        nnact_opt_free(r->opt);
        r->net = NULL;
        r->opt = NULL;
        return 0;
    }
    return 1;
}

int cli_train(int argc, char **argv)
{
    const char *data = "xor", *hidden = "8", *sched_name = "constant";
    const char *save_path = NULL, *ckpt_path = NULL, *resume_path = NULL, *model_opt = NULL;
    int seed_given = 0;
    size_t n_out_file = 1, epochs = 1000, batch = 0, widths[64], n_hidden = 0;
    double lr = NAN, val = 0.0;
    uint64_t seed = 1;
    nnact_act_kind act = NNACT_ACT_TANH, out_act = NNACT_ACT_IDENTITY;
    nnact_loss_kind loss = NNACT_LOSS_MSE;
    int opt_kind = NNACT_OPT_ADAM, init = NNACT_INIT_XAVIER_UNIFORM;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            return cli_usage_error("train", "'%s' needs a value (see nnact train --help)", a);
        const char *v = argv[++i];
        size_t sz;
        if (strcmp(a, "--data") == 0) {
            data = v;
        } else if (strcmp(a, "--outputs") == 0) {
            if (!parse_size(v, &n_out_file) || n_out_file == 0)
                return cli_usage_error("train", "--outputs: '%s' is not a positive count", v);
        } else if (strcmp(a, "--hidden") == 0) {
            hidden = v;
            model_opt = a;
        } else if (strcmp(a, "--act") == 0 || strcmp(a, "--out-act") == 0) {
            nnact_act_kind k;
            if (nnact_act_from_name(v, &k) != NNACT_OK)
                return cli_usage_error("train", "%s: unknown activation '%s'", a, v);
            *(a[2] == 'a' ? &act : &out_act) = k;
            model_opt = a;
        } else if (strcmp(a, "--loss") == 0) {
            if (nnact_loss_from_name(v, &loss) != NNACT_OK)
                return cli_usage_error("train", "--loss: unknown loss '%s'", v);
        } else if (strcmp(a, "--opt") == 0) {
            if ((opt_kind = lookup(v, opt_names, 7)) < 0)
                return cli_usage_error("train", "--opt: unknown optimizer '%s'", v);
            model_opt = a;
        } else if (strcmp(a, "--init") == 0) {
            if ((init = lookup(v, init_names, 5)) < 0)
                return cli_usage_error("train", "--init: unknown scheme '%s'", v);
            model_opt = a;
        } else if (strcmp(a, "--lr") == 0) {
            if (!parse_double(v, &lr))
                return cli_usage_error("train", "--lr: '%s' is not a number", v);
            model_opt = a;
        } else if (strcmp(a, "--val") == 0) {
            if (!parse_double(v, &val))
                return cli_usage_error("train", "--val: '%s' is not a number", v);
        } else if (strcmp(a, "--epochs") == 0) {
            if (!parse_size(v, &epochs))
                return cli_usage_error("train", "--epochs: '%s' is not a count", v);
        } else if (strcmp(a, "--batch") == 0) {
            if (!parse_size(v, &batch))
                return cli_usage_error("train", "--batch: '%s' is not a count", v);
        } else if (strcmp(a, "--seed") == 0) {
            if (!parse_size(v, &sz))
                return cli_usage_error("train", "--seed: '%s' is not a count", v);
            seed = sz;
            seed_given = 1;
        } else if (strcmp(a, "--sched") == 0) {
            sched_name = v;
        } else if (strcmp(a, "--save") == 0) {
            save_path = v;
        } else if (strcmp(a, "--checkpoint") == 0) {
            ckpt_path = v;
        } else if (strcmp(a, "--resume") == 0) {
            resume_path = v;
        } else {
            return cli_usage_error("train", "unknown option '%s' (see nnact train --help)", a);
        }
    }
    if (resume_path != NULL && model_opt != NULL)
        return cli_usage_error("train",
                               "%s cannot be combined with --resume (the network and the "
                               "optimizer come from the checkpoint)",
                               model_opt);
    /* hidden widths */
    {
        char buf[512];
        snprintf(buf, sizeof buf, "%s", hidden);
        for (char *tok = strtok(buf, ","); tok != NULL; tok = strtok(NULL, ",")) {
            size_t w;
            if (!parse_size(tok, &w) || n_hidden == 64)
                return cli_usage_error("train", "--hidden: bad width list '%s'", hidden);
            if (w > 0) widths[n_hidden++] = w;
        }
    }
    nnact_sched_kind sk;
    if (strcmp(sched_name, "constant") == 0)
        sk = NNACT_SCHED_CONSTANT;
    else if (strcmp(sched_name, "step") == 0)
        sk = NNACT_SCHED_STEP;
    else if (strcmp(sched_name, "exponential") == 0)
        sk = NNACT_SCHED_EXPONENTIAL;
    else if (strcmp(sched_name, "cosine") == 0)
        sk = NNACT_SCHED_COSINE;
    else
        return cli_usage_error("train", "--sched: unknown schedule '%s'", sched_name);

    struct data d = {0};
    char err[512] = "";
    int b = builtin(data, &d);
    if (b == 0 || (b < 0 && !read_file(data, n_out_file, &d, err, sizeof err))) {
        fprintf(stderr, "nnact train: %s\n", b == 0 ? "out of memory" : err);
        free(d.x);
        free(d.t);
        return CLI_FAILED;
    }
    if (isnan(lr)) lr = opt_kind == NNACT_OPT_ADAM && strcmp(data, "xor") == 0 ? 0.02 : -1.0;

    nnact_net *net = NULL;
    nnact_opt *o = NULL;
    nnact_sched *s = NULL;
    nnact_status st = NNACT_OK;
    size_t start = 0;
    if (resume_path != NULL) {
        struct resumed r;
        int ok = load_resume(resume_path, &r);
        if (ok && seed_given && r.seed != seed) {
            fprintf(stderr, "nnact train: --seed %llu differs from the checkpoint's seed %llu\n",
                    (unsigned long long)seed, (unsigned long long)r.seed);
            ok = 0;
        }
        /* fit reads rows as wide as the network's input: they must agree */
        if (ok &&
            (nnact_net_input_size(r.net) != d.n_in || nnact_net_output_size(r.net) != d.n_out)) {
            fprintf(stderr,
                    "nnact train: --resume: the checkpoint's network maps %zu inputs to %zu "
                    "outputs, the data has %zu and %zu\n",
                    nnact_net_input_size(r.net), nnact_net_output_size(r.net), d.n_in, d.n_out);
            ok = 0;
        }
        if (ok && r.epochs_done > epochs) {
            fprintf(stderr,
                    "nnact train: --resume: the checkpoint is at epoch %llu, past --epochs %zu\n",
                    (unsigned long long)r.epochs_done, epochs);
            ok = 0;
        }
        if (!ok) {
            nnact_net_free(r.net);
            nnact_opt_free(r.opt);
            free(d.x);
            free(d.t);
            return CLI_FAILED;
        }
        net = r.net;
        o = r.opt;
        seed = r.seed;
        start = (size_t)r.epochs_done;
        opt_kind = (int)nnact_opt_get_kind(o);
        n_hidden = 0; /* the widths printed come from the loaded network */
        for (size_t l = 0; l + 1 < nnact_net_layer_count(net) && n_hidden < 64; l++)
            if (nnact_net_layer_info(net, l, NULL, &widths[n_hidden], &act, NULL, NULL) == NNACT_OK)
                n_hidden++;
        size_t last = nnact_net_layer_count(net) - 1;
        nnact_net_layer_info(net, last, NULL, NULL, &out_act, NULL, NULL);
        printf("resuming %s after epoch %zu of %zu\n", resume_path, start, epochs);
    } else {
        st = nnact_net_create(d.n_in, &net);
        for (size_t l = 0; l < n_hidden && st == NNACT_OK; l++)
            st = nnact_net_add_dense(net, widths[l], act, NAN);
        if (st == NNACT_OK) st = nnact_net_add_dense(net, d.n_out, out_act, NAN);
        if (st == NNACT_OK) st = nnact_net_init(net, (nnact_init_kind)init, seed);
        if (st == NNACT_OK) st = nnact_opt_create((nnact_opt_kind)opt_kind, &o);
        if (st == NNACT_OK && lr >= 0.0) st = nnact_opt_set(o, NNACT_OPT_PARAM_LR, lr);
    }
    if (st == NNACT_OK && sk != NNACT_SCHED_CONSTANT) st = nnact_sched_create(sk, &s);
    if (st == NNACT_OK && sk == NNACT_SCHED_COSINE)
        st = nnact_sched_set(s, NNACT_SCHED_PARAM_T_MAX, (double)(epochs ? epochs : 1));
    size_t n_val = (size_t)floor((double)d.n * (val >= 0.0 && val < 1.0 ? val : 0.0));
    if (batch == 0) batch = d.n - n_val;
    size_t best_epoch = 0;
    double best = NAN;
    struct progress pr = {isatty(fileno(stdout)), epochs / 20 ? epochs / 20 : 1};
    if (st == NNACT_OK) {
        double lr_now = NAN;
        nnact_opt_get(o, NNACT_OPT_PARAM_LR, &lr_now);
        printf("network %zu", d.n_in);
        for (size_t l = 0; l < n_hidden; l++)
            printf("-%zu", widths[l]);
        printf("-%zu (%s hidden, %s out), %s lr %g, loss %s, %zu rows (%zu validation), "
               "batch %zu, seed %llu\n",
               d.n_out, nnact_act_name(act), nnact_act_name(out_act), opt_names[opt_kind], lr_now,
               nnact_loss_name(loss), d.n, n_val, batch, (unsigned long long)seed);
        st = nnact_net_fit_ex(net, o, loss, d.n, d.x, d.t, start, epochs, batch, val, seed, s, 0,
                              ckpt_path, on_epoch, &pr, &best_epoch, &best);
        if (st == NNACT_OK && save_path != NULL) st = nnact_net_save(net, save_path);
    }
    int rc = CLI_OK;
    if (st != NNACT_OK) {
        if (pr.tty) printf("\n");
        fprintf(stderr, "nnact train: %s\n", nnact_last_error());
        rc = CLI_FAILED;
    } else {
        if (best_epoch == 0)
            printf("nothing to train: the checkpoint is at the last epoch\n");
        else
            printf("best epoch %zu%s, %s loss %.9g\n", best_epoch,
                   start ? " of the resumed epochs" : "", n_val ? "validation" : "training", best);
        size_t show = d.n < 8 ? d.n : 8;
        double *y = malloc(show * d.n_out * sizeof *y);
        if (y != NULL && nnact_net_predict(net, show, d.x, y) == NNACT_OK) {
            printf("first %zu rows: target -> prediction\n", show);
            for (size_t r = 0; r < show; r++) {
                printf(" ");
                for (size_t j = 0; j < d.n_out; j++)
                    printf("  %g -> %.6f", d.t[r * d.n_out + j], y[r * d.n_out + j]);
                printf("\n");
            }
        }
        free(y);
    }
    nnact_sched_free(s);
    nnact_opt_free(o);
    nnact_net_free(net);
    free(d.x);
    free(d.t);
    return rc;
}
