/* Network specs for the train suite: "784-1024:relu-1024:relu-10". */
#ifndef NNACT_BENCH_NETSPEC_H
#define NNACT_BENCH_NETSPEC_H

#include <stddef.h>

#define SPEC_MAX_LAYERS 16

struct netspec {
    char name[32]; /* case name, e.g. "relu784" */
    size_t n_in;
    size_t n_layers;
    size_t out[SPEC_MAX_LAYERS];
    int act[SPEC_MAX_LAYERS]; /* nnact_act_kind */
    size_t batch;
};

/* Parses a spec in the library's grammar (nnact/spec.h: "784-1024:relu-10" or
 * "3,4:tanh,1"); without ':act' a hidden layer is relu and the last identity.
 * The bench also holds it to SPEC_MAX_LAYERS layers of at most 1e6 units.
 * Returns 0, or -1 with a reason in err. */
int netspec_parse(const char *text, struct netspec *s, char *err, size_t errlen);
/* The same network as "IN-N1:act-N2:act...", every activation named (what
 * the peers and the memory child are given). */
void netspec_text(const struct netspec *s, char *buf, size_t len);
/* "784-1024-1024-10" */
void netspec_shape(const struct netspec *s, char *buf, size_t len);
/* Flops of the matrix products of one train step at this batch (forward
 * products, the weight-gradient products, and the input-gradient products of
 * every layer but the first). */
double netspec_step_flops(const struct netspec *s, size_t batch);

/* The four networks of issue 7 and the plain-C floor's names for them. */
extern const struct netspec bench_nets[4];

#endif
