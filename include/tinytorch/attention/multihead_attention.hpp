// include/tinytorch/attention/multihead_attention.hpp
// Module 12 · Attention — lesson: modules/12_attention/README.md §6 (multi-head attention)
//
//   nn::MultiheadAttention mha(nn::MultiheadAttentionOptions(512, 8).dropout(0.1).batch_first(true));
//   auto [out, weights] = mha.forward(x, x, x);               // self-attention, x [N, L, 512]
//   auto [out2, w2] = mha.forward(x, memory, memory, pad);    // cross-attention, key padding mask [N, S]
//
// PyTorch's nn.MultiheadAttention, parameter names included: in_proj_weight [3E, E] (q, k, v
// stacked), in_proj_bias [3E], out_proj.weight [E, E], out_proj.bias [E] (with kdim/vdim ≠ E:
// q_proj_weight, k_proj_weight, v_proj_weight instead of in_proj_weight). Each of the H heads
// attends in its own head_dim = E/H slice:
//     head_h = softmax(Q_h K_hᵀ/√head_dim + mask) V_h,   out = concat(head_1..head_H) W_outᵀ + b_out
// MASKS HERE MEAN THE OPPOSITE OF scaled_dot_product_attention's: for nn.MultiheadAttention a
// BOOLEAN attn_mask / key_padding_mask is true where attending is NOT allowed (PyTorch's
// convention for this module); float masks are added to the scores in both.
// Layout: batch_first = false (PyTorch's default) means [L, N, E]; an unbatched [L, E] input works too.
#pragma once
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "tinytorch/attention/scaled_dot_product_attention.hpp"
#include "tinytorch/layers/init.hpp"
#include "tinytorch/layers/linear.hpp"
#include "tinytorch/layers/module.hpp"

namespace tinytorch::nn {

/// Everything that defines a MultiheadAttention: MultiheadAttentionOptions(512, 8).dropout(0.1).
struct MultiheadAttentionOptions {
    MultiheadAttentionOptions(int64_t embed_dim, int64_t num_heads) : embed_dim_(embed_dim), num_heads_(num_heads) {}
    /// Dropout on the attention weights, in training mode only.
    MultiheadAttentionOptions& dropout(double v) { dropout_ = v; return *this; }
    /// Biases in the input and output projections.
    MultiheadAttentionOptions& bias(bool v) { bias_ = v; return *this; }
    /// true: inputs and output are [N, L, E]; false (default, as PyTorch): [L, N, E].
    MultiheadAttentionOptions& batch_first(bool v) { batch_first_ = v; return *this; }
    /// Width of the key / value inputs (default embed_dim).
    MultiheadAttentionOptions& kdim(int64_t v) { kdim_ = v; return *this; }
    MultiheadAttentionOptions& vdim(int64_t v) { vdim_ = v; return *this; }
    int64_t embed_dim() const { return embed_dim_; }
    int64_t num_heads() const { return num_heads_; }
    double dropout() const { return dropout_; }
    bool bias() const { return bias_; }
    bool batch_first() const { return batch_first_; }
    int64_t kdim() const { return kdim_.value_or(embed_dim_); }
    int64_t vdim() const { return vdim_.value_or(embed_dim_); }

private:
    int64_t embed_dim_, num_heads_;
    double dropout_ = 0.0;
    bool bias_ = true, batch_first_ = false;
    std::optional<int64_t> kdim_, vdim_;
};

/// Multi-head attention with PyTorch's nn.MultiheadAttention semantics (see the file comment).
// forward(query, key, value, ...) hides Module::forward(x) on purpose: as in libtorch,
// mha.forward(x) must not compile (self-attention is forward(x, x, x)). clang warns about the
// hiding (-Woverloaded-virtual); the pragma says it is meant.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverloaded-virtual"
class MultiheadAttention : public Module {
public:
    MultiheadAttention(int64_t embed_dim, int64_t num_heads)
        : MultiheadAttention(MultiheadAttentionOptions(embed_dim, num_heads)) {}
    explicit MultiheadAttention(const MultiheadAttentionOptions& options);

