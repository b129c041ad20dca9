#!/usr/bin/python3
"""PyTorch reference gradients for module 06 (autograd).

Run from anywhere with the system Python that has torch:
    /usr/bin/python3 tests/golden/gen_autograd.py
It rewrites tests/golden/autograd_grads.txt (read by tests/06_autograd/test_golden.cpp).

Format (see tests/golden/golden.hpp):
    case <name> inputs=<n> constants=<m>
    tensor x<i> ...   the inputs that require grad
    tensor c<j> ...   constants (data, targets)
    tensor w ...      weights of the output: the loss is L = sum(w * f(x, c))
    tensor g<i> ...   PyTorch's dL/dx<i>
Each case name selects the same function f on the C++ side.
"""
import math

import torch
import torch.nn.functional as F

from golden_io import GoldenText, fmt_tensor


def main():
    torch.manual_seed(20240606)
    golden = GoldenText("autograd_grads.txt", "gen_autograd.py",
                        "gradients of L = sum(w * f(inputs, constants))")
    lines = golden.lines

    def case(name, f, inputs, constants=()):
        xs = [x.clone().float().requires_grad_(True) for x in inputs]
        cs = [c.clone().float() for c in constants]
        out = f(xs, cs)
        w = torch.rand(out.shape) * 2 - 1
        (out * w).sum().backward()
        lines.append("case %s inputs=%d constants=%d" % (name, len(xs), len(cs)))
        for i, x in enumerate(xs):
            lines.append(fmt_tensor("x%d" % i, x))
        for j, c in enumerate(cs):
            lines.append(fmt_tensor("c%d" % j, c))
        lines.append(fmt_tensor("w", w))
        for i, x in enumerate(xs):
            lines.append(fmt_tensor("g%d" % i, x.grad))

    # broadcasting: a bias [3] and a scale [4, 1] against a [4, 3] input
    case("broadcast_mul_add", lambda x, c: x[0] * x[2] + x[1],
         [torch.randn(4, 3), torch.randn(3), torch.randn(4, 1)])
    # batched matmul with batch dims broadcast on both sides
    case("matmul_broadcast_batch", lambda x, c: x[0] @ x[1], [torch.randn(2, 1, 3, 4), torch.randn(3, 4, 2)])
    # scaled dot-product attention, 2 sequences x 4 heads x 5 tokens x head size 8
    case("attention", lambda x, c: torch.softmax(x[0] @ x[1].transpose(-1, -2) / math.sqrt(8.0), -1) @ x[2],
         [torch.randn(2, 4, 5, 8), torch.randn(2, 4, 5, 8), torch.randn(2, 4, 5, 8)])
    # layer norm from primitives (the original TinyTorch got this gradient wrong)
    case("layer_norm",
         lambda x, c: (x[0] - x[0].mean(-1, keepdim=True))
         / torch.sqrt(x[0].var(-1, unbiased=False, keepdim=True) + 1e-5) * x[1] + x[2],
         [torch.randn(3, 6), torch.randn(6), torch.randn(6)])
    # a two-layer MLP with GELU (tanh) and cross-entropy with label smoothing
    case("mlp_cross_entropy",
         lambda x, c: F.cross_entropy(F.gelu(c[0] @ x[0] + x[1], approximate="tanh") @ x[2] + x[3],
                                      c[1].long(), label_smoothing=0.1),
         [torch.randn(4, 6) * 0.5, torch.randn(6) * 0.1, torch.randn(6, 3) * 0.5, torch.randn(3) * 0.1],
         [torch.randn(5, 4), torch.tensor([0.0, 2.0, 1.0, 2.0, 0.0])])
    # log_softmax + nll_loss (sum) and bce_with_logits (mean), exact GELU, sigmoid, tanh
    case("log_softmax_nll", lambda x, c: F.nll_loss(F.log_softmax(torch.tanh(x[0]) * 3, 1), c[0].long(),
                                                    reduction="sum"),
         [torch.randn(4, 5)], [torch.tensor([4.0, 0.0, 2.0, 2.0])])
    case("bce_with_logits_gelu", lambda x, c: F.binary_cross_entropy_with_logits(F.gelu(x[0]) * torch.sigmoid(x[0]),
                                                                                 c[0]),
         [torch.randn(3, 4)], [torch.rand(3, 4)])
    # reductions and indexing: max/min along dims, slices, select, cat, index_select with repeats
    case("reduce_index_cat",
         lambda x, c: torch.cat([x[0].max(1, keepdim=True).values, x[0].min(0).values.reshape(1, 4).T,
                                 x[0][:, 1::2], x[0][2].reshape(4, 1),
                                 x[0].index_select(1, torch.tensor([3, 0, 3])).sum(1, keepdim=True)], 1)
         .abs().sum(0),
         [torch.randn(4, 4)])
    # pow, sqrt, exp, log, clamp, where, maximum on a residual graph
    case("elementwise_residual",
         lambda x, c: torch.where(c[0] > 0, torch.maximum(x[0], x[1]), (x[0] * x[1]).clamp(-0.5, 0.5))
         + torch.log(x[0].pow(2) + 1).sqrt() * torch.exp(-x[1]) + x[0],
         [torch.randn(3, 4), torch.randn(3, 4)], [torch.randn(3, 4)])

    golden.save()


if __name__ == "__main__":
    main()
