/**
 * @file nnact/io.h
 * @brief Model files: save a network atomically, load it back strictly.
 *
 * The format is documented byte by byte in docs/FORMAT.md: a fixed header
 * (magic, format version, kind, payload size), a layer table, the parameters
 * as IEEE-754 binary64 little-endian values, and a CRC-32C over everything
 * before it. Files are data only: nothing in them is executed, used as a path
 * or used as a format string.
 *
 * Loading checks every field before it allocates anything (limits below,
 * checked 64-bit size arithmetic, declared sizes against the bytes present,
 * adjacent layer sizes, activation ids and parameters, the checksum, trailing
 * bytes, non-finite parameters). Every failure returns a status, sets the
 * out-handle to NULL, frees everything it allocated and leaves the byte offset
 * and the reason in nnact_last_error(), e.g.
 * "nnact_net_load_buffer: offset 56: layer 1 expects 3 inputs, layer 0 gives 4".
 */
#ifndef NNACT_IO_H
#define NNACT_IO_H

#include <stddef.h>
#include <stdint.h>

#include "nnact/export.h"
#include "nnact/net.h"
#include "nnact/optim.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/** @brief Most layers a model file may declare. @since 1.0 */
#define NNACT_IO_MAX_LAYERS 4096u
/** @brief Largest input or output size of a layer in a model file (2^24). @since 1.0 */
#define NNACT_IO_MAX_DIM 16777216u
/** @brief Most parameters (weights plus biases, all layers) in a model file (2^28). @since 1.0 */
#define NNACT_IO_MAX_PARAMS 268435456u

/** @brief Load flag: accept NaN and +-Inf parameters (rejected by default). @since 1.0 */
#define NNACT_LOAD_ALLOW_NONFINITE 1u

/**
 * @brief Saves the network to `path`, atomically.
 *
 * Writes a temporary file beside the target (same directory, a name
 * ".nnact-" plus 16 hex digits, created with O_EXCL), checks every write,
 * fsyncs it, closes it, renames it over the target and fsyncs the directory.
 * On any failure before the rename the temporary is removed and a previous
 * file is intact. The target is `path`, or the file a symbolic link at `path`
 * points to (the link is kept). Parameters are written bit for bit, NaN
 * included. docs/FORMAT.md has the details.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net or path, empty path);
 *         NNACT_ERR_OVERFLOW (the network exceeds the format's limits);
 *         NNACT_ERR_NOMEM; NNACT_ERR_IO (with the failing step and errno text;
 *         also an existing target that is not a regular file — directory,
 *         FIFO, socket, device — and a dangling symbolic link: nothing written).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_save(const nnact_net *net, const char *path);

/**
 * @brief Serializes the network into a caller-owned buffer: the same bytes
 *        nnact_net_save() writes.
 * @param buf destination, `capacity` bytes; may be NULL when capacity is 0
 *        (a size query).
 * @param size out: the number of bytes the file takes, set on NNACT_OK and on
 *        a too-small capacity.
 * @return NNACT_OK (buf filled, or size query); NNACT_ERR_ARG (NULL net or
 *         size, buf NULL with capacity > 0, capacity smaller than *size: buf
 *         untouched); NNACT_ERR_OVERFLOW; NNACT_ERR_NOMEM.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_save_buffer(const nnact_net *net, void *buf, size_t capacity,
                                             size_t *size);

/**
 * @brief Loads a model file. Same as nnact_net_load_ex(path, 0, out).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_load(const char *path, nnact_net **out);

/**
 * @brief Loads a model file with flags (NNACT_LOAD_ALLOW_NONFINITE).
 *
 * Opens only `path` (O_NONBLOCK, then fstat): anything but a regular file
 * (directory, FIFO, socket, device such as /dev/zero) is refused before a
 * byte is read, so nothing blocks; a file larger than the format allows is
 * refused before allocation.
 * @param out receives the network; NULL on failure.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL path or out, empty path, unknown
 *         flag); NNACT_ERR_IO (cannot open or read, not a regular file, file
 *         changed while read); NNACT_ERR_FORMAT (see nnact_net_load_buffer_ex());
 *         NNACT_ERR_NOMEM.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_load_ex(const char *path, unsigned flags, nnact_net **out);

/**
 * @brief Loads a model from memory. Same as nnact_net_load_buffer_ex(data, size, 0, out).
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_load_buffer(const void *data, size_t size, nnact_net **out);

/**
 * @brief Loads a model from `size` bytes at `data` with flags.
 * @param out receives the network; NULL on failure.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL out, NULL data with size > 0, unknown
 *         flag); NNACT_ERR_FORMAT (bad magic, unsupported version or kind,
 *         a count or size outside its limit, a size product that overflows,
 *         declared sizes that disagree with the bytes present, layers that do
 *         not chain, unknown activation or bad parameter, unknown layer flag,
 *         checksum mismatch, trailing bytes, non-finite parameter without
 *         NNACT_LOAD_ALLOW_NONFINITE); NNACT_ERR_NOMEM.
 * @since 1.0
 */
