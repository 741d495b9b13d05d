/* io: hostile model files. Every prefix, a bit flip at every byte, trailing
 * bytes, concatenations, and each header and layer field set to 0, limit+1,
 * 2^31, 2^32 and UINT64_MAX (checksum recomputed, so the field check itself
 * is what must reject it). Every rejection is NNACT_ERR_FORMAT with the
 * field's offset, leaves the output NULL and allocates nothing at all; a
 * successful load allocates at most a small multiple of the file's size. */
#include "test_io_util.h"

#include "act/act_internal.h"

/* Allocation accounting through the library allocator's hook. */
struct tally {
    size_t count, bytes, largest;
};
static int tally_hook(size_t size, void *ctx)
{
    struct tally *t = ctx;
    t->count++;
    t->bytes += size;
    if (size > t->largest) t->largest = size;
    return 1;
}

/* Loads and expects a clean rejection with no allocation; the detail must
 * contain `words` when given. */
static void expect_reject(const unsigned char *data, size_t size, const char *words)
{
    struct tally t = {0, 0, 0};
    nnact_net *net = (nnact_net *)&t;
    nnact__alloc_set_hook(tally_hook, &t);
    nnact_status s = nnact_net_load_buffer(data, size, &net);
    nnact__alloc_set_hook(NULL, NULL);
    if (s != NNACT_ERR_FORMAT || net != NULL || t.count != 0) {
        print_error("status %d (%s), net %p, %zu allocations\n", (int)s, nnact_last_error(),
                    (void *)net, t.count);
        nnact_net_free(s == NNACT_OK ? net : NULL);
        fail();
    }
    if (words != NULL && strstr(nnact_last_error(), words) == NULL) {
        print_error("last error '%s' lacks '%s'\n", nnact_last_error(), words);
        fail();
    }
}

/* A valid file: loads, with allocations bounded by its size. */
static void expect_accept(const unsigned char *data, size_t size)
{
    struct tally t = {0, 0, 0};
    nnact_net *net = NULL;
    nnact__alloc_set_hook(tally_hook, &t);
    nnact_status s = nnact_net_load_buffer(data, size, &net);
    nnact__alloc_set_hook(NULL, NULL);
    assert_int_equal(s, NNACT_OK);
    /* Every parameter is present in the file, so no single allocation (the
     * network's parameter+gradient store, the decode buffer) may exceed a
     * few times its size. The sum over the load also counts the network
     * growing its store layer by layer, freeing the old one each time, so it
     * gets the looser bound of the layer count times that. */
    size_t layers = nnact_net_layer_count(net) + 1;
    if (t.largest > 4 * size + 4096 || t.bytes > layers * (4 * size + 4096)) {
        print_error("allocations for a %zu-byte file: largest %zu, total %zu\n", size, t.largest,
                    t.bytes);
        fail();
    }
    nnact_net_free(net);
}

/* The valid files every mutation starts from: the fixtures, and nets of 0..5
 * layers starting at every activation kind. */
static void for_each_valid_file(void (*fn)(const unsigned char *, size_t, int thorough))
{
    static const char *names[] = {"io_empty.nnm",       "io_one.nnm",         "io_nobias.nnm",
                                  "io_five.nnm",        "io_xor.nnm",         "io_all_acts.nnm",
                                  "io_prep.nnm",        "io_prep_binary.nnm", "io_prep_names.nnm",
                                  "io_prep_regress.nnm"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t size;
        unsigned char *data = io_fixture(names[i], &size);
        fn(data, size, 1);
        free(data);
    }
    for (int layers = 0; layers <= 5; layers++) {
        for (int act0 = 0; act0 < (int)nnact_act_count(); act0++) {
            nnact_net *net = io_make_net(1 + (size_t)act0 % 4, layers, act0);
            size_t size;
            unsigned char *data = io_save(net, &size);
            nnact_net_free(net);
            fn(data, size, 0);
            free(data);
        }
    }
    /* version 2: scaling only, names only, both */
    for (int which = 1; which <= 3; which++) {
        for (int layers = 0; layers <= 2; layers++) {
            nnact_net *net = io_make_net(3, layers, which + layers);
            io_add_prep(net, which);
            size_t size;
            unsigned char *data = io_save(net, &size);
            nnact_net_free(net);
            fn(data, size, 0);
            free(data);
        }
    }
}

