/* libnnact_mpi: the MPI transport of the data-parallel fit (docs/SCALING.md).
 * Written on libnnact's public API only (it links libnnact.so.1): the fit
 * loop is libnnact's, made distributed by the nnact_fit_dist record this
 * file fills (a sum over ranks and an agreement on failures).
 *
 * The deterministic sum is a ring reduce-scatter then a ring allgather over
 * MPI_Sendrecv: slice s of a bucket is accumulated along the ring starting
 * at rank s, in the order ((x_s + x_{s+1}) + x_{s+2}) + ... + x_{s-1} (ranks
 * mod P; each rank adds its own slice to what it received), so the order of
 * the additions is fixed by P alone, never by MPI's tuning.
 * It sends 2 (P-1)/P of the bucket per rank (bandwidth-optimal, like MPI's
 * own ring) in 2 (P-1) latency steps. */
#include <limits.h>
#include <stddef.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnact/mpi.h"

struct nnact_mpi {
    MPI_Comm comm; /* the duplicate */
    int rank, size;
    nnact_mpi_mode mode;
    double *scratch; /* one slice of the largest bucket */
    size_t scratch_n;
    nnact_mpi_stats st;
};

/* Longest detail kept (as libnnact's). */
enum { DETAIL_CAP = 512 };
static _Thread_local char last_detail[DETAIL_CAP];

static nnact_status fail(nnact_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_detail, sizeof last_detail, fmt, ap);
    va_end(ap);
    return s;
}

/* A failure of libnnact: its detail is the one to show. */
static nnact_status pass_on(nnact_status s)
{
    if (s != NNACT_OK) snprintf(last_detail, sizeof last_detail, "%s", nnact_last_error());
    return s;
}

const char *nnact_mpi_last_error(void)
{
    return last_detail;
}

nnact_status nnact_mpi_create(MPI_Comm comm, nnact_mpi **out)
{
    static const char who[] = "nnact_mpi_create";
    if (out == NULL) return fail(NNACT_ERR_ARG, "%s: out is NULL", who);
    *out = NULL;
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (!init || fin) return fail(NNACT_ERR_ARG, "%s: MPI is not initialised", who);
    if (comm == MPI_COMM_NULL) return fail(NNACT_ERR_ARG, "%s: comm is MPI_COMM_NULL", who);
    nnact_mpi *m = calloc(1, sizeof *m);
    if (m == NULL) return fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
    if (MPI_Comm_dup(comm, &m->comm) != MPI_SUCCESS) {
        free(m);
        return fail(NNACT_ERR_IO, "%s: MPI_Comm_dup failed", who);
    }
    MPI_Comm_rank(m->comm, &m->rank);
    MPI_Comm_size(m->comm, &m->size);
    m->mode = NNACT_MPI_DETERMINISTIC;
    m->st.size = sizeof m->st;
    *out = m;
    return NNACT_OK;
}

void nnact_mpi_free(nnact_mpi *m)
{
    if (m == NULL) return;
    MPI_Comm_free(&m->comm);
    free(m->scratch);
    free(m);
}

int nnact_mpi_rank(const nnact_mpi *m)
{
    return m == NULL ? 0 : m->rank;
}

int nnact_mpi_size(const nnact_mpi *m)
{
    return m == NULL ? 0 : m->size;
}

nnact_status nnact_mpi_set_mode(nnact_mpi *m, nnact_mpi_mode mode)
{
    if (m == NULL) return fail(NNACT_ERR_ARG, "nnact_mpi_set_mode: m is NULL");
    if (mode != NNACT_MPI_DETERMINISTIC && mode != NNACT_MPI_FAST)
        return fail(NNACT_ERR_ARG, "nnact_mpi_set_mode: unknown mode %d", (int)mode);
    m->mode = mode;
    return NNACT_OK;
}

/* ---- the sum ---- */

/* Slice s of n doubles cut into P: [s n / P, (s + 1) n / P). */
static size_t slice_lo(size_t n, int P, int s)
{
    return (size_t)((unsigned long long)s * n / (unsigned long long)P);
}

