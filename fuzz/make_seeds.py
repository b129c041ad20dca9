#!/usr/bin/python3
"""fuzz/make_seeds.py — writes the committed seed corpora under fuzz/corpus/<target>/:
valid files of every format and hostile files of every class issue 15 names (sizes that wrap,
zero dims hiding overflows, gzip bombs, lying headers, doubling BPE merges, duplicate merges,
checkpoint fields out of range, overlong UTF-8...). Deterministic; rerun after changing it:
    /usr/bin/python3 fuzz/make_seeds.py
Regression inputs that a fuzzer found are kept beside these as regress-*."""
import gzip
import json
import os
import struct
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def idx(type_code, dims, payload=b""):
    return bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload


# ---- IDX -----------------------------------------------------------------------------------
images = idx(0x08, [3, 4, 4], bytes(range(48)))
labels = idx(0x08, [3], bytes([1, 7, 9]))
for name, data in {
    "valid-images": images,
    "valid-labels": labels,
    "valid-int16": idx(0x0B, [2, 2], struct.pack(">4h", -1, 2, -300, 4)),
    "valid-int32": idx(0x0C, [3], struct.pack(">3i", -7, 0, 70000)),
    "valid-float32": idx(0x0D, [2], struct.pack(">2f", 1.5, -2.25)),
    "valid-float64": idx(0x0E, [2], struct.pack(">2d", 1e300, -0.5)),
    "valid-sbyte": idx(0x09, [4], bytes([0x80, 0x7F, 0, 0xFF])),
    "valid-empty": idx(0x08, [0, 28, 28]),
    "hostile-wrap": idx(0x08, [0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 16], bytes(64)),
    "hostile-zero-hides-overflow": idx(0x08, [0, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF]),
    "hostile-255-dims": idx(0x08, [1] * 255, b"\x05"),
    "hostile-truncated": images[:-5],
    "hostile-extra": images + b"\x00\x01",
    "hostile-bad-type": bytes([0, 0, 0x0A, 1, 0, 0, 0, 1, 9]),
    "hostile-zero-dims": bytes([0, 0, 8, 0]),
    "hostile-short": b"\x00\x00",
}.items():
    put("idx_raw", name, data)
    put("idx_gz", name, data)  # the harness gzips inputs that are not gzip already
bomb_header = idx(0x08, [10, 4, 4])
for name, data in {
    "valid-images.gz": gz(images),
    "valid-labels.gz": gz(labels),
    "valid-two-members.gz": gz(images[:20]) + gz(images[20:]),
    "hostile-bomb-lying-header.gz": gz(bomb_header + bytes(4 << 20)),
    "hostile-bomb-not-idx.gz": gz(b"PK\x03\x04" + bytes(4 << 20)),
    "hostile-bomb-huge-header.gz": gz(idx(0x08, [0xFFFFFF, 0xFFFF]) + bytes(4 << 20)),
    "hostile-truncated.gz": gz(images)[:30],
    "hostile-bad-crc.gz": gz(images)[:-6] + b"\x00" + gz(images)[-5:],
    "hostile-header-only.gz": gz(images[:10]),
    "hostile-garbage-after.gz": gz(images) + b"\x1f\x8bjunk",
}.items():
    put("idx_gz", name, data)


# ---- CIFAR-10 ------------------------------------------------------------------------------
def cifar(labels_):
    return b"".join(bytes([lab]) + bytes((r * 7 + k) % 256 for k in range(3072)) for r, lab in enumerate(labels_))


for name, data in {
    "valid-2": cifar([3, 9]),
    "valid-1": cifar([0]),
    "valid-2.gz": gz(cifar([5, 1])),
    "hostile-label-10": cifar([1, 10]),
    "hostile-truncated": cifar([1, 2])[:-1],
    "hostile-cifar100-layout": bytes([1, 2]) + bytes(3072) + bytes([3, 4]) + bytes(3072),
    "hostile-bomb.gz": gz(bytes(8 << 20)),
    "hostile-empty": b"",
}.items():
    put("cifar10", name, data)


