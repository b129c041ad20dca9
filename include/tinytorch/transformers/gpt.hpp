// include/tinytorch/transformers/gpt.hpp
// Module 13 · Transformers — lesson: modules/13_transformers/README.md §5, §6, §7
//
// A decoder-only language model in the shape of GPT-2 / nanoGPT:
//   idx [B, T] (token ids) -> wte(idx) + positions -> dropout -> h.0 .. h.{L-1} (TransformerBlock)
//   -> ln_f -> lm_head (the token embedding again, transposed: weight tying) -> logits [B, T, V]
// Module names follow nanoGPT, so state_dict() keys are the same as a nanoGPT model's:
//   transformer.wte.weight                  [V, C]   token embedding (= lm_head.weight)
//   transformer.wpe.weight                  [block_size, C]   learned positions only
//   transformer.h.<i>.ln_1.weight / .bias   [C]
//   transformer.h.<i>.attn.c_attn.weight    [3C, C]  (+ .bias [3C])
//   transformer.h.<i>.attn.c_proj.weight    [C, C]   (+ .bias [C])
//   transformer.h.<i>.ln_2.weight / .bias   [C]
//   transformer.h.<i>.mlp.c_fc.weight       [4C, C]  (+ .bias [4C])
//   transformer.h.<i>.mlp.c_proj.weight     [C, 4C]  (+ .bias [C])
//   transformer.ln_f.weight / .bias         [C]
//   lm_head.weight                          [V, C]   the same tensor as transformer.wte.weight
// (no .bias keys with bias = false). named_parameters() lists the tied tensor once, as
// transformer.wte.weight; state_dict() has both keys, like PyTorch's.
#pragma once
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tinytorch/embeddings/embeddings.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/transformers/context_window.hpp"
#include "tinytorch/transformers/sampling.hpp"
#include "tinytorch/transformers/transformer_block.hpp"

namespace tinytorch::nn {

/// How positions enter the model: a learned table added to the token embeddings (GPT-2), the
/// fixed sinusoidal table added instead (the 2017 paper), or rotary embeddings applied to
/// queries and keys inside attention (RoPE; nothing is added to the embeddings).
enum class PositionalEncoding { learned, sinusoidal, rope };

inline std::string positional_encoding_name(PositionalEncoding p) {
    switch (p) {
        case PositionalEncoding::learned: return "learned";
        case PositionalEncoding::sinusoidal: return "sinusoidal";
        case PositionalEncoding::rope: return "rope";
    }
    return "?";
}

/// A GPT's shape. Aggregate: GPTConfig{.vocab_size = 65, .block_size = 64, .n_layer = 4}.
/// The defaults are nanoGPT's Shakespeare-on-a-CPU model.
struct GPTConfig {
    int64_t vocab_size = 65;
    int64_t block_size = 64;   ///< longest context (positions 0 .. block_size − 1)
    int64_t n_layer = 4;
    int64_t n_head = 4;
    int64_t n_embd = 128;
    double dropout = 0.0;      ///< embeddings, attention weights, residual branches (training only)
    bool bias = true;          ///< biases in the Linears and LayerNorms
    PositionalEncoding position = PositionalEncoding::learned;
    double rope_base = 10000.0;
    std::string gelu_approximate = "none";  ///< exact GELU; "tanh" for GPT-2's approximation
    int64_t ignore_index = -1;  ///< targets equal to this do not count in the loss
};

/// logits [B, T, V] and (when targets were given) the mean cross-entropy over the counted targets.
struct GPTOutput {
    Tensor logits;
    Tensor loss;
};

/// The output projection that *is* the token embedding (weight tying): y = x @ weightᵀ, no bias.
/// Its parameter "weight" is the embedding's own tensor, so both train as one.
class TiedLinear : public Module {
public:
    explicit TiedLinear(const Tensor& shared_weight) { weight = register_parameter("weight", shared_weight); }
    Tensor forward(const Tensor& x) override { return x.matmul(weight.t()); }
    std::string extra_repr() const override {
        return fmt("in_features=", weight.size(1), ", out_features=", weight.size(0), ", bias=false, tied");
    }
    Tensor weight;  ///< [out, in], shared
};

/// nanoGPT's `transformer` ModuleDict: wte, wpe (learned positions only), drop, h, ln_f.
class GPTBody : public Module {
public:
    std::shared_ptr<Embedding> wte;
    std::shared_ptr<Embedding> wpe;   ///< null unless positions are learned
    std::shared_ptr<Dropout> drop;
    std::shared_ptr<Sequential> h;    ///< the blocks, named "0", "1", ...
    std::shared_ptr<LayerNorm> ln_f;
};

/// A GPT language model (see the top of this file for its layers and parameter names).
class GPT : public Module {
public:
    /// Builds the model and initialises it as nanoGPT: Linear and Embedding weights N(0, 0.02),
    /// biases 0, LayerNorm γ = 1, β = 0, and the projections into the residual stream
    /// (attn.c_proj, mlp.c_proj) N(0, 0.02/√(2·n_layer)), so the residual sum does not grow with depth.
    explicit GPT(const GPTConfig& config, Generator& gen = default_generator());

