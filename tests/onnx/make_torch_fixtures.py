"""Writes the PyTorch fixtures the ONNX importer is tested on (run ONCE; the
files are committed): nn.Sequential MLPs in float64 exported by
torch.onnx.export at opsets 13 to 17, as Gemm (transB = 1, PyTorch's
default), as Gemm with transB = 0 (torch.addmm), and as MatMul + Add, with
PyTorch's own outputs on fixed inputs. Parameters are exact in float32
(ONNX attributes are float32; see docs/ONNX.md).
    /usr/bin/python3 tests/onnx/make_torch_fixtures.py tests/data/onnx
Each NAME.onnx has NAME.txt: "n_in n_out batch", then the inputs, then
PyTorch's outputs, row-major, one value per line (repr: round-trips)."""
import os
import sys

import torch
from torch import nn


class MatMulLinear(nn.Module):
    """x @ W^T + b written out: the exporter folds W^T into an initializer
    and writes MatMul + Add instead of Gemm."""

    def __init__(self, lin):
        super().__init__()
        self.w = nn.Parameter(lin.weight.detach().clone())
        self.b = nn.Parameter(lin.bias.detach().clone())

    def forward(self, x):
        return torch.matmul(x, self.w.t()) + self.b


class AddmmLinear(nn.Module):
    """torch.addmm(b, x, W) with W stored n_in x n_out: Gemm, transB = 0."""

    def __init__(self, lin):
        super().__init__()
        self.w = nn.Parameter(lin.weight.detach().t().contiguous().clone())
        self.b = nn.Parameter(lin.bias.detach().clone())

    def forward(self, x):
        return torch.addmm(self.b, x, self.w)


def mlp(widths, acts, form="gemm"):
    layers = []
    for i in range(len(widths) - 1):
        lin = nn.Linear(widths[i], widths[i + 1]).double()
        if form == "matmul":
            lin = MatMulLinear(lin)
        elif form == "addmm":
            lin = AddmmLinear(lin)
        layers.append(lin)
        if acts[i] is not None:
            layers.append(acts[i])
    return nn.Sequential(*layers).double().eval()


CASES = [
    # name, opset, form, widths, activations (None: no activation)
    ("relu_tanh_sigmoid_op13", 13, "gemm", [4, 8, 6, 3], [nn.ReLU(), nn.Tanh(), nn.Sigmoid()]),
    ("leaky_elu_selu_op14", 14, "gemm", [3, 7, 5, 2], [nn.LeakyReLU(0.125), nn.ELU(0.75), nn.SELU()]),
    ("celu_gelu_silu_mish_op15", 15, "gemm", [4, 6, 6, 5, 2],
     [nn.CELU(1.25), nn.GELU(), nn.SiLU(), nn.Mish()]),
    ("softplus_hardtanh_relu6_op16", 16, "gemm", [3, 6, 6, 4, 2],
     [nn.Softplus(), nn.Hardtanh(), nn.ReLU6(), None]),
    ("hardsigmoid_hardswish_op17", 17, "gemm", [3, 6, 5, 2],
     [nn.Hardsigmoid(), nn.Hardswish(), None]),
    ("logsigmoid_tanhshrink_op17", 17, "gemm", [4, 6, 5, 2],
     [nn.LogSigmoid(), nn.Tanhshrink(), None]),
    ("softshrink_hardshrink_op17", 17, "gemm", [4, 6, 5, 2],
     [nn.Softshrink(0.375), nn.Hardshrink(0.625), None]),
    ("softsign_op15", 15, "gemm", [3, 5, 2], [nn.Softsign(), None]),
    ("matmul_add_relu_op17", 17, "matmul", [5, 7, 3], [nn.ReLU(), None]),
    ("matmul_add_tanh_op13", 13, "matmul", [4, 6, 2], [nn.Tanh(), nn.Sigmoid()]),
    ("addmm_transb0_elu_op15", 15, "addmm", [3, 5, 2], [nn.ELU(), None]),
]


def write(out, name, opset, model, n_in):
    gen = torch.Generator().manual_seed(11)
    x = (torch.rand(16, n_in, generator=gen, dtype=torch.float64) * 8.0 - 4.0)
    with torch.no_grad():
        y = model(x)
    path = os.path.join(out, name + ".onnx")
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"],
                      output_names=["output"], dynamic_axes={"input": {0: "batch"},
                                                             "output": {0: "batch"}})
    with open(os.path.join(out, name + ".txt"), "w") as f:
        f.write("%d %d %d\n" % (n_in, y.shape[1], x.shape[0]))
        for v in x.flatten().tolist() + y.flatten().tolist():
            f.write(repr(v) + "\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(2024)
    for name, opset, form, widths, acts in CASES:
        model = mlp(widths, acts, form)
        if name.startswith("celu"):  # a Flatten in front, which the importer tolerates
            model = nn.Sequential(nn.Flatten(), *model).double().eval()
        write(out, name, opset, model, widths[0])
    print("torch %s: %d fixtures in %s" % (torch.__version__, len(CASES), out))


if __name__ == "__main__":
    main()