NNACT_API nnact_status nnact_net_load_buffer_ex(const void *data, size_t size, unsigned flags,
                                                nnact_net **out);

/* ---------------------------------------------------------------------------
 * Training checkpoints: a kind-2 file (docs/FORMAT.md) holding the network,
 * the optimizer's kind, hyper-parameters, step counter and every state
 * vector, and the training position, so an interrupted run resumes and ends
 * bit-identical to an uninterrupted one.
 * ------------------------------------------------------------------------- */

/**
 * @brief A checkpoint's training position: an output/input record whose
 *        fields are only ever appended (docs/ABI.md, size-prefixed records).
 *
 * Set `size = sizeof(nnact_checkpoint_position)`; the library reads or writes
 * only the fields that fit inside `size` and never writes `size`.
 * @since 1.1
 */
typedef struct nnact_checkpoint_position {
    size_t size;             /**< set by the caller: sizeof(nnact_checkpoint_position) */
    uint64_t epochs_done;    /**< completed epochs: the schedule's next step index */
    uint64_t batch_in_epoch; /**< minibatches done in the current epoch (0 at a boundary) */
    double base_lr;          /**< the learning rate a schedule scales (finite, >= 0) */
    uint64_t rng_key;        /**< the shuffling PRNG's key (nnact_net_fit_run(): its seed) */
    uint64_t rng_counter;    /**< the shuffling PRNG's draws so far */
} nnact_checkpoint_position;

/**
 * @brief nnact_checkpoint_save() with the position as a record.
 * @param pos the position; pos->size at least the 1.1 record's.
 * @return as nnact_checkpoint_save(), and NNACT_ERR_ARG for a NULL pos or a
 *         pos->size below the 1.1 record's.
 * @since 1.1
 */
NNACT_API nnact_status nnact_checkpoint_save_at(const char *path, const nnact_net *net,
                                                const nnact_opt *opt,
                                                const nnact_checkpoint_position *pos);

/**
 * @brief nnact_checkpoint_load() with the position as a record.
 * @param pos NULL (position not wanted), or a record with pos->size set:
 *        written on NNACT_OK only.
 * @return as nnact_checkpoint_load(), and NNACT_ERR_ARG for a pos->size below
 *         the 1.1 record's (checked before the file is opened).
 * @since 1.1
 */
NNACT_API nnact_status nnact_checkpoint_load_at(const char *path, unsigned flags, nnact_net **net,
                                                nnact_opt **opt, nnact_checkpoint_position *pos);

/**
 * @brief nnact_checkpoint_load_buffer() with the position as a record.
 * @param pos NULL, or a record with pos->size set: written on NNACT_OK only.
 * @return as nnact_checkpoint_load_buffer(), and NNACT_ERR_ARG for a
 *         pos->size below the 1.1 record's.
 * @since 1.1
 */
NNACT_API nnact_status nnact_checkpoint_load_buffer_at(const void *data, size_t size,
                                                       unsigned flags, nnact_net **net,
                                                       nnact_opt **opt,
                                                       nnact_checkpoint_position *pos);

/**
 * @brief Saves a checkpoint atomically (as nnact_net_save()).
 * @param opt the optimizer training net (bound to its parameter count, or not yet bound).
 * @param epochs_done completed epochs: the schedule's next step index.
 * @param batch_in_epoch minibatches done in the current epoch (0 at a boundary).
 * @param base_lr the learning rate a schedule scales (finite, >= 0).
 * @param rng_key, rng_counter the caller's shuffling PRNG state, stored as is.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL or empty path, NULL net or opt, bad base_lr);
 *         NNACT_ERR_SHAPE (opt bound to another parameter count); NNACT_ERR_OVERFLOW;
 *         NNACT_ERR_NOMEM; NNACT_ERR_IO (previous file intact).
 * @since 1.0
 */
NNACT_API nnact_status nnact_checkpoint_save(const char *path, const nnact_net *net,
                                             const nnact_opt *opt, uint64_t epochs_done,
                                             uint64_t batch_in_epoch, double base_lr,
                                             uint64_t rng_key, uint64_t rng_counter);

/**
 * @brief Loads a checkpoint: a new network and a new optimizer in the saved
 *        state, and the training position (each position pointer may be NULL).
 * @param flags NNACT_LOAD_ALLOW_NONFINITE (parameters and optimizer state).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net or opt, NULL or empty path, unknown
 *         flag); NNACT_ERR_IO; NNACT_ERR_FORMAT (as nnact_net_load_buffer_ex(),
 *         plus the checkpoint sections' rules); NNACT_ERR_NOMEM. On failure
 *         *net and *opt are NULL and the position outputs are untouched.
 * @since 1.0
 */
NNACT_API nnact_status nnact_checkpoint_load(const char *path, unsigned flags, nnact_net **net,
                                             nnact_opt **opt, uint64_t *epochs_done,
                                             uint64_t *batch_in_epoch, double *base_lr,
                                             uint64_t *rng_key, uint64_t *rng_counter);

