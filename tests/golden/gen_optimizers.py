#!/usr/bin/python3
"""PyTorch reference trajectories for module 07 (optimizers).

Run from anywhere with the system Python that has torch:
    /usr/bin/python3 tests/golden/gen_optimizers.py
It rewrites tests/golden/optimizers.txt (read by tests/07_optimizers/test_golden.cpp).

Every case runs one torch.optim optimizer for STEPS steps over two parameters, p0 [3, 4] and
p1 [5], with fixed gradients, and records the parameters after every step. Parameter 1 gets
no gradient at step 3 (grad None: the optimizer must skip it, so its own step count falls
behind p0's). Cases with lr_step/lr_new change the learning rate before that step, the way
a scheduler does.

Format (see tests/golden/golden.hpp):
    case <name> optimizer=<sgd|adam|adamw|rmsprop> steps=<n> lr=<lr> [option=value ...]
    tensor p0 / p1                initial values
    tensor grad<k>_<i>            gradient of parameter i at step k (absent: no gradient)
    tensor after<k>_<i>           parameter i after step k
"""
import torch

from golden_io import GoldenText, fmt_tensor

STEPS = 6
GRAD_SCALE = [1.0, 0.3, 2.0, 0.1, 0.5, 0.05]  # shrinking and growing gradients exercise amsgrad's max
SKIP = {(3, 1)}  # (step, parameter) pairs with no gradient


CASES = [
    # name, optimizer, constructor kwargs, optional (lr_step, lr_new)
    ("sgd_plain", "sgd", dict(lr=0.1), None),
    ("sgd_momentum", "sgd", dict(lr=0.1, momentum=0.9), None),
    ("sgd_dampening_weight_decay", "sgd", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01), None),
    ("sgd_nesterov", "sgd", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.001), None),
    ("sgd_lr_change", "sgd", dict(lr=0.1, momentum=0.5), (4, 0.02)),
    ("adam_default", "adam", dict(lr=1e-3), None),
    ("adam_weight_decay", "adam", dict(lr=0.01, weight_decay=0.05), None),
    ("adam_all_options", "adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True), None),
    ("adam_lr_change", "adam", dict(lr=0.01), (4, 0.003)),
    ("adamw_default", "adamw", dict(lr=1e-3), None),
    ("adamw_strong_decay", "adamw", dict(lr=0.05, weight_decay=0.5), None),
    ("adamw_all_options", "adamw", dict(lr=0.01, betas=(0.85, 0.995), eps=1e-7, weight_decay=0.1, amsgrad=True), None),
    ("rmsprop_default", "rmsprop", dict(lr=0.01), None),
    ("rmsprop_centered", "rmsprop", dict(lr=0.01, alpha=0.9, centered=True), None),
    ("rmsprop_momentum_weight_decay", "rmsprop", dict(lr=0.005, momentum=0.9, weight_decay=0.01), None),
    ("rmsprop_all_options", "rmsprop",
     dict(lr=0.002, alpha=0.95, eps=1e-6, weight_decay=0.02, momentum=0.5, centered=True), (5, 0.001)),
]

CLASSES = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
           "rmsprop": torch.optim.RMSprop}


def attrs_of(kwargs):
    out = []
    for key, value in kwargs.items():
        if key == "betas":
            out.append("beta1=%r beta2=%r" % value)
        elif isinstance(value, bool):
            out.append("%s=%d" % (key, int(value)))
        else:
            out.append("%s=%r" % (key, value))
    return " ".join(out)


def main():
    torch.manual_seed(20240607)
    init = [torch.randn(3, 4), torch.randn(5)]
    grads = {}
    for k in range(1, STEPS + 1):
        for i, p in enumerate(init):
            if (k, i) not in SKIP:
                grads[(k, i)] = torch.randn(p.shape) * GRAD_SCALE[k - 1]

    golden = GoldenText("optimizers.txt", "gen_optimizers.py",
                        "parameters after each step of torch.optim optimizers (inputs included)")
    lines = golden.lines
    for name, kind, kwargs, lr_change in CASES:
        params = [p.clone().requires_grad_() for p in init]
        opt = CLASSES[kind](params, **kwargs)
        extra = "" if lr_change is None else " lr_step=%d lr_new=%r" % lr_change
        lines.append("case %s optimizer=%s steps=%d %s%s" % (name, kind, STEPS, attrs_of(kwargs), extra))
        for i, p in enumerate(params):
            lines.append(fmt_tensor("p%d" % i, p))
        for k in range(1, STEPS + 1):
            if lr_change is not None and k == lr_change[0]:
                for group in opt.param_groups:
                    group["lr"] = lr_change[1]
            for i, p in enumerate(params):
                p.grad = grads[(k, i)].clone() if (k, i) in grads else None
                if p.grad is not None:
                    lines.append(fmt_tensor("grad%d_%d" % (k, i), p.grad))
            opt.step()
            for i, p in enumerate(params):
                lines.append(fmt_tensor("after%d_%d" % (k, i), p))

    golden.save()


if __name__ == "__main__":
    main()