    /// {attn_output, attn_weights}. Shapes (batch_first = false; swap L/S and N for true):
    ///   query [L, N, E], key [S, N, kdim], value [S, N, vdim] (or unbatched [L, E], [S, kdim], [S, vdim])
    ///   key_padding_mask [N, S]  (bool: true = ignore this key; float: added)
    ///   attn_mask [L, S] or [N·num_heads, L, S]  (bool: true = NOT allowed; float: added)
    ///   attn_output [L, N, E];  attn_weights [N, L, S] averaged over heads (average_attn_weights),
    ///   else [N, num_heads, L, S]; undefined when need_weights is false (the fused path runs then).
    ///   is_causal: PyTorch treats it as a hint that attn_mask is causal; here, without an
    ///   attn_mask it applies the causal mask itself (PyTorch raises).
    std::tuple<Tensor, Tensor> forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                       const Tensor& key_padding_mask = {}, bool need_weights = true,
                                       const Tensor& attn_mask = {}, bool average_attn_weights = true,
                                       bool is_causal = false);
    void reset_parameters(Generator& gen = default_generator());
    std::string extra_repr() const override;
    const MultiheadAttentionOptions& options() const { return options_; }
    int64_t embed_dim() const { return options_.embed_dim(); }
    int64_t num_heads() const { return options_.num_heads(); }
    int64_t head_dim() const { return options_.embed_dim() / options_.num_heads(); }

    Tensor in_proj_weight;  ///< [3E, E] (undefined when kdim or vdim differ from E)
    Tensor q_proj_weight;   ///< [E, E]    only when kdim or vdim differ from E
    Tensor k_proj_weight;   ///< [E, kdim]
    Tensor v_proj_weight;   ///< [E, vdim]
    Tensor in_proj_bias;    ///< [3E] (undefined with bias(false))
    std::shared_ptr<Linear> out_proj;  ///< E -> E; "out_proj.weight", "out_proj.bias"

private:
    MultiheadAttentionOptions options_;
    bool same_dims_ = true;  ///< kdim == vdim == E: one packed in_proj_weight
};
#pragma GCC diagnostic pop

namespace detail {

/// x @ wᵀ (+ b): a projection without a Linear module (the weights are slices of in_proj_weight).
inline Tensor mha_project(const Tensor& x, const Tensor& w, const Tensor& b) {
    Tensor y = x.matmul(w.t());
    return b.defined() ? y + b : y;
}

/// A MultiheadAttention mask as an additive float tensor: a boolean mask is true where attending
/// is NOT allowed (-> −inf), a float mask is returned as it is.
inline Tensor mha_additive_mask(const Tensor& mask) {
    if (!mask.defined() || !tinytorch::detail::is_bool_mask(mask)) return mask;
    return where(mask, full({}, -std::numeric_limits<float>::infinity()), zeros({}));
}

}  // namespace detail

inline MultiheadAttention::MultiheadAttention(const MultiheadAttentionOptions& o) : options_(o) {
    const int64_t E = o.embed_dim(), H = o.num_heads();
    if (E <= 0 || H <= 0)
        throw ValueError(fmt("MultiheadAttention: embed_dim and num_heads must be positive, got embed_dim=", E,
                             " num_heads=", H, "; hint: MultiheadAttention(512, 8)"));
    if (E % H != 0)
        throw ValueError(fmt("MultiheadAttention: embed_dim (", E, ") must be divisible by num_heads (", H, "): ", E,
                             " % ", H, " = ", E % H, "; hint: each head gets embed_dim / num_heads features, e.g. ",
                             "embed_dim ", E - E % H > 0 ? E - E % H : H, " with ", H, " heads"));
    if (o.kdim() <= 0 || o.vdim() <= 0)
        throw ValueError(fmt("MultiheadAttention: kdim and vdim must be positive, got kdim=", o.kdim(), " vdim=", o.vdim(),
                             "; hint: they default to embed_dim"));
    if (!(o.dropout() >= 0.0 && o.dropout() <= 1.0))
        throw ValueError(fmt("MultiheadAttention: dropout must be in [0, 1], got ", o.dropout(),
                             "; hint: dropout(0.1) drops 10% of the attention weights in training"));
    same_dims_ = o.kdim() == E && o.vdim() == E;
    // BEGIN SOLUTION: MultiheadAttention::MultiheadAttention (§6)
    if (same_dims_) {
        in_proj_weight = register_parameter("in_proj_weight", empty({3 * E, E}));
    } else {
        q_proj_weight = register_parameter("q_proj_weight", empty({E, E}));
        k_proj_weight = register_parameter("k_proj_weight", empty({E, o.kdim()}));
        v_proj_weight = register_parameter("v_proj_weight", empty({E, o.vdim()}));
    }
    if (o.bias()) in_proj_bias = register_parameter("in_proj_bias", empty({3 * E}));
    out_proj = register_module("out_proj", std::make_shared<Linear>(E, E, o.bias()));
    // END SOLUTION
    reset_parameters();
}

