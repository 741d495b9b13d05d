/* Helpers shared by the io tests: fixtures, nets with known parameters,
 * comparisons, and crafting files with a recomputed checksum. */
#ifndef NNACT_TEST_IO_UTIL_H
#define NNACT_TEST_IO_UTIL_H

#include <stdlib.h>

#include "nnact/nnact.h"
#include "nnact_test.h"

#include "core/alloc.h"
#include "io/io_internal.h"

/* The value tests/gen_io_fixtures.py puts at parameter `index` of `layer`. */
static inline double io_value(int layer, int index)
{
    int k = layer * 1000 + index;
    if (k % 97 == 13) return -0.0;
    if (k % 89 == 7) return 5e-324;
    if (k % 83 == 5) return 1.7976931348623157e308;
    return ((k * 37) % 101 - 50) / 16.0;
}

/* Whole file into a malloc'd buffer (test side: plain stdio). */
static inline unsigned char *io_read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) break;
    }
    fclose(f);
    *size = n;
    return buf;
}

static inline unsigned char *io_fixture(const char *name, size_t *size)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", NNACT_TEST_DATA_DIR, name);
    return io_read_all(path, size);
}

/* Serialize with the public API into a malloc'd buffer. */
static inline unsigned char *io_save(const nnact_net *net, size_t *size)
{
    size_t n = 0;
    assert_int_equal(nnact_net_save_buffer(net, NULL, 0, &n), NNACT_OK);
    unsigned char *buf = malloc(n);
    assert_non_null(buf);
    size_t m = 0;
    assert_int_equal(nnact_net_save_buffer(net, buf, n, &m), NNACT_OK);
    assert_int_equal(m, n);
    *size = n;
    return buf;
}

/* Recompute the trailing CRC after crafting a file. */
static inline void io_fix_crc(unsigned char *data, size_t size)
{
    nnact__put_u32(data + size - 4, nnact__crc32c(0, data, size - 4));
}

/* A network of `n_layers` layers with activation kinds starting at act0 and
 * parameters from io_value; layer i without bias when (i % 3 == 2). */
static inline nnact_net *io_make_net(size_t n_inputs, int n_layers, int act0)
{
    nnact_net *net = NULL;
    assert_int_equal(nnact_net_create(n_inputs, &net), NNACT_OK);
    size_t n_in = n_inputs;
    for (int i = 0; i < n_layers; i++) {
        size_t n_out = (size_t)((i * 7 + act0) % 5 + 1);
        nnact_act_kind k = (nnact_act_kind)((act0 + i) % (int)nnact_act_count());
        unsigned flags = i % 3 == 2 ? NNACT_DENSE_NO_BIAS : 0u;
        assert_int_equal(nnact_net_add_dense_ex(net, n_out, k, NAN, flags), NNACT_OK);
        double W[25], b[5];
        for (size_t j = 0; j < n_in * n_out; j++)
            W[j] = io_value(i, (int)j) * 1e-3; /* keep forward values finite */
        for (size_t j = 0; j < n_out; j++)
            b[j] = io_value(i, (int)(n_in * n_out + j)) * 1e-3;
        assert_int_equal(nnact_net_set_layer(net, (size_t)i, W, flags ? NULL : b), NNACT_OK);
        n_in = n_out;
    }
    return net;
}

/* Adds the preprocessing a version-2 file carries: with bit 0 of `which` an
 * input scaling (exact values, a negative scale, a -0.0 shift), with bit 1 one
 * class name per output (two for one output), of 1.. bytes with a control
 * character. Call after the last layer (adding a layer removes the names). */
