/* ModelProto -> struct onnx_model: only the fields an MLP needs, every
 * length checked, the counts limited before anything is allocated. Unknown
 * fields are skipped by their wire type without being descended into, so
 * the nesting read is bounded by the known structure (at most 7 levels:
 * model, graph, value info, type, tensor type, shape, dimension). Strings
 * point into the input. */
#include <string.h>

#include "core/alloc.h"
#include "onnx/onnx_internal.h"

int nnact__onnx_str_is(struct onnx_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && (n == 0 || memcmp(s.p, lit, n) == 0);
}

static struct onnx_str str_of(const struct pbfield *f)
{
    struct onnx_str s = {f->sub.base + f->sub.pos, f->sub.end - f->sub.pos};
    return s;
}

/* A known field with the wrong wire type is a malformed file, not an unknown field. */
static nnact_status want(const char *who, const struct pbfield *f, int wt, const char *what)
{
    NNACT_RETURN_IF(f->wt != wt, NNACT_ERR_FORMAT,
                    "%s: %s (field %u) at byte %zu has wire type %d, not %d", who, what, f->num,
                    f->at, f->wt, wt);
    return NNACT_OK;
}

#define NEXT_OR_FAIL(r, f)                                                                         \
    int rc_;                                                                                       \
    while ((rc_ = nnact__pbr_next(who, (r), (f))) > 0)
#define END_OR_FAIL()                                                                              \
    if (rc_ < 0) return NNACT_ERR_FORMAT

static nnact_status parse_tensor(const char *who, struct pbr r, struct onnx_tensor *t, size_t at,
                                 uint64_t *total);

static nnact_status parse_attr(const char *who, struct pbr r, struct onnx_attr *a,
                               struct onnx_node *n, uint64_t *total)
{
    struct pbfield f;
    memset(a, 0, sizeof *a);
    NEXT_OR_FAIL(&r, &f)
    {
        if (f.num == 1) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "AttributeProto.name"));
            a->name = str_of(&f);
        } else if (f.num == 20) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_VARINT, "AttributeProto.type"));
            a->type = (int)f.v;
        } else if (f.num == 2) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_FIXED32, "AttributeProto.f"));
            uint32_t u = (uint32_t)f.v;
            memcpy(&a->f, &u, 4);
            a->has_f = 1;
        } else if (f.num == 3) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_VARINT, "AttributeProto.i"));
            a->i = (int64_t)f.v;
            a->has_i = 1;
        } else if (f.num == 5) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "AttributeProto.t"));
            NNACT_RETURN_IF(n->has_value, NNACT_ERR_FORMAT,
                            "%s: node at byte %zu has a second tensor attribute", who, n->at);
            NNACT_FORWARD_IF_ERROR(parse_tensor(who, f.sub, &n->value, f.at, total));
            n->has_value = 1;
        }
    }
    END_OR_FAIL();
    return NNACT_OK;
}

static nnact_status parse_node(const char *who, struct pbr r, struct onnx_node *n, size_t at,
                               uint64_t *total)
{
    struct pbfield f;
    memset(n, 0, sizeof *n);
    n->at = at;
    NEXT_OR_FAIL(&r, &f)
    {
        if (f.num >= 1 && f.num <= 7 && f.num != 5 && f.num != 6)
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "NodeProto field"));
        if (f.num == 1) {
            NNACT_RETURN_IF(n->n_in == 3, NNACT_ERR_FORMAT,
                            "%s: node at byte %zu has more than 3 inputs", who, at);
            n->in[n->n_in++] = str_of(&f);
        } else if (f.num == 2) {
            NNACT_RETURN_IF(n->n_out == 1, NNACT_ERR_FORMAT,
                            "%s: node at byte %zu has more than one output", who, at);
            n->out[n->n_out++] = str_of(&f);
        } else if (f.num == 3) {
            n->name = str_of(&f);
        } else if (f.num == 4) {
            n->op = str_of(&f);
        } else if (f.num == 7) {
            n->domain = str_of(&f);
        } else if (f.num == 5) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "NodeProto.attribute"));
            NNACT_RETURN_IF(n->n_attr == ONNX_MAX_ATTRS, NNACT_ERR_FORMAT,
                            "%s: node at byte %zu has more than %u attributes", who, at,
                            ONNX_MAX_ATTRS);
            NNACT_FORWARD_IF_ERROR(parse_attr(who, f.sub, &n->attr[n->n_attr++], n, total));
        }
    }
    END_OR_FAIL();
    return NNACT_OK;
}