inline void MultiheadAttention::reset_parameters(Generator& gen) {
    // BEGIN SOLUTION: MultiheadAttention::reset_parameters (§6)
    // As PyTorch: Xavier-uniform projections, zero biases; out_proj keeps Linear's weight init.
    if (same_dims_) {
        init::xavier_uniform_(in_proj_weight, 1.0, gen);
    } else {
        init::xavier_uniform_(q_proj_weight, 1.0, gen);
        init::xavier_uniform_(k_proj_weight, 1.0, gen);
        init::xavier_uniform_(v_proj_weight, 1.0, gen);
    }
    out_proj->reset_parameters(gen);
    if (in_proj_bias.defined()) {
        init::zeros_(in_proj_bias);
        init::zeros_(out_proj->bias);
    }
    // END SOLUTION
}

inline std::tuple<Tensor, Tensor> MultiheadAttention::forward(const Tensor& query, const Tensor& key,
                                                              const Tensor& value, const Tensor& key_padding_mask,
                                                              bool need_weights, const Tensor& attn_mask,
                                                              bool average_attn_weights, bool is_causal) {
    const int64_t E = embed_dim(), H = num_heads(), hd = head_dim();
    const bool bf = options_.batch_first();
    // ---- shapes: everything is checked before any arithmetic ----------------------------------
    auto shapes = [&] {
        return fmt("query ", tinytorch::detail::attention_shape_str(query), ", key ",
                   tinytorch::detail::attention_shape_str(key), ", value ", tinytorch::detail::attention_shape_str(value));
    };
    if (!query.defined() || !key.defined() || !value.defined() || query.dim() < 2 || query.dim() > 3 ||
        key.dim() != query.dim() || value.dim() != query.dim())
        throw ShapeError(fmt("MultiheadAttention: expected query, key and value all 3-D (", bf ? "[N, L, E]" : "[L, N, E]",
                             ") or all 2-D (unbatched [L, E]), got ", shapes(), "; hint: batch_first is ",
                             bf ? "true" : "false"));
    const bool batched = query.dim() == 3;
    const Tensor q_in = batched ? query : query.unsqueeze(bf ? 0 : 1);  // [L, 1, E] or [1, L, E]
    const Tensor k_in = batched ? key : key.unsqueeze(bf ? 0 : 1);
    const Tensor v_in = batched ? value : value.unsqueeze(bf ? 0 : 1);
    const int64_t N = q_in.size(bf ? 0 : 1), L = q_in.size(bf ? 1 : 0), S = k_in.size(bf ? 1 : 0);
    if (q_in.size(2) != E || k_in.size(2) != options_.kdim() || v_in.size(2) != options_.vdim())
        throw ShapeError(fmt("MultiheadAttention: expected last dims query ", E, ", key ", options_.kdim(), ", value ",
                             options_.vdim(), ", got ", shapes(), "; hint: the last dim is embed_dim (kdim/vdim ",
                             "for key and value)"));
    if (k_in.size(bf ? 0 : 1) != N || v_in.size(bf ? 0 : 1) != N || v_in.size(bf ? 1 : 0) != S)
        throw ShapeError(fmt("MultiheadAttention: query, key and value must share the batch size N and key and value ",
                             "the length S, got ", shapes(), "; hint: batch_first is ", bf ? "true ([N, L, E])" : "false ([L, N, E])"));
    Tensor mask;  // additive, broadcastable to [N, H, L, S]
    if (attn_mask.defined()) {
        const bool ok2 = attn_mask.dim() == 2 && attn_mask.size(0) == L && attn_mask.size(1) == S;
        const bool ok3 = attn_mask.dim() == 3 && attn_mask.size(0) == N * H && attn_mask.size(1) == L && attn_mask.size(2) == S;
        if (!ok2 && !ok3)
            throw ShapeError(fmt("MultiheadAttention: attn_mask must be [L, S] = [", L, ", ", S, "] or [N*num_heads, L, S] = [",
                                 N * H, ", ", L, ", ", S, "], got ", shape_str(attn_mask.shape()),
                                 "; hint: with ", shapes()));
        mask = detail::mha_additive_mask(attn_mask);
        if (ok3) mask = mask.reshape({N, H, L, S});
    }
    if (key_padding_mask.defined()) {
        const bool ok = batched ? key_padding_mask.dim() == 2 && key_padding_mask.size(0) == N && key_padding_mask.size(1) == S
                                : key_padding_mask.dim() == 1 && key_padding_mask.size(0) == S;
        if (!ok)
            throw ShapeError(fmt("MultiheadAttention: key_padding_mask must be ", batched ? fmt("[N, S] = [", N, ", ", S, "]")
                                                                                     : fmt("[S] = [", S, "]"),
                                 ", got ", shape_str(key_padding_mask.shape()), "; hint: one entry per key (true = padding)"));
        const Tensor kpm = detail::mha_additive_mask(key_padding_mask).reshape({N, 1, 1, S});
        mask = mask.defined() ? mask + kpm : kpm;
    }
    const bool causal = is_causal && !mask.defined();
    const double p = is_training() ? options_.dropout() : 0.0;
    // BEGIN SOLUTION: MultiheadAttention::forward (§6)
    // 1. projections, in the input's own layout; self-attention does one GEMM with in_proj_weight
    Tensor q, k, v;
    const Tensor bq = in_proj_bias.defined() ? in_proj_bias.narrow(0, 0, E) : Tensor();
    const Tensor bk = in_proj_bias.defined() ? in_proj_bias.narrow(0, E, E) : Tensor();
    const Tensor bv = in_proj_bias.defined() ? in_proj_bias.narrow(0, 2 * E, E) : Tensor();
    if (same_dims_ && query.is_same(key) && key.is_same(value)) {
        const Tensor qkv = detail::mha_project(q_in, in_proj_weight, in_proj_bias);  // [.., .., 3E]
        q = qkv.narrow(-1, 0, E);
        k = qkv.narrow(-1, E, E);
        v = qkv.narrow(-1, 2 * E, E);
    } else {
        q = detail::mha_project(q_in, same_dims_ ? in_proj_weight.narrow(0, 0, E) : q_proj_weight, bq);
        k = detail::mha_project(k_in, same_dims_ ? in_proj_weight.narrow(0, E, E) : k_proj_weight, bk);
        v = detail::mha_project(v_in, same_dims_ ? in_proj_weight.narrow(0, 2 * E, E) : v_proj_weight, bv);
    }
    // 2. split heads: [L, N, E] -> [L, N, H, hd] -> [N, H, L, hd] (views: the kernel reads in place)
    const std::vector<int64_t> to_heads = bf ? std::vector<int64_t>{0, 2, 1, 3} : std::vector<int64_t>{1, 2, 0, 3};
    auto heads = [&](const Tensor& t, int64_t len) {
        return t.reshape(bf ? Shape{N, len, H, hd} : Shape{len, N, H, hd}).permute(to_heads);
    };
    const Tensor qh = heads(q, L), kh = heads(k, S), vh = heads(v, S);
    // 3. attention per head: naive when the weights are wanted, else the fused kernel
    Tensor attn, weights;
    if (need_weights) {
        const tinytorch::detail::AttentionGeometry g =
            tinytorch::detail::attention_geometry(qh, kh, vh, "MultiheadAttention");
        const uint64_t seed = tinytorch::detail::attention_dropout_seed(p, "MultiheadAttention");
        std::tie(attn, weights) = tinytorch::detail::attention_naive(
            qh, kh, vh, g, mask, causal, static_cast<float>(1.0 / std::sqrt(static_cast<double>(hd))), p, seed);
        if (average_attn_weights) weights = weights.mean(1);  // [N, L, S]
    } else {
        attn = scaled_dot_product_attention(qh, kh, vh, mask, p, causal);
    }
    // 4. merge heads back into the input's layout and project
    const Tensor merged = (bf ? attn.permute({0, 2, 1, 3}) : attn.permute({2, 0, 1, 3}))
                              .reshape(bf ? Shape{N, L, E} : Shape{L, N, E});
    Tensor out = out_proj->forward(merged);
    if (!batched) {
        out = out.squeeze(bf ? 0 : 1);
        if (weights.defined()) weights = weights.squeeze(0);
    }
    return {out, weights};
    // END SOLUTION
}

inline std::string MultiheadAttention::extra_repr() const {
    std::string s = fmt("embed_dim=", embed_dim(), ", num_heads=", num_heads());
    if (options_.dropout() > 0.0) s += fmt(", dropout=", options_.dropout());
    if (!options_.bias()) s += ", bias=false";
    if (options_.batch_first()) s += ", batch_first=true";
    if (!same_dims_) s += fmt(", kdim=", options_.kdim(), ", vdim=", options_.vdim());
    return s;
}

}  // namespace tinytorch::nn