static void prefixes(const unsigned char *data, size_t size, int thorough)
{
    (void)thorough;
    expect_accept(data, size);
    for (size_t n = 0; n < size; n++) {
        /* A fresh allocation of exactly n bytes, so ASan sees any read past it. */
        unsigned char *p = malloc(n ? n : 1);
        assert_non_null(p);
        memcpy(p, data, n);
        expect_reject(p, n, NULL);
        free(p);
    }
}

static void every_prefix_rejected(void **state)
{
    (void)state;
    for_each_valid_file(prefixes);
}

static void flips(const unsigned char *data, size_t size, int thorough)
{
    unsigned char *p = malloc(size);
    assert_non_null(p);
    memcpy(p, data, size);
    for (size_t i = 0; i < size; i++) {
        for (int bit = 0; bit < 8; bit++) {
            if (!thorough && bit != (int)(i % 8)) continue;
            p[i] ^= (unsigned char)(1u << bit);
            expect_reject(p, size, NULL);
            p[i] ^= (unsigned char)(1u << bit);
        }
    }
    free(p);
}

/* CRC-32C detects every single-bit error, so no flip may load. */
static void every_bit_flip_rejected(void **state)
{
    (void)state;
    for_each_valid_file(flips);
}

static void appended(const unsigned char *data, size_t size, int thorough)
{
    (void)thorough;
    unsigned char *p = malloc(2 * size);
    assert_non_null(p);
    memcpy(p, data, size);
    for (int byte = 0; byte < 256; byte += 255) {
        p[size] = (unsigned char)byte;
        expect_reject(p, size + 1, "1 trailing bytes after the checksum");
    }
    memcpy(p + size, data, size);
    expect_reject(p, 2 * size, "trailing bytes after the checksum");
    free(p);
}

static void trailing_and_concatenated_rejected(void **state)
{
    (void)state;
    for_each_valid_file(appended);
}

/* Writes a value into a u32 or u64 field of a copy of base, fixes the CRC,
 * and expects rejection naming `offset`. */
static void field(const unsigned char *base, size_t size, size_t offset, int width, uint64_t value,
                  const char *words)
{
    unsigned char *p = malloc(size);
    assert_non_null(p);
    memcpy(p, base, size);
    if (width == 4)
        nnact__put_u32(p + offset, (uint32_t)value);
    else
        nnact__put_u64(p + offset, value);
    io_fix_crc(p, size);
    char at[32];
    snprintf(at, sizeof at, "offset %zu", offset);
    if (words == NULL) words = at;
    expect_reject(p, size, words);
    free(p);
}

static const uint64_t hostile[] = {0,
                                   (uint64_t)NNACT_IO_MAX_DIM + 1,
                                   (uint64_t)1 << 31,
                                   (uint64_t)1 << 32,
                                   ((uint64_t)1 << 32) + 1,
                                   (uint64_t)1 << 63,
                                   UINT64_MAX};
enum { N_HOSTILE = sizeof hostile / sizeof hostile[0] };

/* io_five: 5 inputs; layers 5->4 tanh, 4->3 leaky(0.25), 3->5 sigmoid no
 * bias, 5->2 elu(2), 2->1 identity. Records start at 40, 32 bytes each. */
