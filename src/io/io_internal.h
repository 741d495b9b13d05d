/* Internal: the model file format (docs/FORMAT.md) shared by the writer, the
 * reader, the file layer and the tests. Never installed. */
#ifndef NNACT_IO_INTERNAL_H
#define NNACT_IO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/error.h"
#include "nnact/io.h"

/* Header: magic[8] | u32 version | u32 kind | u64 payload size; then the
 * payload; then a u32 CRC-32C of header and payload. */
#define NNACT__IO_MAGIC     "\x89NNACT\r\n"
#define NNACT__IO_MAGIC_LEN 8u
/* Version 1: no preprocessing section; version 2: the model body ends with
 * one (docs/FORMAT.md). A writer uses 1 whenever the network has nothing for
 * the section, so such files stay readable by 1.0. */
#define NNACT__IO_VERSION         1u
#define NNACT__IO_VERSION_PREP    2u
#define NNACT__IO_KIND_MODEL      1u
#define NNACT__IO_KIND_CHECKPOINT 2u
#define NNACT__IO_HEADER_LEN      24u
#define NNACT__IO_CRC_LEN         4u
/* Model body: u64 n_inputs | u32 n_layers | u32 reserved (0); then n_layers
 * records of 32 bytes: u64 n_in | u64 n_out | u32 activation | u32 flags | f64 alpha. */
#define NNACT__IO_MODEL_HEAD_LEN 16u
#define NNACT__IO_LAYER_LEN      32u
#define NNACT__IO_LAYER_NO_BIAS  1u
/* Largest payload of each kind the documented limits (nnact/io.h) allow: a
 * model body with NNACT_IO_MAX_LAYERS records and NNACT_IO_MAX_PARAMS doubles;
 * a checkpoint adds its optimizer section (15 hyper-parameter records, 3 state
 * vectors) and its training position (checkpoint.c checks this sum). The
 * header's declared size is held to these before anything is allocated. */
#define NNACT__IO_MAX_MODEL_PAYLOAD                                                                \
    ((uint64_t)NNACT__IO_MODEL_HEAD_LEN + (uint64_t)NNACT_IO_MAX_LAYERS * NNACT__IO_LAYER_LEN +    \
     (uint64_t)NNACT_IO_MAX_PARAMS * 8u)
/* Preprocessing section (version 2, right after the model parameters):
 * u32 flags | u32 n_classes | [f64 shift x n_inputs, f64 scale x n_inputs]
 * | [u32 length x n_classes, the class names' bytes]
 * | [u32 length x n_inputs, the input names' bytes]
 * | [u32 n_targets, u32 length x n_targets, the target names' bytes]
 * | zero padding to 8 bytes. */
#define NNACT__IO_PREP_HEAD_LEN 8u
#define NNACT__IO_PREP_SCALING  1u
#define NNACT__IO_PREP_NAMES    2u
#define NNACT__IO_PREP_INPUTS   4u
#define NNACT__IO_PREP_TARGETS  8u
#define NNACT__IO_PREP_KNOWN                                                                       \
    (NNACT__IO_PREP_SCALING | NNACT__IO_PREP_NAMES | NNACT__IO_PREP_INPUTS | NNACT__IO_PREP_TARGETS)
#define NNACT__IO_MAX_PREP                                                                         \
    ((uint64_t)NNACT__IO_PREP_HEAD_LEN + 16u * (uint64_t)NNACT_IO_MAX_DIM +                        \
     (uint64_t)NNACT_NET_MAX_CLASSES * (4u + NNACT_NET_MAX_CLASS_NAME) +                           \
     (uint64_t)NNACT_IO_MAX_DIM * (4u + NNACT_NET_MAX_CLASS_NAME) + 4u +                           \
     (uint64_t)NNACT_IO_MAX_DIM * (4u + NNACT_NET_MAX_CLASS_NAME))
#define NNACT__IO_MAX_CKPT_EXTRA                                                                   \
    (8u + 15u * 16u + 24u + 3u * (uint64_t)NNACT_IO_MAX_PARAMS * 8u + 40u)