# ---- safetensors and checkpoints ---------------------------------------------------------------
def safetensors(tensors, metadata=None, header_override=None, tail=b"", pad=True):
    """tensors: list of (name, shape, floats)."""
    header, data, offset = {}, b"", 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, shape, values in tensors:
        raw = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    text = header_override if header_override is not None else json.dumps(header, separators=(",", ":"))
    text = text.encode("utf-8") if isinstance(text, str) else text
    while pad and len(text) % 8:
        text += b" "
    return struct.pack("<Q", len(text)) + text + data + tail


def rng_state(seed=1):
    words = [(seed * 6364136223846793005 + k * 1442695040888963407) % (1 << 64) for k in range(312)]
    return " ".join(str(w) for w in words) + " 312 0 0"


def checkpoint(step_value=3.0, lr="0.005", epoch="2", step="3", rng=None, extra_meta=None, drop=None, nan_tail=False):
    shapes = [("0.weight", [4, 3]), ("0.bias", [4]), ("2.weight", [2, 4]), ("2.bias", [2])]
    tensors = []
    for name, shape in shapes:
        n = 1
        for d in shape:
            n *= d
        tensors.append(("model." + name, shape, [0.1 * ((k % 7) - 3) for k in range(n)]))
    tensors.append(("optimizer.lr", [], [float(lr)]))
    for i, (name, shape) in enumerate(shapes):
        n = 1
        for d in shape:
            n *= d
        tensors.append(("optimizer.state.%d.step" % i, [], [step_value]))
        tensors.append(("optimizer.state.%d.exp_avg" % i, shape, [0.01] * n))
        tensors.append(("optimizer.state.%d.exp_avg_sq" % i, shape, [0.0001] * n))
    if nan_tail:
        name, shape, values = tensors[-1]
        tensors[-1] = (name, shape, values[:-1] + [float("nan")])
    if drop:
        tensors = [t for t in tensors if t[0] != drop]
    meta = {"format": "tinytorch-checkpoint", "epoch": epoch, "step": step, "lr": lr,
            "rng": rng if rng is not None else rng_state(), "scheduler.last_step": "2", "scheduler.base_lr": "0.02"}
    meta.update(extra_meta or {})
    return safetensors(tensors, meta)


valid_st = safetensors([("a", [2, 3], [1, 2, 3, 4, 5, 6]), ("b", [], [7.5])], {"k": "v"})
st = {
    "valid": valid_st,
    "valid-empty": safetensors([]),
    "valid-zero-dim": safetensors([("z", [0, 5], [])]),
    "valid-unicode-name": safetensors([("w\u00e9ight\u2603", [1], [1.0])]),
    "hostile-wrap-shape": safetensors([], header_override='{"x":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}'),
    "hostile-zero-hides-overflow": safetensors([], header_override='{"x":{"dtype":"F32","shape":[0,4294967296,4294967296,4294967296],"data_offsets":[0,0]}}'),
    "hostile-huge-int": safetensors([], header_override='{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,99999999999999999999999]}}'),
    "hostile-overlap": safetensors([], header_override='{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', tail=bytes(12)),
    "hostile-after-json": safetensors([], header_override='{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} trailing', tail=bytes(4)),
    "hostile-bad-escape": safetensors([], header_override='{"\\uzzzz":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', tail=bytes(4)),
    "hostile-escape-utf8": safetensors([], header_override='{"\\u00e9\\ud83d\\ude00":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', tail=bytes(4)),
    "hostile-lone-surrogate": safetensors([], header_override='{"\\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', tail=bytes(4)),
    "hostile-header-len": struct.pack("<Q", (1 << 64) - 1) + b"{}",
    "hostile-dtype": safetensors([], header_override='{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', tail=bytes(4)),
    "hostile-duplicate-key": safetensors([], header_override='{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', tail=bytes(8)),
    "hostile-deep": safetensors([], header_override="[" * 5000),
    "hostile-negative": safetensors([], header_override='{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', tail=bytes(4)),
    "hostile-unterminated": safetensors([], header_override='{"a":{"dtype":"F32","shape":[1],"data_of'),
    "hostile-empty-file": b"",
    "hostile-gap": safetensors([], header_override='{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}', tail=bytes(12)),
    "hostile-bytes-after-data": safetensors([("a", [1], [1.0])], tail=b"hidden"),
    "hostile-leading-space": safetensors([], header_override=' {}'),
    "hostile-not-utf8": safetensors([], header_override=b'{"a\xc0\xaf":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', tail=bytes(4)),
    "hostile-header-over-100mb": struct.pack("<Q", 100000001) + b"{}",
    "valid-mixed-dtypes": safetensors([], header_override='{"h":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"d":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"m":{"dtype":"BOOL","shape":[2],"data_offsets":[12,14]}}', tail=struct.pack("<d", 2.5) + bytes([0, 0x3c, 0, 0xc0, 1, 0])),
}
for name, data in st.items():
    put("safetensors", name, data)