    /// logits [B, T, V] for ids idx [B, T] (T ≤ block_size).
    Tensor forward(const Tensor& idx) override;
    /// logits and the loss against targets [B, T] (the next token of each position; targets
    /// equal to config.ignore_index are left out of the mean).
    GPTOutput forward(const Tensor& idx, const Tensor& targets);

    // ---- the pieces of forward, for callers that run the blocks themselves (module 18) ----------
    /// wte(idx) (+ positions start_pos .. start_pos + T − 1, unless RoPE), then dropout: [B, T, C].
    Tensor embed(const Tensor& idx, int64_t start_pos = 0);
    /// ln_f and lm_head: x [B, T, C] -> logits [B, T, V].
    Tensor head(const Tensor& x);
    /// Block i (0 .. n_layer − 1).
    TransformerBlock& block(int64_t i) const;

    /// Continue every row of idx [B, T0] by max_new_tokens tokens (sampled, greedy, top-k, top-p,
    /// temperature: see GenerateOptions) -> [B, T0 + n]. The model reads a window of at most
    /// block_size tokens: the prompt's last block_size, then, when the text outgrows the block,
    /// the newest options.context_keep (half a block unless set; block_size is nanoGPT's crop:
    /// see ContextWindow). Runs in eval mode without recording a graph, and recomputes the whole
    /// window every step (no cache: module 18's nn::generate_with_cache gives the same tokens
    /// with a KV cache).
    /// With a stop_token, a row that emitted it is padded with it, and generation ends early
    /// once every row has stopped (n < max_new_tokens then).
    Tensor generate(const Tensor& idx, int64_t max_new_tokens, const GenerateOptions& options = {});

    const GPTConfig& config() const { return config_; }
    /// Parameters, counting the tied embedding once; non_embedding leaves out wpe (as nanoGPT).
    int64_t num_parameters(bool non_embedding = false) const;
    std::string extra_repr() const override;

    std::shared_ptr<GPTBody> transformer;
    std::shared_ptr<TiedLinear> lm_head;

private:
    GPTConfig config_;
    std::shared_ptr<RotaryEmbedding> rotary_;
    Tensor sinusoid_;  ///< [block_size, C] for sinusoidal positions (a constant, not in the state dict)
    std::vector<std::shared_ptr<TransformerBlock>> blocks_;

