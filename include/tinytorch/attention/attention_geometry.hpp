// include/tinytorch/attention/attention_geometry.hpp
// Module 12 · Attention — lesson: modules/12_attention/README.md §1 (shapes and masks)
//
// What scaled_dot_product_attention checks before any arithmetic, shared by the naive and the
// fused path:
//   shapes  query [..., L, E], key [..., S, E], value [..., S, Ev]; the batch dims "..."
//           broadcast (as matmul's); the output is [batch..., L, Ev];
//   masks   attn_mask broadcast to [batch..., L, S]. libtorch 2.x meaning: a BOOLEAN mask
//           says where a query MAY attend (true = attend); a FLOAT mask is ADDED to the scores
//           (0 = attend, −inf = blocked, anything else a bias). Both become one additive float
//           mask here, so the kernels only ever add;
//   causal  is_causal = the top-left causal mask tril(ones(L, S)): query i sees keys 0..i.
//           The kernels apply it by position (no [L, S] tensor); error with an attn_mask too;
//   dropout a counter-based random number per (batch, query, key) from one 64-bit seed drawn
//           from the global generator, so the backward pass regenerates the same mask without
//           storing it, and the naive path builds the very same mask.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "tinytorch/layers/layers.hpp"

/// Vectorise the next loop (OpenMP's `simd`): GCC at -O2 leaves loops of unknown length scalar.
#ifndef TINYTORCH_SIMD
#if defined(_OPENMP)
#define TINYTORCH_SIMD _Pragma("omp simd")
#else
#define TINYTORCH_SIMD
#endif
#endif