static void header_and_layer_fields(void **state)
{
    (void)state;
    size_t size;
    unsigned char *f = io_fixture("io_five.nnm", &size);
    expect_accept(f, size);

    /* Magic: every byte. */
    for (size_t i = 0; i < 8; i++) {
        unsigned char *p = malloc(size);
        assert_non_null(p);
        memcpy(p, f, size);
        p[i] ^= 0x20;
        io_fix_crc(p, size);
        expect_reject(p, size, "bad magic");
        free(p);
    }
    field(f, size, 8, 4, 0, "format version 0 is not supported");
    field(f, size, 8, 4, 3, "format version 3");
    /* version 2 promises the preprocessing section after the parameters */
    field(f, size, 8, 4, 2, "the preprocessing section needs 8 bytes");
    field(f, size, 8, 4, UINT32_MAX, NULL);
    field(f, size, 12, 4, 0, "unknown file kind");
    field(f, size, 12, 4, 3, "unknown file kind");
    /* Declared payload: one more or one less than present, the file size,
     * and the hostile values (all larger than the file). */
    uint64_t payload = size - 28;
    field(f, size, 16, 8, payload + 1, "only");
    field(f, size, 16, 8, size, "only");
    field(f, size, 16, 8, payload - 1, "trailing bytes");
    for (int i = 0; i < N_HOSTILE; i++)
        if (hostile[i] != 0) field(f, size, 16, 8, hostile[i], "declared payload");
    field(f, size, 16, 8, 0, "trailing bytes");

    /* Model header. */
    for (int i = 0; i < N_HOSTILE; i++)
        field(f, size, 24, 8, hostile[i], "input size");
    field(f, size, 32, 4, NNACT_IO_MAX_LAYERS + 1, "layer count");
    field(f, size, 32, 4, (uint64_t)1 << 31, "layer count");
    field(f, size, 32, 4, UINT32_MAX, "layer count");
    field(f, size, 32, 4, 6, "layer 5 expects");       /* a sixth record read from the parameters */
    field(f, size, 32, 4, 4, "bytes after the model"); /* four layers leave bytes over */
    field(f, size, 32, 4, 0, "bytes after the model");
    field(f, size, 36, 4, 1, "reserved");

    /* Every layer record: sizes, activation, flags, parameter. */
    for (size_t l = 0; l < 5; l++) {
        size_t r = 40 + 32 * l;
        for (int i = 0; i < N_HOSTILE; i++) {
            field(f, size, r, 8, hostile[i], "inputs");
            field(f, size, r + 8, 8, hostile[i], hostile[i] == 0 ? "output size 0" : "output size");
        }
        char unknown_id[48]; /* the first id past the catalogue, however long it grew */
        snprintf(unknown_id, sizeof unknown_id, "activation id %d is unknown",
                 (int)NNACT_ACT_KIND_COUNT);
        field(f, size, r + 16, 4, NNACT_ACT_KIND_COUNT, unknown_id);
        field(f, size, r + 16, 4, UINT32_MAX, "activation id");
        field(f, size, r + 20, 4, 2, "unknown flags");
        field(f, size, r + 20, 4, 0x80000000u, "unknown flags");
        /* Parameter: NaN, Inf, and a non-canonical +-value. */
        const double bad[] = {NAN, INFINITY, -INFINITY, 1e301, -0.0};
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            if (signbit(bad[b]) && bad[b] == 0 && (l == 1 || l == 3))
                continue; /* -0.0 is a valid leaky slope or ELU alpha */
            uint64_t bits;
            memcpy(&bits, &bad[b], sizeof bits);
            field(f, size, r + 24, 8, bits, "parameter");
        }
    }
    /* A valid but different output size breaks the chain (or the parameter
     * count, for the last layer). */
    field(f, size, 40 + 8, 8, 3, "layer 1 expects 4 inputs, the previous layer gives 3");
    field(f, size, 40 + 4 * 32 + 8, 8, 2, "the parameters needs");
    /* Flipping the bias flag changes the parameter count. */
    field(f, size, 40 + 20, 4, 1, "bytes after the model");
    field(f, size, 40 + 2 * 32 + 20, 4, 0, "the parameters needs");
    /* An identity layer with a parameter: not the canonical +0.0. */
    field(f, size, 40 + 4 * 32 + 24, 8, 0x3ff0000000000000u, "parameter 1 is not valid");
    /* Checksum field itself. */
    unsigned char *p = malloc(size);
    assert_non_null(p);
    memcpy(p, f, size);
    p[size - 1] ^= 1;
    expect_reject(p, size, "checksum mismatch");
    free(p);
    free(f);
}

