/**
 * @file nnact/onnx.h
 * @brief ONNX export and import: a network (with its input scaling and names)
 *        as an ONNX model any runtime can run, and multilayer perceptrons
 *        written by other tools (PyTorch's torch.onnx.export) or by this
 *        library read back as a network.
 *
 * Export writes IR version 8 with opset 17: input `x` of shape [batch, n_in]
 * (batch symbolic), output `y` [batch, n_out]; every dense layer one `Gemm`,
 * every activation the native operator where runtimes have a double kernel
 * and its parameter is exact in float32, otherwise a composition of
 * primitive operators that stays accurate over the whole range; the input
 * scaling `Sub`/`Div`; class, input and target names in metadata_props.
 * docs/ONNX.md has the per-kind table with the errors measured in ONNX
 * Runtime, the import rules and the reader's limits.
 *
 * Import accepts a chain x -> (Flatten | Identity)* -> dense -> activation ->
 * ... -> y whose dense layers are `Gemm` (transB 0 or 1) or `MatMul` + `Add`
 * with initializer weights, the activations those of docs/ONNX.md (native
 * operators and PyTorch's compositions of SiLU, Mish, GELU, ...), and the
 * library's own exports, which come back with the same bits. Float32
 * attributes are taken as the float value they hold (what a runtime
 * computes). Anything else is refused with NNACT_ERR_FORMAT and a detail
 * naming the node, its operator and why.
 */
#ifndef NNACT_ONNX_H
#define NNACT_ONNX_H

#include <stddef.h>
#include <stdint.h>

#include "nnact/export.h"
#include "nnact/net.h"
#include "nnact/status.h"

NNACT_BEGIN_DECLS

/** @brief Element type of an exported model. @since 1.1 */
typedef enum nnact_onnx_elem {
    NNACT_ONNX_DOUBLE = 0, /**< tensor(double): the library's own precision (default) */
    NNACT_ONNX_FLOAT = 1   /**< tensor(float): weights rounded to float32 */
} nnact_onnx_elem;

/** @brief Options of an export (opaque; NULL means the defaults). @since 1.1 */
typedef struct nnact_onnx_config nnact_onnx_config;

/**
 * @brief New export options holding the defaults (double elements).
 * @param out receives the handle; NULL on failure.
 * @return NNACT_OK; NNACT_ERR_ARG (out NULL); NNACT_ERR_NOMEM.
 * @since 1.1
 */
NNACT_API nnact_status nnact_onnx_config_create(nnact_onnx_config **out);

/** @brief Frees export options; NULL is fine. @since 1.1 */
NNACT_API void nnact_onnx_config_free(nnact_onnx_config *cfg);

/**
 * @brief Sets the element type of the exported tensors.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL cfg, unknown elem: cfg unchanged).
 * @since 1.1
 */
NNACT_API nnact_status nnact_onnx_config_set_elem(nnact_onnx_config *cfg, nnact_onnx_elem elem);

/**
 * @brief Serializes the network as an ONNX model into a caller-owned buffer.
 * @param cfg NULL (defaults) or options from nnact_onnx_config_create().
 * @param buf destination of `capacity` bytes; may be NULL when capacity is 0
 *        (a size query).
 * @param size out: the model's size in bytes, set on NNACT_OK and on a
 *        too-small capacity.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL net or size, buf NULL with capacity >
 *         0, capacity below *size: buf untouched; a network without layers;
 *         a GELU (erf) layer in a double export: runtimes have no double Erf,
 *         export it with NNACT_ONNX_FLOAT); NNACT_ERR_NUMERIC (a float export
 *         of a finite weight, bias, shift or activation parameter beyond
 *         float's range, or of a scale, CELU alpha or softplus beta that is 0
 *         in float: named); NNACT_ERR_OVERFLOW (a tensor
 *         beyond the format's 2 GiB); NNACT_ERR_NOMEM.
 * @since 1.1
 */
NNACT_API nnact_status nnact_onnx_save_buffer(const nnact_net *net, const nnact_onnx_config *cfg,
                                              void *buf, size_t capacity, size_t *size);

/**
 * @brief Writes the network as an ONNX model to `path` (atomically: a
 *        temporary file renamed over the target).
 * @return as nnact_onnx_save_buffer(), and NNACT_ERR_ARG (NULL or empty
 *         path); NNACT_ERR_IO (the system refused a write, the target file
 *         untouched).
 * @since 1.1
 */
