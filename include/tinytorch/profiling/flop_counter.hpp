// include/tinytorch/profiling/flop_counter.hpp
// Module 14 · Profiling — lesson: modules/14_profiling/README.md §2
//
// How many floating-point operations an op performs, by formula from the shapes it really ran
// on. Conventions (the lesson explains them): a multiply-add is 2 FLOPs; an element-wise op is
// 1 FLOP per output element whatever it computes (an exp costs more cycles than an add, but
// it is one operation — time tells you the cost); moving data (views, copies, gathers) is 0.
//
//   matmul   [..., M, K] @ [..., K, N]          2 · batch · M · N · K
//   conv2d   x [N, C, H, W], w [O, C/g, kh, kw]  2 · N · O · Ho · Wo · (C/g) · kh · kw  (+ N·O·Ho·Wo bias)
//   pooling  out [N, C, Ho, Wo], window kh × kw  N · C · Ho · Wo · kh · kw
//   attention q [..., Tq, d], k [..., Tk, d], v [..., Tk, dv]
//                                               2·B·Tq·Tk·d + 2·B·Tq·Tk·dv + 5·B·Tq·Tk (scale + softmax)
//
// A formula gives an op's *inclusive* count; the profiler subtracts what the ops nested inside
// it already counted, so composed ops (mean = sum + mul_scalar, a backward rule made of
// matmuls) are never counted twice. Ops without a formula (-1) count what their children count.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tinytorch/profiling/event.hpp"

namespace tinytorch::profiler {

/// What a FLOP formula sees of one recorded scope.
struct OpShapes {
    std::string_view name;                ///< the op ("matmul"); for a backward rule the forward op's name
    EventKind kind = EventKind::op;
    std::vector<Shape> inputs;            ///< operands (backward: the output gradient first, then the op's inputs)
    std::vector<bool> requires_grad;      ///< one per input
    const Shape* output = nullptr;        ///< the result's shape when the op reported it
    std::vector<int64_t> attributes;      ///< op attributes (pooling window; a backward rule's Node ints)
};

// ---- the formulas a student writes (§2) -------------------------------------------------------

/// 2·batch·M·N·K for a [..., M, K] @ [..., K, N] product (batch dims broadcast; a 1-D operand is
/// a row [1, K] on the left, a column [K, 1] on the right).
inline int64_t matmul_flops(const Shape& a, const Shape& b) {
    // BEGIN SOLUTION: matmul_flops (§2)
    if (a.empty() || b.empty()) return 0;
    const int64_t M = a.size() >= 2 ? a[a.size() - 2] : 1, K = a.back();
    const int64_t N = b.size() >= 2 ? b.back() : 1;
    const Shape batch_a(a.begin(), a.end() - std::min<size_t>(a.size(), 2));
    const Shape batch_b(b.begin(), b.end() - std::min<size_t>(b.size(), 2));
    const int64_t batch = numel_of(broadcast_shapes(batch_a, batch_b, "matmul_flops"));
    return 2 * batch * M * N * K;
    // END SOLUTION
}

/// 2·N·O·Ho·Wo·(C/g)·kh·kw multiply-adds of a convolution, plus one add per output for a bias.
/// weight [O, C/g, kh, kw], output [N, O, Ho, Wo].
inline int64_t conv2d_flops(const Shape& weight, const Shape& output, bool has_bias) {
    // BEGIN SOLUTION: conv2d_flops (§2)
    if (weight.size() != 4 || output.size() != 4) return 0;
    const int64_t taps = weight[1] * weight[2] * weight[3];  // (C/g)·kh·kw inputs per output value
    const int64_t outputs = numel_of(output);
    return 2 * outputs * taps + (has_bias ? outputs : 0);
    // END SOLUTION
}

/// One comparison (max) or addition (average) per window element: numel(output)·kh·kw.
inline int64_t pool2d_flops(const Shape& output, int64_t kh, int64_t kw) {
    // BEGIN SOLUTION: pool2d_flops (§2)
    return numel_of(output) * kh * kw;
    // END SOLUTION
}

/// Scaled dot-product attention: scores q·kᵀ (2·B·Tq·Tk·d), weights·v (2·B·Tq·Tk·dv), and
/// 5 per score for the scale and the softmax (max, subtract, exp, sum, divide).
/// q [..., Tq, d], k [..., Tk, d], v [..., Tk, dv]; B = the product of the leading dims of q.
inline int64_t attention_flops(const Shape& q, const Shape& k, const Shape& v) {
    // BEGIN SOLUTION: attention_flops (§2)
    if (q.size() < 2 || k.size() < 2 || v.size() < 2) return 0;
    const int64_t Tq = q[q.size() - 2], d = q.back(), Tk = k[k.size() - 2], dv = v.back();
    const int64_t B = numel_of(Shape(q.begin(), q.end() - 2));
    const int64_t scores = B * Tq * Tk;
    return 2 * scores * d + 2 * scores * dv + 5 * scores;
    // END SOLUTION
}

// ---- the table of ops (provided: it only routes names to formulas) ------------------------------

namespace detail {
inline bool is_one_of(std::string_view name, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), name) != names.end();
}
/// numel of the broadcast of all inputs: the output size of an element-wise op.
inline int64_t broadcast_numel(const std::vector<Shape>& inputs, size_t first = 0) {
    Shape s;
    for (size_t i = first; i < inputs.size(); ++i) s = broadcast_shapes(s, inputs[i], "flop count");
    return inputs.size() > first ? numel_of(s) : 0;
}
}  // namespace detail