/* Sizes whose products wrap 64 bits, and a declared geometry far larger than
 * the bytes present: rejected from the header alone, nothing allocated. */
static void wrapping_products_and_oversized_declarations(void **state)
{
    (void)state;
    /* Hand-built: header + model head + one record + no parameters. */
    unsigned char p[24 + 16 + 32 + 4];
    const uint64_t pairs[][2] = {{(uint64_t)1 << 32, (uint64_t)1 << 32},
                                 {UINT64_MAX, 2},
                                 {((uint64_t)1 << 63) + 1, 2},
                                 {NNACT_IO_MAX_DIM, NNACT_IO_MAX_DIM},
                                 {NNACT_IO_MAX_DIM, 17}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        memset(p, 0, sizeof p);
        nnact__io_put_header(p, 1, NNACT__IO_KIND_MODEL, sizeof p);
        nnact__put_u64(p + 24, pairs[i][0]);
        nnact__put_u32(p + 32, 1);
        nnact__put_u64(p + 40, pairs[i][0]);
        nnact__put_u64(p + 48, pairs[i][1]);
        nnact__put_u32(p + 56, NNACT_ACT_RELU);
        io_fix_crc(p, sizeof p);
        expect_reject(p, sizeof p, NULL);
    }
    /* In range per dimension, but 2^24 x 2^24 parameters exceed the total
     * limit; 2^24 x 17 fits the limit yet needs 2 GiB the file lacks. */
    nnact__put_u64(p + 24, NNACT_IO_MAX_DIM);
    nnact__put_u64(p + 40, NNACT_IO_MAX_DIM);
    nnact__put_u64(p + 48, NNACT_IO_MAX_DIM);
    io_fix_crc(p, sizeof p);
    expect_reject(p, sizeof p, "exceeds the limit");
    nnact__put_u64(p + 48, 15);
    io_fix_crc(p, sizeof p);
    char words[64];
    snprintf(words, sizeof words, "the parameters needs %llu bytes",
             (unsigned long long)(NNACT_IO_MAX_DIM * 15ull + 15) * 8);
    expect_reject(p, sizeof p, words);
    /* 4096 layers declared, table absent. */
    nnact__put_u32(p + 32, NNACT_IO_MAX_LAYERS);
    io_fix_crc(p, sizeof p);
    expect_reject(p, sizeof p, "the layer table needs 131072 bytes");
}

/* The preprocessing section's fields (io_prep.nnm: 3 inputs, layers 3->4->3,
 * 31 parameters ending at 24+16+64+248 = 352; the section: flags at 352,
 * count at 356, shifts at 360, scales at 384, lengths at 408, names at 420,
 * padding 446..447). Each set to a value outside its rule, checksum fixed. */
