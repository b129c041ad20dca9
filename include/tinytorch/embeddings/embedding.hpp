// include/tinytorch/embeddings/embedding.hpp
// Module 11 · Embeddings — lesson: modules/11_embeddings/README.md §1 (indices), §2 (lookup),
//                          §3 (scatter-add backward), §4 (nn::Embedding)
//
// An embedding is a table weight [num_embeddings, embedding_dim]; looking up token ids is
// copying rows:  out[..., :] = weight[indices[...], :]     shapes: indices [*] -> [*, dim]
// It is a matmul with one-hot vectors, done without ever building them (a [B·T, V] one-hot
// matrix for V = 50,257 would be 200 KB per token).
// Indices are float tensors holding whole numbers (TinyTorch is float32; token ids come from
// module 10's to_tensor). embedding() records "embedding" (input: weight; saved: indices;
// ints: padding_idx or -1) and registers its backward rule below: a scatter-add.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/layers/init.hpp"
#include "tinytorch/layers/module.hpp"

/// Vectorise the next loop (OpenMP's `simd`): GCC at -O2 leaves loops of unknown length scalar.
#ifndef TINYTORCH_SIMD
#if defined(_OPENMP)
#define TINYTORCH_SIMD _Pragma("omp simd")
#else
#define TINYTORCH_SIMD
#endif
#endif

namespace tinytorch {
namespace detail {

/// "[2, 3]" or "an undefined tensor".
inline std::string embedding_shape_or_undefined(const Tensor& t) {
    return t.defined() ? shape_str(t.shape()) : std::string("an undefined tensor");
}

/// padding_idx as PyTorch takes it (negative counts from the end) -> a row in 0..num-1, or -1 for none.
inline int64_t normalize_padding_idx(std::optional<int64_t> padding_idx, int64_t num_embeddings, const char* op) {
    if (!padding_idx) return -1;
    const int64_t p = *padding_idx;
    if (p < -num_embeddings || p >= num_embeddings)
        throw IndexError(fmt(op, ": padding_idx ", p, " is out of range for ", num_embeddings,
                             " embeddings; hint: padding_idx must be in ", -num_embeddings, "..", num_embeddings - 1,
                             " (negative counts from the end)"));
    return p < 0 ? p + num_embeddings : p;
}

/// The row numbers held by `indices` (a float tensor of whole numbers), in row-major order.
/// NaN or a fraction -> ValueError; a whole number outside 0..num_embeddings-1 -> IndexError.
/// Both name the offending value, where it sits, and the valid range.
inline std::vector<int64_t> embedding_rows(const Tensor& indices, int64_t num_embeddings, const char* op) {
    if (!indices.defined())
        throw ValueError(fmt(op, ": the indices are an undefined tensor; hint: pass token ids, e.g. Tensor({1.f, 5.f})"));
    const std::vector<float> values = indices.to_vector();
    std::vector<int64_t> rows(values.size());
    // BEGIN SOLUTION: detail::embedding_rows (§1)
    for (size_t k = 0; k < values.size(); ++k) {
        const float v = values[k];
        if (!std::isfinite(v) || v != std::floor(v))
            throw ValueError(fmt(op, ": index ", v, " at position ", autograd::index_str(indices.shape(), k),
                                 " is not a whole number; hint: indices are token ids 0..", num_embeddings - 1,
                                 " stored as floats (round or floor them first)"));
        if (v < 0.0f || v >= static_cast<float>(num_embeddings))
            throw IndexError(fmt(op, ": index ", static_cast<int64_t>(v), " at position ",
                                 autograd::index_str(indices.shape(), k), " is out of range: the table has ",
                                 num_embeddings, " rows (valid indices 0..", num_embeddings - 1,
                                 "); hint: is num_embeddings at least your vocabulary size?"));
        rows[k] = static_cast<int64_t>(v);
    }
    // END SOLUTION
    return rows;
}

}  // namespace detail

namespace nn {

/// Options of nn::functional::embedding (libtorch: F::EmbeddingFuncOptions).
struct EmbeddingFuncOptions {
    EmbeddingFuncOptions& padding_idx(std::optional<int64_t> v) { padding_idx_ = v; return *this; }
    std::optional<int64_t> padding_idx() const { return padding_idx_; }

private:
    std::optional<int64_t> padding_idx_;
};

}  // namespace nn

/// The lookup out[k, :] = weight[indices[k], :] for indices of any shape: [*] -> [*, dim].
/// Records "embedding" so that the gradient reaches the rows used (all but padding_idx's).
inline Tensor embedding(const Tensor& indices, const Tensor& weight, std::optional<int64_t> padding_idx = std::nullopt) {
    if (!weight.defined() || weight.dim() != 2)
        throw ShapeError(fmt("embedding: the weight must be a 2-D table [num_embeddings, embedding_dim], got ",
                             detail::embedding_shape_or_undefined(weight),
                             "; hint: nn::Embedding(num_embeddings, embedding_dim) makes one"));
    const int64_t num = weight.size(0), dim = weight.size(1);
    const int64_t pad = detail::normalize_padding_idx(padding_idx, num, "embedding");
    const std::vector<int64_t> rows = detail::embedding_rows(indices, num, "embedding");
    Shape out_shape = indices.shape();
    out_shape.push_back(dim);
    Tensor out = detail::empty_uninitialized(out_shape);  // every row is written below
    const Tensor table = weight.detach().contiguous();
    // BEGIN SOLUTION: embedding (§2)
    // One memcpy per index: a row of the table is contiguous, and so is a row of out.
    const float* src = table.data_ptr();
    float* dst = out.data_ptr();
    const int64_t n = static_cast<int64_t>(rows.size());
    detail::parallel_for(n, std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(dim, 1)),
                         [&](int64_t lo, int64_t hi) {
                             for (int64_t k = lo; k < hi; ++k)
                                 std::memcpy(dst + k * dim, src + rows[k] * dim, sizeof(float) * dim);
                         });
    // END SOLUTION
    if (autograd::wants_grad(weight)) autograd::record(out, "embedding", {weight}, {indices}, {pad});
    return out;
}

