#!/usr/bin/python3
"""nnact-bench peer: PyTorch nn.Sequential of nn.Linear + activations, float64,
torch.optim.SGD / torch.optim.Adam, the same thread count as nnact-bench."""
import sys

import peercommon as pc


def act_main(argv):
    """nnact-bench's act suite (peercommon.act_case): PyTorch's own functions,
    float64, at the same thread count; out= where the function takes it."""
    threads = int(argv[argv.index("--threads") + 1]) if "--threads" in argv else 1
    pc.set_thread_env(threads)
    import torch  # noqa: E402
    import torch.nn.functional as F  # noqa: E402
    torch.set_num_threads(threads)
    own = {
        "relu": lambda x, y: torch.clamp_min(x, 0.0, out=y),
        "leaky_relu": lambda x, y: F.leaky_relu(x, 0.01),
        "sigmoid": lambda x, y: torch.sigmoid(x, out=y),
        "tanh": lambda x, y: torch.tanh(x, out=y),
        "gelu": lambda x, y: F.gelu(x),
        "silu": lambda x, y: F.silu(x),
        "softplus": lambda x, y: F.softplus(x),
    }

    def setup(kind, n):
        if kind not in own:
            return None
        g = torch.Generator().manual_seed(7)
        x = torch.empty(n, dtype=torch.float64).uniform_(-6.0, 6.0, generator=g)
        y = torch.empty_like(x)
        f = own[kind]
        last = {}

        def call():
            last["y"] = f(x, y)

        return call, (lambda: x[:997].tolist()), (lambda: last["y"][:997].tolist())

    return pc.act_case("torch", torch.__version__, threads, argv, setup)


if "--act" in sys.argv:
    sys.exit(act_main(sys.argv))

a = pc.arguments("torch")
pc.set_thread_env(a.threads)
import torch  # noqa: E402  (after the thread variables)

torch.set_num_threads(a.threads)
ACT = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}


def make(n_in, layers, batch, opt):
    torch.manual_seed(7)
    mods = []
    fan_in = n_in
    for n, kind in layers:
        lin = torch.nn.Linear(fan_in, n).double()
        torch.nn.init.xavier_uniform_(lin.weight)
        torch.nn.init.uniform_(lin.bias, -0.1, 0.1)
        mods.append(lin)
        if kind in ACT:
            mods.append(ACT[kind]())
        fan_in = n
    model = torch.nn.Sequential(*mods)
    x = torch.rand(batch, n_in, dtype=torch.float64) * 2 - 1
    t = torch.rand(batch, layers[-1][0], dtype=torch.float64)
    lr = pc.LR[opt]
    o = torch.optim.SGD(model.parameters(), lr=lr) if opt == "sgd" else \
        torch.optim.Adam(model.parameters(), lr=lr)

    def step():
        o.zero_grad()
        loss = 0.5 * ((model(x) - t) ** 2).sum()
        loss.backward()
        o.step()
        return loss

    def check():
        model.zero_grad()
        loss = 0.5 * ((model(x) - t) ** 2).sum()
        loss.backward()
        w = mods[0].weight  # (out, in): entry [0, 0]
        g = float(w.grad[0, 0])
        h = 1e-6
        with torch.no_grad():
            old = float(w[0, 0])
            w[0, 0] = old + h
            lp = float(0.5 * ((model(x) - t) ** 2).sum())
            w[0, 0] = old - h
            lm = float(0.5 * ((model(x) - t) ** 2).sum())
            w[0, 0] = old
        num = (lp - lm) / (2 * h)
        model.zero_grad()
        if abs(num - g) > 1e-5 * max(1.0, abs(num)):
            return "autograd %.9g vs finite difference %.9g" % (g, num)
        return None

    return step, check


sys.exit(pc.run("torch", torch.__version__, a.threads, make, a.repeat, a))
