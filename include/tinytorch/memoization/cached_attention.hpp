// include/tinytorch/memoization/cached_attention.hpp
// Module 18 · Memoization — lesson: modules/18_memoization/README.md §3
//
// Causal self-attention for NEW tokens only, with the keys and values of the earlier tokens
// taken from a KVCache. With S0 positions already cached and T new tokens (x [B, T, C]):
//     q, k, v = project_qkv(x, start_pos = S0)          [B, H, T, d]   (RoPE: positions S0 .. S0+T−1)
//     K, V    = cache.append(layer, k, v)               [B, H, S0 + T, d]
//     y       = softmax(q·Kᵀ/√d + mask)·V               [B, H, T, d]
//     out     = project_out(y)                          [B, T, C]
// The mask: new token i sits at position S0 + i and may see keys 0 .. S0 + i.
//   prefill (S0 = 0):  the usual causal mask (is_causal, top-left aligned, as without a cache)
//   decode  (T = 1):   no mask at all: the one new token sees every cached key
//   chunk   (S0 > 0, T > 1): bottom-right aligned, an explicit mask (cached_causal_mask)
// It is the same arithmetic as CausalSelfAttention::forward on the whole sequence, restricted
// to the last T rows: that is why cached and uncached logits agree to float rounding.
#pragma once
#include <limits>

#include "tinytorch/memoization/kv_cache.hpp"
#include "tinytorch/transformers/transformers.hpp"

namespace tinytorch::nn {

/// The additive mask of T new queries at positions past .. past + T − 1 against past + T keys:
/// [T, past + T], 0 where key j <= past + i (may attend), −inf elsewhere. past = 0 gives the
/// usual top-left causal mask.
inline Tensor cached_causal_mask(int64_t T, int64_t past) {
    if (T <= 0 || past < 0)
        throw ValueError(fmt("cached_causal_mask: needs T >= 1 new queries and past >= 0 cached keys, got T = ", T,
                             ", past = ", past, "; hint: past is the cache length before the new tokens"));
    Tensor mask;
    // BEGIN SOLUTION: cached_causal_mask (§3)
    const int64_t S = past + T;
    mask = empty({T, S});
    float* m = mask.data_ptr();
    for (int64_t i = 0; i < T; ++i)
        for (int64_t j = 0; j < S; ++j) m[i * S + j] = j <= past + i ? 0.0f : -std::numeric_limits<float>::infinity();
    // END SOLUTION
    return mask;
}

/// attn over the new tokens x [B, T, C] with the earlier keys/values from cache layer `layer`
/// (see the top of this file); appends the new keys/values to the cache. -> [B, T, C].
inline Tensor attention_with_cache(CausalSelfAttention& attn, const Tensor& x, KVCache& cache, int64_t layer) {
    if (!x.defined() || x.dim() != 3 || x.size(0) != cache.batch_size() || x.size(2) != attn.n_embd())
        throw ShapeError(fmt("attention_with_cache: expected x [", cache.batch_size(), ", T, ", attn.n_embd(), "], got ",
                             x.defined() ? shape_str(x.shape()) : std::string("an undefined tensor"),
                             "; hint: the batch of the new tokens must be the cache's batch"));
    if (attn.n_head() != cache.n_head() || attn.head_dim() != cache.head_dim())
        throw ShapeError(fmt("attention_with_cache: the cache holds ", cache.n_head(), " heads of ", cache.head_dim(),
                             " dims, the attention has ", attn.n_head(), " of ", attn.head_dim(),
                             "; hint: make the cache with make_kv_cache(model, batch_size)"));
    Tensor out;
    // BEGIN SOLUTION: attention_with_cache (§3)
    const int64_t past = cache.length(layer), T = x.size(1);
    CausalSelfAttention::Heads h = attn.project_qkv(x, past);  // the new tokens only, at their own positions
    auto [K, V] = cache.append(layer, h.k, h.v);               // [B, H, past + T, d], views of the cache
    Tensor y;
    if (past == 0)
        y = attn.attend({h.q, K, V}, Tensor(), /*is_causal=*/true);  // prefill: as without a cache
    else if (T == 1)
        y = attn.attend({h.q, K, V}, Tensor(), /*is_causal=*/false);  // decode: every cached key is in the past
    else
        y = attn.attend({h.q, K, V}, cached_causal_mask(T, past), /*is_causal=*/false);
    out = attn.project_out(y);
    // END SOLUTION
    return out;
}

/// A pre-norm TransformerBlock over the new tokens x [B, T, C] with cached attention:
///   h = x + attention_with_cache(ln_1(x));  return h + mlp(ln_2(h))     (block.feed_forward)
inline Tensor block_with_cache(TransformerBlock& block, const Tensor& x, KVCache& cache, int64_t layer) {
    Tensor out;
    // BEGIN SOLUTION: block_with_cache (§3)
    Tensor h = x + attention_with_cache(*block.attn, (*block.ln_1)(x), cache, layer);
    out = block.feed_forward(h);
    // END SOLUTION
    return out;
}

}  // namespace tinytorch::nn