/**
 * @brief Loads a checkpoint from memory: the same checks and results as
 *        nnact_checkpoint_load() on a file holding these bytes (used by
 *        `nnact info`, which reads a file once to show its checksum too).
 * @param data size bytes (not retained; may be freed after the call).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL data, net or opt, unknown flag);
 *         NNACT_ERR_FORMAT; NNACT_ERR_NOMEM. On failure *net and *opt are NULL
 *         and the position outputs are untouched.
 * @since 1.0
 */
NNACT_API nnact_status nnact_checkpoint_load_buffer(const void *data, size_t size, unsigned flags,
                                                    nnact_net **net, nnact_opt **opt,
                                                    uint64_t *epochs_done, uint64_t *batch_in_epoch,
                                                    double *base_lr, uint64_t *rng_key,
                                                    uint64_t *rng_counter);

/* ---------------------------------------------------------------------------
 * Describing a file: what a model file or a checkpoint holds, without the
 * caller knowing the format (used by `nnact info FILE`).
 * ------------------------------------------------------------------------- */

/** @brief What a libnnact file holds (the header's kind field). @since 1.1 */
typedef enum nnact_file_kind {
    NNACT_FILE_MODEL = 1,     /**< a model file (nnact_net_save()) */
    NNACT_FILE_CHECKPOINT = 2 /**< a training checkpoint (nnact_checkpoint_save()) */
} nnact_file_kind;

/**
 * @brief A file's description, filled by nnact_file_describe().
 *
 * The caller sets `size` to sizeof(nnact_file_info) as it was compiled; later
 * versions only append fields, and fill no more than `size` bytes, so a
 * caller built against an older header keeps working.
 * @since 1.1
 */
typedef struct nnact_file_info {
    size_t size;             /**< in: sizeof(nnact_file_info) (at least the 1.1 size) */
    nnact_file_kind kind;    /**< model or checkpoint */
    uint32_t format_version; /**< the header's format version */
    uint64_t file_size;      /**< bytes, header and checksum included */
    uint32_t crc32c;         /**< the stored CRC-32C (always verified: a mismatch fails) */
    size_t n_layers;         /**< dense layers */
    size_t n_inputs;         /**< input width of the network */
    size_t n_outputs;        /**< output width of the last layer */
    uint64_t n_params;       /**< weights plus biases, all layers */
    uint64_t n_nonfinite;    /**< parameters that are NaN or +-Inf (a plain load refuses them) */
    /* Checkpoints only: for a model file these are zero (so opt_kind reads as
       NNACT_OPT_SGD): look at `kind` first. */
    nnact_opt_kind opt_kind; /**< the optimizer's kind */
    uint64_t opt_steps;      /**< optimizer steps taken */
    uint64_t epochs_done;    /**< completed epochs */
    uint64_t batch_in_epoch; /**< minibatches done in the next epoch */
    double base_lr;          /**< the learning rate a schedule scales */
    /* Both kinds (format version 2; 0 in a version-1 file): */
    int input_scaling; /**< 1 when the file holds an input scaling (nnact_net_set_input_scaling())
                        */
    size_t n_classes;  /**< class names it holds (nnact_net_set_class_names()), 0 for none */
    int input_names;   /**< 1 when the file names its inputs (nnact_net_set_input_names()) */
    size_t n_targets;  /**< target names it holds (nnact_net_set_target_names()), 0 for none */
} nnact_file_info;

/**
 * @brief Describes the model file or checkpoint at `path`, and optionally
 *        loads its network.
 *
 * Reads as nnact_net_load_ex() does: only a regular file, its header checked
 * (magic, version, kind, declared size against the format's limits and the
 * file's size) before the rest is read, so memory stays bounded by a size the
 * format allows. Every check of the matching loader runs, the checksum
 * included, except that non-finite parameters are counted, not refused.
 * @param info out: the description; info->size set by the caller. Unchanged
 *        on failure.
 * @param net NULL, or receives the file's network (non-finite parameters
 *        kept) for per-layer details (nnact_net_layer_info(),
 *        nnact_net_get_layer()); the caller frees it; NULL on failure.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL or empty path, NULL info, info->size
 *         below the 1.1 size); NNACT_ERR_IO (cannot open or read, not a
 *         regular file); NNACT_ERR_FORMAT (not a libnnact file: bad magic,
 *         or any check of the loader, checksum mismatch included);
 *         NNACT_ERR_NOMEM.
 * @since 1.1
 */
NNACT_API nnact_status nnact_file_describe(const char *path, nnact_file_info *info,
                                           nnact_net **net);

/**
 * @brief As nnact_file_describe() on `size` bytes at `data` (not retained).
 * @return NNACT_OK; NNACT_ERR_ARG (NULL info, info->size below the 1.1 size,
 *         NULL data with size > 0); NNACT_ERR_FORMAT; NNACT_ERR_NOMEM.
 * @since 1.1
 */
NNACT_API nnact_status nnact_file_describe_buffer(const void *data, size_t size,
                                                  nnact_file_info *info, nnact_net **net);

NNACT_END_DECLS

#endif /* NNACT_IO_H */