namespace autograd {

/// Backward of "embedding": the gradient of the table is zero except in the rows that were
/// looked up, where the output gradients are ADDED (an id used 3 times gets 3 contributions):
///     grad_weight[indices[k], :] += g[k, :]      for every k whose index is not padding_idx
inline std::vector<Tensor> embedding_backward(const Node& node, const Tensor& grad_output) {
    const Tensor& weight = node.inputs[0];
    const Tensor& indices = node.saved[0];
    const int64_t pad = node.ints[0], num = weight.size(0), dim = weight.size(1);
    const std::vector<int64_t> rows = tinytorch::detail::embedding_rows(indices, num, "embedding backward");
    const Tensor g = grad_output.contiguous();
    Tensor grad_weight = zeros(weight.shape());
    // BEGIN SOLUTION: embedding_backward (§3)
    // Serial on purpose: two positions holding the same id write the same row (a race if parallel).
    const float* pg = g.data_ptr();
    float* pw = grad_weight.data_ptr();
    for (size_t k = 0; k < rows.size(); ++k) {
        if (rows[k] == pad) continue;  // the padding row never learns
        float* row = pw + rows[k] * dim;
        const float* gk = pg + static_cast<int64_t>(k) * dim;
        TINYTORCH_SIMD
        for (int64_t j = 0; j < dim; ++j) row[j] += gk[j];
    }
    // END SOLUTION
    return {grad_weight};
}

inline const bool embedding_rule_registered = register_rule("embedding", &embedding_backward);

}  // namespace autograd

namespace nn {

/// Everything that defines an Embedding: EmbeddingOptions(50257, 768).padding_idx(0).
struct EmbeddingOptions {
    EmbeddingOptions(int64_t num_embeddings, int64_t embedding_dim)
        : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
    /// The row that stands for "no token": initialised to zeros, never receives a gradient.
    /// Negative counts from the end (-1 = the last row), as in PyTorch.
    EmbeddingOptions& padding_idx(std::optional<int64_t> v) { padding_idx_ = v; return *this; }
    int64_t num_embeddings() const { return num_embeddings_; }
    int64_t embedding_dim() const { return embedding_dim_; }
    std::optional<int64_t> padding_idx() const { return padding_idx_; }

private:
    int64_t num_embeddings_, embedding_dim_;
    std::optional<int64_t> padding_idx_;
};

/// Options of Embedding::from_pretrained: freeze (default true: the table is not trained) and padding_idx.
struct EmbeddingFromPretrainedOptions {
    EmbeddingFromPretrainedOptions& freeze(bool v) { freeze_ = v; return *this; }
    EmbeddingFromPretrainedOptions& padding_idx(std::optional<int64_t> v) { padding_idx_ = v; return *this; }
    bool freeze() const { return freeze_; }
    std::optional<int64_t> padding_idx() const { return padding_idx_; }

private:
    bool freeze_ = true;
    std::optional<int64_t> padding_idx_;
};

/// A learned lookup table: forward(indices [*]) -> [*, embedding_dim].
/// weight [num_embeddings, embedding_dim] ~ N(0, 1) as PyTorch, the padding_idx row zeroed.
class Embedding : public Module {
public:
    Embedding(int64_t num_embeddings, int64_t embedding_dim) : Embedding(EmbeddingOptions(num_embeddings, embedding_dim)) {}
    explicit Embedding(const EmbeddingOptions& options);