#define NNACT__IO_MAX_CKPT_PAYLOAD (NNACT__IO_MAX_MODEL_PAYLOAD + NNACT__IO_MAX_CKPT_EXTRA)

/* Little-endian fixed-width fields, whatever the host order: the format's
 * bytes are defined, never a struct's memory image. */
static inline uint32_t nnact__get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t nnact__get_u64(const unsigned char *p)
{
    return (uint64_t)nnact__get_u32(p) | (uint64_t)nnact__get_u32(p + 4) << 32;
}
static inline double nnact__get_f64(const unsigned char *p)
{
    uint64_t u = nnact__get_u64(p);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}
static inline void nnact__put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}
static inline void nnact__put_u64(unsigned char *p, uint64_t v)
{
    nnact__put_u32(p, (uint32_t)v);
    nnact__put_u32(p + 4, (uint32_t)(v >> 32));
}
static inline void nnact__put_f64(unsigned char *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    nnact__put_u64(p, u);
}

/* 64-bit checked arithmetic, independent of the width of size_t. */
static inline int nnact__mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    if (b != 0 && a > UINT64_MAX / b) return 0;
    *out = a * b;
    return 1;
}
static inline int nnact__add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    if (a > UINT64_MAX - b) return 0;
    *out = a + b;
    return 1;
}

/* CRC-32C of n bytes, continuing from crc (0 to start). */
NNACT_HIDDEN uint32_t nnact__crc32c(uint32_t crc, const void *data, size_t n);

/* A validated view of a model body inside a buffer; points into the buffer. */
struct nnact__model_view {
    uint32_t version; /* the header's: 2 when the preprocessing section follows */
    uint64_t n_inputs;
    uint32_t n_layers;
    const unsigned char *table;  /* n_layers records */
    const unsigned char *params; /* all parameters, layer by layer: W then b */
    uint64_t n_params;           /* total doubles */
    uint64_t max_layer_params;   /* largest W plus b of one layer, in doubles */
    uint64_t n_outputs;          /* the last layer's n_out (n_inputs without layers) */
    /* preprocessing section (version 2), else 0 / NULL */
    uint32_t prep_flags;        /* NNACT__IO_PREP_SCALING | NNACT__IO_PREP_NAMES */
    uint64_t prep_offset;       /* of the section */
    const unsigned char *shift; /* n_inputs f64, then scale: n_inputs f64 */
    uint32_t n_classes;
    const unsigned char *name_lengths; /* n_classes u32 */
    const unsigned char *names;        /* the names' bytes, one after the other */
    uint64_t names_offset;
    /* input names (n_inputs of them) and target names, the same way; NULL / 0
     * when absent */
    const unsigned char *input_name_lengths, *input_names;
    uint64_t input_names_offset;
    uint32_t n_targets;
    const unsigned char *target_name_lengths, *target_names;
    uint64_t target_names_offset;
    uint64_t end; /* offset just past the model body (and its section) */
};

/* Checks, in this order, magic, version, kind, declared payload size against
 * the kind's maximum and against the bytes present (no trailing bytes, no
 * truncation), and returns the kind; does not check the CRC. */
NNACT_HIDDEN nnact_status nnact__io_check_header(const char *who, const unsigned char *data,
                                                 size_t size, uint32_t *kind);
/* The same checks on a file's first min(size, NNACT__IO_HEADER_LEN) bytes,
 * given the whole file's size: reads no byte of `head` past that. */
NNACT_HIDDEN nnact_status nnact__io_check_file_header(const char *who, const unsigned char *head,
                                                      uint64_t size, uint32_t *kind);
/* Refuses a file of kind `kind` where kind `want` is expected. */
NNACT_HIDDEN nnact_status nnact__io_check_kind(const char *who, uint32_t kind, uint32_t want);
/* NNACT_OK when `bytes` bytes fit between offset and limit; else
 * NNACT_ERR_FORMAT naming `what` and the offset (a truncated payload). */
NNACT_HIDDEN nnact_status nnact__io_need(const char *who, uint64_t offset, uint64_t limit,
                                         uint64_t bytes, const char *what);
/* Parses and validates the model body at `offset`, ending before `limit`. */
NNACT_HIDDEN nnact_status nnact__io_parse_model(const char *who, const unsigned char *data,
                                                uint64_t offset, uint64_t limit,
                                                struct nnact__model_view *v);
