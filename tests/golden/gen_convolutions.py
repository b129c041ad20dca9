#!/usr/bin/python3
"""PyTorch reference values for module 09 (convolutions): forward AND backward.

Run from anywhere with the system Python that has torch:
    /usr/bin/python3 tests/golden/gen_convolutions.py
It rewrites tests/golden/convolutions_forward_backward.txt (read by
tests/09_convolutions/test_golden.cpp).

Format (see tests/golden/golden.hpp):
    case <name> op=<op> <integer attributes: sh sw ph pw dh dw groups kh kw oh ow training ...>
    tensor <name> <ndim> <dims...> <values...>      (float32, %.9g)
Every case stores its inputs, the upstream gradient `grad_out`, PyTorch's output `out` and
the gradients PyTorch's autograd computes for each input (`grad_input`, `grad_weight`,
`grad_bias`); max_pool2d also stores `indices`, batch_norm2d the running statistics before
(`running_mean`, `running_var`) and after (`new_running_mean`, `new_running_var`).
"""
import torch
import torch.nn.functional as F

from golden_io import GoldenText


def main():
    torch.manual_seed(20240609)
    torch.set_num_threads(1)
    golden = GoldenText("convolutions_forward_backward.txt", "gen_convolutions.py",
                        "PyTorch forward outputs and input gradients for module 09 (inputs included)")
    lines = golden.lines

    def case(name, op, tensors, **attrs):
        golden.case(name, tensors, op=op, **attrs)

    # ---- conv2d: (N, C, H, W, O, kh, kw, stride, padding, dilation, groups, bias) ----
    convs = [
        ("conv_basic", 2, 3, 6, 6, 4, 3, 3, (1, 1), (0, 0), (1, 1), 1, True),
        ("conv_padded", 2, 2, 5, 5, 3, 3, 3, (1, 1), (1, 1), (1, 1), 1, True),
        ("conv_strided", 1, 3, 7, 8, 2, 3, 2, (2, 1), (1, 0), (1, 1), 1, False),
        ("conv_dilated_grouped", 2, 4, 8, 7, 6, 3, 3, (1, 2), (2, 1), (2, 1), 2, True),
        ("conv_depthwise", 2, 3, 6, 6, 3, 3, 3, (2, 2), (1, 1), (1, 1), 3, True),
        ("conv_pointwise", 2, 4, 3, 5, 5, 1, 1, (1, 1), (0, 0), (1, 1), 1, True),
        ("conv_lenet_like", 3, 1, 12, 12, 6, 5, 5, (1, 1), (2, 2), (1, 1), 1, True),
    ]
    for name, N, C, H, W, O, kh, kw, s, p, d, g, has_bias in convs:
        x = torch.randn(N, C, H, W, requires_grad=True)
        w = (torch.randn(O, C // g, kh, kw) * 0.5).requires_grad_()
        b = torch.randn(O, requires_grad=True) if has_bias else None
        out = F.conv2d(x, w, b, stride=s, padding=p, dilation=d, groups=g)
        go = torch.randn_like(out)
        out.backward(go)
        case(name, "conv2d",
             {"input": x, "weight": w, "bias": b, "out": out, "grad_out": go,
              "grad_input": x.grad, "grad_weight": w.grad, "grad_bias": b.grad if b is not None else None},
             sh=s[0], sw=s[1], ph=p[0], pw=p[1], dh=d[0], dw=d[1], groups=g)

    # ---- max_pool2d / avg_pool2d: (N, C, H, W, kernel, stride, padding) ----
    pools = [
        ("pool_2x2", 2, 3, 6, 6, (2, 2), (2, 2), (0, 0)),
        ("pool_3x3_s2_p1", 2, 2, 7, 6, (3, 3), (2, 2), (1, 1)),
        ("pool_overlap", 1, 2, 5, 5, (2, 2), (1, 1), (0, 0)),
        ("pool_rect", 2, 1, 6, 9, (2, 3), (2, 2), (1, 1)),
    ]
    for name, N, C, H, W, k, s, p in pools:
        x = torch.randn(N, C, H, W, requires_grad=True)
        out, idx = F.max_pool2d(x, k, s, p, return_indices=True)
        go = torch.randn_like(out)
        out.backward(go)
        case("max_" + name, "max_pool2d",
             {"input": x, "out": out, "indices": idx.float(), "grad_out": go, "grad_input": x.grad},
             kh=k[0], kw=k[1], sh=s[0], sw=s[1], ph=p[0], pw=p[1])
        for cip in (1, 0):
            x = torch.randn(N, C, H, W, requires_grad=True)
            out = F.avg_pool2d(x, k, s, p, count_include_pad=bool(cip))
            go = torch.randn_like(out)
            out.backward(go)
            case("avg_%s_cip%d" % (name, cip), "avg_pool2d",
                 {"input": x, "out": out, "grad_out": go, "grad_input": x.grad},
                 kh=k[0], kw=k[1], sh=s[0], sw=s[1], ph=p[0], pw=p[1], count_include_pad=cip)

    # ---- adaptive_avg_pool2d ----
    for name, shape, osize in [("adaptive_5x7_to_3x2", (2, 2, 5, 7), (3, 2)),
                               ("adaptive_global", (2, 3, 4, 6), (1, 1)),
                               ("adaptive_up", (1, 2, 3, 2), (4, 3))]:
        x = torch.randn(*shape, requires_grad=True)
        out = F.adaptive_avg_pool2d(x, osize)
        go = torch.randn_like(out)
        out.backward(go)
        case(name, "adaptive_avg_pool2d", {"input": x, "out": out, "grad_out": go, "grad_input": x.grad},
             oh=osize[0], ow=osize[1])

    # ---- batch_norm2d, training and eval ----
    for name, shape, training, momentum in [("bn_train", (4, 3, 5, 5), 1, 0.1),
                                            ("bn_train_momentum", (2, 2, 3, 4), 1, 0.3),
                                            ("bn_eval", (3, 3, 4, 4), 0, 0.1)]:
        C = shape[1]
        x = (torch.randn(*shape) * 2 + 0.5).requires_grad_()
        w = (torch.rand(C) + 0.5).requires_grad_()
        b = torch.randn(C, requires_grad=True)
        rm, rv = torch.randn(C) * 0.5, torch.rand(C) + 0.5
        new_rm, new_rv = rm.clone(), rv.clone()
        out = F.batch_norm(x, new_rm, new_rv, w, b, training=bool(training), momentum=momentum, eps=1e-5)
        go = torch.randn_like(out)
        out.backward(go)
        case(name, "batch_norm2d",
             {"input": x, "weight": w, "bias": b, "running_mean": rm, "running_var": rv, "out": out,
              "grad_out": go, "grad_input": x.grad, "grad_weight": w.grad, "grad_bias": b.grad,
              "new_running_mean": new_rm, "new_running_var": new_rv},
             training=training, momentum=momentum)

    # ---- the configurations that test_conv2d.cpp also checks against conv2d_naive (forward only):
    # case naive_<seed> with the same geometry as check_against_naive(config, seed). Appended
    # after the cases above, so those keep their random inputs.
    naive = [  # seed, N, C, H, W, O, kh, kw, stride, padding, dilation, groups, bias
        (10, 2, 3, 8, 8, 4, 3, 3, (1, 1), (0, 0), (1, 1), 1, True),
        (20, 2, 3, 9, 7, 5, 3, 3, (2, 2), (1, 1), (1, 1), 1, True),
        (30, 1, 2, 10, 10, 3, 5, 5, (1, 1), (2, 2), (1, 1), 1, False),
        (40, 3, 2, 11, 9, 3, 3, 3, (3, 3), (2, 2), (1, 1), 1, True),
        (45, 2, 3, 7, 7, 2, 2, 2, (3, 3), (0, 0), (1, 1), 1, True),
        (50, 4, 8, 12, 12, 16, 3, 3, (1, 1), (1, 1), (1, 1), 1, True),
        (60, 2, 4, 9, 9, 6, 3, 3, (1, 1), (0, 0), (2, 2), 2, True),
        (70, 2, 3, 10, 12, 3, 3, 2, (2, 2), (1, 1), (2, 3), 1, False),
        (80, 2, 6, 8, 8, 9, 3, 3, (1, 1), (1, 1), (1, 1), 3, True),
        (90, 3, 4, 7, 7, 4, 3, 3, (1, 1), (1, 1), (1, 1), 4, True),
        (100, 2, 3, 8, 8, 6, 3, 3, (2, 2), (1, 1), (1, 1), 3, False),
        (110, 2, 3, 8, 6, 4, 2, 5, (2, 1), (0, 2), (1, 1), 1, True),
        (120, 1, 2, 5, 9, 3, 1, 3, (1, 2), (1, 0), (1, 1), 1, True),
        (130, 2, 2, 4, 4, 3, 4, 4, (1, 1), (0, 0), (1, 1), 1, True),
        (140, 2, 6, 5, 5, 4, 1, 1, (1, 1), (0, 0), (1, 1), 1, True),
        (150, 2, 6, 5, 5, 4, 1, 1, (1, 1), (0, 0), (1, 1), 2, False),
        (160, 2, 3, 6, 6, 2, 1, 1, (2, 2), (1, 1), (1, 1), 1, True),
    ]
    for seed, N, C, H, W, O, kh, kw, st, pd, dl, g, has_bias in naive:
        x = torch.rand(N, C, H, W) * 2 - 1
        w = torch.rand(O, C // g, kh, kw) * 2 - 1
        b = torch.rand(O) * 2 - 1 if has_bias else None
        out = F.conv2d(x, w, b, stride=st, padding=pd, dilation=dl, groups=g)
        case("naive_%d" % seed, "conv2d_naive_config", {"input": x, "weight": w, "bias": b, "out": out},
             N=N, C=C, H=H, W=W, O=O, kh=kh, kw=kw, sh=st[0], sw=st[1], ph=pd[0], pw=pd[1], dh=dl[0], dw=dl[1],
             groups=g)
    # a non-contiguous input: conv2d of base.permute(0, 3, 1, 2) with padding 1 (test_conv2d.cpp)
    base = torch.rand(2, 5, 6, 3) * 2 - 1
    w = torch.rand(4, 3, 3, 3) * 2 - 1
    case("conv_permuted_input", "conv2d_permuted", {"base": base, "weight": w,
                                                    "out": F.conv2d(base.permute(0, 3, 1, 2), w, padding=1)})
    # batch norm on a batch whose channels have means -1, 1, 3 and spreads 1, 2, 3
    # (test_batch_norm.cpp: the fused kernel and the composed reference against these)
    for name, training in (("bn_shifted_train", 1), ("bn_shifted_eval", 0)):
        x = ((torch.rand(4, 3, 5, 6) * 2 - 1) * torch.tensor([1., 2., 3.]).view(1, 3, 1, 1)
             + torch.tensor([-1., 1., 3.]).view(1, 3, 1, 1)).requires_grad_()
        w = torch.tensor([1.5, 0.5, -1.0], requires_grad=True)
        b = torch.tensor([0.1, 0.2, 0.3], requires_grad=True)
        rm, rv = torch.tensor([0.5, 1.0, 2.0]), torch.tensor([1.0, 2.0, 3.0])
        new_rm, new_rv = rm.clone(), rv.clone()
        out = F.batch_norm(x, new_rm, new_rv, w, b, training=bool(training), momentum=0.1, eps=1e-5)
        go = torch.rand_like(out) * 2 - 1
        out.backward(go)
        case(name, "batch_norm2d_shifted",
             {"input": x, "weight": w, "bias": b, "running_mean": rm, "running_var": rv, "out": out,
              "grad_out": go, "grad_input": x.grad, "grad_weight": w.grad, "grad_bias": b.grad,
              "new_running_mean": new_rm, "new_running_var": new_rv},
             training=training, momentum=0.1)

    golden.save()


if __name__ == "__main__":
    main()
