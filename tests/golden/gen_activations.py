#!/usr/bin/python3
"""PyTorch reference values for module 02 (activations): forward outputs only.

Run from anywhere with the system Python that has torch:
    /usr/bin/python3 tests/golden/gen_activations.py
It rewrites tests/golden/activations_forward.txt (read by tests/02_activations/test_golden.cpp).

Format (see tests/golden/golden.hpp):
    case <name> op=<op> [dim=<d>] [approximate=<mode>]
    tensor <name> <ndim> <dims...> <values...>      (float32, %.9g)
Every case holds the input `x` and PyTorch's output `out`.
"""
import torch

from golden_io import GoldenText, fmt_tensor


def main():
    torch.manual_seed(20240602)
    golden = GoldenText("activations_forward.txt", "gen_activations.py",
                        "PyTorch forward outputs for module 02 (inputs included)")
    lines = golden.lines

    def case(name, op, x, out, **attrs):
        extra = "".join(" %s=%s" % (k, v) for k, v in attrs.items())
        lines.append("case %s op=%s%s" % (name, op, extra))
        lines.append(fmt_tensor("x", x))
        lines.append(fmt_tensor("out", out))

    inf, nan = float("inf"), float("nan")
    rand = (torch.randn(4, 6) * 3).float()
    special = torch.tensor([-inf, -1000.0, -100.0, -3.5, -1.0, -1e-3, -0.0, 0.0, 1e-3, 1.0, 3.5, 100.0, 1000.0, inf])
    tails = torch.tensor([-1000.0, -104.0, -88.0, -40.0, -20.0, -10.0, -1.0, 0.0, 1.0, 10.0, 20.0, 40.0, 88.0, 104.0,
                          1000.0])

    # ---- element-wise ----
    case("relu_random", "relu", rand, torch.relu(rand))
    case("relu_special", "relu", torch.tensor([-inf, -2.0, -0.0, 0.0, 2.0, inf, nan]),
         torch.relu(torch.tensor([-inf, -2.0, -0.0, 0.0, 2.0, inf, nan])))
    case("sigmoid_random", "sigmoid", rand, torch.sigmoid(rand))
    case("sigmoid_tails", "sigmoid", tails, torch.sigmoid(tails))
    case("sigmoid_special", "sigmoid", special, torch.sigmoid(special))
    case("tanh_random", "tanh", rand, torch.tanh(rand))
    case("tanh_tails", "tanh", tails, torch.tanh(tails))
    gelu_x = torch.cat([torch.linspace(-6, 6, 49), torch.tensor([-1000.0, -20.0, -10.0, 10.0, 20.0, 1000.0])])
    for mode in ("none", "tanh"):
        case("gelu_%s_random" % mode, "gelu", rand, torch.nn.functional.gelu(rand, approximate=mode), approximate=mode)
        case("gelu_%s_sweep" % mode, "gelu", gelu_x, torch.nn.functional.gelu(gelu_x, approximate=mode),
             approximate=mode)

    # ---- softmax / log_softmax over every dim, on ordinary and on huge inputs ----
    big = torch.tensor([[1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0], [1000.0, -1000.0, 0.0],
                        [-1000.0, -1000.0, -1000.0]])
    x3 = (torch.randn(2, 3, 4) * 2).float()
    x4 = torch.randn(2, 3, 4, 5).float()
    wide = (torch.randn(2, 300) * 4).float()
    for op, fn in (("softmax", torch.softmax), ("log_softmax", torch.log_softmax)):
        case("%s_2d_dim1" % op, op, rand, fn(rand, 1), dim=1)
        case("%s_2d_dim0" % op, op, rand, fn(rand, 0), dim=0)
        case("%s_2d_dim_minus1" % op, op, rand, fn(rand, -1), dim=-1)
        for d in range(3):
            case("%s_3d_dim%d" % (op, d), op, x3, fn(x3, d), dim=d)
        case("%s_4d_dim1" % op, op, x4, fn(x4, 1), dim=1)
        case("%s_4d_dim_minus2" % op, op, x4, fn(x4, -2), dim=-2)
        case("%s_huge_dim1" % op, op, big, fn(big, 1), dim=1)
        case("%s_huge_dim0" % op, op, big, fn(big, 0), dim=0)
        case("%s_wide_rows" % op, op, wide, fn(wide, 1), dim=1)
        case("%s_1d" % op, op, torch.tensor([0.5, -1.0, 3.0]), fn(torch.tensor([0.5, -1.0, 3.0]), 0), dim=0)

    golden.save()


if __name__ == "__main__":
    main()