static void prep_section_fields(void **state)
{
    (void)state;
    size_t size;
    unsigned char *f = io_fixture("io_prep.nnm", &size);
    expect_accept(f, size);
    assert_int_equal(nnact__get_u32(f + 352), 3);
    /* flags: unknown bits, none, a missing part */
    field(f, size, 352, 4, 16 | 3, "unknown preprocessing flags 0x10");
    field(f, size, 352, 4, 0x80000003u, "unknown preprocessing flags");
    field(f, size, 352, 4, 0, "empty preprocessing section");
    field(f, size, 352, 4, 1, "3 class names without the names flag");
    field(f, size, 352, 4, 2, "offset 360: class name 0 has length");
    /* class count: against the 3 outputs and the limits */
    field(f, size, 356, 4, 2, "2 class names for 3 outputs");
    field(f, size, 356, 4, 4, "4 class names for 3 outputs");
    field(f, size, 356, 4, 0, "0 class names for 3 outputs");
    field(f, size, 356, 4, NNACT_NET_MAX_CLASSES + 1, "class names for 3 outputs");
    field(f, size, 356, 4, UINT32_MAX, "class names for 3 outputs");
    /* scaling values: never non-finite, scale never zero */
    const double bad_shift[] = {NAN, INFINITY, -INFINITY};
    const double bad_scale[] = {NAN, INFINITY, -INFINITY, 0.0, -0.0};
    for (int j = 0; j < 3; j++) {
        uint64_t bits;
        char words[64];
        for (size_t b = 0; b < sizeof bad_shift / sizeof bad_shift[0]; b++) {
            memcpy(&bits, &bad_shift[b], sizeof bits);
            snprintf(words, sizeof words, "offset %d: input shift[%d]", 360 + 8 * j, j);
            field(f, size, (size_t)(360 + 8 * j), 8, bits, words);
        }
        for (size_t b = 0; b < sizeof bad_scale / sizeof bad_scale[0]; b++) {
            memcpy(&bits, &bad_scale[b], sizeof bits);
            snprintf(words, sizeof words, "offset %d: input scale[%d]", 384 + 8 * j, j);
            field(f, size, (size_t)(384 + 8 * j), 8, bits, words);
        }
    }
    /* name lengths: 0, over the limit, longer than the bytes present */
    field(f, size, 408, 4, 0, "offset 408: class name 0 has length 0");
    field(f, size, 412, 4, NNACT_NET_MAX_CLASS_NAME + 1, "class name 1 has length 256");
    field(f, size, 416, 4, UINT32_MAX, "class name 2 has length");
    field(f, size, 416, 4, 200, "the class names needs");
    field(f, size, 416, 4, 9, "padding byte"); /* eats a padding byte: the rest is short */
    field(f, size, 416, 4, 11, "offset 447: NUL byte inside a class name"); /* the pad */
    /* a NUL inside a name, a nonzero padding byte (checksum fixed) */
    unsigned char *p = malloc(size);
    assert_non_null(p);
    memcpy(p, f, size);
    p[421] = 0;
    io_fix_crc(p, size);
    expect_reject(p, size, "offset 421: NUL byte inside a class name");
    memcpy(p, f, size);
    p[447] = 1;
    io_fix_crc(p, size);
    expect_reject(p, size, "offset 447: padding byte is 0x01");
    free(p);
    /* the version decides whether the section is there: a version-1 header
       on this file leaves the section as bytes after the model */
    field(f, size, 8, 4, 1, "offset 352: 96 bytes after the model");
    /* the version-2 payload limit is the version-1 one plus the section's */
    char words[96];
    snprintf(words, sizeof words, "exceeds the limit of %llu",
             (unsigned long long)(NNACT__IO_MAX_MODEL_PAYLOAD + NNACT__IO_MAX_PREP));
    field(f, size, 16, 8, NNACT__IO_MAX_MODEL_PAYLOAD + NNACT__IO_MAX_PREP + 1, words);
    free(f);
}

/* A copy of f with byte `at` set to `value`, checksum fixed: rejected with
 * `words`. */
static void byte_set(const unsigned char *f, size_t size, size_t at, unsigned char value,
                     const char *words)
{
    unsigned char *p = malloc(size);
    assert_non_null(p);
    memcpy(p, f, size);
    p[at] = value;
    io_fix_crc(p, size);
    expect_reject(p, size, words);
    free(p);
}

/* The input and target names (io_prep_names.nnm: section at 352 with flags
 * 15, class names to 446, input lengths at 447/451/455 (12, 5, 255), their
 * bytes 459..730, target count 731, length 735, "species" 739..745, padding
 * 746..751; io_prep_regress.nnm: flags 12 at 240, input lengths 248/252,
 * bytes 256..258, target count 259, lengths 263/267, bytes 271..274, padding
 * 275..279), field by field, each refused with its offset. */
