// include/tinytorch/embeddings/rotary_embedding.hpp
// Module 11 · Embeddings — lesson: modules/11_embeddings/README.md §7 (rotary position embedding)
//
// RoPE (Su et al. 2021) does not add anything to the token vectors. It ROTATES each query and
// key [..., T, d] by an angle proportional to its position, in d/2 planes at d/2 frequencies:
//     θ_i = base^(−2i/d),  i = 0 .. d/2 − 1;   the angle of plane i at position t is t·θ_i.
// Because a rotation by a and one by b meet in a dot product as a rotation by b − a,
//     <R(t_q) q, R(t_k) k> depends on the positions only through t_q − t_k:
// attention scores see RELATIVE positions, and nothing is learned.
//
// Convention: "rotate half" (GPT-NeoX, LLaMA in Hugging Face): plane i pairs feature i with
// feature i + d/2 (not 2i with 2i+1 as the paper and Meta's original LLaMA code do):
//     y[i]       = x[i]·cos(tθ_i) − x[i + d/2]·sin(tθ_i)
//     y[i + d/2] = x[i + d/2]·cos(tθ_i) + x[i]·sin(tθ_i)          i.e. y = x·cos + rotate_half(x)·sin
// with rotate_half(x) = cat(−x[d/2:], x[:d/2]). rotary_embedding records "rotary_embedding"
// (input x; saved cos, sin tables; ints start_pos) and registers its backward rule: the
// transpose of a rotation is the rotation by −angle, so the gradient is rotated back.
#pragma once
#include <cmath>
#include <string>

#include "tinytorch/embeddings/embedding.hpp"

namespace tinytorch {
namespace detail {

/// cos and sin tables [max_positions, head_dim / 2]: entry (t, i) is cos / sin of t·base^(−2i/head_dim).
inline std::pair<Tensor, Tensor> rotary_tables(int64_t head_dim, int64_t max_positions, double base) {
    const int64_t half = head_dim / 2;
    Tensor cos_table = empty({max_positions, half}), sin_table = empty({max_positions, half});
    // BEGIN SOLUTION: detail::rotary_tables (§7)
    float* pc = cos_table.data_ptr();
    float* ps = sin_table.data_ptr();
    for (int64_t i = 0; i < half; ++i) {
        const double theta = std::pow(base, -2.0 * static_cast<double>(i) / static_cast<double>(head_dim));
        for (int64_t t = 0; t < max_positions; ++t) {
            pc[t * half + i] = static_cast<float>(std::cos(static_cast<double>(t) * theta));
            ps[t * half + i] = static_cast<float>(std::sin(static_cast<double>(t) * theta));
        }
    }
    // END SOLUTION
    return {cos_table, sin_table};
}

/// Checks x [..., T, d] against tables [P, d/2] and positions start_pos..start_pos+T-1.
inline void check_rotary(const Tensor& x, const Tensor& cos_table, const Tensor& sin_table, int64_t start_pos,
                         const char* op) {
    if (!cos_table.defined() || !sin_table.defined() || cos_table.dim() != 2 || cos_table.shape() != sin_table.shape())
        throw ShapeError(fmt(op, ": cos and sin tables must both be [max_positions, head_dim/2], got ",
                             embedding_shape_or_undefined(cos_table), " and ", embedding_shape_or_undefined(sin_table),
                             "; hint: nn::RotaryEmbedding builds them"));
    const int64_t half = cos_table.size(1), P = cos_table.size(0);
    if (!x.defined() || x.dim() < 2 || x.size(-1) != 2 * half)
        throw ShapeError(fmt(op, ": expected input [..., T, ", 2 * half, "] (head_dim last), got ",
                             embedding_shape_or_undefined(x), "; hint: rotate queries and keys per head, ",
                             "e.g. q of shape [B, n_head, T, head_dim]"));
    const int64_t T = x.size(-2);
    if (start_pos < 0 || start_pos + T > P)
        throw IndexError(fmt(op, ": positions ", start_pos, "..", start_pos + T - 1, " are out of range: the ",
                             "tables cover positions 0..", P - 1, " (max_positions ", P, "); hint: build the ",
                             "RotaryEmbedding with max_positions >= the longest sequence"));
}

/// y = rotation of every row of x [rows, d] (row r at position start_pos + r % T) by +angle
/// (sign = +1, the forward pass) or −angle (sign = −1, the backward pass). x, y contiguous.
inline void rotate_rows(const float* x, float* y, int64_t rows, int64_t T, int64_t half, const float* cos_table,
                        const float* sin_table, int64_t start_pos, float sign) {
    // BEGIN SOLUTION: detail::rotate_rows (§7)
    // Each row is two halves a = x[:h], b = x[h:] rotated plane by plane:
    //     y[:h] = a·c − b·s,   y[h:] = b·c + a·s     (s negated to rotate back)
    parallel_for(rows, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(2 * half, 1)), [&](int64_t lo, int64_t hi) {
        for (int64_t r = lo; r < hi; ++r) {
            const int64_t t = start_pos + r % T;
            const float* c = cos_table + t * half;
            const float* s = sin_table + t * half;
            const float* a = x + r * 2 * half;
            const float* b = a + half;
            float* ya = y + r * 2 * half;
            float* yb = ya + half;
            TINYTORCH_SIMD
            for (int64_t i = 0; i < half; ++i) {
                const float si = sign * s[i];
                ya[i] = a[i] * c[i] - b[i] * si;
                yb[i] = b[i] * c[i] + a[i] * si;
            }
        }
    });
    // END SOLUTION
}

}  // namespace detail

