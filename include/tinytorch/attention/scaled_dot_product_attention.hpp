// include/tinytorch/attention/scaled_dot_product_attention.hpp
// Module 12 · Attention — lesson: modules/12_attention/README.md §1 (semantics), §4–§5 (fused path)
//
//     out = softmax(query @ keyᵀ · scale + mask) @ value                    libtorch 2.x semantics
// shapes: query [..., L, E], key [..., S, E], value [..., S, Ev] -> [..., L, Ev] (batch dims broadcast)
//   attn_mask  broadcastable to [..., L, S]: boolean -> true = MAY attend; float -> added to the scores
//   dropout_p  dropout on the attention weights (inverted, global generator); pass 0 in evaluation
//   is_causal  top-left causal mask tril(ones(L, S)); an error together with attn_mask
//   scale      default 1/√E
// The fused streaming kernel (flash_attention.hpp) computes it; it records
// "scaled_dot_product_attention" (inputs q, k, v; saved out, lse [B, L], additive mask; ints
// is_causal, dropout seed; scalars scale, dropout_p) and registers its backward rule below.
// A float attn_mask that itself requires grad takes the naive path (its gradient needs the
// [L, S] weights). A fully masked row gives output 0 (PyTorch: NaN).
// KV-cache note (as in libtorch): is_causal is TOP-LEFT aligned, so a single new query (L = 1)
// against S cached keys must pass is_causal = false (it may see every cached key); a chunk of
// L > 1 new queries after S − L cached ones needs an explicit mask (bottom-right alignment).
#pragma once
#include <cstring>
#include <optional>
#include <vector>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/attention/attention_geometry.hpp"
#include "tinytorch/attention/flash_attention.hpp"
#include "tinytorch/attention/sdpa_naive.hpp"

namespace tinytorch {
namespace detail {

/// `t` with stride 1 in its last dim (a copy only if needed); the kernels read rows in place.
inline Tensor attention_rows_contiguous(const Tensor& t) {
    return t.dim() >= 1 && (t.stride(-1) == 1 || t.size(-1) == 1) ? t : t.contiguous();
}

/// Row stride of dim -2 (any positive value when there is only one row).
inline int64_t attention_row_stride(const Tensor& t) {
    return t.size(-2) == 1 ? std::max<int64_t>(t.size(-1), 1) : t.stride(-2);
}

/// Everything the kernels read, from row-contiguous q, k, v and the additive mask (or undefined).
inline AttentionOperands attention_operands(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                                            const AttentionGeometry& g, bool is_causal, float scale, double dropout_p,
                                            uint64_t seed) {
    AttentionOperands a;
    a.q = q.data_ptr();
    a.k = k.data_ptr();
    a.v = v.data_ptr();
    a.q_off = attention_batch_offsets(q, g, 2);
    a.k_off = attention_batch_offsets(k, g, 2);
    a.v_off = attention_batch_offsets(v, g, 2);
    a.qrs = attention_row_stride(q);
    a.krs = attention_row_stride(k);
    a.vrs = attention_row_stride(v);
    if (mask.defined()) {
        // view the mask as [batch..., L, S] with stride 0 wherever it broadcasts
        Shape target = g.scores_shape();
        const Shape st = broadcast_strides(mask.shape(), mask.strides(), target);
        a.mask = mask.data_ptr();
        a.mrs = st[st.size() - 2];
        a.mcs = st[st.size() - 1];
        const Shape batch_strides(st.begin(), st.end() - 2);
        a.m_off.resize(static_cast<size_t>(g.B));
        for (int64_t b = 0; b < g.B; ++b) {
            int64_t rest = b, o = 0;
            for (int64_t d = static_cast<int64_t>(g.batch.size()) - 1; d >= 0; --d) {
                o += (rest % g.batch[d]) * batch_strides[d];
                rest /= g.batch[d];
            }
            a.m_off[b] = o;
        }
    }
    a.causal = is_causal;
    a.scale = scale;
    a.dropout_p = dropout_p;
    a.seed = seed;
    return a;
}

inline int64_t seed_to_int(uint64_t seed) {
    int64_t out;
    std::memcpy(&out, &seed, sizeof out);
    return out;
}
inline uint64_t int_to_seed(int64_t bits) {
    uint64_t out;
    std::memcpy(&out, &bits, sizeof out);
    return out;
}

}  // namespace detail

/// The fused, memory-lean attention (see the file comment). The default path.
inline Tensor scaled_dot_product_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                                           const Tensor& attn_mask = {}, double dropout_p = 0.0, bool is_causal = false,
                                           std::optional<double> scale = std::nullopt) {
    const char* op = "scaled_dot_product_attention";
    const detail::AttentionGeometry g = detail::attention_geometry(query, key, value, op);
    const Tensor mask = detail::additive_attention_mask(attn_mask, g, is_causal, op);
    const uint64_t seed = detail::attention_dropout_seed(dropout_p, op);
    const float s = detail::attention_scale(scale, g.E);
    if (mask.defined() && mask.requires_grad() && autograd::is_grad_enabled())  // a learned bias needs the weights
        return detail::attention_naive(query, key, value, g, mask, is_causal, s, dropout_p, seed).first;
    const Tensor q = detail::attention_rows_contiguous(query.detach()), k = detail::attention_rows_contiguous(key.detach()),
                 v = detail::attention_rows_contiguous(value.detach());
    const Tensor m = mask.defined() ? mask.detach().contiguous() : Tensor();  // the kernels read it in place
    const detail::AttentionOperands a = detail::attention_operands(q, k, v, m, g, is_causal, s, dropout_p, seed);
    Tensor out = detail::empty_uninitialized(g.out_shape()), lse = detail::empty_uninitialized({g.B, g.L});
    detail::flash_attention_forward(a, g, out.data_ptr(), lse.data_ptr());
    if (autograd::wants_grad(query, key, value))
        autograd::record(out, "scaled_dot_product_attention", {query, key, value}, {out, lse, m},
                         {is_causal ? 1 : 0, detail::seed_to_int(seed)}, {static_cast<double>(s), dropout_p});
    return out;
}