static void names_section_fields(void **state)
{
    (void)state;
    size_t size;
    unsigned char *f = io_fixture("io_prep_names.nnm", &size);
    expect_accept(f, size);
    /* flags: an unknown bit; a member's bit cleared, so its bytes are read as
       the next member's or as padding */
    field(f, size, 352, 4, 15 | 16, "offset 352: unknown preprocessing flags 0x10");
    field(f, size, 352, 4, 15 | 0x80000000u, "unknown preprocessing flags 0x80000000");
    field(f, size, 352, 4, 7, "offset 731: padding byte is 0x01"); /* targets read as padding */
    field(f, size, 352, 4, 11,
          "offset 447: 12 target names for 3 outputs"); /* input lengths as targets */
    /* input name lengths: zero, over the limit, more bytes than remain */
    field(f, size, 447, 4, 0, "offset 447: input name 0 has length 0, outside [1, 255]");
    field(f, size, 451, 4, NNACT_NET_MAX_CLASS_NAME + 1, "offset 451: input name 1 has length 256");
    field(f, size, 455, 4, UINT32_MAX, "offset 455: input name 2 has length 4294967295");
    /* a NUL inside an input name, a NUL inside a target name */
    byte_set(f, size, 459, 0, "offset 459: NUL byte inside an input name");
    byte_set(f, size, 742, 0, "offset 742: NUL byte inside a target name");
    /* target count: 0, over the 3 outputs, huge */
    field(f, size, 731, 4, 0, "offset 731: 0 target names for 3 outputs");
    field(f, size, 731, 4, 4, "offset 731: 4 target names for 3 outputs");
    field(f, size, 731, 4, UINT32_MAX, "offset 731: 4294967295 target names for 3 outputs");
    /* count 2 with one name: the second length is "spec" read as a number */
    field(f, size, 731, 4, 2, "offset 739: target name 1 has length");
    /* target length: zero, too long, past the end */
    field(f, size, 735, 4, 0, "offset 735: target name 0 has length 0");
    field(f, size, 735, 4, 256, "offset 735: target name 0 has length 256");
    field(f, size, 735, 4, 200, "the target names needs 200 bytes");
    field(f, size, 735, 4, 8, "offset 746: NUL byte inside a target name"); /* takes the pad */
    field(f, size, 735, 4, 6, "offset 745: padding byte is 0x73");          /* leaves an 's' */
    /* padding not zero, at its first and last byte */
    byte_set(f, size, 746, 1, "offset 746: padding byte is 0x01");
    byte_set(f, size, 751, 0x80, "offset 751: padding byte is 0x80");
    free(f);

    f = io_fixture("io_prep_regress.nnm", &size);
    expect_accept(f, size);
    /* the input names' count is the input width: a name short is refused by
       the length that follows (the first target count byte read as a length) */
    field(f, size, 248, 4, 0, "offset 248: input name 0 has length 0");
    field(f, size, 259, 4, 3, "offset 259: 3 target names for 2 outputs");
    field(f, size, 240, 4, 8, "offset 258: padding byte is 0x62"); /* inputs read as 1 target */
    field(f, size, 240, 4, 4, "offset 259: padding byte is 0x02"); /* targets read as padding */
    field(f, size, 240, 4, 0, "offset 240: empty preprocessing section");
    byte_set(f, size, 279, 9, "offset 279: padding byte is 0x09");
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_prefix_rejected),
        cmocka_unit_test(every_bit_flip_rejected),
        cmocka_unit_test(trailing_and_concatenated_rejected),
        cmocka_unit_test(header_and_layer_fields),
        cmocka_unit_test(wrapping_products_and_oversized_declarations),
        cmocka_unit_test(prep_section_fields),
        cmocka_unit_test(names_section_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
