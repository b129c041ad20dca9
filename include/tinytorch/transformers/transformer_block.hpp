// include/tinytorch/transformers/transformer_block.hpp
// Module 13 · Transformers — lesson: modules/13_transformers/README.md §4
#pragma once
#include <memory>
#include <string>

#include "tinytorch/transformers/causal_self_attention.hpp"
#include "tinytorch/transformers/layer_norm.hpp"
#include "tinytorch/transformers/mlp.hpp"

namespace tinytorch::nn {

/// A pre-norm transformer block (GPT-2, nanoGPT):
///   x = x + attn(ln_1(x))       every position looks at the ones before it
///   x = x + mlp(ln_2(x))        every position is transformed on its own
/// x: [B, T, C] -> [B, T, C]. The residual path carries x through unchanged, so gradients reach
/// the first layers directly; normalising *before* each sub-layer keeps that path clean.
/// Children: ln_1, attn, ln_2, mlp (nanoGPT's names, hence its state_dict keys).
class TransformerBlock : public Module {
public:
    TransformerBlock(int64_t n_embd, int64_t n_head, double dropout = 0.0, bool bias = true,
                     std::shared_ptr<RotaryEmbedding> rotary = nullptr, std::string gelu_approximate = "none");

    Tensor forward(const Tensor& x) override;
    /// The second half alone: x + mlp(ln_2(x)) (for callers that run attention themselves,
    /// e.g. with cached keys and values).
    Tensor feed_forward(const Tensor& x);

    std::shared_ptr<LayerNorm> ln_1;
    std::shared_ptr<CausalSelfAttention> attn;
    std::shared_ptr<LayerNorm> ln_2;
    std::shared_ptr<MLP> mlp;
};

inline TransformerBlock::TransformerBlock(int64_t n_embd, int64_t n_head, double dropout, bool bias,
                                          std::shared_ptr<RotaryEmbedding> rotary, std::string gelu_approximate) {
    // BEGIN SOLUTION: TransformerBlock::TransformerBlock (§4)
    ln_1 = register_module("ln_1", std::make_shared<LayerNorm>(LayerNormOptions({n_embd}).bias(bias)));
    attn = register_module("attn", std::make_shared<CausalSelfAttention>(n_embd, n_head, dropout, bias, std::move(rotary)));
    ln_2 = register_module("ln_2", std::make_shared<LayerNorm>(LayerNormOptions({n_embd}).bias(bias)));
    mlp = register_module("mlp", std::make_shared<MLP>(n_embd, 4 * n_embd, dropout, bias, std::move(gelu_approximate)));
    // END SOLUTION
}

inline Tensor TransformerBlock::forward(const Tensor& x) {
    // BEGIN SOLUTION: TransformerBlock::forward (§4)
    Tensor h = x + attn->forward(ln_1->forward(x));
    return feed_forward(h);
    // END SOLUTION
}

inline Tensor TransformerBlock::feed_forward(const Tensor& x) {
    // BEGIN SOLUTION: TransformerBlock::feed_forward (§4)
    return x + mlp->forward(ln_2->forward(x));
    // END SOLUTION
}

}  // namespace tinytorch::nn
