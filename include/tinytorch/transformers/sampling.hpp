// include/tinytorch/transformers/sampling.hpp
// Module 13 · Transformers — lesson: modules/13_transformers/README.md §6
//
// Choosing the next token from a row of logits z (one score per vocabulary entry):
//   greedy       the argmax (deterministic; the first one on ties)
//   temperature  p ∝ exp(z / τ): τ < 1 sharpens, τ > 1 flattens (τ = 0 means greedy)
//   top_k        keep the k largest scores (ties with the k-th kept), the rest get p = 0
//   top_p        keep the smallest set of most likely tokens whose probability adds up to ≥ p
//                ("nucleus" sampling), renormalise
// then draw one index from the remaining distribution with a uniform number u: the first i
// whose cumulative probability exceeds u.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::nn {

/// How GPT::generate picks tokens. Aggregate: GenerateOptions{.temperature = 0.8, .top_k = 40}.
struct GenerateOptions {
    double temperature = 1.0;             ///< > 0; 0 behaves as greedy
    int64_t top_k = 0;                    ///< 0: off
    double top_p = 1.0;                   ///< in (0, 1]; 1: off
    bool greedy = false;                  ///< argmax instead of sampling
    std::optional<uint64_t> seed = std::nullopt;       ///< own generator with this seed; else the default generator
    std::optional<int64_t> stop_token = std::nullopt;  ///< a row that emits it stops (and is padded with it)
    /// Once the text outgrows block_size, how many of its newest tokens the model goes on reading
    /// (ContextWindow, context_window.hpp): 0 keeps half a block; block_size is nanoGPT's crop (the
    /// window slides by one token every step, and a KV cache must be filled again every step).
    int64_t context_keep = 0;
};

namespace detail {

/// ValueError for options that cannot mean anything.
inline void check_generate_options(const GenerateOptions& o, const char* op) {
    if (!(o.temperature >= 0.0) || !std::isfinite(o.temperature))
        throw ValueError(fmt(op, ": temperature must be a finite number >= 0, got ", o.temperature,
                             "; hint: 1.0 samples the model's distribution, 0.8 is a bit safer, 0 is greedy"));
    if (o.top_k < 0)
        throw ValueError(fmt(op, ": top_k must be >= 0, got ", o.top_k, "; hint: 0 turns it off, 40 is common"));
    if (!(o.top_p > 0.0 && o.top_p <= 1.0))
        throw ValueError(fmt(op, ": top_p must be in (0, 1], got ", o.top_p, "; hint: 1.0 turns it off, 0.9 is common"));
    if (o.context_keep < 0)
        throw ValueError(fmt(op, ": context_keep must be >= 0, got ", o.context_keep,
                             "; hint: 0 keeps half a block when the text outgrows block_size"));
}

/// ValueError unless 0 <= context_keep <= block_size (the longest window the model can read).
inline void check_context_keep(const GenerateOptions& o, int64_t block_size, const char* op) {
    if (o.context_keep > block_size)
        throw ValueError(fmt(op, ": context_keep (", o.context_keep, ") must be at most the context length ", block_size,
                             "; hint: 0 keeps half a block, ", block_size, " slides the window by one token (nanoGPT)"));
}

}  // namespace detail

/// The next token for one row of `n` logits (see the top of this file). `gen` supplies one
/// uniform number per call (also when greedy, so batches stay in step).
inline int64_t sample_token(const float* logits, int64_t n, const GenerateOptions& options, Generator& gen) {
    detail::check_generate_options(options, "sample_token");
    if (n <= 0) throw ValueError("sample_token: no logits to choose from; hint: the vocabulary is empty");
    int64_t chosen = 0;
    // BEGIN SOLUTION: sample_token (§6)
    // one uniform draw per call, also when greedy, so every row of a batch uses one number
    const double u = static_cast<double>(gen.next_u64() >> 11) * (1.0 / 9007199254740992.0);  // [0, 1)
    if (options.greedy || options.temperature == 0.0)
        return static_cast<int64_t>(std::max_element(logits, logits + n) - logits);
    std::vector<double> z(logits, logits + n);
    for (double& v : z) v /= options.temperature;
    if (options.top_k > 0 && options.top_k < n) {  // the k-th largest score is the cut
        std::vector<double> sorted = z;
        std::nth_element(sorted.begin(), sorted.begin() + (options.top_k - 1), sorted.end(), std::greater<double>());
        const double kth = sorted[options.top_k - 1];
        for (double& v : z)
            if (v < kth) v = -INFINITY;
    }
    const double m = *std::max_element(z.begin(), z.end());  // softmax, shifted for stability
    std::vector<double> p(z.size());
    double total = 0.0;
    for (size_t i = 0; i < z.size(); ++i) total += p[i] = std::exp(z[i] - m);
    for (double& v : p) v /= total;
    if (options.top_p < 1.0) {  // keep the most likely tokens until their mass reaches top_p
        std::vector<int64_t> order(p.size());
        std::iota(order.begin(), order.end(), int64_t(0));
        std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return p[a] > p[b]; });
        double mass = 0.0;
        size_t keep = 0;
        while (keep < order.size() && (keep == 0 || mass < options.top_p)) mass += p[order[keep++]];
        for (size_t i = keep; i < order.size(); ++i) p[order[i]] = 0.0;
        for (double& v : p) v /= mass;
    }
    double cumulative = 0.0;
    chosen = -1;
    for (size_t i = 0; i < p.size(); ++i) {
        if (p[i] <= 0.0) continue;
        cumulative += p[i];
        chosen = static_cast<int64_t>(i);  // the last token with mass, should rounding leave u above the total
        if (u < cumulative) break;
    }
    // END SOLUTION
    return chosen;
}

/// One next token per row of logits [B, V] -> ids [B] (floats holding whole numbers).
inline Tensor sample_tokens(const Tensor& logits, const GenerateOptions& options, Generator& gen) {
    if (!logits.defined() || logits.dim() != 2)
        throw ShapeError(fmt("sample_tokens: expected logits [B, V], got ",
                             logits.defined() ? shape_str(logits.shape()) : std::string("an undefined tensor"),
                             "; hint: take the last position first, logits.select(1, -1)"));
    const Tensor l = logits.contiguous();
    const int64_t B = l.size(0), V = l.size(1);
    Tensor out = empty({B});
    for (int64_t b = 0; b < B; ++b)
        out.data_ptr()[b] = static_cast<float>(sample_token(l.data_ptr() + b * V, V, options, gen));
    return out;
}

}  // namespace tinytorch::nn