ck = {
    "valid": checkpoint(),
    "valid-weights-only": safetensors([("0.weight", [4, 3], [0.5] * 12), ("0.bias", [4], [0] * 4),
                                       ("2.weight", [2, 4], [0.1] * 8), ("2.bias", [2], [0, 0])],
                                      {"format": "tinytorch-weights"}),
    "hostile-step-1e30": checkpoint(step_value=1e30),
    "hostile-step-inf": checkpoint(step_value=float("inf")),
    "hostile-lr-inf": checkpoint(lr="inf"),
    "hostile-epoch-text": checkpoint(epoch="two"),
    "hostile-epoch-huge": checkpoint(epoch="99999999999999999999999"),
    "hostile-rng-garbage": checkpoint(rng="1 2 3"),
    "hostile-rng-trailing": checkpoint(rng=rng_state() + " 9"),
    "hostile-scheduler-nan": checkpoint(extra_meta={"scheduler.base_lr": "nan"}),
    "hostile-scheduler-missing": checkpoint(extra_meta={"scheduler.last_step": ""}),
    "hostile-missing-buffer": checkpoint(drop="optimizer.state.3.exp_avg_sq"),
    "hostile-missing-weight": checkpoint(drop="model.2.bias"),
    "hostile-nan-at-end": checkpoint(nan_tail=True),
    "hostile-truncated-at-end": checkpoint()[:-3],
}
for name, data in ck.items():
    put("checkpoint", name, data)


# ---- generator state strings -----------------------------------------------------------------
for name, data in {
    "valid": rng_state(7),
    "valid-spare": " ".join(["5"] * 312) + " 3 1 1065353216",
    "hostile-short": "1 2 3",
    "hostile-trailing": rng_state(2) + " x",
    "hostile-huge-number": " ".join(["99999999999999999999999"] * 312) + " 0 0 0",
    "hostile-index-huge": " ".join(["1"] * 312) + " 18446744073709551615 0 0",
    "hostile-flag-2": " ".join(["1"] * 312) + " 0 2 0",
    "hostile-empty": "",
}.items():
    put("generator_state", name, data)


# ---- BPE tokenizer files ---------------------------------------------------------------------
def doubling(count):
    lines = ["97 97"] + ["%d %d" % (255 + m, 255 + m) for m in range(1, count)]
    return "tinytorch-bpe 1\nmerges %d\n%s\nspecials 0\n" % (count, "\n".join(lines))