static inline void io_add_prep(nnact_net *net, int which)
{
    const size_t n_in = nnact_net_input_size(net);
    if (which & 1) {
        double shift[16], scale[16];
        assert_true(n_in <= 16);
        for (size_t j = 0; j < n_in; j++) {
            shift[j] = j == 1 ? -0.0 : (double)j * 0.75 - 1.0;
            scale[j] = j % 2 ? -0.5 * (double)(j + 1) : 0.25 * (double)(j + 1);
        }
        assert_int_equal(nnact_net_set_input_scaling(net, shift, scale), NNACT_OK);
    }
    if (which & 2) {
        size_t n = nnact_net_output_size(net);
        if (n == 1) n = 2;
        static const char *const pool[] = {"a", "bb", "c\tc", "dddd", "e\x01\xff", "ffffff",
                                           "g", "hh", "i",    "jj",   "k",         "ll",
                                           "m", "nn", "o",    "pp"};
        assert_true(n <= 16);
        assert_int_equal(nnact_net_set_class_names(net, n, pool), NNACT_OK);
    }
    if (which & 4) {
        static const char *const pool[] = {"in 0", "in,1", "\xc3\xa9", "x", "yy", "zzz", "7", "8",
                                           "9",    "A",    "B",        "C", "D",  "E",   "F", "G"};
        assert_true(n_in <= 16);
        assert_int_equal(nnact_net_set_input_names(net, pool), NNACT_OK);
    }
    if (which & 8) {
        static const char *const pool[] = {"target", "t\x01", "t2", "t3", "t4"};
        const size_t n = nnact_net_output_size(net);
        const size_t count = n < 5 ? n : 5;
        assert_int_equal(nnact_net_set_target_names(net, count, pool), NNACT_OK);
    }
}

/* Layers, activations, parameters, all weights, the input scaling and the
 * class names bit-identical. */
static inline void io_assert_same_net(const nnact_net *a, const nnact_net *b)
{
    assert_int_equal(nnact_net_input_size(a), nnact_net_input_size(b));
    {
        const size_t n = nnact_net_input_size(a);
        double *sa = calloc(4 * n, sizeof *sa);
        int pa = -1, pb = -1;
        assert_non_null(sa);
        assert_int_equal(nnact_net_get_input_scaling(a, sa, sa + n, &pa), NNACT_OK);
        assert_int_equal(nnact_net_get_input_scaling(b, sa + 2 * n, sa + 3 * n, &pb), NNACT_OK);
        assert_int_equal(pa, pb);
        for (size_t j = 0; j < 2 * n; j++)
            assert_same_bits(sa[j], sa[2 * n + j]);
        free(sa);
        assert_int_equal(nnact_net_class_count(a), nnact_net_class_count(b));
        for (size_t i = 0; i < nnact_net_class_count(a); i++)
            assert_string_equal(nnact_net_class_name(a, i), nnact_net_class_name(b, i));
        for (size_t i = 0; i < n; i++) {
            const char *ia = nnact_net_input_name(a, i), *ib = nnact_net_input_name(b, i);
            assert_int_equal(ia == NULL, ib == NULL);
            if (ia != NULL) assert_string_equal(ia, ib);
        }
        assert_int_equal(nnact_net_target_count(a), nnact_net_target_count(b));
        for (size_t i = 0; i < nnact_net_target_count(a); i++)
            assert_string_equal(nnact_net_target_name(a, i), nnact_net_target_name(b, i));
    }
    assert_int_equal(nnact_net_layer_count(a), nnact_net_layer_count(b));
    for (size_t i = 0; i < nnact_net_layer_count(a); i++) {
        size_t ia, oa, ib, ob;
        nnact_act_kind ka, kb;
        double pa, pb;
        unsigned fa, fb;
        assert_int_equal(nnact_net_layer_info(a, i, &ia, &oa, &ka, &pa, &fa), NNACT_OK);
        assert_int_equal(nnact_net_layer_info(b, i, &ib, &ob, &kb, &pb, &fb), NNACT_OK);
        assert_int_equal(ia, ib);
        assert_int_equal(oa, ob);
        assert_int_equal(ka, kb);
        assert_same_bits(pa, pb);
        assert_int_equal(fa, fb);
        double *wa = calloc(ia * oa + oa, sizeof *wa), *wb = calloc(ib * ob + ob, sizeof *wb);
        assert_non_null(wa);
        assert_non_null(wb);
        assert_int_equal(nnact_net_get_layer(a, i, wa, wa + ia * oa), NNACT_OK);
        assert_int_equal(nnact_net_get_layer(b, i, wb, wb + ib * ob), NNACT_OK);
        for (size_t j = 0; j < ia * oa + oa; j++)
            assert_same_bits(wa[j], wb[j]);
        free(wa);
        free(wb);
    }
}

#endif /* NNACT_TEST_IO_UTIL_H */