namespace autograd {

/// Backward of "scaled_dot_product_attention": the fused backward pass (flash_attention.hpp),
/// then each gradient summed back over the batch dims its input was broadcast along.
inline std::vector<Tensor> scaled_dot_product_attention_backward(const Node& node, const Tensor& grad_output) {
    const Tensor &query = node.inputs[0], &key = node.inputs[1], &value = node.inputs[2];
    const Tensor &out = node.saved[0], &lse = node.saved[1], &mask = node.saved[2];
    const tinytorch::detail::AttentionGeometry g =
        tinytorch::detail::attention_geometry(query, key, value, "scaled_dot_product_attention backward");
    const Tensor q = tinytorch::detail::attention_rows_contiguous(query.detach());
    const Tensor k = tinytorch::detail::attention_rows_contiguous(key.detach());
    const Tensor v = tinytorch::detail::attention_rows_contiguous(value.detach());
    const tinytorch::detail::AttentionOperands a = tinytorch::detail::attention_operands(
        q, k, v, mask, g, node.ints[0] != 0, static_cast<float>(node.scalars[0]), node.scalars[1],
        tinytorch::detail::int_to_seed(node.ints[1]));
    const Tensor dO = grad_output.contiguous(), o = out.contiguous();
    Shape q_shape = g.batch, k_shape = g.batch, v_shape = g.batch;
    q_shape.insert(q_shape.end(), {g.L, g.E});
    k_shape.insert(k_shape.end(), {g.S, g.E});
    v_shape.insert(v_shape.end(), {g.S, g.Ev});
    Tensor dq = zeros(q_shape), dk = zeros(k_shape), dv = zeros(v_shape);
    tinytorch::detail::flash_attention_backward(a, g, o.data_ptr(), lse.data_ptr(), dO.data_ptr(), dq.data_ptr(),
                                                dk.data_ptr(), dv.data_ptr());
    return {needs_grad(node, 0) ? dq.sum_to(query.shape()) : Tensor(),
            needs_grad(node, 1) ? dk.sum_to(key.shape()) : Tensor(),
            needs_grad(node, 2) ? dv.sum_to(value.shape()) : Tensor()};
}

inline const bool scaled_dot_product_attention_rule_registered =
    register_rule("scaled_dot_product_attention", &scaled_dot_product_attention_backward);

}  // namespace autograd

namespace nn::functional {
using tinytorch::scaled_dot_product_attention;
}  // namespace nn::functional

}  // namespace tinytorch