static nnact_status parse_dims(const char *who, const struct pbfield *f, struct onnx_tensor *t)
{
    if (f->wt == PB_VARINT) {
        NNACT_RETURN_IF(t->n_dims == ONNX_MAX_DIMS, NNACT_ERR_FORMAT,
                        "%s: tensor at byte %zu has more than %u dimensions", who, t->at,
                        ONNX_MAX_DIMS);
        t->dims[t->n_dims++] = (int64_t)f->v;
        return NNACT_OK;
    }
    NNACT_FORWARD_IF_ERROR(want(who, f, PB_LEN, "TensorProto.dims"));
    struct pbr r = f->sub;
    while (r.pos < r.end) { /* packed */
        struct pbr one = r;
        uint64_t v = 0;
        int shift = 0;
        for (;;) {
            NNACT_RETURN_IF(one.pos >= one.end || shift > 63, NNACT_ERR_FORMAT,
                            "%s: bad packed dims at byte %zu", who, f->at);
            unsigned char b = one.base[one.pos++];
            v |= (uint64_t)(b & 0x7f) << shift;
            shift += 7;
            if (!(b & 0x80)) break;
        }
        r.pos = one.pos;
        NNACT_RETURN_IF(t->n_dims == ONNX_MAX_DIMS, NNACT_ERR_FORMAT,
                        "%s: tensor at byte %zu has more than %u dimensions", who, t->at,
                        ONNX_MAX_DIMS);
        t->dims[t->n_dims++] = (int64_t)v;
    }
    return NNACT_OK;
}

static nnact_status check_tensor(const char *who, struct onnx_tensor *t, uint64_t *total)
{
    uint64_t n = 1;
    for (size_t i = 0; i < t->n_dims; i++) {
        NNACT_RETURN_IF(t->dims[i] < 0 || (uint64_t)t->dims[i] > ONNX_MAX_ELEMS, NNACT_ERR_FORMAT,
                        "%s: tensor at byte %zu has dimension %lld (limit %llu)", who, t->at,
                        (long long)t->dims[i], (unsigned long long)ONNX_MAX_ELEMS);
        n *= (uint64_t)t->dims[i]; /* each factor <= 2^26, checked after each step */
        NNACT_RETURN_IF(n > ONNX_MAX_ELEMS, NNACT_ERR_FORMAT,
                        "%s: tensor at byte %zu has more than %llu elements", who, t->at,
                        (unsigned long long)ONNX_MAX_ELEMS);
    }
    t->n = n;
    /* Only float and double tensors are ever read (nnact__onnx_tensor_at);
     * the importer refuses every other type where it looks a tensor up, so
     * other types' data is neither checked nor counted. */
    if (!nnact__onnx_tensor_readable(t)) return NNACT_OK;
    uint64_t bytes = n * (t->type == ONNX_FLOAT ? 4u : 8u);
    NNACT_RETURN_IF(t->raw.n != bytes, NNACT_ERR_FORMAT,
                    "%s: tensor at byte %zu holds %zu data bytes, its %llu elements need %llu", who,
                    t->at, t->raw.n, (unsigned long long)n, (unsigned long long)bytes);
    *total += bytes;
    NNACT_RETURN_IF(*total > nnact__onnx_seams.max_init_bytes, NNACT_ERR_FORMAT,
                    "%s: initializers beyond %llu bytes in all", who,
                    (unsigned long long)nnact__onnx_seams.max_init_bytes);
    return NNACT_OK;
}