NNACT_API nnact_status nnact_onnx_save(const nnact_net *net, const nnact_onnx_config *cfg,
                                       const char *path);

/**
 * @brief Reads an ONNX model from memory as a network.
 * @param data the model's bytes (caller-owned, not kept); NULL only when size is 0.
 * @param size bytes at data.
 *
 * The bytes are untrusted: every length is checked against what remains
 * before it is used, and the reader refuses more than 4096 nodes or
 * initializers, tensors of rank above 4 or of more than 2^26 elements,
 * more than 512 MiB of initializer data in all, external data and group
 * wire types. Unknown fields are skipped by their wire type without being
 * read, so the nesting followed is bounded by the known messages (7 levels).
 * @param out receives the network; NULL on failure.
 * @return NNACT_OK; NNACT_ERR_ARG (NULL data with size > 0, NULL out);
 *         NNACT_ERR_FORMAT (not protobuf, truncated, over a limit, or a graph
 *         that is not a supported MLP: the detail names the byte offset or
 *         the node, its operator and why); NNACT_ERR_NUMERIC (a NaN or
 *         infinite weight); NNACT_ERR_NOMEM.
 * @since 1.1
 */
NNACT_API nnact_status nnact_onnx_load_buffer(const void *data, size_t size, nnact_net **out);

/**
 * @brief Reads the ONNX model file at `path` (a regular file of at most
 *        1 GiB) as a network; see nnact_onnx_load_buffer().
 * @return as nnact_onnx_load_buffer(), and NNACT_ERR_ARG (NULL or empty
 *         path); NNACT_ERR_IO (cannot open or read, not a regular file, too
 *         large).
 * @since 1.1
 */
NNACT_API nnact_status nnact_onnx_load(const char *path, nnact_net **out);

/**
 * @brief What an ONNX file holds, for tools (nnact info): filled by
 *        nnact_onnx_describe_buffer(). Size-prefixed: the caller sets `size`.
 * @since 1.1
 */
typedef struct nnact_onnx_info {
    size_t size;            /**< in: sizeof(nnact_onnx_info) */
    int64_t ir_version;     /**< ModelProto.ir_version */
    int64_t opset;          /**< version of the default ("" / ai.onnx) operator set, 0 if absent */
    size_t n_nodes;         /**< nodes of the main graph */
    size_t n_initializers;  /**< initializers of the main graph */
    char producer[64];      /**< producer_name, cut and NUL-terminated */
    char input[64];         /**< first graph input that is not an initializer, cut */
    char output[64];        /**< first graph output, cut */
    int64_t input_dims[2];  /**< its dims (-1: symbolic or absent), input_rank of them */
    int64_t output_dims[2]; /**< the output's dims, output_rank of them */
    int input_rank;         /**< rank of input (only the first two dims are kept) */
    int output_rank;        /**< rank of output */
    int importable;         /**< 1 when nnact_onnx_load_buffer() accepts the model */
    char reason[256];       /**< when not importable: nnact_onnx_load_buffer()'s detail */
} nnact_onnx_info;

/**
 * @brief Describes an ONNX model in memory and, when it imports, optionally
 *        returns the network (as nnact_onnx_load_buffer()).
 * @param data the model's bytes (caller-owned, not kept); NULL only when size is 0.
 * @param size bytes at data.
 * @param info out: filled when the bytes are a well-formed ModelProto, even
 *        if the graph does not import (importable 0 and the reason then; the
 *        call still returns NNACT_OK, and nnact_last_error() then holds the
 *        import's detail, the same text as info->reason with the function's
 *        name before it).
 * @param net NULL, or receives the network when importable (else NULL).
 * @return NNACT_OK (the protobuf structure parsed); NNACT_ERR_ARG (NULL info,
 *         info->size too small, NULL data with size > 0); NNACT_ERR_FORMAT
 *         (not a ModelProto within the reader's limits); NNACT_ERR_NOMEM.
 * @since 1.1
 */
NNACT_API nnact_status nnact_onnx_describe_buffer(const void *data, size_t size,
                                                  nnact_onnx_info *info, nnact_net **net);

/**
 * @brief As nnact_onnx_describe_buffer() for the file at `path`.
 * @return as nnact_onnx_describe_buffer() and nnact_onnx_load() (path, IO).
 * @since 1.1
 */
NNACT_API nnact_status nnact_onnx_describe(const char *path, nnact_onnx_info *info,
                                           nnact_net **net);

NNACT_END_DECLS

#endif /* NNACT_ONNX_H */