/// The rotate-half definition written with tensor ops: x·cos + cat(−x2, x1)·sin, with cos/sin
/// [T, d] = the tables' rows start_pos..start_pos+T-1 repeated for both halves. Differentiable
/// through the ops' own rules; the reference the fused rotary_embedding is tested against.
inline Tensor rotary_embedding_naive(const Tensor& x, const Tensor& cos_table, const Tensor& sin_table,
                                     int64_t start_pos = 0) {
    detail::check_rotary(x, cos_table, sin_table, start_pos, "rotary_embedding_naive");
    const int64_t T = x.size(-2), half = cos_table.size(1);
    const Tensor c = cos_table.narrow(0, start_pos, T), s = sin_table.narrow(0, start_pos, T);
    const Tensor cos_full = cat({c, c}, 1), sin_full = cat({s, s}, 1);  // [T, d]
    const Tensor x1 = x.narrow(-1, 0, half), x2 = x.narrow(-1, half, half);
    return x * cos_full + cat({x2.neg(), x1}, -1) * sin_full;
}

/// RoPE applied to x [..., T, d] at positions start_pos..start_pos+T-1: one fused pass, recorded
/// as "rotary_embedding". cos_table / sin_table [max_positions, d/2] as detail::rotary_tables.
inline Tensor rotary_embedding(const Tensor& x, const Tensor& cos_table, const Tensor& sin_table, int64_t start_pos = 0) {
    detail::check_rotary(x, cos_table, sin_table, start_pos, "rotary_embedding");
    const Tensor src = x.detach().contiguous(), c = cos_table.contiguous(), s = sin_table.contiguous();
    Tensor out = detail::empty_uninitialized(x.shape());
    const int64_t T = x.size(-2), half = cos_table.size(1);
    detail::rotate_rows(src.data_ptr(), out.data_ptr(), x.numel() / std::max<int64_t>(2 * half, 1), T, half,
                        c.data_ptr(), s.data_ptr(), start_pos, 1.0f);
    if (autograd::wants_grad(x)) autograd::record(out, "rotary_embedding", {x}, {c, s}, {start_pos});
    return out;
}

namespace autograd {

/// Backward of "rotary_embedding": a rotation's transpose is its inverse, so grad_x = the
/// output gradient rotated by −angle (same kernel, sin negated).
inline std::vector<Tensor> rotary_embedding_backward(const Node& node, const Tensor& grad_output) {
    const Tensor& c = node.saved[0];
    const Tensor& s = node.saved[1];
    const Tensor g = grad_output.contiguous();
    const int64_t half = c.size(1), T = node.output_shape[node.output_shape.size() - 2];
    Tensor grad_x = tinytorch::detail::empty_uninitialized(node.output_shape);
    // BEGIN SOLUTION: rotary_embedding_backward (§7)
    tinytorch::detail::rotate_rows(g.data_ptr(), grad_x.data_ptr(), g.numel() / std::max<int64_t>(2 * half, 1), T, half,
                                   c.data_ptr(), s.data_ptr(), node.ints[0], -1.0f);
    // END SOLUTION
    return {grad_x};
}

inline const bool rotary_embedding_rule_registered = register_rule("rotary_embedding", &rotary_embedding_backward);

}  // namespace autograd

namespace nn {

/// Rotary position embedding for heads of size head_dim (even), positions 0..max_positions-1:
///   RotaryEmbedding rope(head_dim, block_size);
///   q = rope.forward(q);  k = rope.forward(k);            // q, k: [B, n_head, T, head_dim]
///   q_new = rope.forward(q_new, /*start_pos=*/t);         // one new token at position t (KV cache)
/// Rotate-half convention (GPT-NeoX / LLaMA-HF). No parameters; the cos/sin tables are members.
class RotaryEmbedding : public Module {
public:
    RotaryEmbedding(int64_t head_dim, int64_t max_positions, double base = 10000.0);

    Tensor forward(const Tensor& x) override { return forward(x, 0); }
    Tensor forward(const Tensor& x, int64_t start_pos);
    std::string extra_repr() const override {
        return fmt("head_dim=", head_dim_, ", max_positions=", max_positions_, ", base=", base_);
    }
    int64_t head_dim() const { return head_dim_; }
    int64_t max_positions() const { return max_positions_; }
    double base() const { return base_; }

    Tensor cos_table;  ///< [max_positions, head_dim / 2]: cos(t · base^(−2i/head_dim))
    Tensor sin_table;  ///< [max_positions, head_dim / 2]

private:
    int64_t head_dim_, max_positions_;
    double base_;
};

inline RotaryEmbedding::RotaryEmbedding(int64_t head_dim, int64_t max_positions, double base)
    : head_dim_(head_dim), max_positions_(max_positions), base_(base) {
    if (head_dim <= 0 || head_dim % 2 != 0)
        throw ValueError(fmt("RotaryEmbedding: head_dim must be positive and even, got ", head_dim,
                             "; hint: RoPE rotates pairs of features (i, i + head_dim/2)"));
    if (max_positions <= 0 || !(base > 1.0))
        throw ValueError(fmt("RotaryEmbedding: max_positions must be positive and base > 1, got max_positions=",
                             max_positions, " base=", base, "; hint: RotaryEmbedding(64, 1024) uses base 10000"));
    auto tables = tinytorch::detail::rotary_tables(head_dim, max_positions, base);
    cos_table = tables.first;
    sin_table = tables.second;
}

inline Tensor RotaryEmbedding::forward(const Tensor& x, int64_t start_pos) {
    // BEGIN SOLUTION: RotaryEmbedding::forward (§7)
    return rotary_embedding(x, cos_table, sin_table, start_pos);
    // END SOLUTION
}

}  // namespace nn
}  // namespace tinytorch
