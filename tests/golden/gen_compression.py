#!/usr/bin/python3
"""PyTorch reference values for module 16 (compression).

Run from anywhere with the system Python that has torch:
    /usr/bin/python3 tests/golden/gen_compression.py
It rewrites tests/golden/compression.txt (read by tests/16_compression/test_golden.cpp).

Format (see tests/golden/golden.hpp):
    case <name> op=<op> [T=<temperature>] [alpha=<a>] [rank=<r>]
    tensor <name> <ndim> <dims...> <values...>      (float32, %.9g)
Cases:
  op=distill_kl  student, teacher -> out = kl_div(log_softmax(s/T), softmax(t/T), "batchmean")·T²,
                 grad = d out / d student
  op=distill     student, teacher, labels -> out = alpha·(the above) + (1 − alpha)·cross_entropy(s, labels),
                 grad = d out / d student
  op=low_rank    weight -> out = U_r diag(S_r) V_rᵀ (torch.linalg.svd), the best rank-r approximation
"""
import torch
import torch.nn.functional as F

from golden_io import GoldenText, fmt_tensor


def main():
    torch.manual_seed(20261206)
    golden = GoldenText("compression.txt", "gen_compression.py",
                        "PyTorch values for module 16 (inputs included)")
    lines = golden.lines
    for i, (n, c, T) in enumerate([(4, 5, 1.0), (3, 10, 4.0), (6, 3, 0.5), (2, 7, 20.0)]):
        s = (torch.randn(n, c, dtype=torch.float64) * 3).float().double().requires_grad_(True)
        t = (torch.randn(n, c, dtype=torch.float64) * 3).float().double()
        out = F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1), reduction="batchmean") * T * T
        (g,) = torch.autograd.grad(out, s)
        lines.append("case kl_%d op=distill_kl T=%r" % (i, T))
        lines += [fmt_tensor("student", s), fmt_tensor("teacher", t), fmt_tensor("out", out), fmt_tensor("grad", g)]
    for i, (n, c, T, alpha) in enumerate([(5, 4, 3.0, 0.7), (3, 6, 2.0, 0.25)]):
        s = (torch.randn(n, c, dtype=torch.float64) * 2).float().double().requires_grad_(True)
        t = (torch.randn(n, c, dtype=torch.float64) * 2).float().double()
        y = torch.randint(0, c, (n,))
        kl = F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1), reduction="batchmean") * T * T
        out = alpha * kl + (1 - alpha) * F.cross_entropy(s, y)
        (g,) = torch.autograd.grad(out, s)
        lines.append("case loss_%d op=distill T=%r alpha=%r" % (i, T, alpha))
        lines += [fmt_tensor("student", s), fmt_tensor("teacher", t), fmt_tensor("labels", y.double()),
                  fmt_tensor("out", out), fmt_tensor("grad", g)]
    for i, (o, n, r) in enumerate([(6, 9, 2), (8, 5, 3)]):
        w = torch.randn(o, n, dtype=torch.float64).float().double()
        U, S, Vh = torch.linalg.svd(w, full_matrices=False)
        wr = U[:, :r] @ torch.diag(S[:r]) @ Vh[:r, :]
        lines.append("case svd_%d op=low_rank rank=%d" % (i, r))
        lines += [fmt_tensor("weight", w), fmt_tensor("out", wr)]
    golden.save()


if __name__ == "__main__":
    main()
