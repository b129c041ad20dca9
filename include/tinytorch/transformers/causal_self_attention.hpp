// include/tinytorch/transformers/causal_self_attention.hpp
// Module 13 · Transformers — lesson: modules/13_transformers/README.md §3
//
// Multi-head causal self-attention as nanoGPT writes it: one Linear makes queries, keys and
// values for every head at once (c_attn: C -> 3C), scaled_dot_product_attention (module 12)
// with is_causal mixes each position with the positions before it, and c_proj: C -> C mixes
// the heads. Shapes: x [B, T, C] -> q, k, v [B, H, T, C/H] -> y [B, H, T, C/H] -> [B, T, C].
//
// The three steps are public methods, so a caller can run them on new tokens with its own
// keys and values (module 18's KV cache):
//     Heads h = attn.project_qkv(x_new, start_pos);            // q, k, v of the new tokens
//     Tensor k = cat({k_cache, h.k}, 2), v = cat({v_cache, h.v}, 2);
//     Tensor y = attn.attend({h.q, k, v}, mask, /*is_causal=*/false);
//     Tensor out = attn.project_out(y);
// forward(x) is exactly project_out(attend(project_qkv(x))) with is_causal = true.
#pragma once
#include <memory>
#include <string>

#include "tinytorch/attention/attention.hpp"
#include "tinytorch/embeddings/embeddings.hpp"
#include "tinytorch/layers/layers.hpp"

namespace tinytorch::nn {

/// nanoGPT's CausalSelfAttention: c_attn (C -> 3C), SDPA with a causal mask, c_proj (C -> C),
/// dropout on the attention weights and on the output (training only). With a RotaryEmbedding,
/// queries and keys are rotated by their positions before the scores (RoPE).
class CausalSelfAttention : public Module {
public:
    /// Queries, keys and values of every head: each [B, H, T, head_dim].
    struct Heads {
        Tensor q, k, v;
    };

    CausalSelfAttention(int64_t n_embd, int64_t n_head, double dropout = 0.0, bool bias = true,
                        std::shared_ptr<RotaryEmbedding> rotary = nullptr);

    /// x [B, T, C] -> q, k, v [B, H, T, C/H]; with RoPE, q and k are rotated for positions
    /// start_pos .. start_pos + T − 1.
    Heads project_qkv(const Tensor& x, int64_t start_pos = 0);
    /// softmax(q·kᵀ/√d + mask)·v per head -> [B, H, T_q, head_dim]. Attention-weight dropout
    /// in training mode. is_causal masks key j > query i (top-left aligned, as libtorch).
    Tensor attend(const Heads& heads, const Tensor& attn_mask = {}, bool is_causal = true);
    /// y [B, H, T, head_dim] -> heads side by side [B, T, C] -> c_proj -> dropout.
    Tensor project_out(const Tensor& y);
    /// x [B, T, C] -> [B, T, C]: project_out(attend(project_qkv(x))).
    Tensor forward(const Tensor& x) override;
    std::string extra_repr() const override;

    int64_t n_embd() const { return n_embd_; }
    int64_t n_head() const { return n_head_; }
    int64_t head_dim() const { return n_embd_ / n_head_; }
    double attn_dropout() const { return dropout_p_; }