    void check_ids(const Tensor& idx, const char* op, int64_t start_pos) const;
};

// ================================================================================================
// definitions
// ================================================================================================

inline GPT::GPT(const GPTConfig& c, Generator& gen) : config_(c) {
    if (c.vocab_size <= 0 || c.block_size <= 0 || c.n_layer <= 0 || c.n_head <= 0 || c.n_embd <= 0)
        throw ValueError(fmt("GPT: vocab_size, block_size, n_layer, n_head and n_embd must be positive, got ",
                             c.vocab_size, ", ", c.block_size, ", ", c.n_layer, ", ", c.n_head, ", ", c.n_embd,
                             "; hint: GPTConfig{.vocab_size = 65, .block_size = 64} and the defaults make a small GPT"));
    if (c.n_embd % c.n_head != 0)
        throw ValueError(fmt("GPT: n_embd (", c.n_embd, ") must be a multiple of n_head (", c.n_head,
                             "); hint: each head gets n_embd / n_head dims"));
    if (c.position == PositionalEncoding::rope && (c.n_embd / c.n_head) % 2 != 0)
        throw ValueError(fmt("GPT: rotary embeddings need an even head size, got n_embd / n_head = ", c.n_embd / c.n_head,
                             "; hint: choose n_embd and n_head so that the head size is even"));
    if (!(c.dropout >= 0.0 && c.dropout < 1.0))
        throw ValueError(fmt("GPT: dropout must be in [0, 1), got ", c.dropout, "; hint: 0.0 to 0.2 is usual"));
    // BEGIN SOLUTION: GPT::GPT (§5)
    if (c.position == PositionalEncoding::rope)
        rotary_ = std::make_shared<RotaryEmbedding>(c.n_embd / c.n_head, c.block_size, c.rope_base);
    if (c.position == PositionalEncoding::sinusoidal) sinusoid_ = sinusoidal_position_encoding(c.block_size, c.n_embd);
    transformer = register_module("transformer", std::make_shared<GPTBody>());
    GPTBody& t = *transformer;
    t.wte = t.register_module("wte", std::make_shared<Embedding>(c.vocab_size, c.n_embd));
    if (c.position == PositionalEncoding::learned)
        t.wpe = t.register_module("wpe", std::make_shared<Embedding>(c.block_size, c.n_embd));
    t.drop = t.register_module("drop", std::make_shared<Dropout>(c.dropout));
    t.h = t.register_module("h", std::make_shared<Sequential>());
    for (int64_t i = 0; i < c.n_layer; ++i) {
        auto b = std::make_shared<TransformerBlock>(c.n_embd, c.n_head, c.dropout, c.bias, rotary_, c.gelu_approximate);
        t.h->push_back(b);
        blocks_.push_back(b);
    }
    t.ln_f = t.register_module("ln_f", std::make_shared<LayerNorm>(LayerNormOptions({c.n_embd}).bias(c.bias)));
    lm_head = register_module("lm_head", std::make_shared<TiedLinear>(t.wte->weight));

    // nanoGPT's initialisation
    const double residual_std = 0.02 / std::sqrt(2.0 * static_cast<double>(c.n_layer));
    init::normal_(t.wte->weight, 0.0, 0.02, gen);
    if (t.wpe) init::normal_(t.wpe->weight, 0.0, 0.02, gen);
    for (const auto& b : blocks_) {
        for (Linear* l : {b->attn->c_attn.get(), b->attn->c_proj.get(), b->mlp->c_fc.get(), b->mlp->c_proj.get()}) {
            const bool residual = l == b->attn->c_proj.get() || l == b->mlp->c_proj.get();
            init::normal_(l->weight, 0.0, residual ? residual_std : 0.02, gen);
            if (l->bias.defined()) l->bias.zero_();
        }
    }
    // END SOLUTION
}

inline void GPT::check_ids(const Tensor& idx, const char* op, int64_t start_pos) const {
    if (!idx.defined() || idx.dim() != 2)
        throw ShapeError(fmt(op, ": expected token ids [B, T], got ",
                             idx.defined() ? shape_str(idx.shape()) : std::string("an undefined tensor"),
                             "; hint: one sequence [T] needs a batch dim: idx.unsqueeze(0)"));
    if (idx.size(1) == 0)
        throw ValueError(fmt(op, ": the sequences are empty (", shape_str(idx.shape()),
                             "); hint: give at least one token, e.g. a newline or a start token"));
    if (start_pos < 0 || start_pos + idx.size(1) > config_.block_size)
        throw ShapeError(fmt(op, ": positions ", start_pos, "..", start_pos + idx.size(1) - 1,
                             " do not fit block_size ", config_.block_size, " (ids ", shape_str(idx.shape()),
                             "); hint: crop the context to the last ", config_.block_size,
                             " tokens (generate() reads a window of at most that many: nn::ContextWindow)"));
}

inline Tensor GPT::embed(const Tensor& idx, int64_t start_pos) {
    check_ids(idx, "GPT::embed", start_pos);
    // BEGIN SOLUTION: GPT::embed (§5)
    const int64_t T = idx.size(1);
    Tensor x = (*transformer->wte)(idx);  // [B, T, C]
    if (transformer->wpe) {
        Tensor pos = arange(static_cast<float>(start_pos), static_cast<float>(start_pos + T));
        x = x + (*transformer->wpe)(pos);  // [T, C] broadcasts over the batch
    } else if (sinusoid_.defined()) {
        x = x + sinusoid_.narrow(0, start_pos, T);
    }
    return (*transformer->drop)(x);
    // END SOLUTION
}

inline Tensor GPT::head(const Tensor& x) {
    // BEGIN SOLUTION: GPT::head (§5)
    return (*lm_head)((*transformer->ln_f)(x));
    // END SOLUTION
}

inline TransformerBlock& GPT::block(int64_t i) const {
    if (i < 0 || i >= static_cast<int64_t>(blocks_.size()))
        throw IndexError(fmt("GPT::block: index ", i, " is out of range for ", blocks_.size(),
                             " blocks; hint: valid indices are 0..", static_cast<int64_t>(blocks_.size()) - 1));
    return *blocks_[static_cast<size_t>(i)];
}

inline Tensor GPT::forward(const Tensor& idx) {
    Tensor logits;
    // BEGIN SOLUTION: GPT::forward (§5)
    Tensor x = embed(idx);
    for (const auto& b : blocks_) x = (*b)(x);
    logits = head(x);
    // END SOLUTION
    return logits;
}

inline GPTOutput GPT::forward(const Tensor& idx, const Tensor& targets) {
    if (!targets.defined() || !idx.defined() || targets.shape() != idx.shape())
        throw ShapeError(fmt("GPT::forward: targets ",
                             targets.defined() ? shape_str(targets.shape()) : std::string("(undefined)"),
                             " must have the shape of idx ", idx.defined() ? shape_str(idx.shape()) : std::string("(undefined)"),
                             "; hint: targets[b, t] is the token that follows idx[b, t]"));
    GPTOutput out;
    out.logits = forward(idx);
    // BEGIN SOLUTION: GPT::forward with targets (§5)
    // [B, T, V] -> [B·T, V] rows against [B·T] targets; ignored targets add nothing and do not
    // count in the mean (0/0 = NaN when nothing counts, as PyTorch)
    out.loss = functional::cross_entropy(out.logits.reshape({-1, config_.vocab_size}), targets.reshape({-1}),
                                         CrossEntropyLossOptions().ignore_index(config_.ignore_index));
    // END SOLUTION
    return out;
}

inline Tensor GPT::generate(const Tensor& idx, int64_t max_new_tokens, const GenerateOptions& options) {
    detail::check_generate_options(options, "GPT::generate");
    detail::check_context_keep(options, config_.block_size, "GPT::generate");
    if (max_new_tokens < 0)
        throw ValueError(fmt("GPT::generate: max_new_tokens must be >= 0, got ", max_new_tokens,
                             "; hint: how many tokens to add to each row"));
    if (!idx.defined() || idx.dim() != 2 || idx.size(1) == 0)
        throw ShapeError(fmt("GPT::generate: expected prompts [B, T] with T >= 1, got ",
                             idx.defined() ? shape_str(idx.shape()) : std::string("an undefined tensor"),
                             "; hint: one prompt [T] needs a batch dim: idx.unsqueeze(0)"));
    Generator own(options.seed.value_or(0));  // with options.seed: a private stream for this call
    const bool was_training = is_training();
    NoGradGuard no_grad;
    eval();
    Tensor out;
    // BEGIN SOLUTION: GPT::generate (§6)
    Generator& gen = options.seed ? own : default_generator();
    const int64_t B = idx.size(0);
    std::vector<float> tokens = idx.contiguous().to_vector();  // row-major [B, len]
    int64_t len = idx.size(1);
    std::vector<bool> stopped(static_cast<size_t>(B), false);
    ContextWindow window(config_.block_size, options.context_keep);  // the tokens the model reads
    window.start(len);
    for (int64_t step = 0; step < max_new_tokens; ++step) {
        Tensor context = Tensor(tokens, {B, len}).narrow(1, window.begin(), window.size());
        // every position of the window runs through the blocks, but only the last one needs logits
        Tensor x = embed(context.contiguous());
        for (const auto& b : blocks_) x = (*b)(x);
        Tensor last = head(x.narrow(1, window.size() - 1, 1)).reshape({B, config_.vocab_size});
        Tensor next = sample_tokens(last, options, gen);
        std::vector<float> grown(static_cast<size_t>(B * (len + 1)));
        bool all_stopped = true;
        for (int64_t b = 0; b < B; ++b) {
            std::copy(tokens.begin() + b * len, tokens.begin() + (b + 1) * len, grown.begin() + b * (len + 1));
            float t = next.data_ptr()[b];
            if (options.stop_token) {
                if (stopped[b]) t = static_cast<float>(*options.stop_token);
                if (t == static_cast<float>(*options.stop_token)) stopped[b] = true;
                all_stopped = all_stopped && stopped[b];
            }
            grown[b * (len + 1) + len] = t;
        }
        tokens.swap(grown);
        ++len;
        window.push();  // the new token joins the window (which jumps when it is full)
        if (options.stop_token && all_stopped) break;
    }
    out = Tensor(tokens, {B, len});
    // END SOLUTION
    train(was_training);
    return out;
}

inline int64_t GPT::num_parameters(bool non_embedding) const {
    int64_t n = 0;
    for (const Tensor& p : parameters()) n += p.numel();
    if (non_embedding && transformer && transformer->wpe) n -= transformer->wpe->weight.numel();
    return n;
}

inline std::string GPT::extra_repr() const {
    return fmt("vocab_size=", config_.vocab_size, ", block_size=", config_.block_size, ", n_layer=", config_.n_layer,
               ", n_head=", config_.n_head, ", n_embd=", config_.n_embd, ", dropout=", config_.dropout,
               ", bias=", config_.bias ? "true" : "false", ", position=", positional_encoding_name(config_.position));
}

}  // namespace tinytorch::nn
