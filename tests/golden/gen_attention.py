#!/usr/bin/python3
"""PyTorch reference values for module 12 (attention): forward AND backward.

Run from anywhere with the system Python that has torch:
    /usr/bin/python3 tests/golden/gen_attention.py
It rewrites tests/golden/attention.txt (read by tests/12_attention/test_golden.cpp).

Two kinds of cases (attribute op=...):
  sdpa  scaled_dot_product_attention with libtorch 2.x semantics. The torch installed here
        (1.13) has no F.scaled_dot_product_attention, so the case computes its documented
        definition in float64:  softmax(q @ k^T * scale + mask) @ v  with
          mask_kind=float  the mask tensor is added to the scores;
          mask_kind=bool   the mask holds 1 (true = may attend) / 0, blocked entries get -inf;
          causal=1         the top-left mask tril(ones(L, S));
          scale=<s>        an explicit scale (default 1/sqrt(E)).
        Stored: query, key, value, [mask], grad_out, out, grad_query, grad_key, grad_value.
  mha   torch.nn.MultiheadAttention itself (torch 1.13; the same algorithm as 2.x), weights
        drawn here and stored under PyTorch's state_dict names: in_proj_weight, in_proj_bias,
        out_proj.weight, out_proj.bias. Attributes: embed_dim, num_heads, batch_first,
        need_weights, average; masks are boolean (1 = NOT allowed, PyTorch's convention for this
        module) or float (added), named attn_mask / key_padding_mask with attn_kind / kpm_kind.
        Stored: query, key, value, masks, grad_out, out, weights (if need_weights), and the
        gradients grad_query, grad_in_proj_weight, grad_out_proj_weight.

Format: see tests/golden/golden.hpp.
"""
import math

import torch

from golden_io import GoldenText