    std::shared_ptr<Linear> c_attn;            ///< C -> 3C: [q | k | v], head h at columns h·d .. h·d + d − 1 of each
    std::shared_ptr<Linear> c_proj;            ///< C -> C
    std::shared_ptr<Dropout> resid_dropout;    ///< on the output
    std::shared_ptr<RotaryEmbedding> rotary;   ///< RoPE, or null (not a registered child: it has no weights)

private:
    int64_t n_embd_, n_head_;
    double dropout_p_;
};

inline CausalSelfAttention::CausalSelfAttention(int64_t n_embd, int64_t n_head, double dropout, bool bias,
                                                std::shared_ptr<RotaryEmbedding> rope)
    : rotary(std::move(rope)), n_embd_(n_embd), n_head_(n_head), dropout_p_(dropout) {
    if (n_embd <= 0 || n_head <= 0 || n_embd % n_head != 0)
        throw ValueError(fmt("CausalSelfAttention: n_embd (", n_embd, ") must be a positive multiple of n_head (",
                             n_head, "); hint: each head gets n_embd / n_head dims, e.g. n_embd=128 with 4 heads"));
    if (!(dropout >= 0.0 && dropout < 1.0))
        throw ValueError(fmt("CausalSelfAttention: dropout must be in [0, 1), got ", dropout,
                             "; hint: 0.0 for small data, 0.1-0.2 for bigger models"));
    // BEGIN SOLUTION: CausalSelfAttention::CausalSelfAttention (§3)
    c_attn = register_module("c_attn", std::make_shared<Linear>(n_embd, 3 * n_embd, bias));
    c_proj = register_module("c_proj", std::make_shared<Linear>(n_embd, n_embd, bias));
    resid_dropout = register_module("resid_dropout", std::make_shared<Dropout>(dropout));
    // END SOLUTION
}

inline CausalSelfAttention::Heads CausalSelfAttention::project_qkv(const Tensor& x, int64_t start_pos) {
    if (!x.defined() || x.dim() != 3 || x.size(2) != n_embd_)
        throw ShapeError(fmt("CausalSelfAttention: expected x [B, T, ", n_embd_, "], got ",
                             x.defined() ? shape_str(x.shape()) : std::string("an undefined tensor"),
                             "; hint: a single sequence [T, C] needs a batch dim: x.unsqueeze(0)"));
    Heads h;
    // BEGIN SOLUTION: CausalSelfAttention::project_qkv (§3)
    const int64_t B = x.size(0), T = x.size(1), H = n_head_, d = head_dim();
    // [B, T, 3C] -> [B, T, 3, H, d] -> [3, B, H, T, d]: three views, no copy
    Tensor qkv = c_attn->forward(x).view({B, T, 3, H, d}).permute({2, 0, 3, 1, 4});
    h.q = qkv.select(0, 0);
    h.k = qkv.select(0, 1);
    h.v = qkv.select(0, 2);
    if (rotary) {
        h.q = rotary->forward(h.q, start_pos);
        h.k = rotary->forward(h.k, start_pos);
    }
    // END SOLUTION
    return h;
}

inline Tensor CausalSelfAttention::attend(const Heads& h, const Tensor& attn_mask, bool is_causal) {
    // BEGIN SOLUTION: CausalSelfAttention::attend (§3)
    return scaled_dot_product_attention(h.q, h.k, h.v, attn_mask, is_training() ? dropout_p_ : 0.0, is_causal);
    // END SOLUTION
}

inline Tensor CausalSelfAttention::project_out(const Tensor& y) {
    if (!y.defined() || y.dim() != 4 || y.size(1) != n_head_ || y.size(3) != head_dim())
        throw ShapeError(fmt("CausalSelfAttention::project_out: expected y [B, ", n_head_, ", T, ", head_dim(),
                             "], got ", y.defined() ? shape_str(y.shape()) : std::string("an undefined tensor"),
                             "; hint: pass what attend() returned"));
    // BEGIN SOLUTION: CausalSelfAttention::project_out (§3)
    const int64_t B = y.size(0), T = y.size(2);
    Tensor merged = y.transpose(1, 2).reshape({B, T, n_embd_});  // heads side by side again
    return resid_dropout->forward(c_proj->forward(merged));
    // END SOLUTION
}

inline Tensor CausalSelfAttention::forward(const Tensor& x) {
    return project_out(attend(project_qkv(x), Tensor(), /*is_causal=*/true));
}

inline std::string CausalSelfAttention::extra_repr() const {
    return fmt("n_embd=", n_embd_, ", n_head=", n_head_, ", dropout=", dropout_p_, rotary ? ", rope" : "");
}

}  // namespace tinytorch::nn