/* The deterministic ring over at most INT_MAX doubles (x[0 .. n)). */
static int ring_sum(nnact_mpi *m, double *x, size_t n)
{
    const int P = m->size, r = m->rank;
    const int next = (r + 1) % P, prev = (r + P - 1) % P;
    /* reduce-scatter: at step k rank r sends slice (r - k) and adds into
       slice (r - k - 1): after P - 1 steps it holds slice (r + 1)'s sum,
       accumulated in the order r + 1, r + 2, ..., r (mod P): slice s starts
       at rank s (its step 0 sends its own slice s raw) */
    for (int k = 0; k < P - 1; k++) {
        const int s_send = ((r - k) % P + P) % P, s_recv = ((r - k - 1) % P + P) % P;
        const size_t lo_s = slice_lo(n, P, s_send), hi_s = slice_lo(n, P, s_send + 1);
        const size_t lo_r = slice_lo(n, P, s_recv), hi_r = slice_lo(n, P, s_recv + 1);
        if (MPI_Sendrecv(x + lo_s, (int)(hi_s - lo_s), MPI_DOUBLE, next, 71, m->scratch,
                         (int)(hi_r - lo_r), MPI_DOUBLE, prev, 71, m->comm,
                         MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return -1;
        /* received (the partial sum of the ranks before) + own: a fixed order */
        for (size_t i = lo_r; i < hi_r; i++)
            x[i] = m->scratch[i - lo_r] + x[i];
        m->st.bytes += (hi_s - lo_s) * sizeof(double);
    }
    /* allgather: pass the finished slices along the ring */
    for (int k = 0; k < P - 1; k++) {
        const int s_send = ((r + 1 - k) % P + P) % P, s_recv = ((r - k) % P + P) % P;
        const size_t lo_s = slice_lo(n, P, s_send), hi_s = slice_lo(n, P, s_send + 1);
        const size_t lo_r = slice_lo(n, P, s_recv), hi_r = slice_lo(n, P, s_recv + 1);
        if (MPI_Sendrecv(x + lo_s, (int)(hi_s - lo_s), MPI_DOUBLE, next, 72, x + lo_r,
                         (int)(hi_r - lo_r), MPI_DOUBLE, prev, 72, m->comm,
                         MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return -1;
        m->st.bytes += (hi_s - lo_s) * sizeof(double);
    }
    return 0;
}

/* MPI counts are ints: the longest piece one sum sends. */
#define PIECE_N ((size_t)1 << 30)

/* Scratch for one slice of an n-double bucket; allocated at the start of a
   fit for the largest bucket, so steps do not allocate. */
static int reserve_scratch(nnact_mpi *m, size_t n)
{
    const size_t need = n / (size_t)m->size + 1;
    if (need <= m->scratch_n) return 0;
    double *p = realloc(m->scratch, need * sizeof *p);
    if (p == NULL) return -1;
    m->scratch = p;
    m->scratch_n = need;
    return 0;
}

/* The record's reserve: the largest sum's scratch at the fit's start. */
static int dist_reserve(size_t max_n, void *user)
{
    return reserve_scratch(user, max_n < PIECE_N ? max_n : PIECE_N);
}

/* Buckets longer than this go in pieces: MPI counts are ints. The small sums
   (losses, flags) take the ring too: MPI promises no order for them either. */
#define PIECE PIECE_N

/* MPI does not promise every rank the same bits from MPI_Allreduce: the fit
   decides on the sums' finiteness, so that one fact is made the same
   everywhere (a non-finite sum on any rank becomes NaN on every rank). */
static int agree_finite(nnact_mpi *m, double *x, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i++)
        bad = !isfinite(x[i]);
    if (MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, m->comm) != MPI_SUCCESS) return -1;
    if (bad && n > 0 && isfinite(x[0])) x[0] = NAN;
    return 0;
}

/* The longest of the fit's small sums (a loss and a failure count). */
#define SMALL_SUM_N 2

static int dist_sum(double *x, size_t n, void *user)
{
    nnact_mpi *m = user;
    const double t0 = MPI_Wtime();
    int rc = 0;
    if (m->size > 1) {
        for (size_t off = 0; off < n && rc == 0; off += PIECE) {
            const size_t len = n - off < PIECE ? n - off : PIECE;
            /* the fast mode's small sums (a step's or the validation's loss
               and failure count, a stop vote: n <= 2) take the ring too: the
               best epoch and early stopping rest on their bits, which
               MPI_Allreduce does not promise equal on every rank */
            if (m->mode == NNACT_MPI_FAST && n > SMALL_SUM_N) {
                rc = MPI_Allreduce(MPI_IN_PLACE, x + off, (int)len, MPI_DOUBLE, MPI_SUM, m->comm) !=
                     MPI_SUCCESS;
                if (rc == 0) rc = agree_finite(m, x + off, len);
                /* a ring's volume, the usual figure for MPI's large-message algorithms */
                m->st.bytes +=
                    2 * (uint64_t)(m->size - 1) * len * sizeof(double) / (uint64_t)m->size;
            } else {
                rc = reserve_scratch(m, len) != 0 ? -1 : ring_sum(m, x + off, len);
            }
        }
    }
    m->st.sums++;
    m->st.doubles += n;
    m->st.seconds += MPI_Wtime() - t0;
    return rc;
}

/* The lowest failing rank's status and detail to every rank. */
static int dist_agree(nnact_status *status, char *detail, size_t cap, uint64_t *origin, void *user)
{
    nnact_mpi *m = user;
    if (cap == 0) return -1; /* no room even for the terminating NUL */
    int low = *status != NNACT_OK ? m->rank : m->size;
    if (MPI_Allreduce(MPI_IN_PLACE, &low, 1, MPI_INT, MPI_MIN, m->comm) != MPI_SUCCESS) return -1;
    if (low == m->size) {
        *status = NNACT_OK;
        return 0;
    }
    int msg[2] = {(int)*status, (int)(cap < DETAIL_CAP ? cap : DETAIL_CAP)};
    if (MPI_Bcast(msg, 2, MPI_INT, low, m->comm) != MPI_SUCCESS) return -1;
    char buf[DETAIL_CAP];
    if (m->rank == low) snprintf(buf, sizeof buf, "%s", detail);
    if (MPI_Bcast(buf, msg[1], MPI_CHAR, low, m->comm) != MPI_SUCCESS) return -1;
    buf[msg[1] - 1] = '\0';
    snprintf(detail, cap, "%s", buf);
    *status = (nnact_status)msg[0];
    *origin = (uint64_t)low;
    return 0;
}

nnact_status nnact_mpi_fit_dist(nnact_mpi *m, nnact_fit_dist *d)
{
    static const char who[] = "nnact_mpi_fit_dist";
    if (m == NULL || d == NULL) return fail(NNACT_ERR_ARG, "%s: %s is NULL", who, m ? "d" : "m");
    if (d->size < sizeof *d)
        return fail(NNACT_ERR_ARG, "%s: d->size %zu is below the %zu bytes of the 1.1 record", who,
                    d->size, sizeof *d);
    d->rank = (uint64_t)m->rank;
    d->ranks = (uint64_t)m->size;
    d->sum = dist_sum;
    d->agree = dist_agree;
    d->user = m;
    d->reserve =
        d->size >= offsetof(nnact_fit_dist, reserve) + sizeof d->reserve ? dist_reserve : NULL;
    return NNACT_OK;
}

nnact_status nnact_mpi_agree(nnact_mpi *m, nnact_status st, const char *detail)
{
    if (m == NULL) return fail(NNACT_ERR_ARG, "nnact_mpi_agree: m is NULL");
    char buf[DETAIL_CAP] = "";
    if (st != NNACT_OK)
        snprintf(buf, sizeof buf, "%s", detail != NULL ? detail : nnact_last_error());
    uint64_t origin = (uint64_t)m->rank;
    nnact_status agreed = st;
    if (dist_agree(&agreed, buf, sizeof buf, &origin, m) != 0)
        return fail(NNACT_ERR_IO, "nnact_mpi_agree: MPI failed on rank %d", m->rank);
    if (agreed == NNACT_OK) return NNACT_OK;
    return fail(agreed, "%s (rank %llu of %d)", buf, (unsigned long long)origin, m->size);
}

/* A status of this library's own (its detail in last_detail), agreed. */
static nnact_status agree_own(nnact_mpi *m, nnact_status st)
{
    return nnact_mpi_agree(m, st, last_detail);
}

/* ---- the fit ---- */

/* splitmix64's finaliser: a bijection in which every input bit changes about
   half the output bits. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A hash over 64-bit words (a word at a time: the rows may be hundreds of
   megabytes), continued from h; n bytes, a multiple of 8. Each word is mixed
   into the whole state, so that changes to two words do not cancel (as they
   do in a word-wise FNV, where a flip of bit 63 only ever flips bit 63). */
static uint64_t hash_words(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, sizeof w);
        h = mix64(h ^ w) + UINT64_C(0x9e3779b97f4a7c15);
    }
    return h;
}