static nnact_status parse_tensor(const char *who, struct pbr r, struct onnx_tensor *t, size_t at,
                                 uint64_t *total)
{
    struct pbfield f;
    memset(t, 0, sizeof *t);
    t->at = at;
    int have_data = 0;
    NEXT_OR_FAIL(&r, &f)
    {
        if (f.num == 1) {
            NNACT_FORWARD_IF_ERROR(parse_dims(who, &f, t));
        } else if (f.num == 2) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_VARINT, "TensorProto.data_type"));
            t->type = (int)f.v;
        } else if (f.num == 8) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "TensorProto.name"));
            t->name = str_of(&f);
        } else if (f.num == 9 || f.num == 4 || f.num == 10) {
            NNACT_RETURN_IF(f.wt != PB_LEN, NNACT_ERR_FORMAT,
                            "%s: tensor at byte %zu: unpacked float_data/double_data is not read",
                            who, at);
            NNACT_RETURN_IF(have_data, NNACT_ERR_FORMAT,
                            "%s: tensor at byte %zu holds its data twice", who, at);
            have_data = (int)f.num;
            t->raw = str_of(&f);
            t->packed = f.num != 9;
        } else if (f.num == 14 && want(who, &f, PB_VARINT, "TensorProto.data_location")) {
            return NNACT_ERR_FORMAT;
        } else if (f.num == 13 || (f.num == 14 && f.v == 1)) {
            return nnact__fail(NNACT_ERR_FORMAT,
                               "%s: tensor at byte %zu has external data (refused: only the "
                               "model's own bytes are read)",
                               who, at);
        } else if (f.num >= 5 && f.num <= 7) {
            return nnact__fail(NNACT_ERR_FORMAT,
                               "%s: tensor at byte %zu holds integer or string data (field %u)",
                               who, at, f.num);
        }
    }
    END_OR_FAIL();
    /* float_data (4) holds FLOAT, double_data (10) DOUBLE: anything else would
     * be read as the other type */
    NNACT_RETURN_IF(
        (have_data == 4 && t->type != ONNX_FLOAT) || (have_data == 10 && t->type != ONNX_DOUBLE),
        NNACT_ERR_FORMAT, "%s: tensor at byte %zu: data field of another type (field %d, type %d)",
        who, at, have_data, t->type);
    return check_tensor(who, t, total);
}

static nnact_status parse_shape(const char *who, struct pbr r, struct onnx_value *v)
{
    struct pbfield f, g;
    NEXT_OR_FAIL(&r, &f)
    {
        if (f.num != 1) continue;
        NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "TensorShapeProto.dim"));
        int64_t d = -1;
        struct pbr dr = f.sub;
        int rc2;
        while ((rc2 = nnact__pbr_next(who, &dr, &g)) > 0)
            if (g.num == 1) {
                NNACT_FORWARD_IF_ERROR(want(who, &g, PB_VARINT, "Dimension.dim_value"));
                d = (int64_t)g.v;
            }
        if (rc2 < 0) return NNACT_ERR_FORMAT;
        if (v->rank < 2) v->dims[v->rank] = d;
        NNACT_RETURN_IF(v->rank == 64, NNACT_ERR_FORMAT, "%s: shape at byte %zu: too many dims",
                        who, f.at);
        v->rank++;
    }
    END_OR_FAIL();
    return NNACT_OK;
}

