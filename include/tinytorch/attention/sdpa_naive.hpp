// include/tinytorch/attention/sdpa_naive.hpp
// Module 12 · Attention — lesson: modules/12_attention/README.md §2 (the definition)
//
//     Attention(Q, K, V) = softmax(Q Kᵀ · scale + mask) V          scale = 1/√E by default
// shapes: query [..., L, E], key [..., S, E], value [..., S, Ev] -> [..., L, Ev]
//
// The naive path writes exactly that with tensor ops: it MATERIALISES the [..., L, S] scores
// and weights (and autograd keeps them for backward: O(L·S) memory per head). It is the
// reference the fused path (flash_attention.hpp) is tested against, and it returns the weights,
// which nn::MultiheadAttention hands back when need_weights is true.
// A row whose every score is masked (−inf) gets weights 0 and output 0 — never NaN (PyTorch
// gives NaN there): such rows are softmaxed as zeros and multiplied by 0, so no NaN reaches
// the gradients either.
#pragma once
#include <limits>
#include <optional>
#include <utility>

#include "tinytorch/attention/attention_geometry.hpp"

namespace tinytorch {
namespace detail {

/// {output [..., L, Ev], weights [..., L, S]} of the definition, from tensor ops (differentiable
/// through their own rules). `mask` is ADDITIVE (additive_attention_mask) or undefined; the
/// weights returned are the ones multiplied with V (after dropout, as PyTorch's MHA returns).
inline std::pair<Tensor, Tensor> attention_naive(const Tensor& query, const Tensor& key, const Tensor& value,
                                                 const AttentionGeometry& g, const Tensor& mask, bool is_causal,
                                                 float scale, double dropout_p, uint64_t seed) {
    // BEGIN SOLUTION: detail::attention_naive (§2)
    Tensor scores = query.matmul(key.transpose(-2, -1)).mul(scale);  // [..., L, S]
    if (mask.defined()) scores = scores + mask;
    if (is_causal) scores = scores + causal_additive_mask(g.L, g.S);
    // Rows with no key left: softmax would give 0/0 = NaN. Softmax them as zeros instead (any
    // finite row works) and zero their weights; `dead` is a constant, so no gradient flows into it.
    const float minus_inf = -std::numeric_limits<float>::infinity();
    const Tensor dead = g.S == 0 ? ones(Shape(scores.shape().begin(), scores.shape().end() - 1), kBool).unsqueeze(-1)
                                 : scores.detach().amax(-1, /*keepdim=*/true).eq(minus_inf);  // [..., L, 1], Bool
    const bool any_dead = dead.sum().item() > 0.0f;
    if (any_dead) scores = where(dead, zeros({}), scores);
    Tensor weights = softmax(scores, -1);
    if (any_dead) weights = weights * dead.logical_not();
    if (dropout_p > 0.0) weights = weights * attention_dropout_mask(g, dropout_p, seed);
    return {weights.matmul(value), weights};
    // END SOLUTION
}

}  // namespace detail

/// softmax(Q Kᵀ · scale + mask) V with the [..., L, S] weights materialised (see the file comment);
/// the same arguments and meaning as scaled_dot_product_attention (scaled_dot_product_attention.hpp).
inline Tensor scaled_dot_product_attention_naive(const Tensor& query, const Tensor& key, const Tensor& value,
                                                 const Tensor& attn_mask = {}, double dropout_p = 0.0,
                                                 bool is_causal = false, std::optional<double> scale = std::nullopt) {
    const char* op = "scaled_dot_product_attention_naive";
    const detail::AttentionGeometry g = detail::attention_geometry(query, key, value, op);
    const Tensor mask = detail::additive_attention_mask(attn_mask, g, is_causal, op);
    const uint64_t seed = detail::attention_dropout_seed(dropout_p, op);
    return detail::attention_naive(query, key, value, g, mask, is_causal, detail::attention_scale(scale, g.E),
                                   dropout_p, seed)
        .first;
}

}  // namespace tinytorch