/* Verifies the trailing CRC-32C of a buffer whose header has been checked. */
NNACT_HIDDEN nnact_status nnact__io_check_crc(const char *who, const unsigned char *data,
                                              size_t size);
/* Rejects NaN/Inf parameters, naming the layer and the offset. */
NNACT_HIDDEN nnact_status nnact__io_check_finite(const char *who, const unsigned char *data,
                                                 const struct nnact__model_view *v);
/* Builds a network from a validated view. */
NNACT_HIDDEN nnact_status nnact__io_build_net(const char *who, const struct nnact__model_view *v,
                                              nnact_net **out);

/* Format version a network is written with: 2 when it has an input scaling
 * or class names (the preprocessing section), else 1. */
NNACT_HIDDEN uint32_t nnact__io_net_version(const nnact_net *net);
/* Model body size of a network, in bytes (checked), and its serialization
 * at p (exactly that many bytes), the preprocessing section included. */
NNACT_HIDDEN nnact_status nnact__io_model_size(const char *who, const nnact_net *net,
                                               uint64_t *bytes);
NNACT_HIDDEN nnact_status nnact__io_write_model(const char *who, const nnact_net *net,
                                                unsigned char *p);
/* Allocates a file image of header + model section + `extra` bytes + CRC,
 * writes the header (kind) and the model section, and returns the buffer with
 * its total size and the model section's size (the caller fills the extra
 * bytes at header + body, then puts the CRC). Sizes checked before allocating. */
NNACT_HIDDEN nnact_status nnact__io_start_image(const char *who, const nnact_net *net,
                                                uint32_t kind, uint64_t extra, unsigned char **data,
                                                uint64_t *total, uint64_t *body);
/* Header at data, CRC at the end of a buffer of `size` bytes. */
NNACT_HIDDEN void nnact__io_put_header(unsigned char *data, uint32_t version, uint32_t kind,
                                       uint64_t size);
NNACT_HIDDEN void nnact__io_put_crc(unsigned char *data, size_t size);

/* File layer. Reads a whole regular file (bounded, never blocks): its fixed
 * header first, checked (nnact__io_check_file_header, and the kind against
 * want_kind unless 0) before the buffer is allocated. */
NNACT_HIDDEN nnact_status nnact__io_read_file(const char *who, const char *path, uint32_t want_kind,
                                              unsigned char **data, size_t *size);
/* Reads a whole regular file of at most max bytes that has no header of this
 * module's (an ONNX model, say; `what` names it in the size refusal), with
 * nnact__io_read_file's guarantees: never blocks, refuses what is not a
 * regular file, checks the size before allocating, and that the file did
 * not change size meanwhile. The path is shown quoted as in every io detail. */
NNACT_HIDDEN nnact_status nnact__io_read_plain_file(const char *who, const char *path, uint64_t max,
                                                    const char *what, unsigned char **data,
                                                    size_t *size);
/* Writes size bytes to path atomically (temporary, fsync, rename). */
NNACT_HIDDEN nnact_status nnact__io_write_file_atomic(const char *who, const char *path,
                                                      const unsigned char *data, size_t size);

/* Test hook for the file layer: called before each system call of a save.
 * Returning an errno value makes that call fail with it (the call is not
 * made); 0 lets it run. For NNACT__IO_OP_WRITE, *len may be lowered to force
 * a short write. Hidden; not for concurrent use. */
typedef enum nnact__io_op {
    NNACT__IO_OP_OPEN = 0,
    NNACT__IO_OP_WRITE = 1,
    NNACT__IO_OP_FSYNC = 2,
    NNACT__IO_OP_CLOSE = 3,
    NNACT__IO_OP_RENAME = 4,
    NNACT__IO_OP_DIRSYNC = 5
} nnact__io_op;
typedef int (*nnact__io_hook)(nnact__io_op op, size_t *len, void *ctx);
NNACT_HIDDEN void nnact__io_set_hook(nnact__io_hook hook, void *ctx);

#endif /* NNACT_IO_INTERNAL_H */