static nnact_status parse_value(const char *who, struct pbr r, struct onnx_value *v)
{
    struct pbfield f, g, h;
    memset(v, 0, sizeof *v);
    v->dims[0] = v->dims[1] = -1;
    NEXT_OR_FAIL(&r, &f)
    {
        if (f.num == 1) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "ValueInfoProto.name"));
            v->name = str_of(&f);
        }
        if (f.num != 2) continue;
        NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "ValueInfoProto.type"));
        struct pbr tr = f.sub; /* TypeProto */
        int rc2;
        while ((rc2 = nnact__pbr_next(who, &tr, &g)) > 0) {
            if (g.num != 1) continue;
            NNACT_FORWARD_IF_ERROR(want(who, &g, PB_LEN, "TypeProto.tensor_type"));
            struct pbr tt = g.sub; /* TypeProto.Tensor */
            int rc3;
            while ((rc3 = nnact__pbr_next(who, &tt, &h)) > 0) {
                if (h.num == 1) {
                    NNACT_FORWARD_IF_ERROR(want(who, &h, PB_VARINT, "TypeProto.Tensor.elem_type"));
                    v->elem = (int)h.v;
                } else if (h.num == 2) {
                    NNACT_FORWARD_IF_ERROR(want(who, &h, PB_LEN, "TypeProto.Tensor.shape"));
                    NNACT_FORWARD_IF_ERROR(parse_shape(who, h.sub, v));
                }
            }
            if (rc3 < 0) return NNACT_ERR_FORMAT;
        }
        if (rc2 < 0) return NNACT_ERR_FORMAT;
    }
    END_OR_FAIL();
    return NNACT_OK;
}

static nnact_status count_graph(const char *who, struct pbr r, struct onnx_model *m)
{
    struct pbfield f;
    NEXT_OR_FAIL(&r, &f)
    {
        if (f.num == 1) m->n_nodes++;
        if (f.num == 5) m->n_inits++;
    }
    END_OR_FAIL();
    NNACT_RETURN_IF(m->n_nodes > ONNX_MAX_NODES, NNACT_ERR_FORMAT,
                    "%s: the graph has %zu nodes (limit %u)", who, m->n_nodes, ONNX_MAX_NODES);
    NNACT_RETURN_IF(m->n_inits > ONNX_MAX_INITS, NNACT_ERR_FORMAT,
                    "%s: the graph has %zu initializers (limit %u)", who, m->n_inits,
                    ONNX_MAX_INITS);
    return NNACT_OK;
}

static nnact_status parse_graph(const char *who, struct pbr r, struct onnx_model *m)
{
    NNACT_FORWARD_IF_ERROR(count_graph(who, r, m));
    m->nodes = nnact__calloc(m->n_nodes ? m->n_nodes : 1, sizeof *m->nodes);
    m->inits = nnact__calloc(m->n_inits ? m->n_inits : 1, sizeof *m->inits);
    NNACT_RETURN_IF(!m->nodes || !m->inits, NNACT_ERR_NOMEM, "%s: out of memory", who);
    size_t nn = 0, ni = 0;
    uint64_t total = 0;
    struct pbfield f;
    NEXT_OR_FAIL(&r, &f)
    {
        if (f.num == 1) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "GraphProto.node"));
            NNACT_FORWARD_IF_ERROR(parse_node(who, f.sub, &m->nodes[nn++], f.at, &total));
        } else if (f.num == 5) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "GraphProto.initializer"));
            NNACT_FORWARD_IF_ERROR(parse_tensor(who, f.sub, &m->inits[ni++], f.at, &total));
        } else if (f.num == 11 || f.num == 12) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "GraphProto.input/output"));
            size_t *k = f.num == 11 ? &m->n_in : &m->n_out;
            NNACT_RETURN_IF(*k == ONNX_MAX_IO, NNACT_ERR_FORMAT,
                            "%s: more than %u graph inputs or outputs", who, ONNX_MAX_IO);
            struct onnx_value *v = f.num == 11 ? &m->in[*k] : &m->out[*k];
            NNACT_FORWARD_IF_ERROR(parse_value(who, f.sub, v));
            (*k)++;
        }
    }
    END_OR_FAIL();
    return NNACT_OK;
}

static nnact_status parse_kv(const char *who, struct pbr r, struct onnx_kv *kv)
{
    struct pbfield f;
    memset(kv, 0, sizeof *kv);
    NEXT_OR_FAIL(&r, &f)
    {
        if (f.num == 1 || f.num == 2) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "StringStringEntryProto field"));
            if (f.num == 1)
                kv->key = str_of(&f);
            else
                kv->value = str_of(&f);
        }
    }
    END_OR_FAIL();
    return NNACT_OK;
}

