/* Internal: the training-checkpoint sections of the model file format (kind 2,
 * docs/FORMAT.md "Checkpoints"): the model body, then the optimizer section,
 * then the training-position section.
 *
 * This layer works on plain data (struct nnact__ckpt_opt / _train) so it is
 * complete and tested on its own. Filling that data from a live nnact_opt and
 * restoring it needs two hidden functions from the optimizer module, which
 * owns struct nnact_opt (see docs/FORMAT.md, "What the optimizer module must
 * expose"); until they exist there is no public checkpoint call. */
#ifndef NNACT_IO_CHECKPOINT_H
#define NNACT_IO_CHECKPOINT_H

#include <stdint.h>

#include "io/io_internal.h"

/* Optimizer kinds and hyper-parameter keys known to format version 1
 * (nnact_opt_kind 0..6, nnact_opt_param 0..14); later ones are appended and
 * raise these bounds. */
#define NNACT__CKPT_OPT_KINDS 7u
#define NNACT__CKPT_OPT_KEYS  15u
/* Most state vectors an optimizer keeps per parameter (RMSprop, Adam: 3). */
#define NNACT__CKPT_MAX_BUFS           3u
#define NNACT__CKPT_FLAG_MOMENTUM_INIT 1u

struct nnact__ckpt_opt {
    uint32_t kind;
    uint32_t n_hp; /* records, keys strictly ascending */
    uint32_t hp_key[NNACT__CKPT_OPT_KEYS];
    double hp_value[NNACT__CKPT_OPT_KEYS];
    uint64_t hp_offset[NNACT__CKPT_OPT_KEYS]; /* reader: file offset of each value */
    uint64_t steps;                           /* optimizer step counter */
    uint64_t bound_n; /* 0: not bound yet; else the model's parameter count */
    uint32_t n_bufs;  /* state vectors, each bound_n long */
    uint32_t flags;   /* NNACT__CKPT_FLAG_MOMENTUM_INIT */
    /* Writer: n_bufs * bound_n doubles in native form. Reader: points at the
     * little-endian bytes inside the file (decode with nnact__get_f64). */
    const double *state;
    const unsigned char *state_bytes;
};

struct nnact__ckpt_train {
    uint64_t epochs_done;    /* completed epochs = the schedule's next step index */
    uint64_t batch_in_epoch; /* minibatches done in the current epoch (0 at a boundary) */
    double base_lr;          /* the LR the schedule scales */
    uint64_t rng_key;        /* the shuffling PRNG (init/rng.h): key and counter */
    uint64_t rng_counter;
};

/* Whole checkpoint file for net + opt + train in a fresh nnact__malloc'd buffer. */
NNACT_HIDDEN nnact_status nnact__ckpt_serialize(const char *who, const nnact_net *net,
                                                const struct nnact__ckpt_opt *opt,
                                                const struct nnact__ckpt_train *train,
                                                unsigned char **data, size_t *size);

/* Validates a whole checkpoint file (all checks, checksum included, before any
 * allocation) and returns views into it. flags: NNACT_LOAD_ALLOW_NONFINITE. */
NNACT_HIDDEN nnact_status nnact__ckpt_parse(const char *who, const unsigned char *data, size_t size,
                                            unsigned flags, struct nnact__model_view *model,
                                            struct nnact__ckpt_opt *opt,
                                            struct nnact__ckpt_train *train);

#endif /* NNACT_IO_CHECKPOINT_H */
