// include/tinytorch/memoization/cached_generation.hpp
// Module 18 · Memoization — lesson: modules/18_memoization/README.md §5
//
// GPT::generate (module 13) with a KV cache: the same tokens, a fraction of the work.
//   prefill   the prompt's window (its last block_size tokens) in one forward_with_cache
//   decode    then one token per step: only the newest token runs through the blocks
//   jump      when the window is full (block_size positions) and one more token comes, both paths
//             follow module 13's context policy (ContextWindow, context_window.hpp): the window
//             keeps only its newest `keep` tokens (half a block by default), at positions 0 .. keep − 1.
//             Every kept token moves to another position, so every cached key is stale (learned and
//             sinusoidal positions are added to the token embeddings before the first layer; with
//             RoPE the deeper layers' keys still depend on the dropped tokens): the cache is reset
//             and the kept tokens are prefilled again — exactly what GPT::generate computes. Then
//             decoding goes on one token per step until the window is full again. One prefill of
//             `keep` tokens per block_size − keep + 1 new tokens: the cache stays fast past the
//             block. (With keep = block_size, nanoGPT's crop, every step past the block would be a
//             prefill of block_size tokens — no faster than without a cache.)
// Sampling, seeds and stop tokens work as in GPT::generate: one sample_tokens call per new token on
// the same generator, so with the same seed both give the same tokens (the logits agree to float
// rounding; see the lesson §5 for why that is enough in practice, and the tests).
#pragma once
#include <algorithm>
#include <vector>

#include "tinytorch/memoization/cached_gpt.hpp"

namespace tinytorch::nn {

/// GPT::generate with a KV cache (see the top of this file): continues every row of idx [B, T0]
/// by max_new_tokens tokens -> [B, T0 + n]. The window the model reads holds at most
/// min(block_size, cache.capacity()) tokens, and jumps to the newest options.context_keep when it
/// is full (see the top of this file). Runs in eval mode without a graph. `cache` must be shaped
/// for the model and batch (make_kv_cache(model, B)); it is reset first and afterwards holds the
/// keys and values of the last window but its newest token.
inline Tensor generate_with_cache(GPT& model, const Tensor& idx, int64_t max_new_tokens, KVCache& cache,
                                  const GenerateOptions& options = {}) {
    detail::check_generate_options(options, "generate_with_cache");
    if (max_new_tokens < 0)
        throw ValueError(fmt("generate_with_cache: max_new_tokens must be >= 0, got ", max_new_tokens,
                             "; hint: how many tokens to add to each row"));
    if (!idx.defined() || idx.dim() != 2 || idx.size(0) == 0 || idx.size(1) == 0)
        throw ShapeError(fmt("generate_with_cache: expected prompts [B, T] with B >= 1 and T >= 1, got ",
                             idx.defined() ? shape_str(idx.shape()) : std::string("an undefined tensor"),
                             "; hint: one prompt [T] needs a batch dim: idx.unsqueeze(0)"));
    cache.reset();
    detail::check_cache_fits(model, cache, idx.narrow(1, 0, 1), "generate_with_cache");
    detail::check_context_keep(options, std::min(cache.capacity(), model.config().block_size), "generate_with_cache");
    if (max_new_tokens == 0) return idx.contiguous().clone();
    Generator own(options.seed.value_or(0));  // with options.seed: a private stream for this call
    const bool was_training = model.is_training();
    NoGradGuard no_grad;
    model.eval();
    Tensor out;
    // BEGIN SOLUTION: generate_with_cache (§5)
    Generator& gen = options.seed ? own : default_generator();
    const int64_t B = idx.size(0), V = model.config().vocab_size;
    std::vector<float> tokens = idx.contiguous().to_vector();  // row-major [B, len]
    int64_t len = idx.size(1);
    std::vector<bool> stopped(static_cast<size_t>(B), false);
    // module 13's context policy, for a window as long as the cache
    ContextWindow window(std::min(cache.capacity(), model.config().block_size), options.context_keep);
    window.start(len);
    // logits of the last position of each row, [B, V]: from a prefill of the whole window...
    auto prefill = [&] {
        cache.reset();
        Tensor context = Tensor(tokens, {B, len}).narrow(1, window.begin(), window.size()).contiguous();
        return forward_with_cache(model, context, cache, /*last_only=*/true).reshape({B, V});
    };
    Tensor logits = prefill();
    std::vector<float> newest(static_cast<size_t>(B));
    for (int64_t step = 0; step < max_new_tokens; ++step) {
        Tensor next = sample_tokens(logits, options, gen);
        std::vector<float> grown(static_cast<size_t>(B * (len + 1)));
        bool all_stopped = true;
        for (int64_t b = 0; b < B; ++b) {
            std::copy_n(tokens.begin() + b * len, len, grown.begin() + b * (len + 1));
            float t = next.data_ptr()[b];
            if (options.stop_token) {  // a row that stopped is padded with the stop token
                if (stopped[b]) t = static_cast<float>(*options.stop_token);
                if (t == static_cast<float>(*options.stop_token)) stopped[b] = true;
                all_stopped = all_stopped && stopped[b];
            }
            grown[b * (len + 1) + len] = newest[b] = t;
        }
        tokens.swap(grown);
        ++len;
        if ((options.stop_token && all_stopped) || step + 1 == max_new_tokens) break;
        // ...then one token per step while it fits; when the window jumps, prefill it again
        if (window.push())
            logits = prefill();
        else
            logits = forward_with_cache(model, Tensor(newest, {B, 1}), cache, /*last_only=*/true).reshape({B, V});
    }
    out = Tensor(tokens, {B, len});
    // END SOLUTION
    model.train(was_training);
    return out;
}

/// The same with a cache of its own (make_kv_cache(model, B): block_size positions).
inline Tensor generate_with_cache(GPT& model, const Tensor& idx, int64_t max_new_tokens,
                                  const GenerateOptions& options = {}) {
    if (!idx.defined() || idx.dim() != 2 || idx.size(0) == 0 || idx.size(1) == 0)
        throw ShapeError(fmt("generate_with_cache: expected prompts [B, T] with B >= 1 and T >= 1, got ",
                             idx.defined() ? shape_str(idx.shape()) : std::string("an undefined tensor"),
                             "; hint: one prompt [T] needs a batch dim: idx.unsqueeze(0)"));
    KVCache cache = make_kv_cache(model, idx.size(0));
    return generate_with_cache(model, idx, max_new_tokens, cache, options);
}

}  // namespace tinytorch::nn