static nnact_status parse_opset(const char *who, struct pbr r, struct onnx_model *m)
{
    struct pbfield f;
    struct onnx_str domain = {NULL, 0};
    int64_t version = 0;
    NEXT_OR_FAIL(&r, &f)
    {
        if (f.num == 1) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "OperatorSetIdProto.domain"));
            domain = str_of(&f);
        } else if (f.num == 2) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_VARINT, "OperatorSetIdProto.version"));
            version = (int64_t)f.v;
        }
    }
    END_OR_FAIL();
    if (domain.n == 0 || nnact__onnx_str_is(domain, "ai.onnx")) m->opset = version;
    return NNACT_OK;
}

static nnact_status parse_top(const char *who, struct pbr r, struct onnx_model *m)
{
    struct pbfield f;
    int graphs = 0;
    size_t n_meta = 0;
    struct pbr scan = r;
    NEXT_OR_FAIL(&scan, &f) n_meta += f.num == 14;
    END_OR_FAIL();
    NNACT_RETURN_IF(n_meta > ONNX_MAX_METADATA, NNACT_ERR_FORMAT,
                    "%s: %zu metadata entries (limit %u)", who, n_meta, ONNX_MAX_METADATA);
    m->meta = nnact__calloc(n_meta ? n_meta : 1, sizeof *m->meta);
    NNACT_RETURN_IF(!m->meta, NNACT_ERR_NOMEM, "%s: out of memory", who);
    int rc2;
    while ((rc2 = nnact__pbr_next(who, &r, &f)) > 0) {
        if (f.num == 1) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_VARINT, "ModelProto.ir_version"));
            m->ir_version = (int64_t)f.v;
        } else if (f.num == 2) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "ModelProto.producer_name"));
            m->producer = str_of(&f);
        } else if (f.num == 7) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "ModelProto.graph"));
            NNACT_RETURN_IF(graphs++, NNACT_ERR_FORMAT, "%s: a second graph at byte %zu", who,
                            f.at);
            m->graph = str_of(&f);
            NNACT_FORWARD_IF_ERROR(parse_graph(who, f.sub, m));
        } else if (f.num == 8) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "ModelProto.opset_import"));
            NNACT_FORWARD_IF_ERROR(parse_opset(who, f.sub, m));
        } else if (f.num == 14) {
            NNACT_FORWARD_IF_ERROR(want(who, &f, PB_LEN, "ModelProto.metadata_props"));
            NNACT_FORWARD_IF_ERROR(parse_kv(who, f.sub, &m->meta[m->n_meta++]));
        }
    }
    if (rc2 < 0) return NNACT_ERR_FORMAT;
    NNACT_RETURN_IF(!graphs, NNACT_ERR_FORMAT, "%s: no graph (not an ONNX model)", who);
    return NNACT_OK;
}

nnact_status nnact__onnx_parse(const char *who, const unsigned char *data, size_t size,
                               struct onnx_model *m)
{
    memset(m, 0, sizeof *m);
    struct pbr r = {data, 0, size};
    nnact_status s = parse_top(who, r, m);
    if (s != NNACT_OK) nnact__onnx_model_free(m);
    return s;
}

void nnact__onnx_model_free(struct onnx_model *m)
{
    nnact__free(m->nodes);
    nnact__free(m->inits);
    nnact__free(m->meta);
    memset(m, 0, sizeof *m);
}

int nnact__onnx_tensor_readable(const struct onnx_tensor *t)
{
    return t->type == ONNX_FLOAT || t->type == ONNX_DOUBLE;
}

double nnact__onnx_tensor_at(const struct onnx_tensor *t, uint64_t i)
{
    const unsigned char *p = t->raw.p;
    if (t->type == ONNX_FLOAT) {
        uint32_t u = 0;
        for (int k = 0; k < 4; k++)
            u |= (uint32_t)p[i * 4 + (uint64_t)k] << (8 * k);
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    uint64_t u = 0;
    for (int k = 0; k < 8; k++)
        u |= (uint64_t)p[i * 8 + (uint64_t)k] << (8 * k);
    double d;
    memcpy(&d, &u, 8);
    return d;
}
