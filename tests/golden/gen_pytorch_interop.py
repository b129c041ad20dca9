#!/usr/bin/python3
"""Checkpoints that travel both ways between PyTorch and TinyTorch (docs/pytorch-interop.md).

Run from the repository root with the system Python that has torch:
    /usr/bin/python3 tests/golden/gen_pytorch_interop.py

PyTorch -> TinyTorch. It trains two small models in PyTorch (a few SGD steps on random data):
    mlp: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    cnn: nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2),
                       nn.Flatten(), nn.Linear(27, 2))        (BatchNorm in eval mode afterwards)
and writes their state_dicts with PyTorch's dtypes (num_batches_tracked is int64) to
tests/golden/interop_{mlp,cnn}_from_torch.safetensors, and an input and PyTorch's output for each
to tests/golden/pytorch_interop.txt (cases mlp_from_torch, cnn_from_torch).

TinyTorch -> PyTorch. tests/08_training/test_pytorch_interop.cpp (mlp) and
tests/09_convolutions/test_pytorch_interop.cpp (cnn) build the same architectures in TinyTorch
with exactly representable weights (golden::interop::set_exact_values in tests/golden/interop.hpp;
no training, so the bytes depend neither on the GEMM library nor on the compiler) and check that
save_weights writes exactly tests/golden/interop_{mlp,cnn}_from_tinytorch.safetensors. This script
loads those files into the PyTorch models with load_state_dict(strict=True), checks every dtype
and shape equals PyTorch's own state_dict, and writes PyTorch's output on them (cases
mlp_from_tinytorch, cnn_from_tinytorch), which the tests compare with TinyTorch's output.
To rewrite those two files after a deliberate change, run the two tests with
TINYTORCH_INTEROP_WRITE_DIR=tests/golden, then this script.

The safetensors reader/writer (golden_io.py) follows the specification (8-byte little-endian
header length, JSON header padded with spaces, raw little-endian data); the `safetensors`
package, when installed, is used as well to check that it reads the TinyTorch files.
"""
import os

import torch
import torch.nn as nn

from golden_io import HERE, GoldenText, read_safetensors, write_safetensors

def make_mlp():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def make_cnn():
    return nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(27, 2))


def train(model, x, classes, steps):
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    target = torch.randint(0, classes, (x.shape[0],))
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), target).backward()
        opt.step()
    model.eval()


def main():
    torch.manual_seed(20251124)
    golden = GoldenText("pytorch_interop.txt", "gen_pytorch_interop.py",
                        "inputs and PyTorch's outputs of the interop models (eval mode)")

    def case(name, x, y):
        golden.case(name, {"input": x, "out": y})

    mlp, cnn = make_mlp(), make_cnn()
    train(mlp, torch.randn(16, 4), 3, 5)
    train(cnn, torch.randn(8, 1, 6, 6), 2, 7)  # 7 steps: num_batches_tracked = 7
    x_mlp, x_cnn = torch.randn(5, 4), torch.randn(2, 1, 6, 6)
    with torch.no_grad():
        for name, model, x in (("mlp", mlp, x_mlp), ("cnn", cnn, x_cnn)):
            path = os.path.join(HERE, "interop_%s_from_torch.safetensors" % name)
            write_safetensors(path, model.state_dict(), {"format": "pt"})
            back = read_safetensors(path)  # our own writer, read back: same tensors
            for k, v in model.state_dict().items():
                assert back[k].dtype == v.dtype and torch.equal(back[k], v), k
            case("%s_from_torch" % name, x, model(x))

        # TinyTorch -> PyTorch: the files the C++ tests write, loaded strictly into the same models.
        for name, make, x in (("mlp", make_mlp, x_mlp), ("cnn", make_cnn, x_cnn)):
            path = os.path.join(HERE, "interop_%s_from_tinytorch.safetensors" % name)
            if not os.path.exists(path):
                print("skipped %s (run the C++ test with TINYTORCH_INTEROP_WRITE_DIR first)" % path)
                continue
            model = make()
            state = read_safetensors(path)
            own = model.state_dict()
            assert sorted(state) == sorted(own), "keys differ: %s vs %s" % (sorted(state), sorted(own))
            for k, v in own.items():
                assert state[k].dtype == v.dtype, "%s: %s written, PyTorch has %s" % (k, state[k].dtype, v.dtype)
                assert state[k].shape == v.shape, "%s: shape %s, PyTorch has %s" % (k, state[k].shape, v.shape)
            model.load_state_dict(state, strict=True)
            try:
                import safetensors.torch  # the official reader, when installed
                official = safetensors.torch.load_file(path)
                assert all(torch.equal(official[k], state[k]) for k in state)
            except ImportError:
                pass
            model.eval()
            case("%s_from_tinytorch" % name, x, model(x))

    golden.save()


if __name__ == "__main__":
    main()
