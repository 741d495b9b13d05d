#!/usr/bin/python3
"""Writes the model-file fixtures under tests/data/io_*.nnm from docs/FORMAT.md
alone: an implementation of the format independent of src/io, so the tests
can check that libnnact reads what the spec describes and writes it back byte
for byte. Run once with Debian's Python (/usr/bin/python3 tests/gen_io_fixtures.py);
the outputs are committed, the tests do not need Python.

Parameter values follow io_value(layer, index) below, which tests/test_io.c
reproduces: small dyadic rationals (exact in binary64) plus a few edge values
(-0.0, the smallest subnormal, the largest finite double)."""
import os
import struct

MAGIC = b"\x89NNACT\r\n"
VERSION = 1
VERSION_PREP = 2  # a file whose model body ends with the preprocessing section
KIND_MODEL = 1
NO_BIAS = 1


def crc32c(data):
    """CRC-32C, bit by bit from the Castagnoli polynomial (reflected 0x82F63B78)."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283  # the published check value


def io_value(layer, index):
    """Parameter `index` (W row-major, then b) of layer `layer`."""
    k = layer * 1000 + index
    if k % 97 == 13:
        return -0.0
    if k % 89 == 7:
        return 5e-324
    if k % 83 == 5:
        return 1.7976931348623157e308
    return ((k * 37) % 101 - 50) / 16.0


def names_block(names):
    """A names block: each name's u32 byte length, then all their bytes."""
    return (b"".join(struct.pack("<I", len(n)) for n in names) + b"".join(names))


def prep_section(n_inputs, scaling=None, names=None, inputs=None, targets=None):
    """The preprocessing section (format version 2): u32 flags (1 scaling,
    2 class names, 4 input names, 8 target names), u32 class count, then in
    that order: the shifts then the scales (f64 each); the class names block;
    the input names block (n_inputs names, no count); the u32 target count and
    the target names block; zero padding to 8 bytes."""
    flags = ((1 if scaling else 0) | (2 if names else 0) | (4 if inputs else 0)
             | (8 if targets else 0))
    sec = struct.pack("<II", flags, len(names) if names else 0)
    if scaling:
        shift, scale = scaling
        assert len(shift) == len(scale) == n_inputs
        sec += b"".join(struct.pack("<d", v) for v in list(shift) + list(scale))
    if names:
        sec += names_block(names)
    if inputs:
        assert len(inputs) == n_inputs
        sec += names_block(inputs)
    if targets:
        sec += struct.pack("<I", len(targets)) + names_block(targets)
    return sec + b"\0" * (-len(sec) % 8)


def model(n_inputs, layers, values=io_value, kind=KIND_MODEL, extra=b"", scaling=None,
          names=None, inputs=None, targets=None):
    """layers: list of (n_out, act_id, alpha, flags). Returns the file bytes;
    `extra` is appended to the payload (the checkpoint sections, kind 2).
    scaling: (shift, scale) lists; names, inputs, targets: lists of bytes (class,
    input and target names); any of them makes the file version 2 with the
    preprocessing section right after the parameters."""
    body = struct.pack("<QII", n_inputs, len(layers), 0)
    n_in = n_inputs
    params = b""
    for li, (n_out, act, alpha, flags) in enumerate(layers):
        body += struct.pack("<QQIId", n_in, n_out, act, flags, alpha)
        count = n_in * n_out + (0 if flags & NO_BIAS else n_out)
        params += b"".join(struct.pack("<d", values(li, j)) for j in range(count))
        n_in = n_out
    version = VERSION
    if scaling or names or inputs or targets:
        version = VERSION_PREP
        params += prep_section(n_inputs, scaling, names, inputs, targets)
    payload = body + params + extra
    head = MAGIC + struct.pack("<IIQ", version, kind, len(payload))
    data = head + payload
    return data + struct.pack("<I", crc32c(data))