def main():
    torch.manual_seed(20240712)
    torch.set_num_threads(1)
    golden = GoldenText("attention.txt", "gen_attention.py",
                        "scaled_dot_product_attention (libtorch 2.x definition, float64) and nn.MultiheadAttention")
    lines = golden.lines

    def case(name, op, tensors, **attrs):
        golden.case(name, tensors, op=op, **attrs)

    # ---- scaled_dot_product_attention: (name, q shape, k shape, v shape, mask kind, mask shape, causal, scale)
    sdpa = [
        ("sdpa_basic", (2, 3, 4, 8), (2, 3, 6, 8), (2, 3, 6, 5), None, None, False, None),
        ("sdpa_float_mask", (2, 5, 4), (2, 7, 4), (2, 7, 3), "float", (5, 7), False, None),
        ("sdpa_bool_mask", (2, 2, 5, 4), (2, 2, 6, 4), (2, 2, 6, 4), "bool", (2, 1, 5, 6), False, None),
        ("sdpa_padding_mask", (3, 4, 6), (3, 5, 6), (3, 5, 6), "bool", (3, 1, 5), False, None),
        ("sdpa_causal_square", (2, 6, 4), (2, 6, 4), (2, 6, 4), None, None, True, None),
        ("sdpa_causal_L_lt_S", (1, 3, 4), (1, 5, 4), (1, 5, 2), None, None, True, None),
        ("sdpa_causal_L_gt_S", (1, 5, 4), (1, 3, 4), (1, 3, 2), None, None, True, None),
        ("sdpa_scale", (2, 4, 8), (2, 4, 8), (2, 4, 8), None, None, False, 0.3),
        ("sdpa_causal_scale", (1, 2, 9, 16), (1, 2, 9, 16), (1, 2, 9, 16), None, None, True, 0.05),
        ("sdpa_multiblock", (1, 70, 4), (1, 140, 4), (1, 140, 3), "float", (1, 140), False, None),
    ]
    for name, qs, ks, vs, kind, ms, causal, scale in sdpa:
        q = torch.randn(*qs, dtype=torch.float64)
        k = torch.randn(*ks, dtype=torch.float64)
        v = torch.randn(*vs, dtype=torch.float64)
        q, k, v = (t.float().double().requires_grad_() for t in (q, k, v))  # exactly float32 values
        L, S, E = qs[-2], ks[-2], qs[-1]
        s = (1.0 / math.sqrt(E)) if scale is None else scale
        scores = q @ k.transpose(-2, -1) * s
        mask = None
        if kind == "float":
            mask = torch.randn(*ms, dtype=torch.float64).float().double()
            scores = scores + mask
        elif kind == "bool":
            mask = (torch.rand(*ms) > 0.3)
            mask[..., 0] = True  # keep one key per row visible
            scores = scores.masked_fill(~mask, float("-inf"))
        if causal:
            allowed = torch.ones(L, S, dtype=torch.bool).tril()
            scores = scores.masked_fill(~allowed, float("-inf"))
        out = torch.softmax(scores, dim=-1) @ v
        go = torch.randn_like(out).float().double()
        out.backward(go)
        attrs = {"causal": int(causal)}
        if kind is not None:
            attrs["mask_kind"] = kind
        if scale is not None:
            attrs["scale"] = scale
        case(name, "sdpa",
             {"query": q, "key": k, "value": v, "mask": None if mask is None else mask.double(), "grad_out": go,
              "out": out, "grad_query": q.grad, "grad_key": k.grad, "grad_value": v.grad},
             **attrs)

    # ---- nn.MultiheadAttention
    mhas = [
        # name, E, H, batch_first, N (None = unbatched), L, S, attn kind, kpm kind, need_weights, average
        ("mha_self", 8, 2, False, 3, 5, 5, None, None, True, True),
        ("mha_cross_bool_masks", 8, 4, False, 2, 4, 6, "bool", "bool", True, True),
        ("mha_float_mask_per_head", 6, 3, True, 2, 5, 5, "float", None, True, False),
        ("mha_batch_first_padding", 12, 3, True, 3, 4, 7, None, "bool", False, True),
        ("mha_unbatched", 4, 2, False, None, 3, 5, "bool", None, True, True),
    ]
    for name, E, H, bf, N, L, S, attn_kind, kpm_kind, need_weights, average in mhas:
        m = torch.nn.MultiheadAttention(E, H, batch_first=bf).double()
        with torch.no_grad():
            for p in m.parameters():
                p.copy_(torch.randn_like(p).float().double() * 0.4)
        self_attn = name == "mha_self"
        if N is None:
            qshape, kshape = (L, E), (S, E)
        elif bf:
            qshape, kshape = (N, L, E), (N, S, E)
        else:
            qshape, kshape = (L, N, E), (S, N, E)
        query = torch.randn(*qshape, dtype=torch.float64).float().double().requires_grad_()
        if self_attn:
            key = value = query
        else:
            key = torch.randn(*kshape, dtype=torch.float64).float().double()
            value = torch.randn(*kshape, dtype=torch.float64).float().double()
        attn_mask = None
        if attn_kind == "bool":
            attn_mask = torch.rand(L, S) > 0.7  # True = NOT allowed
            attn_mask[:, 0] = False
        elif attn_kind == "float":
            attn_mask = torch.randn(N * H, L, S, dtype=torch.float64).float().double()
        kpm = None
        if kpm_kind == "bool":
            kpm = torch.zeros(N, S, dtype=torch.bool)
            kpm[-1, S - 2:] = True  # the last sequence has 2 padded keys
        m.train()  # dropout is 0; training mode keeps PyTorch off its inference fast path
        out, weights = m(query, key, value, key_padding_mask=kpm, need_weights=need_weights, attn_mask=attn_mask,
                         average_attn_weights=average)
        go = torch.randn_like(out).float().double()
        out.backward(go)
        tensors = {"query": query, "key": None if self_attn else key, "value": None if self_attn else value,
                   "attn_mask": None if attn_mask is None else attn_mask.double(),
                   "key_padding_mask": None if kpm is None else kpm.double(),
                   "in_proj_weight": m.in_proj_weight, "in_proj_bias": m.in_proj_bias,
                   "out_proj.weight": m.out_proj.weight, "out_proj.bias": m.out_proj.bias,
                   "grad_out": go, "out": out, "weights": weights if need_weights else None,
                   "grad_query": query.grad, "grad_in_proj_weight": m.in_proj_weight.grad,
                   "grad_out_proj_weight": m.out_proj.weight.grad}
        attrs = {"embed_dim": E, "num_heads": H, "batch_first": int(bf), "need_weights": int(need_weights),
                 "average": int(average), "self_attention": int(self_attn)}
        if attn_kind:
            attrs["attn_kind"] = attn_kind
        if kpm_kind:
            attrs["kpm_kind"] = kpm_kind
        case(name, "mha", tensors, **attrs)

    golden.save()


if __name__ == "__main__":
    main()