#define HASH_SEED UINT64_C(14695981039346656037)

/* Every rank the same value v: min and max over ranks agree. */
static nnact_status same_everywhere(nnact_mpi *m, uint64_t v, int *same)
{
    unsigned long long mm[2] = {v, ~(unsigned long long)v};
    if (MPI_Allreduce(MPI_IN_PLACE, mm, 2, MPI_UNSIGNED_LONG_LONG, MPI_MIN, m->comm) != MPI_SUCCESS)
        return NNACT_ERR_IO;
    *same = mm[0] == ~mm[1];
    return NNACT_OK;
}

/* The network's shape: parameter and input counts, and every layer's sizes,
   activation, resolved parameter and flags. */
static uint64_t net_hash(const nnact_net *net)
{
    const uint64_t head[3] = {nnact_net_param_count(net), nnact_net_input_size(net),
                              nnact_net_layer_count(net)};
    uint64_t h = hash_words(HASH_SEED, head, sizeof head);
    for (size_t l = 0; l < head[2]; l++) {
        size_t n_in = 0, n_out = 0;
        nnact_act_kind act = NNACT_ACT_IDENTITY;
        double alpha = 0.0;
        unsigned flags = 0;
        (void)nnact_net_layer_info(net, l, &n_in, &n_out, &act, &alpha, &flags);
        const uint64_t w[4] = {n_in, n_out, (uint64_t)act, flags};
        h = hash_words(hash_words(h, w, sizeof w), &alpha, sizeof alpha);
    }
    return h;
}

