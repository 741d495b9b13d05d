/* nnact train's network and fit: a new network or a checkpoint's, the fit
 * through the library's fit configuration with a progress line, then the
 * held-out scores and (last, atomically) the saved model. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/table.h"
#include "cli/train.h"
#include "cli/train_mpi.h"

static const char *const cmd = cli_train_cmd;

struct progress {
    int tty;
    size_t every;
    size_t done;    /* the last epoch completed (0: none in this run) */
    size_t columns; /* the terminal's width */
};

/* The terminal's width: TIOCGWINSZ, then $COLUMNS, else 80. */
static size_t terminal_columns(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    const char *c = getenv("COLUMNS");
    size_t n = 0;
    if (c != NULL && cli_parse_size(c, 1, 10000, &n) == NULL) return n;
    return 80;
}

/* "\r[####----] epoch 5/100  loss 0.1  val 0.2  0.1s" within the terminal's
 * width: the bar takes what the text leaves (at most 30), the text is cut
 * when even no bar is too wide. */
static void draw_progress(const struct progress *pr, size_t epoch, size_t epochs, double loss,
                          double val, double elapsed)
{
    char text[160], bar[31];
    int len = snprintf(text, sizeof text, " epoch %zu/%zu  loss %.6g", epoch, epochs, loss);
    if (!isnan(val)) len += snprintf(text + len, sizeof text - (size_t)len, "  val %.6g", val);
    snprintf(text + len, sizeof text - (size_t)len, "  %.1fs", elapsed);
    const size_t room = pr->columns > 1 ? pr->columns - 1 : 1; /* the cursor's column */
    size_t tl = strlen(text), width = 0;
    if (tl + 3 < room) width = room - tl - 2 > 30 ? 30 : room - tl - 2;
    if (tl > room) text[tl = room] = '\0';
    const size_t filled = epoch * width / epochs;
    for (size_t i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '-';
    bar[width] = '\0';
    /* padded to the width: a shorter line over a longer one leaves nothing behind */
    const int shown =
        printf("\r%s%s%s%s", width ? "[" : "", bar, width ? "]" : "", width ? text : text + 1);
    if (shown > 0 && (size_t)shown - 1 < room) printf("%*s", (int)(room - ((size_t)shown - 1)), "");
    if (epoch == epochs) printf("\n");
    fflush(stdout);
}

static int on_epoch(size_t epoch, size_t epochs, double loss, double val, double elapsed,
                    void *user)
{
    struct progress *pr = user;
    pr->done = epoch;
    if (pr->tty) {
        if (epoch != 1 && epoch != epochs && epoch % (epochs / 100 ? epochs / 100 : 1) != 0)
            return 0; /* at most ~100 redraws */
        draw_progress(pr, epoch, epochs, loss, val, elapsed);
    } else if (epoch % pr->every == 0 || epoch == epochs || epoch == 1) {
        printf("epoch %zu/%zu loss %.9g", epoch, epochs, loss);
        if (!isnan(val)) printf(" val %.9g", val);
        printf(" time %.3fs\n", elapsed);
    }
    return 0;
}

void train_free_model(struct model *m)
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

/* The grammar's refusal of INPUTS,HIDDEN,OUTPUTS ("layer 2 at offset 4 of
 * \"2,4,x,1\": why") told in --hidden's terms: the offset within --hidden as
 * the user typed it (prefix_len bytes of "INPUTS," less) and that text. */
static int hidden_error(const char *hidden, size_t prefix_len)
{
    const char *why = cli_library_reason();
    const char *at = strstr(why, " at offset ");
    const char *end = at ? strstr(at, "\": ") : NULL;
    char *num_end = NULL;
    const unsigned long long off = at ? strtoull(at + 11, &num_end, 10) : 0;
    if (end == NULL || num_end == NULL || strncmp(num_end, " of \"", 5) != 0 || off < prefix_len)
        return cli_usage_error(cmd, "--hidden: %s", why);
    const size_t len = strlen(hidden);
    const size_t pos = off - prefix_len > len ? len : (size_t)(off - prefix_len);
    return cli_usage_error(cmd, "--hidden: %.*s at offset %zu of '%s': %s", (int)(at - why), why,
                           pos, cli_quote(hidden), end + 3);
}

/* INPUTS,HIDDEN,OUTPUTS through the one network grammar (nnact_net_from_spec);
 * --act and --out-act are the defaults where the spec names none. */
int train_new_model(const struct train_opts *o, const struct data *d, struct model *m)
{
    /* as long as --hidden is: it is parsed whole */
    const size_t cap = strlen(o->hidden) + 64;
    char *spec = malloc(cap);
    if (spec == NULL) return cli_fail(cmd, "out of memory");
    const char sep = hidden_separator(o->hidden);
    if (strcmp(o->hidden, "0") == 0)
        snprintf(spec, cap, "%zu%c%zu", d->n_in, sep, d->n_out);
    else
        snprintf(spec, cap, "%zu%c%s%c%zu", d->n_in, sep, o->hidden, sep, d->n_out);
    nnact_status st =
        nnact_net_from_spec(spec, (nnact_act_kind)o->act, (nnact_act_kind)o->out_act, 0, &m->net);
    free(spec);
    if (st == NNACT_ERR_ARG) {
        char prefix[32]; /* "INPUTS," before --hidden's text */
        return hidden_error(o->hidden, (size_t)snprintf(prefix, sizeof prefix, "%zu,", d->n_in));
    }
    if (st == NNACT_OK) st = nnact_net_init(m->net, (nnact_init_kind)o->init, o->seed);
    if (st == NNACT_OK) st = nnact_opt_create((nnact_opt_kind)o->opt, &m->opt);
    double lr = o->lr;
    if (isnan(lr)) lr = o->opt == NNACT_OPT_ADAM && strcmp(o->data, "xor") == 0 ? 0.02 : NAN;
    if (st == NNACT_OK && !isnan(lr)) st = nnact_opt_set(m->opt, NNACT_OPT_PARAM_LR, lr);
    m->seed = o->seed;
    int rc = st == NNACT_OK ? train_prepare_net(o, d, m->net)
                            : cli_fail(cmd, "%s", cli_library_reason());
    if (rc != CLI_OK) train_free_model(m);
    return rc;
}

/* The network, optimizer and position of a checkpoint, checked against the
 * command line and the data. */
int train_resume_model(const struct train_opts *o, const struct data *d, struct model *m)
{
    m->pos.size = sizeof m->pos;
    nnact_status st = nnact_checkpoint_load_at(o->resume_path, 0, &m->net, &m->opt, &m->pos);
    if (st != NNACT_OK) {
        return cli_fail(cmd, "--resume: %s", cli_library_reason());
    }
    const uint64_t epochs_done = m->pos.epochs_done;
    m->seed = m->pos.rng_key;
    m->resumed = 1;
    int ok = 1;
    if (o->seed_given && m->seed != o->seed) {
        cli_fail(cmd, "--seed %llu differs from the checkpoint's seed %llu",
                 (unsigned long long)o->seed, (unsigned long long)m->seed);
        ok = 0;
    } else if (nnact_net_input_size(m->net) != d->n_in ||
               nnact_net_output_size(m->net) != d->n_out) {
        /* fit reads rows as wide as the network's input: they must agree */
        cli_fail(cmd,
                 "--resume: the checkpoint's network maps %zu inputs to %zu "
                 "outputs, the data has %zu and %zu",
                 nnact_net_input_size(m->net), nnact_net_output_size(m->net), d->n_in, d->n_out);
        ok = 0;
    } else if (epochs_done > o->epochs) {
        cli_fail(cmd, "--resume: the checkpoint is at epoch %llu, past --epochs %zu",
                 (unsigned long long)epochs_done, o->epochs);
        ok = 0;
    }
    if (!ok) {
        train_free_model(m);
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
static nnact_status run_fit(nnact_status pre, const struct train_opts *o, const struct data *d,
                            struct model *m, nnact_sched *s, size_t batch, struct progress *pr,
                            nnact_fit_report *rep)
{
    nnact_fit_config *cfg = NULL;
    nnact_status st = pre == NNACT_OK ? nnact_fit_config_create(&cfg) : pre;
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
    if (st == NNACT_OK) st = nnact_fit_config_set_int(cfg, NNACT_FIT_PARAM_PATIENCE, o->patience);
    if (st == NNACT_OK) st = nnact_fit_config_set_schedule(cfg, s);
    if (st == NNACT_OK) st = nnact_fit_config_set_checkpoint(cfg, o->ckpt_path);
    if (st == NNACT_OK) st = nnact_fit_config_set_callback(cfg, on_epoch, pr);
    /* under mpirun a failure above on one rank is agreed there: every rank calls it */
    st = cli_mpi_fit(st, m->net, m->opt, (nnact_loss_kind)o->loss, d->n, d->x, d->t, cfg, rep);
    nnact_fit_config_free(cfg);
    return st;
}

/* The best epoch; the held-out rows' metrics (or the training rows' with
 * --target and nothing held out), else the first rows' predictions. */
static int report(const struct train_opts *o, const struct data *d, const struct model *m,
                  size_t n_val, const nnact_fit_report *rep)
{
    if (m->start >= o->epochs)
        printf("nothing to train: the checkpoint is at the last epoch\n");
    else
        printf("best epoch %llu%s, %s loss %.9g\n", (unsigned long long)rep->best_epoch,
               m->start ? " of the resumed epochs" : "", n_val ? "validation" : "training",
               rep->best_loss);
    if (rep->stop_reason == NNACT_FIT_STOP_EARLY)
        printf("stopped early after epoch %llu: no better validation loss for %zu epochs; the "
               "best epoch's parameters kept\n",
               (unsigned long long)rep->epochs_done, o->patience);
    const int held = d->n_test > 0;
    const size_t rows = held ? d->n_test : d->n;
    const size_t show = held || o->targets ? rows : (d->n < 8 ? d->n : 8);
    const double *x = held ? d->x_test : d->x, *t = held ? d->t_test : d->t;
    double *y = malloc((show ? show : 1) * d->n_out * sizeof *y);
    if (y == NULL || nnact_net_predict(m->net, show, x, y) != NNACT_OK) {
        free(y);
        return cli_fail(cmd, "%s", y ? cli_library_reason() : "out of memory");
    }
    int ok = 1;
    char title[64];
    snprintf(title, sizeof title, "%s rows %zu", held ? "test" : "training", rows);
    if (held || o->targets) {
        ok = d->classes ? cli_print_classify(stdout, title, rows, d->classes, y, t, d->class_names)
                        : cli_print_regress(stdout, title, rows, d->n_out, y, t,
                                            (const char *const *)d->target_names);
    } else {
        printf("first %zu rows: target -> prediction\n", show);
        for (size_t r = 0; r < show; r++) {
            printf(" ");
            for (size_t j = 0; j < d->n_out; j++)
                printf("  %g -> %.6f", t[r * d->n_out + j], y[r * d->n_out + j]);
            printf("\n");
        }
    }
    free(y);
    return ok ? CLI_OK : cli_fail(cmd, "%s", cli_library_reason());
}

/* The batch the fit uses: all training rows for 0, and a larger one clamped
 * to them with a note (as scikit-learn's MLP does; the library refuses it). */
static size_t batch_rows(const struct train_opts *o, size_t n_train)
{
    if (o->batch == 0) return n_train;
    if (o->batch > n_train) {
        printf("note: --batch %zu is larger than the %zu training rows: using %zu\n", o->batch,
               n_train, n_train);
        return n_train;
    }
    return o->batch;
}

/* A fit that stopped on a non-finite number, in the user's terms: the epoch,
 * what overflowed (the library's reason says: the loss, a gradient, an
 * update), and the usual cure. Nothing is saved. */
static int diverged(const struct train_opts *o, const struct model *m, size_t epoch)
{
    char why[256];
    snprintf(why, sizeof why, "%s", cli_library_reason());
    why[strcspn(why, ";")] = '\0'; /* "loss is inf", without what the library kept */
    const char *what = strstr(why, "validation loss") ? "the validation loss overflowed"
                       : strstr(why, "loss is")       ? "the loss overflowed"
                       : strstr(why, "gradient")      ? "a gradient overflowed"
                                                      : "a parameter update overflowed";
    double lr = NAN;
    (void)nnact_opt_get(m->opt, NNACT_OPT_PARAM_LR, &lr);
    return cli_fail(cmd,
                    "epoch %zu of %zu: the training diverged: %s (%s); try a smaller --lr "
                    "than %g%s",
                    epoch, o->epochs, what, why, lr,
                    o->save_path ? " (--save's file not written)" : "");
}

/* Schedule, fit, report, and last the model file (atomically): a failure
 * anywhere leaves --save's file as it was. */
int train_run(const struct train_opts *o, const struct data *d, struct model *m)
{
    nnact_sched *s = NULL;
    const size_t n_val = (size_t)floor((double)d->n * o->val);
    const size_t batch = batch_rows(o, d->n - n_val);
    /* mpirun gives rank 0 a pseudo-terminal whatever the user's stdout is: plain lines there */
    struct progress pr = {isatty(fileno(stdout)) && !cli_mpi_active(),
                          o->epochs / 20 ? o->epochs / 20 : 1, 0, terminal_columns()};
    nnact_fit_report rep = {.size = sizeof rep, .best_loss = NAN};
    if (o->out_act == NNACT_ACT_SIGMOID && o->loss == NNACT_LOSS_BCE_LOGITS)
        fprintf(stderr, "nnact train: warning: --out-act sigmoid with --loss bce_logits applies "
                        "the sigmoid twice (bce_logits takes logits: use --out-act identity)\n");
    nnact_status st = make_sched(o, &s);
    const int in_fit = st == NNACT_OK;
    if (st == NNACT_OK) print_setup(o, d, m, n_val, batch);
    st = run_fit(st, o, d, m, s, batch, &pr, &rep);
    nnact_sched_free(s);
    if (st != NNACT_OK) {
        if (pr.tty) printf("\n");
        fflush(stdout);
        if (in_fit && st == NNACT_ERR_NUMERIC)
            return diverged(o, m, (pr.done ? pr.done : m->start) + 1);
        return cli_fail(cmd, "%s", cli_mpi_reason());
    }
    int rc = report(o, d, m, n_val, &rep);
    /* under mpirun every rank holds the same parameters: rank 0 writes */
    if (rc == CLI_OK && o->save_path != NULL && cli_mpi_leader() &&
        nnact_net_save(m->net, o->save_path) != NNACT_OK)
        rc = cli_fail(cmd, "--save: %s", cli_library_reason());
    if (rc == CLI_OK && o->save_path != NULL) printf("saved %s\n", cli_quote(o->save_path));
    return rc;
}
