/* Internal: the ONNX module's protobuf wire codec and the parsed form of a
 * model. The codec is written here rather than generated (docs/ONNX.md says
 * why): a writer that appends to one growing buffer and a bounded reader
 * whose every length is checked against the bytes that remain. */
#ifndef NNACT_ONNX_INTERNAL_H
#define NNACT_ONNX_INTERNAL_H

#include <stddef.h>
#include <string.h>
#include <stdint.h>

#include "core/error.h"
#include "nnact/onnx.h"

/* Field numbers and enum values: facts of onnx/onnx.proto. */
enum {
    PB_VARINT = 0,
    PB_FIXED64 = 1,
    PB_LEN = 2,
    PB_FIXED32 = 5,
    ONNX_FLOAT = 1,
    ONNX_INT64 = 7,
    ONNX_DOUBLE = 11,
    ONNX_ATTR_FLOAT = 1,
    ONNX_ATTR_INT = 2,
};

/* The reader's limits (docs/ONNX.md). */
#define ONNX_MAX_NODES      4096u
#define ONNX_MAX_INITS      4096u
#define ONNX_MAX_ATTRS      8u
#define ONNX_MAX_IO         64u
#define ONNX_MAX_METADATA   65536u
#define ONNX_MAX_DIMS       4u
#define ONNX_MAX_ELEMS      ((uint64_t)1 << 26)
#define ONNX_MAX_INIT_BYTES ((uint64_t)512 << 20)
#define ONNX_MAX_FILE       ((uint64_t)1 << 30)

/* The two limits whose refusals need gigabytes to reach: a test lowers them
 * (and restores them); nothing else writes them. */
struct nnact__onnx_seams {
    uint64_t max_init_bytes;  /* reader: ONNX_MAX_INIT_BYTES */
    size_t max_export_values; /* export: values of one layer's W + b (2 GiB of double) */
};
NNACT_HIDDEN extern struct nnact__onnx_seams nnact__onnx_seams;

/* ---- writer ---- */
struct pbw {
    unsigned char *p;
    size_t len, cap;
    int failed; /* an allocation failed: every later call is a no-op */
};
NNACT_HIDDEN void nnact__pbw_free(struct pbw *w);
NNACT_HIDDEN void nnact__pbw_varint(struct pbw *w, uint32_t field, uint64_t v);
NNACT_HIDDEN void nnact__pbw_bytes(struct pbw *w, uint32_t field, const void *data, size_t n);
NNACT_HIDDEN void nnact__pbw_str(struct pbw *w, uint32_t field, const char *s);
NNACT_HIDDEN void nnact__pbw_float(struct pbw *w, uint32_t field, float f);
NNACT_HIDDEN void nnact__pbw_raw(struct pbw *w, const void *data, size_t n);
/* A nested message: begin writes the tag and returns where its body starts;
 * end inserts the body's length before it. */
NNACT_HIDDEN size_t nnact__pbw_begin(struct pbw *w, uint32_t field);
NNACT_HIDDEN void nnact__pbw_end(struct pbw *w, size_t start);

/* A double as C-locale %a text ("0x1.3333333333333p-2") whatever the
 * process locale; the length written (as snprintf). */
NNACT_HIDDEN size_t nnact__onnx_hex_format(double v, char *buf, size_t cap);
/* The whole of s as written by nnact__onnx_hex_format: 1 with *out set, 0
 * when s is anything else. */
NNACT_HIDDEN int nnact__onnx_hex_parse(const char *s, double *out);

/* ---- reader ---- */
struct pbr {
    const unsigned char *base; /* start of the whole input (offsets in details) */
    size_t pos, end;
};
struct pbfield {
    uint32_t num;
    int wt;
    uint64_t v;     /* varint or fixed value */
    struct pbr sub; /* PB_LEN: the bytes */
    size_t at;      /* offset of the tag */
};
/* 1 with *f filled, 0 at the end of r, -1 on a malformed field (the failure
 * recorded, naming `who` and the offset). */
NNACT_HIDDEN int nnact__pbr_next(const char *who, struct pbr *r, struct pbfield *f);

/* ---- the parsed model ---- */
struct onnx_str {
    const unsigned char *p; /* into the input */
    size_t n;
};

/* Equal bytes; an empty string may have p == NULL (memcmp must not see it). */
static inline int onnx_str_eq(struct onnx_str a, struct onnx_str b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}
struct onnx_attr {
    struct onnx_str name;
    int type;
    int has_f, has_i;
    float f;
    int64_t i;
};
struct onnx_tensor {
    struct onnx_str name;
    int64_t dims[ONNX_MAX_DIMS];
    size_t n_dims;
    int type;
    uint64_t n;          /* elements */
    struct onnx_str raw; /* raw_data, or the packed float_data/double_data */
    int packed;          /* 1: raw holds packed float_data/double_data */
    size_t at;
};
struct onnx_node {
    struct onnx_str op, name, domain;
    struct onnx_str in[3], out[1];
    size_t n_in, n_out;
    struct onnx_attr attr[ONNX_MAX_ATTRS];
    size_t n_attr;
    struct onnx_tensor value; /* a Constant node's tensor (attribute "value") */
    int has_value;
    size_t at; /* offset in the input */
};
struct onnx_value {
    struct onnx_str name;
    int elem;
    int64_t dims[2];
    int rank;
};
struct onnx_kv {
    struct onnx_str key, value;
};
struct onnx_model {
    int64_t ir_version, opset;
    struct onnx_str producer;
    struct onnx_str graph; /* the GraphProto's bytes */
    struct onnx_node *nodes;
    size_t n_nodes;
    struct onnx_tensor *inits;
    size_t n_inits;
    struct onnx_value in[ONNX_MAX_IO], out[ONNX_MAX_IO];
    size_t n_in, n_out;
    struct onnx_kv *meta;
    size_t n_meta;
};

NNACT_HIDDEN nnact_status nnact__onnx_parse(const char *who, const unsigned char *data, size_t size,
                                            struct onnx_model *m);
NNACT_HIDDEN void nnact__onnx_model_free(struct onnx_model *m);
NNACT_HIDDEN int nnact__onnx_str_is(struct onnx_str s, const char *lit);
/* 1 when t is float or double: its data's size was checked against its
 * dims by the parser, so nnact__onnx_tensor_at may read it. */
NNACT_HIDDEN int nnact__onnx_tensor_readable(const struct onnx_tensor *t);
/* Element i (< t->n) of a readable tensor as double. */
NNACT_HIDDEN double nnact__onnx_tensor_at(const struct onnx_tensor *t, uint64_t i);

/* The GraphProto body of the export (what ModelProto field 7 holds). */
NNACT_HIDDEN nnact_status nnact__onnx_export_graph(const char *who, const nnact_net *net,
                                                   nnact_onnx_elem elem, struct pbw *graph);
/* Export into w (net checked by the caller). */
NNACT_HIDDEN nnact_status nnact__onnx_export(const char *who, const nnact_net *net,
                                             nnact_onnx_elem elem, struct pbw *w);
/* Import a parsed model. */
NNACT_HIDDEN nnact_status nnact__onnx_import(const char *who, const struct onnx_model *m,
                                             nnact_net **out);

#endif /* NNACT_ONNX_INTERNAL_H */