/* Rank 0's input scaling (in b: shift, scale, present) set on this rank,
   agreed; a failure anywhere puts back this rank's own (saved in old). */
static nnact_status bcast_scaling(nnact_mpi *m, nnact_net *net, size_t n_in, const double *b,
                                  double *old)
{
    nnact_status st = NNACT_OK;
    int had = 0, set = 0;
    if (m->rank != 0) {
        nnact_net_get_input_scaling(net, old, old + n_in, &had);
        st = nnact_net_set_input_scaling(net, b[2 * n_in] != 0.0 ? b : NULL,
                                         b[2 * n_in] != 0.0 ? b + n_in : NULL);
        set = st == NNACT_OK;
    }
    st = agree_own(m, pass_on(st));
    /* putting back what was there: the buffers it needs exist already */
    if (st != NNACT_OK && set)
        (void)nnact_net_set_input_scaling(net, had ? old : NULL, had ? old + n_in : NULL);
    return st;
}

nnact_status nnact_mpi_bcast_net(nnact_mpi *m, nnact_net *net)
{
    static const char who[] = "nnact_mpi_bcast_net";
    if (m == NULL || net == NULL)
        return fail(NNACT_ERR_ARG, "%s: %s is NULL", who, m ? "net" : "m");
    const size_t np = nnact_net_param_count(net), n_in = nnact_net_input_size(net);
    int same = 0;
    if (same_everywhere(m, net_hash(net), &same) != NNACT_OK)
        return fail(NNACT_ERR_IO, "%s: MPI failed on rank %d", who, m->rank);
    if (!same) /* every rank fails: rank 0's detail everywhere */
        return agree_own(m, fail(NNACT_ERR_SHAPE,
                                 "%s: the networks differ between ranks (rank %d has "
                                 "%zu parameters in %zu layers)",
                                 who, m->rank, np, nnact_net_layer_count(net)));
    if (np > INT_MAX / 4 || n_in > INT_MAX / 4) /* the same on every rank: no agreement needed */
        return fail(NNACT_ERR_OVERFLOW, "%s: %zu parameters are more than one MPI_Bcast sends", who,
                    np);
    /* rank 0's parameters, shift, scale, present; then this rank's own scaling */
    const size_t sent = np + 2 * n_in + 1;
    double *buf = malloc((sent + 2 * n_in) * sizeof *buf);
    nnact_status st =
        agree_own(m, buf == NULL ? fail(NNACT_ERR_NOMEM, "%s: out of memory", who) : NNACT_OK);
    if (st != NNACT_OK) {
        free(buf);
        return st;
    }
    int present = 0;
    if (m->rank == 0) {
        nnact_net_get_params(net, np, buf);
        nnact_net_get_input_scaling(net, buf + np, buf + np + n_in, &present);
        buf[np + 2 * n_in] = present;
    }
    if (MPI_Bcast(buf, (int)sent, MPI_DOUBLE, 0, m->comm) != MPI_SUCCESS) {
        free(buf);
        return fail(NNACT_ERR_IO, "%s: MPI_Bcast failed on rank %d", who, m->rank);
    }
    st = bcast_scaling(m, net, n_in, buf + np, buf + sent);
    /* the same count as this network's: cannot fail */
    if (st == NNACT_OK && m->rank != 0) nnact_net_set_params(net, np, buf);
    free(buf);
    return st;
}