# Activation ids and the resolved parameter the writer stores (docs/FORMAT.md):
# kinds with a parameter store it, others store +0.0.
PARAM_KINDS = {4: 0.01, 7: 1.0, 9: 1.0, 14: 1.0, 24: 0.5, 25: 0.5}
N_KINDS = 26


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    files = {}
    files["io_empty.nnm"] = model(3, [])
    files["io_one.nnm"] = model(2, [(3, 3, 0.0, 0)])
    files["io_nobias.nnm"] = model(4, [(2, 0, 0.0, NO_BIAS), (1, 0, 0.0, NO_BIAS)])
    # Every activation once, sizes cycling 1..5, alternate layers without bias,
    # parameter kinds with a non-default parameter (exactly representable).
    layers = []
    for act in range(N_KINDS):
        alpha = PARAM_KINDS[act] * 0.75 if act in PARAM_KINDS else 0.0
        layers.append((act % 5 + 1, act, alpha, NO_BIAS if act % 3 == 2 else 0))
    files["io_all_acts.nnm"] = model(2, layers)
    files["io_five.nnm"] = model(5, [(4, 2, 0.0, 0), (3, 4, 0.25, 0), (5, 1, 0.0, NO_BIAS),
                                     (2, 7, 2.0, 0), (1, 0, 0.0, 0)])

    # A leaky ReLU with slope exactly 0: a parameter `nnact info` must still show.
    files["io_leaky0.nnm"] = model(3, [(2, 4, 0.0, 0), (1, 0, 0.0, 0)])

    # A NaN weight with a correct checksum: rejected unless allowed.
    def nan_at_3(layer, index):
        return float("nan") if (layer, index) == (0, 3) else io_value(layer, index)
    files["io_nonfinite.nnm"] = model(2, [(2, 3, 0.0, 0)], nan_at_3)

    # The XOR network used by the forward-pass check: 2-2-1, tanh then sigmoid.
    def xor_values(layer, index):
        return [[5.0, 5.0, 5.0, 5.0, -2.5, -7.5], [4.0, -4.0, -2.0]][layer][index]
    files["io_xor.nnm"] = model(2, [(2, 2, 0.0, 0), (1, 1, 0.0, 0)], xor_values)

    # A checkpoint (kind 2): io_five's network, an Adam optimizer bound to its
    # 69 parameters with 3 state vectors, and a training position.
    hp = [(0, 1e-3), (2, 0.9), (3, 0.999), (4, 1e-8), (6, 0.0), (11, 1.0), (12, 0.0),
          (13, 0.0), (14, 1.0)]
    n_params = 5 * 4 + 4 + 4 * 3 + 3 + 3 * 5 + 5 * 2 + 2 + 2 * 1 + 1
    assert n_params == 69
    opt = struct.pack("<II", 5, len(hp))
    opt += b"".join(struct.pack("<IId", k, 0, v) for k, v in hp)
    opt += struct.pack("<QQII", 1234, n_params, 3, 1)
    opt += b"".join(struct.pack("<d", io_value(7, j)) for j in range(3 * n_params))
    train = struct.pack("<QQdQQ", 12, 3, 0.05, 0x0123456789ABCDEF, 987654321)
    files["io_ckpt_adam.nnm"] = model(5, [(4, 2, 0.0, 0), (3, 4, 0.25, 0), (5, 1, 0.0, NO_BIAS),
                                          (2, 7, 2.0, 0), (1, 0, 0.0, 0)],
                                      kind=2, extra=opt + train)

    # Preprocessing (version 2): an input scaling and class names. Shifts and
    # scales exact in binary64, with a negative and a subnormal scale and a
    # -0.0 shift; names of 1..8 bytes with a tab and UTF-8 (any byte but NUL).
    shift = [0.5, -0.0, 1024.25]
    scale = [2.0, -0.125, 5e-324]
    names = [b"setosa", b"versi\tcolor", b"virg\xc3\xadnica"]
    files["io_prep.nnm"] = model(3, [(4, 3, 0.0, 0), (3, 0, 0.0, 0)], scaling=(shift, scale),
                                 names=names)
    # One logit with two names (binary), no scaling: 1 + 2 bytes of names
    # leave 5 bytes of padding.
    files["io_prep_binary.nnm"] = model(2, [(1, 0, 0.0, 0)], names=[b"n", b"ja"])
    # A checkpoint with the section: io_ckpt_adam's network and optimizer
    # state, an input scaling and one name per output.
    files["io_ckpt_prep.nnm"] = model(5, [(4, 2, 0.0, 0), (3, 4, 0.25, 0), (5, 1, 0.0, NO_BIAS),
                                          (2, 7, 2.0, 0), (1, 0, 0.0, 0)],
                                      kind=2, extra=opt + train,
                                      scaling=([1.0, 2.0, 3.0, 4.0, 5.0],
                                               [0.5, 0.25, 8.0, -1.0, 3.0]),
                                      names=[b"no", b"yes"])
    # All four members: io_prep's network, scaling and class names, the input
    # (feature) names (a comma, a space, UTF-8 and a 255-byte name: the
    # limit) and one target column, the one holding the class labels.
    inputs = [b"sepal length", b"p,w\xc3\xa9", b"x" * 255]
    files["io_prep_names.nnm"] = model(3, [(4, 3, 0.0, 0), (3, 0, 0.0, 0)],
                                       scaling=(shift, scale), names=names, inputs=inputs,
                                       targets=[b"species"])
    # Regression: input names and one target name per output, nothing else
    # (flags 4 | 8); 8 + 11 + 16 bytes: the padding is 5 bytes.
    files["io_prep_regress.nnm"] = model(2, [(3, 3, 0.0, 0), (2, 0, 0.0, 0)],
                                         inputs=[b"a", b"bb"], targets=[b"y1", b"y2"])
    # A checkpoint with all four members.
    files["io_ckpt_prep_names.nnm"] = model(
        5, [(4, 2, 0.0, 0), (3, 4, 0.25, 0), (5, 1, 0.0, NO_BIAS), (2, 7, 2.0, 0),
            (1, 0, 0.0, 0)],
        kind=2, extra=opt + train,
        scaling=([1.0, 2.0, 3.0, 4.0, 5.0], [0.5, 0.25, 8.0, -1.0, 3.0]),
        names=[b"no", b"yes"], inputs=[b"f1", b"f2", b"f3", b"f4", b"f5"], targets=[b"label"])

    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    # Expected XOR outputs, numpy float64, written with 17 significant digits.
    import numpy as np
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    w1 = np.array([[5.0, 5.0], [5.0, 5.0]])
    b1 = np.array([-2.5, -7.5])
    w2 = np.array([[4.0], [-4.0]])
    b2 = np.array([-2.0])
    h = np.tanh(x @ w1 + b1)
    y = 1.0 / (1.0 + np.exp(-(h @ w2 + b2)))
    with open(os.path.join(out, "io_xor_expected.txt"), "w") as f:
        for v in y[:, 0]:
            f.write("%.17g\n" % v)


if __name__ == "__main__":
    main()