namespace tinytorch::detail {

/// "[2, 3]" or "an undefined tensor".
inline std::string attention_shape_str(const Tensor& t) {
    return t.defined() ? shape_str(t.shape()) : std::string("an undefined tensor");
}

/// The sizes of one attention call.
struct AttentionGeometry {
    Shape batch;          ///< broadcast batch dims of query, key, value
    int64_t B = 1;        ///< numel of batch
    int64_t L = 0, S = 0; ///< query and key lengths
    int64_t E = 0, Ev = 0;///< query/key width and value width
    Shape out_shape() const {
        Shape s = batch;
        s.push_back(L);
        s.push_back(Ev);
        return s;
    }
    Shape scores_shape() const {
        Shape s = batch;
        s.push_back(L);
        s.push_back(S);
        return s;
    }
};

/// Checks query [..., L, E], key [..., S, E], value [..., S, Ev] and broadcasts their batch dims.
inline AttentionGeometry attention_geometry(const Tensor& q, const Tensor& k, const Tensor& v, const char* op) {
    if (!q.defined() || !k.defined() || !v.defined() || q.dim() < 2 || k.dim() < 2 || v.dim() < 2)
        throw ShapeError(fmt(op, ": query, key and value need at least 2 dims ([..., L, E], [..., S, E], [..., S, Ev]), ",
                             "got ", attention_shape_str(q), ", ", attention_shape_str(k), ", ", attention_shape_str(v),
                             "; hint: a single sequence is [L, E]; heads are a batch dim: [B, n_head, L, head_dim]"));
    AttentionGeometry g;
    g.L = q.size(-2);
    g.E = q.size(-1);
    g.S = k.size(-2);
    g.Ev = v.size(-1);
    if (k.size(-1) != g.E)
        throw ShapeError(fmt(op, ": query and key must have the same last dim E, got query ", shape_str(q.shape()),
                             " and key ", shape_str(k.shape()), "; hint: scores are query @ key^T, so both need E"));
    if (v.size(-2) != g.S)
        throw ShapeError(fmt(op, ": key and value must have the same length S (dim -2), got key ", shape_str(k.shape()),
                             " and value ", shape_str(v.shape()), "; hint: each key has one value"));
    const Shape bq(q.shape().begin(), q.shape().end() - 2), bk(k.shape().begin(), k.shape().end() - 2),
        bv(v.shape().begin(), v.shape().end() - 2);
    const std::string what = fmt(op, " batch dims of query ", shape_str(q.shape()), ", key ", shape_str(k.shape()),
                                 ", value ", shape_str(v.shape()));
    g.batch = broadcast_shapes(broadcast_shapes(bq, bk, what.c_str()), bv, what.c_str());
    g.B = numel_of(g.batch);
    return g;
}

/// Is `mask` a boolean mask (dtype kBool, e.g. from idx.eq(pad) or tril(...).to(kBool))? Then
/// it selects; a kFloat mask is added to the scores — libtorch's rule.
inline bool is_bool_mask(const Tensor& mask) { return mask.dtype() == ScalarType::Bool; }

/// The attention mask as an ADDITIVE float tensor (0 = attend, −inf = blocked) that broadcasts
/// to [batch..., L, S]; undefined when there is no mask. A float mask is returned as it is
/// (it may require grad); a boolean one becomes 0 / −inf.
inline Tensor additive_attention_mask(const Tensor& attn_mask, const AttentionGeometry& g, bool is_causal,
                                      const char* op) {
    if (!attn_mask.defined()) return Tensor();
    if (is_causal)
        throw ValueError(fmt(op, ": both attn_mask ", shape_str(attn_mask.shape()), " and is_causal=true were given; ",
                             "hint: pass one of them (as libtorch): is_causal applies tril(ones(L, S)) by itself"));
    const Shape target = g.scores_shape();
    bool fits = attn_mask.dim() <= static_cast<int64_t>(target.size());
    for (int64_t i = 1; fits && i <= attn_mask.dim(); ++i) {
        const int64_t m = attn_mask.size(-i), t = target[target.size() - static_cast<size_t>(i)];
        fits = m == t || m == 1;
    }
    if (!fits)
        throw ShapeError(fmt(op, ": attn_mask ", shape_str(attn_mask.shape()), " does not broadcast to the attention ",
                             "scores ", shape_str(target), " ([batch..., L, S]); hint: a mask is [L, S] (",
                             g.L, ", ", g.S, ") or has size-1 dims where it is shared, e.g. [B, 1, 1, S] for padding"));
    if (!is_bool_mask(attn_mask)) return attn_mask;
    return where(attn_mask, zeros({}), full({}, -std::numeric_limits<float>::infinity()));
}

/// The top-left causal mask as an additive [L, S] tensor: 0 where key j <= query i, else −inf.
inline Tensor causal_additive_mask(int64_t L, int64_t S) {
    Tensor m = empty({L, S});
    float* p = m.data_ptr();
    const float blocked = -std::numeric_limits<float>::infinity();
    for (int64_t i = 0; i < L; ++i)
        for (int64_t j = 0; j < S; ++j) p[i * S + j] = j <= i ? 0.0f : blocked;
    return m;
}

// ---- dropout on the attention weights: a counter-based generator --------------------------------

/// SplitMix64's finaliser: a 64-bit mix whose every output bit depends on every input bit.
inline uint64_t attention_mix64(uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// Uniform [0, 1) for attention weight number `index` = (b·L + i)·S + j under `seed`: the same
/// number every time it is asked for, so forward and backward agree without storing a mask.
inline float attention_dropout_uniform(uint64_t seed, uint64_t index) {
    return static_cast<float>(attention_mix64(seed ^ attention_mix64(index)) >> 40) * (1.0f / 16777216.0f);
}

/// The multiplier of a kept weight: 1/(1−p) (inverted dropout), 0 when everything is dropped.
inline float attention_dropout_scale(double p) { return p < 1.0 ? static_cast<float>(1.0 / (1.0 - p)) : 0.0f; }

/// Validates dropout_p and draws the seed (only when dropout happens, so p = 0 leaves the global
/// generator untouched).
inline uint64_t attention_dropout_seed(double dropout_p, const char* op) {
    if (!(dropout_p >= 0.0 && dropout_p <= 1.0))
        throw ValueError(fmt(op, ": dropout_p must be in [0, 1], got ", dropout_p,
                             "; hint: pass training ? p : 0.0 (functional attention has no train/eval mode)"));
    return dropout_p > 0.0 ? default_generator().next_u64() : 0;
}

/// The dropout mask as a tensor [batch..., L, S] of 0 or 1/(1−p): what the fused kernel applies
/// element by element, materialised (for the naive path and the tests).
inline Tensor attention_dropout_mask(const AttentionGeometry& g, double p, uint64_t seed) {
    Tensor m = empty(g.scores_shape());
    float* pm = m.data_ptr();
    const float keep_scale = attention_dropout_scale(p), drop = static_cast<float>(p);
    const int64_t n = g.B * g.L * g.S;
    for (int64_t idx = 0; idx < n; ++idx)
        pm[idx] = attention_dropout_uniform(seed, static_cast<uint64_t>(idx)) >= drop ? keep_scale : 0.0f;
    return m;
}

/// The scale of the scores: the given one, else 1/√E.
inline float attention_scale(std::optional<double> scale, int64_t E) {
    return static_cast<float>(scale ? *scale : 1.0 / std::sqrt(static_cast<double>(E)));
}

}  // namespace tinytorch::detail