/* The rows' hash (n, x, t), or NNACT_ERR_OVERFLOW when their byte counts do
   not fit a size_t (checked before anything is read). */
static nnact_status rows_hash(size_t n, size_t n_in, size_t tw, const double *x, const double *t,
                              uint64_t *h)
{
    const size_t cap = SIZE_MAX / sizeof(double);
    if ((n_in != 0 && n > cap / n_in) || (tw != 0 && n > cap / tw))
        return fail(NNACT_ERR_OVERFLOW, "nnact_mpi_fit: %zu rows of %zu + %zu values overflow", n,
                    n_in, tw);
    *h = hash_words(HASH_SEED, &n, sizeof n);
    *h = hash_words(*h, x, n * n_in * sizeof *x);
    *h = hash_words(*h, t, n * tw * sizeof *t);
    return NNACT_OK;
}

/* The optimizer's kind, settings and step count: what its next step depends
   on besides its state vectors (whose length the fit's start checks). */
static uint64_t opt_hash(const nnact_opt *o)
{
    uint64_t h = hash_words(HASH_SEED, &(uint64_t){(uint64_t)nnact_opt_get_kind(o)}, 8);
    h = hash_words(h, &(uint64_t){nnact_opt_step_count(o)}, 8);
    /* the parameters this header knows (a get refused for the kind hashes alike) */
    for (int p = 0; p <= (int)NNACT_OPT_PARAM_CHECK_FINITE; p++) {
        double v = 0.0;
        const uint64_t ok = nnact_opt_get(o, (nnact_opt_param)p, &v) == NNACT_OK;
        h = hash_words(h, &ok, 8);
        if (ok) h = hash_words(h, &v, 8);
    }
    return h;
}

/* The checks on the arguments that every rank makes before the first
   agreement: a refusal on one rank must not leave the others waiting. */
static nnact_status check_fit_args(nnact_mpi *m, nnact_net *net, nnact_opt *o, nnact_loss_kind k,
                                   const double *x, const double *t, const nnact_fit_config *cfg,
                                   const nnact_fit_report *report, size_t *tw)
{
    static const char who[] = "nnact_mpi_fit";
    if (net == NULL || o == NULL || x == NULL || t == NULL || cfg == NULL)
        return fail(NNACT_ERR_ARG, "%s: %s is NULL", who,
                    net == NULL ? "net"
                    : o == NULL ? "o"
                    : x == NULL ? "x"
                    : t == NULL ? "t"
                                : "cfg");
    /* the report record's size, as nnact_net_fit_run checks it (the 1.1
       record's fields, through stop_reason) */
    if (report != NULL &&
        report->size < offsetof(nnact_fit_report, stop_reason) + sizeof report->stop_reason)
        return fail(NNACT_ERR_ARG, "%s: report->size %zu is too small", who, report->size);
    *tw = nnact_loss_target_width(k, nnact_net_output_size(net));
    if (*tw == 0) return fail(NNACT_ERR_ARG, "%s: unknown loss kind %d", who, (int)k);
    if (reserve_scratch(m, nnact_net_param_count(net)) != 0)
        return fail(NNACT_ERR_NOMEM, "%s: out of memory", who);
    return NNACT_OK;
}

