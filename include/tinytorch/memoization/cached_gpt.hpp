// include/tinytorch/memoization/cached_gpt.hpp
// Module 18 · Memoization — lesson: modules/18_memoization/README.md §4
//
// A GPT's forward pass over NEW tokens only, the earlier ones coming from a KVCache:
//     idx [B, T] at positions S0 .. S0 + T − 1 (S0 = cache.length())
//     x = model.embed(idx, S0)                                  [B, T, C]
//     x = block_with_cache(block i, x, cache, i)  for every i   (appends T positions to each layer)
//     logits = model.head(x)                                    [B, T, V]  (or the last position only)
// These logits equal model.forward(all S0 + T tokens) at the last T positions (to float rounding).
// Inference only: a cache holds keys and values, not the graph that made them, so a gradient
// could not flow through the cached positions — the functions refuse to run in grad mode.
#pragma once
#include "tinytorch/memoization/cached_attention.hpp"
#include "tinytorch/memoization/kv_cache.hpp"

namespace tinytorch::nn {

/// A cache shaped for `model`: n_layer layers, n_head heads of n_embd / n_head dims, batch_size
/// rows, and `capacity` positions (0 means the model's block_size, the longest context it reads).
inline KVCache make_kv_cache(const GPT& model, int64_t batch_size, int64_t capacity = 0) {
    const GPTConfig& c = model.config();
    if (capacity < 0 || capacity > c.block_size)
        throw ValueError(fmt("make_kv_cache: capacity must be in 1..block_size (", c.block_size, "), or 0 for block_size; got ",
                             capacity, "; hint: the model has positions 0..", c.block_size - 1, " only"));
    return KVCache(c.n_layer, batch_size, c.n_head, capacity == 0 ? c.block_size : capacity, c.n_embd / c.n_head);
}

namespace detail {

/// ValueError unless grad mode is off (a cache is for inference).
inline void check_inference_mode(const char* op) {
    if (autograd::is_grad_enabled())
        throw ValueError(fmt(op, ": the KV cache is for inference, but grad mode is on; hint: run it inside "
                             "{ NoGradGuard no_grad; ... } (generate_with_cache does), and train without a cache"));
}

/// ShapeError / ValueError unless `cache` fits `model` and ids idx [B, T] fit after its positions.
inline void check_cache_fits(const GPT& model, const KVCache& cache, const Tensor& idx, const char* op) {
    const GPTConfig& c = model.config();
    if (cache.n_layer() != c.n_layer || cache.n_head() != c.n_head || cache.head_dim() != c.n_embd / c.n_head)
        throw ShapeError(fmt(op, ": the cache has ", cache.n_layer(), " layers of ", cache.n_head(), " heads x ",
                             cache.head_dim(), " dims, the model ", c.n_layer, " layers of ", c.n_head, " heads x ",
                             c.n_embd / c.n_head, "; hint: make the cache with make_kv_cache(model, batch_size)"));
    if (!idx.defined() || idx.dim() != 2 || idx.size(1) == 0)
        throw ShapeError(fmt(op, ": expected token ids [B, T] with T >= 1, got ",
                             idx.defined() ? shape_str(idx.shape()) : std::string("an undefined tensor"),
                             "; hint: one token per row is [B, 1]"));
    if (idx.size(0) != cache.batch_size())
        throw ShapeError(fmt(op, ": ids ", shape_str(idx.shape()), " have ", idx.size(0), " rows, the cache ",
                             cache.batch_size(), "; hint: make one cache per batch size"));
    const int64_t past = cache.length(), limit = std::min(cache.capacity(), c.block_size);
    if (past + idx.size(1) > limit)
        throw ValueError(fmt(op, ": ", past, " cached positions + ", idx.size(1), " new tokens exceed ", limit,
                             " (block_size ", c.block_size, ", cache capacity ", cache.capacity(),
                             "); hint: cache.reset() and prefill the last ", limit, " tokens again"));
}

}  // namespace detail

/// Logits of the new tokens idx [B, T] (positions cache.length() .. + T − 1), every earlier position
/// read from `cache`, which then holds the new ones too. -> [B, T, V], or [B, 1, V] with last_only
/// (the head on the last position only: all that sampling needs). Grad mode must be off.
inline Tensor forward_with_cache(GPT& model, const Tensor& idx, KVCache& cache, bool last_only = false) {
    detail::check_inference_mode("forward_with_cache");
    detail::check_cache_fits(model, cache, idx, "forward_with_cache");
    Tensor logits;
    // BEGIN SOLUTION: forward_with_cache (§4)
    Tensor x = model.embed(idx, cache.length());
    for (int64_t i = 0; i < model.config().n_layer; ++i) x = block_with_cache(model.block(i), x, cache, i);
    if (last_only) x = x.narrow(1, x.size(1) - 1, 1);
    logits = model.head(x);
    // END SOLUTION
    return logits;
}

}  // namespace tinytorch::nn
