#!/usr/bin/python3
"""PyTorch reference values for module 04 (losses): forward outputs only.

Run from anywhere with the system Python that has torch:
    /usr/bin/python3 tests/golden/gen_losses.py
It rewrites tests/golden/losses_forward.txt (read by tests/04_losses/test_golden.cpp).

Format (see tests/golden/golden.hpp):
    case <name> op=<op> reduction=<none|mean|sum> [label_smoothing=<e>]
    tensor <name> <ndim> <dims...> <values...>      (float32, %.9g)
Every case holds `input`, `target` (class indices as floats for cross_entropy / nll_loss)
and PyTorch's output `out` (0-d for mean and sum).

The `*_opts` cases exercise the libtorch options (weight, ignore_index, pos_weight; attribute
ignore_index=<i>, tensors `weight` / `pos_weight` when given) and also hold PyTorch's gradients
of out.sum() with respect to the input (`grad_input`) and, for the binary losses, the target
(`grad_target`) -- read by tests/06_autograd/test_golden.cpp.
"""
import torch
import torch.nn.functional as F

from golden_io import GoldenText, fmt_tensor

REDUCTIONS = ("none", "mean", "sum")


def main():
    torch.manual_seed(20240604)
    golden = GoldenText("losses_forward.txt", "gen_losses.py",
                        "PyTorch forward outputs for module 04 (inputs included)")
    lines = golden.lines

    def case(name, op, x, t, out, **attrs):
        extra = "".join(" %s=%s" % (k, v) for k, v in attrs.items())
        lines.append("case %s op=%s%s" % (name, op, extra))
        lines.append(fmt_tensor("input", x))
        lines.append(fmt_tensor("target", t))
        lines.append(fmt_tensor("out", out))

    # ---- MSE: any shape ----
    pred, goal = torch.randn(4, 3) * 2, torch.randn(4, 3)
    vec_p, vec_t = torch.randn(7), torch.randn(7)
    for r in REDUCTIONS:
        case("mse_2d_%s" % r, "mse_loss", pred, goal, F.mse_loss(pred, goal, reduction=r), reduction=r)
        case("mse_1d_%s" % r, "mse_loss", vec_p, vec_t, F.mse_loss(vec_p, vec_t, reduction=r), reduction=r)

    # ---- cross-entropy: logits [N, C], class indices [N], label smoothing ----
    logits = torch.randn(6, 5) * 3
    labels = torch.randint(0, 5, (6,))
    huge = torch.tensor([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 0.0], [1000.0, 1000.0, 1000.0],
                         [-1000.0, -999.0, -998.0]])
    huge_labels = torch.tensor([0, 2, 1, 0])
    wide = torch.randn(4, 100) * 2
    wide_labels = torch.randint(0, 100, (4,))
    for r in REDUCTIONS:
        for eps in (0.0, 0.1, 1.0):
            tag = ("%g" % eps).replace(".", "p")
            case("ce_random_%s_ls%s" % (r, tag), "cross_entropy", logits, labels.float(),
                 F.cross_entropy(logits, labels, reduction=r, label_smoothing=eps), reduction=r, label_smoothing=eps)
            case("ce_huge_%s_ls%s" % (r, tag), "cross_entropy", huge, huge_labels.float(),
                 F.cross_entropy(huge, huge_labels, reduction=r, label_smoothing=eps), reduction=r,
                 label_smoothing=eps)
        case("ce_wide_%s" % r, "cross_entropy", wide, wide_labels.float(),
             F.cross_entropy(wide, wide_labels, reduction=r, label_smoothing=0.2), reduction=r, label_smoothing=0.2)
    one_class = torch.randn(3, 1)
    case("ce_one_class", "cross_entropy", one_class, torch.zeros(3),
         F.cross_entropy(one_class, torch.zeros(3, dtype=torch.long)), reduction="mean", label_smoothing=0.0)

    # ---- NLL: log-probabilities (and arbitrary scores: NLL only picks and negates) ----
    log_probs = F.log_softmax(torch.randn(5, 4), dim=1)
    nll_labels = torch.randint(0, 4, (5,))
    scores = torch.randn(5, 4) * 4
    for r in REDUCTIONS:
        case("nll_logprobs_%s" % r, "nll_loss", log_probs, nll_labels.float(),
             F.nll_loss(log_probs, nll_labels, reduction=r), reduction=r)
        case("nll_scores_%s" % r, "nll_loss", scores, nll_labels.float(), F.nll_loss(scores, nll_labels, reduction=r),
             reduction=r)

    # ---- BCE on probabilities, including exact 0 and 1 (log clamped at -100) ----
    probs = torch.sigmoid(torch.randn(3, 4) * 2)
    probs[0, 0], probs[0, 1], probs[1, 0], probs[1, 1] = 0.0, 1.0, 0.0, 1.0
    bce_t = (torch.rand(3, 4) > 0.5).float()
    bce_t[0, 0], bce_t[0, 1], bce_t[1, 0], bce_t[1, 1] = 0.0, 1.0, 1.0, 0.0  # perfect, perfect, worst, worst
    bce_t[2, 0], bce_t[2, 1] = 0.25, 0.75  # soft labels
    for r in REDUCTIONS:
        case("bce_%s" % r, "binary_cross_entropy", probs, bce_t, F.binary_cross_entropy(probs, bce_t, reduction=r),
             reduction=r)

    # ---- BCE with logits, up to |x| = 1000 ----
    x = torch.cat([torch.randn(8) * 4, torch.tensor([-1000.0, -100.0, -20.0, 0.0, 20.0, 100.0, 1000.0, 15.0])])
    xt = (torch.rand(16) > 0.5).float()
    xt[8:] = torch.tensor([1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.3])
    x2 = torch.randn(2, 3, 4) * 3
    x2t = torch.rand(2, 3, 4)
    for r in REDUCTIONS:
        case("bcel_%s" % r, "binary_cross_entropy_with_logits", x, xt,
             F.binary_cross_entropy_with_logits(x, xt, reduction=r), reduction=r)
        case("bcel_3d_soft_%s" % r, "binary_cross_entropy_with_logits", x2, x2t,
             F.binary_cross_entropy_with_logits(x2, x2t, reduction=r), reduction=r)

    # ---- the libtorch options: weight, ignore_index, pos_weight (new cases go last so the ones
    # above keep their random values) ----
    torch.manual_seed(20251124)

    def case_opts(name, op, x, t, out_fn, attrs, extra):
        xg = x.clone().requires_grad_(True)
        tg = t.clone().requires_grad_(op in ("bce_opts", "bcel_opts", "mse_opts"))
        out = out_fn(xg, tg)
        out.sum().backward()
        lines.append("case %s op=%s%s" % (name, op, "".join(" %s=%s" % kv for kv in attrs.items())))
        lines.append(fmt_tensor("input", x))
        lines.append(fmt_tensor("target", t))
        for k, v in extra.items():
            lines.append(fmt_tensor(k, v))
        lines.append(fmt_tensor("out", out))
        lines.append(fmt_tensor("grad_input", xg.grad))
        if tg.requires_grad:
            lines.append(fmt_tensor("grad_target", tg.grad))

    logits = torch.randn(7, 4) * 2
    labels = torch.tensor([0, 3, 1, 1, 2, 3, 0])
    cw = torch.tensor([0.5, 2.0, 1.0, 3.0])
    with_pad = labels.clone()
    with_pad[2] = -100  # PyTorch's default ignore_index
    with_pad[5] = -100
    for r in REDUCTIONS:
        for eps in (0.0, 0.2):
            tag = "%s_ls%s" % (r, ("%g" % eps).replace(".", "p"))
            case_opts("ce_weight_%s" % tag, "cross_entropy_opts", logits, labels.float(),
                      lambda x, t: F.cross_entropy(x, labels, weight=cw, reduction=r, label_smoothing=eps),
                      dict(reduction=r, label_smoothing=eps, ignore_index=-100), dict(weight=cw))
            case_opts("ce_ignore_default_%s" % tag, "cross_entropy_opts", logits, with_pad.float(),
                      lambda x, t: F.cross_entropy(x, with_pad, reduction=r, label_smoothing=eps),
                      dict(reduction=r, label_smoothing=eps, ignore_index=-100), {})
            case_opts("ce_weight_ignore1_%s" % tag, "cross_entropy_opts", logits, labels.float(),
                      lambda x, t: F.cross_entropy(x, labels, weight=cw, ignore_index=1, reduction=r,
                                                   label_smoothing=eps),
                      dict(reduction=r, label_smoothing=eps, ignore_index=1), dict(weight=cw))
        log_probs = F.log_softmax(logits, dim=1)
        case_opts("nll_weight_ignore3_%s" % r, "nll_loss_opts", log_probs, labels.float(),
                  lambda x, t: F.nll_loss(x, labels, weight=cw, ignore_index=3, reduction=r),
                  dict(reduction=r, ignore_index=3), dict(weight=cw))
        case_opts("nll_ignore_default_%s" % r, "nll_loss_opts", log_probs, with_pad.float(),
                  lambda x, t: F.nll_loss(x, with_pad, reduction=r), dict(reduction=r, ignore_index=-100), {})

    probs = torch.sigmoid(torch.randn(3, 4) * 2)
    soft = torch.rand(3, 4) * 0.8 + 0.1
    ew = torch.rand(3, 4) + 0.5  # an element weight
    row_w = torch.tensor([1.0, 0.5, 2.0, 0.25])  # broadcast along the last dim
    z = torch.randn(3, 4) * 3
    pw = torch.tensor([1.0, 3.0, 0.5, 2.0])
    for r in REDUCTIONS:
        case_opts("bce_weight_%s" % r, "bce_opts", probs, soft,
                  lambda x, t: F.binary_cross_entropy(x, t, weight=ew, reduction=r), dict(reduction=r), dict(weight=ew))
        case_opts("bce_plain_%s" % r, "bce_opts", probs, soft,
                  lambda x, t: F.binary_cross_entropy(x, t, reduction=r), dict(reduction=r), {})
        case_opts("bcel_plain_%s" % r, "bcel_opts", z, soft,
                  lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction=r), dict(reduction=r), {})
        case_opts("bcel_weight_pos_%s" % r, "bcel_opts", z, soft,
                  lambda x, t: F.binary_cross_entropy_with_logits(x, t, weight=row_w, pos_weight=pw, reduction=r),
                  dict(reduction=r), dict(weight=row_w, pos_weight=pw))
        case_opts("bcel_pos_%s" % r, "bcel_opts", z, soft,
                  lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction=r),
                  dict(reduction=r), dict(pos_weight=pw))
        case_opts("mse_target_grad_%s" % r, "mse_opts", z, soft,
                  lambda x, t: F.mse_loss(x, t, reduction=r), dict(reduction=r), {})

    golden.save()


if __name__ == "__main__":
    main()