nnact_status nnact_mpi_fit(nnact_mpi *m, nnact_net *net, nnact_opt *o, nnact_loss_kind k, size_t n,
                           const double *x, const double *t, const nnact_fit_config *cfg,
                           nnact_fit_report *report)
{
    static const char who[] = "nnact_mpi_fit";
    if (m == NULL) return fail(NNACT_ERR_ARG, "%s: m is NULL", who);
    size_t tw = 0;
    nnact_fit_config *c = NULL;
    nnact_status st = check_fit_args(m, net, o, k, x, t, cfg, report, &tw);
    if (st == NNACT_OK) st = pass_on(nnact_fit_config_copy(cfg, &c));
    st = agree_own(m, st);
    if (st != NNACT_OK) {
        nnact_fit_config_free(c);
        return st;
    }
    /* the same rows everywhere: otherwise the shards would silently mix two data sets */
    uint64_t h = 0; /* kept 0 on a rank whose rows overflow: it still takes part */
    const nnact_status hashed = rows_hash(n, nnact_net_input_size(net), tw, x, t, &h);
    int same = 0;
    if (same_everywhere(m, h, &same) != NNACT_OK)
        st = fail(NNACT_ERR_IO, "%s: MPI failed on rank %d", who, m->rank);
    else if (hashed != NNACT_OK)
        st = hashed;
    else if (!same)
        st = fail(NNACT_ERR_ARG,
                  "%s: the rows differ between ranks (rank %d: %zu rows, hash "
                  "%016llx)",
                  who, m->rank, n, (unsigned long long)h);
    st = agree_own(m, st); /* one detail everywhere: the lowest rank's */
    /* the same optimizer everywhere: its steps must be the same on every rank */
    if (st == NNACT_OK) {
        if (same_everywhere(m, opt_hash(o), &same) != NNACT_OK)
            st = fail(NNACT_ERR_IO, "%s: MPI failed on rank %d", who, m->rank);
        else if (!same)
            st = fail(NNACT_ERR_ARG,
                      "%s: the optimizers differ between ranks (kind, settings or step count; "
                      "rank %d: %s after %llu steps)",
                      who, m->rank, nnact_opt_name(nnact_opt_get_kind(o)),
                      (unsigned long long)nnact_opt_step_count(o));
        st = agree_own(m, st);
    }
    if (st == NNACT_OK) st = nnact_mpi_bcast_net(m, net);
    nnact_fit_dist d = {.size = sizeof d};
    if (st == NNACT_OK) nnact_mpi_fit_dist(m, &d);
    if (st == NNACT_OK) st = pass_on(nnact_fit_config_set_dist(c, &d));
    if (st == NNACT_OK) st = pass_on(nnact_net_fit_run(net, o, k, n, x, t, c, report));
    nnact_fit_config_free(c);
    return st;
}

nnact_status nnact_mpi_stats_get(nnact_mpi *m, nnact_mpi_stats *s, int reset)
{
    static const char who[] = "nnact_mpi_stats_get";
    if (m == NULL || s == NULL) return fail(NNACT_ERR_ARG, "%s: %s is NULL", who, m ? "s" : "m");
    if (s->size < sizeof *s)
        return fail(NNACT_ERR_ARG, "%s: s->size %zu is below the %zu bytes of the 1.1 record", who,
                    s->size, sizeof *s);
    const size_t size = s->size;
    *s = m->st;
    s->size = size;
    if (reset) {
        memset(&m->st, 0, sizeof m->st);
        m->st.size = sizeof m->st;
    }
    return NNACT_OK;
}