    /// A table holding `embeddings` [num, dim] itself (shared, not copied), trained unless freeze.
    /// Like PyTorch, the padding row is NOT zeroed here; it only receives no gradient.
    static std::shared_ptr<Embedding> from_pretrained(const Tensor& embeddings,
                                                      const EmbeddingFromPretrainedOptions& options = {});

    Tensor forward(const Tensor& indices) override;
    /// Fresh N(0, 1) values, the padding row set to zero.
    void reset_parameters(Generator& gen = default_generator());
    std::string extra_repr() const override;
    const EmbeddingOptions& options() const { return options_; }
    int64_t num_embeddings() const { return options_.num_embeddings(); }
    int64_t embedding_dim() const { return options_.embedding_dim(); }
    /// The padding row in 0..num-1, or std::nullopt.
    std::optional<int64_t> padding_idx() const { return padding_idx_ < 0 ? std::nullopt : std::optional<int64_t>(padding_idx_); }

    Tensor weight;  ///< [num_embeddings, embedding_dim], registered as "weight"

private:
    struct Pretrained {};
    Embedding(Pretrained, const Tensor& embeddings, const EmbeddingFromPretrainedOptions& options);
    EmbeddingOptions options_;
    int64_t padding_idx_ = -1;  ///< normalised; -1 = none
};

inline Embedding::Embedding(const EmbeddingOptions& o) : options_(o) {
    if (o.num_embeddings() <= 0 || o.embedding_dim() <= 0)
        throw ValueError(fmt("Embedding: num_embeddings and embedding_dim must be positive, got num_embeddings=",
                             o.num_embeddings(), " embedding_dim=", o.embedding_dim(),
                             "; hint: Embedding(vocab_size, n_embd), e.g. Embedding(65, 128)"));
    padding_idx_ = tinytorch::detail::normalize_padding_idx(o.padding_idx(), o.num_embeddings(), "Embedding");
    // BEGIN SOLUTION: Embedding::Embedding (§4)
    weight = register_parameter("weight", empty({o.num_embeddings(), o.embedding_dim()}));
    // END SOLUTION
    reset_parameters();
}

inline Embedding::Embedding(Pretrained, const Tensor& embeddings, const EmbeddingFromPretrainedOptions& o)
    : options_(embeddings.size(0), embeddings.size(1)) {
    options_.padding_idx(o.padding_idx());
    padding_idx_ = tinytorch::detail::normalize_padding_idx(o.padding_idx(), embeddings.size(0), "Embedding::from_pretrained");
    // BEGIN SOLUTION: Embedding::from_pretrained (§4)
    weight = register_parameter("weight", embeddings, /*requires_grad=*/!o.freeze());
    // END SOLUTION
}

inline std::shared_ptr<Embedding> Embedding::from_pretrained(const Tensor& embeddings,
                                                             const EmbeddingFromPretrainedOptions& options) {
    if (!embeddings.defined() || embeddings.dim() != 2 || embeddings.numel() == 0)
        throw ShapeError(fmt("Embedding::from_pretrained: expected a 2-D table [num_embeddings, embedding_dim], got ",
                             tinytorch::detail::embedding_shape_or_undefined(embeddings),
                             "; hint: row i is the vector of token i"));
    return std::shared_ptr<Embedding>(new Embedding(Pretrained{}, embeddings, options));
}

inline void Embedding::reset_parameters(Generator& gen) {
    // BEGIN SOLUTION: Embedding::reset_parameters (§4)
    init::normal_(weight, 0.0, 1.0, gen);
    if (padding_idx_ >= 0) weight.select(0, padding_idx_).detach().zero_();
    // END SOLUTION
}

inline Tensor Embedding::forward(const Tensor& indices) {
    // BEGIN SOLUTION: Embedding::forward (§4)
    return embedding(indices, weight, padding_idx());
    // END SOLUTION
}

inline std::string Embedding::extra_repr() const {
    std::string s = fmt(num_embeddings(), ", ", embedding_dim());
    if (padding_idx_ >= 0) s += fmt(", padding_idx=", padding_idx_);
    return s;
}

namespace functional {
/// F::embedding(input, weight, F::EmbeddingFuncOptions().padding_idx(0)) — libtorch's spelling.
inline Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options = {}) {
    return tinytorch::embedding(input, weight, options.padding_idx());
}
}  // namespace functional

}  // namespace nn
}  // namespace tinytorch