for name, data in {
    "valid": "tinytorch-bpe 1\nmerges 3\n116 104\n256 101\n32 99\nspecials 2\n<|endoftext|>\n<pad>\n",
    "valid-crlf": "tinytorch-bpe 1\r\nmerges 1\r\n97 98\r\nspecials 0\r\n",
    "valid-empty": "tinytorch-bpe 1\nmerges 0\nspecials 0\n",
    "hostile-doubling": doubling(60),
    "hostile-doubling-16": doubling(16),
    "hostile-duplicate": "tinytorch-bpe 1\nmerges 3\n97 98\n99 100\n97 98\nspecials 0\n",
    "hostile-forward-id": "tinytorch-bpe 1\nmerges 1\n256 97\nspecials 0\n",
    "hostile-huge-count": "tinytorch-bpe 1\nmerges 99999999999999999999\n",
    "hostile-negative": "tinytorch-bpe 1\nmerges 1\n-1 97\nspecials 0\n",
    "hostile-dup-special": "tinytorch-bpe 1\nmerges 0\nspecials 2\n<s>\n<s>\n",
    "hostile-space-special": "tinytorch-bpe 1\nmerges 0\nspecials 1\na b\n",
    "hostile-empty-special": "tinytorch-bpe 1\nmerges 0\nspecials 1\n\n",
    "hostile-trailing": "tinytorch-bpe 1\nmerges 0\nspecials 0\nmore\n",
    "hostile-truncated": "tinytorch-bpe 1\nmerges 4\n97 97\n",
}.items():
    put("bpe_file", name, data)


# ---- text: char tokenizer corpora and encode/decode -------------------------------------------------
texts = {
    "ascii": "hello world, the cat sat on the mat.\n",
    "utf8": "na\u00efve caf\u00e9 \u2615 \U0001F642 \u65e5\u672c",
    "specials": "a<|endoftext|>b<pad><|endoftext|>",
    "edges": "\u0800\ud7ff\ue000\U00010000\U0010FFFF",
}
hostile_texts = {
    "overlong-slash": b"a\xc0\xaf",
    "overlong-3": b"\xe0\x80\xaf",
    "overlong-4": b"\xf0\x8f\xbf\xbf",
    "surrogate-high": b"x\xed\xa0\x80",
    "surrogate-low": b"\xed\xbf\xbf",
    "above-max": b"\xf4\x90\x80\x80",
    "f5-lead": b"\xf5\x80\x80\x80",
    "cut-short": b"ab\xe6\x97",
    "lone-continuation": b"\x80\x80",
    "binary": bytes(range(256)),
}
for name, data in texts.items():
    put("tokenizer_codec", "valid-" + name, data.encode("utf-8", "surrogatepass"))
    put("char_file", "valid-" + name, data.encode("utf-8", "surrogatepass"))
for name, data in hostile_texts.items():
    put("tokenizer_codec", "hostile-" + name, data)
    put("char_file", "hostile-" + name, data)
put("char_file", "hostile-empty", b"")


# ---- milestone flags (argv split at NUL) --------------------------------------------------------
for name, args in {
    "valid": ["--epochs", "3", "--seed", "7", "--quick", "--task", "lenet"],
    "valid-extras": ["--batch", "64", "--lr", "0.05", "--limit", "100", "--data-dir", "/tmp/x", "--out", "runs/x"],
    "valid-help": ["--help"],
    "hostile-epochs-text": ["--epochs", "ten"],
    "hostile-epochs-negative": ["--epochs", "-5"],
    "hostile-seed-huge": ["--seed", "99999999999999999999999"],
    "hostile-missing-value": ["--epochs"],
    "hostile-unknown": ["--nope", "1"],
    "hostile-batch-zero": ["--batch", "0"],
    "hostile-lr-negative": ["--lr", "-0.1"],
    "hostile-lr-nan": ["--lr", "nan"],
    "hostile-limit-huge": ["--limit", "1e999"],
    "hostile-empty-arg": [""],
}.items():
    put("milestone_flags", name, "\0".join(args).encode())
print("seeds written to", ROOT)
