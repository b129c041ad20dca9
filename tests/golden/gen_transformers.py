#!/usr/bin/python3
"""PyTorch reference values for module 13 (transformers).

Run from anywhere with the system Python that has torch:
    /usr/bin/python3 tests/golden/gen_transformers.py
It rewrites
  tests/golden/transformers_layer_norm.txt   LayerNorm forward and backward (read by
                                             tests/13_transformers/test_layer_norm.cpp)
  tests/golden/transformers_gpt.txt          a small nanoGPT-style model: input ids, targets,
                                             logits, loss, and the gradients of a few parameters
  tests/golden/transformers_gpt.safetensors  that model's weights under nanoGPT's state_dict
                                             names (read by tests/13_transformers/test_gpt_golden.cpp)

Format of the .txt files: see tests/golden/golden.hpp. The model below is written here in the
shape of nanoGPT's model.py (same module names, so the same state_dict keys): a GPT with
transformer.{wte, wpe, h.<i>.{ln_1, attn.{c_attn, c_proj}, ln_2, mlp.{c_fc, c_proj}}, ln_f} and
lm_head tied to wte. Attention is written out (softmax of masked scores), exact GELU.
The weights are drawn with a larger spread than nanoGPT's N(0, 0.02), so that every layer
changes the logits measurably.
"""
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from golden_io import HERE, GoldenText, write_safetensors


def layer_norm_cases():
    w = GoldenText("transformers_layer_norm.txt", "gen_transformers.py",
                   "F.layer_norm outputs and the gradients of sum(grad_out * y) for module 13")
    # (name, input shape, normalized_shape, affine, bias, eps, input offset and scale)
    cases = [
        ("last_dim_affine", (2, 3, 8), (8,), True, True, 1e-5, 0.0, 1.0),
        ("last_dim_no_affine", (4, 6), (6,), False, False, 1e-5, 0.0, 1.0),
        ("two_dims", (3, 2, 5), (2, 5), True, True, 1e-5, 0.0, 1.0),
        ("weight_only", (5, 7), (7,), True, False, 1e-5, 0.0, 1.0),
        ("large_offset", (3, 16), (16,), True, True, 1e-5, 100.0, 0.5),
        ("big_eps", (2, 4), (4,), True, True, 0.1, 0.0, 0.3),
    ]
    for name, shape, ns, affine, has_bias, eps, offset, scale in cases:
        x = (torch.randn(*shape) * scale + offset).requires_grad_()
        weight = (torch.rand(*ns) + 0.5).requires_grad_() if affine else None
        bias = (torch.randn(*ns) * 0.5).requires_grad_() if affine and has_bias else None
        y = F.layer_norm(x, ns, weight, bias, eps)
        g = torch.randn(*shape)
        (y * g).sum().backward()
        w.case(name, {
            "input": x, "weight": weight, "bias": bias, "grad_out": g, "out": y,
            "grad_input": x.grad, "grad_weight": weight.grad if weight is not None else None,
            "grad_bias": bias.grad if bias is not None else None,
        }, eps=repr(eps), normalized_dims=len(ns))
    w.save()


# ---- a nanoGPT-style model -----------------------------------------------------------------------

class LayerNorm(nn.Module):
    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, bias):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=bias)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=bias)
        self.n_head, self.n_embd = n_head, n_embd

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        att = att.masked_fill(~mask, float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, n_embd, bias):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd, bias=bias)
        self.c_proj = nn.Linear(4 * n_embd, n_embd, bias=bias)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, bias):
        super().__init__()
        self.ln_1 = LayerNorm(n_embd, bias)
        self.attn = CausalSelfAttention(n_embd, n_head, bias)
        self.ln_2 = LayerNorm(n_embd, bias)
        self.mlp = MLP(n_embd, bias)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer, n_head, n_embd, bias):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, n_embd),
            wpe=nn.Embedding(block_size, n_embd),
            h=nn.ModuleList([Block(n_embd, n_head, bias) for _ in range(n_layer)]),
            ln_f=LayerNorm(n_embd, bias),
        ))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # tied, as nanoGPT

    def forward(self, idx, targets):
        B, T = idx.size()
        pos = torch.arange(0, T, dtype=torch.long)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        return logits, loss


def gpt_case():
    V, BS, L, H, C = 11, 8, 2, 2, 16
    model = GPT(V, BS, L, H, C, bias=True)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name.endswith("ln_f.weight"):
                p.copy_(1.0 + 0.2 * torch.randn_like(p))
            else:
                p.copy_(0.3 * torch.randn_like(p))
    idx = torch.randint(0, V, (2, 7))
    targets = torch.randint(0, V, (2, 7))
    targets[1, 2] = -1  # ignored position
    logits, loss = model(idx, targets)
    loss.backward()
    sd = model.state_dict()  # both tied keys, like nanoGPT's
    write_safetensors(os.path.join(HERE, "transformers_gpt.safetensors"), {k: v.float() for k, v in sd.items()},
                      sort_names=False)
    w = GoldenText("transformers_gpt.txt", "gen_transformers.py",
                   "a 2-layer nanoGPT-style model (weights in transformers_gpt.safetensors): logits, loss, gradients")
    w.case("gpt_small", {
        "idx": idx.float(), "targets": targets.float(), "logits": logits, "loss": loss,
        "grad_wte": model.transformer.wte.weight.grad,
        "grad_h0_c_attn_weight": model.transformer.h[0].attn.c_attn.weight.grad,
        "grad_h1_ln_2_bias": model.transformer.h[1].ln_2.bias.grad,
        "grad_wpe": model.transformer.wpe.weight.grad,
    }, vocab_size=V, block_size=BS, n_layer=L, n_head=H, n_embd=C, keys=len(sd))
    w.save()


def main():
    torch.manual_seed(20240613)
    torch.set_num_threads(1)
    layer_norm_cases()
    gpt_case()


if __name__ == "__main__":
    main()
