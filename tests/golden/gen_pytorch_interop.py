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
from manual_seed (no training, so the bytes do not depend on the GEMM library) and check that
save_weights writes exactly tests/golden/interop_{mlp,cnn}_from_tinytorch.safetensors. This script
loads those files into the PyTorch models with load_state_dict(strict=True), checks every dtype
and shape equals PyTorch's own state_dict, and writes PyTorch's output on them (cases
mlp_from_tinytorch, cnn_from_tinytorch), which the tests compare with TinyTorch's output.
To rewrite those two files after a deliberate change, run the two tests with
TINYTORCH_INTEROP_WRITE_DIR=tests/golden, then this script.

The safetensors reader/writer below follows the format's specification (8-byte little-endian
header length, JSON header padded with spaces, raw little-endian data); the `safetensors`
package, when installed, is used as well to check that it reads the TinyTorch files.
"""
import json
import os
import struct

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pytorch_interop.txt")
DTYPE_NAMES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16",
               torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
               torch.bool: "BOOL"}
DTYPES = {v: k for k, v in DTYPE_NAMES.items()}


def write_safetensors(path, tensors, metadata):
    """The layout the safetensors library writes: entries sorted by name, contiguous offsets."""
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        data = t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text.encode())
        for c in chunks:
            f.write(c)


def read_safetensors(path):
    """Every tensor of a file, checked the way the safetensors library checks them."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    header.pop("__metadata__", None)
    out, end = {}, 0
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        begin, stop = e["data_offsets"]
        assert begin == end, "%s: offsets leave a gap or overlap" % name
        dtype = DTYPES[e["dtype"]]
        count = 1
        for d in e["shape"]:
            count *= d
        assert stop - begin == count * torch.tensor([], dtype=dtype).element_size(), "%s: wrong byte count" % name
        out[name] = torch.frombuffer(bytearray(data[begin:stop]), dtype=dtype).reshape(e["shape"]).clone()
        end = stop
    assert end == len(data), "trailing bytes after the last tensor"
    return out


def fmt_tensor(name, t):
    t = t.detach().to(torch.float32).contiguous()
    values = ["%.9g" % v for v in t.reshape(-1).tolist()]
    return " ".join(["tensor", name, str(t.dim())] + [str(d) for d in t.shape] + values)


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
    lines = ["# tests/golden/pytorch_interop.txt - generated by tests/golden/gen_pytorch_interop.py; do not edit",
             "# torch %s; inputs and PyTorch's outputs of the interop models (eval mode)" % torch.__version__]

    def case(name, x, y):
        lines.append("case %s" % name)
        lines.append(fmt_tensor("input", x))
        lines.append(fmt_tensor("out", y))

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

    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %s (%d cases)" % (OUT, sum(1 for l in lines if l.startswith("case "))))


if __name__ == "__main__":
    main()