/// The op's FLOPs by formula (inclusive of what it calls), or -1 when it has no formula of its own.
inline int64_t op_flops(const OpShapes& op) {
    using detail::is_one_of;
    const auto& in = op.inputs;
    const auto n = [&](size_t i) { return i < in.size() ? numel_of(in[i]) : 0; };
    const auto needs = [&](size_t i) { return i < op.requires_grad.size() && op.requires_grad[i]; };
    const auto attr = [&](size_t i) { return i < op.attributes.size() ? op.attributes[i] : 0; };
    const std::string_view name = op.name;

    if (op.kind == EventKind::op) {
        if (name == "matmul" && in.size() == 2) return matmul_flops(in[0], in[1]);
        if (name == "linear" && in.size() >= 2 && !in[0].empty() && in[1].size() == 2)  // x @ wᵀ (+ b)
            return matmul_flops(in[0], {in[1][1], in[1][0]}) + (in.size() > 2 ? n(0) / in[0].back() * in[1][0] : 0);
        if (name == "conv2d" && op.output && in.size() >= 2) return conv2d_flops(in[1], *op.output, in.size() > 2);
        if ((name == "max_pool2d" || name == "avg_pool2d") && op.output)
            return pool2d_flops(*op.output, attr(0), attr(1));
        if (name == "adaptive_avg_pool2d" && op.output) return n(0) + numel_of(*op.output);
        if (name == "scaled_dot_product_attention" && in.size() >= 3) return attention_flops(in[0], in[1], in[2]);
        // batch norm: y = x·scale + shift (2 per element); training adds the statistics (mean:
        // 1, variance: 3 per element)
        if (name == "batch_norm2d") return (attr(0) ? 6 : 2) * n(0);
        if (name == "layer_norm") return 8 * n(0);  // mean 1, variance 3, normalise + affine 4
        if (name == "rotary_embedding") return 3 * n(0);  // x·cos + rotate(x)·sin
        if (is_one_of(name, {"softmax", "log_softmax"})) return 5 * n(0);
        if (name == "cross_entropy") return 5 * n(0);  // log-softmax of the logits, one pick per row
        if (name == "binary_cross_entropy_with_logits") return 5 * n(0);
        if (name == "nll_loss") return in.empty() || in[0].empty() ? 0 : in[0][0];  // one pick per row
        if (is_one_of(name, {"add", "sub", "mul", "div", "maximum", "minimum", "where", "masked_fill", "eq", "ne",
                             "lt", "le", "gt", "ge"}))
            return detail::broadcast_numel(in);
        if (is_one_of(name, {"add_scalar", "mul_scalar", "neg", "exp", "log", "sqrt", "pow", "abs", "clamp", "relu",
                             "sigmoid", "tanh", "gelu", "eq_scalar", "ne_scalar", "lt_scalar", "le_scalar",
                             "gt_scalar", "ge_scalar", "mul_", "add_scalar_", "mul_scalar_", "sum", "max", "min",
                             "argmax", "argmin"}))
            return n(0);
        if (name == "add_") return 2 * n(0);  // d += alpha · s
        return -1;  // views, copies, gathers (0 by themselves) and composed ops: their children count
    }
    if (op.kind == EventKind::backward) {  // in[0] = output gradient, in[1..] = the op's inputs
        const int64_t g = n(0);
        if (name == "matmul" && in.size() == 3) {
            const int64_t one = matmul_flops(in[1], in[2]);  // each operand's gradient is a product of the same size
            return (needs(1) ? one : 0) + (needs(2) ? one : 0);
        }
        if (name == "conv2d" && in.size() >= 3 && in[2].size() == 4) {
            const int64_t taps = in[2][1] * in[2][2] * in[2][3];
            return (needs(1) ? 2 * g * taps : 0) + (needs(2) ? 2 * g * taps : 0) + (needs(3) ? g : 0);
        }
        if (name == "max_pool2d") return g;                        // route each gradient to its argmax
        if (name == "avg_pool2d") return g * attr(0) * attr(1);    // spread over the window
        if (name == "adaptive_avg_pool2d") return n(1);
        if (name == "batch_norm2d") return 8 * n(1);
        if (name == "layer_norm") return 13 * n(1);  // x̂ 2, g·γ 1, two row sums 3, dx 4, dγ 2, dβ 1
        if (name == "embedding") return g;           // scatter-add of the output gradient into rows
        if (name == "rotary_embedding") return 3 * g;
        if (name == "scaled_dot_product_attention" && in.size() >= 4 && in[1].size() >= 2 && in[2].size() >= 2 &&
            in[3].size() >= 2) {
            // recompute the scores (2·S·d), dV = Pᵀ·dO and dP = dO·Vᵀ (2·S·dv each), dS (5·S),
            // dQ = dS·K and dK = dSᵀ·Q (2·S·d each); S = B·Tq·Tk scores
            const Shape& q = in[1];
            const int64_t Tq = q[q.size() - 2], d = q.back(), Tk = in[2][in[2].size() - 2], dv = in[3].back();
            const int64_t S = numel_of(Shape(q.begin(), q.end() - 2)) * Tq * Tk;
            return 6 * S * d + 4 * S * dv + 5 * S;
        }
        if (name == "relu") return g;
        if (is_one_of(name, {"sigmoid", "tanh"})) return 3 * g;
        if (name == "gelu") return 2 * g;
        if (is_one_of(name, {"softmax", "log_softmax"})) return 4 * g;
        if (is_one_of(name, {"cross_entropy", "bce_with_logits"})) return 2 * n(1);
        return -1;  // rules made of recorded ops: their children count
    }
    return -1;  // modules and user ranges: the sum of what ran inside
}

}  // namespace tinytorch::profiler
