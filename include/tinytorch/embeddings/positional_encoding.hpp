// include/tinytorch/embeddings/positional_encoding.hpp
// Module 11 · Embeddings — lesson: modules/11_embeddings/README.md §5 (learned), §6 (sinusoidal)
//
// Attention treats its input as a *set*: shuffle the tokens and each one gets the same output
// (shuffled). Word order must therefore be written into the vectors themselves. Two classic ways,
// both ADDED to the token embeddings x [..., T, dim]:
//   LearnedPositionalEmbedding — a trained table [max_len, dim], row t for position t (GPT-2);
//   sinusoidal_position_encoding — a fixed table of sines and cosines (Vaswani et al. 2017):
//       PE[t, 2i] = sin(t / 10000^(2i/dim)),   PE[t, 2i+1] = cos(t / 10000^(2i/dim)).
// Both take a start position, so a KV cache (module 18) can ask for the row of position t alone.
// The third way, rotary embedding, rotates queries and keys instead: rotary_embedding.hpp.
#pragma once
#include <cmath>
#include <string>

#include "tinytorch/embeddings/embedding.hpp"

namespace tinytorch {
namespace detail {

/// Checks x [..., T, dim] against a table of max_len positions starting at start_pos; returns T.
inline int64_t positions_of(const Tensor& x, int64_t dim, int64_t max_len, int64_t start_pos, const char* op) {
    if (!x.defined() || x.dim() < 2 || x.size(-1) != dim)
        throw ShapeError(fmt(op, ": expected input [..., T, ", dim, "] (positions on dim -2, features last), got ",
                             embedding_shape_or_undefined(x), "; hint: add positions to the token embeddings ",
                             "[B, T, ", dim, "]"));
    const int64_t T = x.size(-2);
    if (start_pos < 0 || start_pos + T > max_len)
        throw IndexError(fmt(op, ": positions ", start_pos, "..", start_pos + T - 1, " are out of range: the table ",
                             "covers positions 0..", max_len - 1, " (max_len ", max_len, "); hint: crop the sequence ",
                             "to the last ", max_len, " tokens, or build the table with a larger max_len"));
    return T;
}

}  // namespace detail

/// The Vaswani et al. table [max_len, dim]: PE[t, 2i] = sin(t·ω_i), PE[t, 2i+1] = cos(t·ω_i) with
/// ω_i = 10000^(−2i/dim) (computed in double). An odd dim ends with a sine column. Not trained.
inline Tensor sinusoidal_position_encoding(int64_t max_len, int64_t dim) {
    if (max_len <= 0 || dim <= 0)
        throw ValueError(fmt("sinusoidal_position_encoding: max_len and dim must be positive, got max_len=", max_len,
                             " dim=", dim, "; hint: sinusoidal_position_encoding(1024, 128)"));
    Tensor table = empty({max_len, dim});
    // BEGIN SOLUTION: sinusoidal_position_encoding (§6)
    // Column pair (2i, 2i+1) is a clock turning at frequency ω_i: fast for small i, slow for
    // large i (wavelengths 2π … 10000·2π), so every position gets a distinct pattern.
    float* p = table.data_ptr();
    for (int64_t t = 0; t < max_len; ++t)
        for (int64_t c = 0; c < dim; ++c) {
            const int64_t i = c / 2;
            const double omega = std::pow(10000.0, -2.0 * static_cast<double>(i) / static_cast<double>(dim));
            const double angle = static_cast<double>(t) * omega;
            p[t * dim + c] = static_cast<float>(c % 2 == 0 ? std::sin(angle) : std::cos(angle));
        }
    // END SOLUTION
    return table;
}

namespace nn {

/// x [..., T, dim] -> x + weight[start_pos : start_pos + T]: a trained row per position (GPT-2's wpe).
/// weight [max_len, dim] ~ N(0, 1) like an Embedding; registered as "weight".
class LearnedPositionalEmbedding : public Module {
public:
    LearnedPositionalEmbedding(int64_t max_len, int64_t dim);

    /// x + the rows of positions 0..T-1.
    Tensor forward(const Tensor& x) override { return forward(x, 0); }
    /// x + the rows of positions start_pos..start_pos+T-1 (a KV cache passes the true position).
    Tensor forward(const Tensor& x, int64_t start_pos);
    /// The rows of positions start_pos..start_pos+length-1: [length, dim] (differentiable).
    Tensor positions(int64_t length, int64_t start_pos = 0) const;
    void reset_parameters(Generator& gen = default_generator());
    std::string extra_repr() const override { return fmt("max_len=", max_len_, ", dim=", dim_); }
    int64_t max_len() const { return max_len_; }
    int64_t dim() const { return dim_; }

    Tensor weight;  ///< [max_len, dim]

private:
    int64_t max_len_, dim_;
};

inline LearnedPositionalEmbedding::LearnedPositionalEmbedding(int64_t max_len, int64_t dim) : max_len_(max_len), dim_(dim) {
    if (max_len <= 0 || dim <= 0)
        throw ValueError(fmt("LearnedPositionalEmbedding: max_len and dim must be positive, got max_len=", max_len,
                             " dim=", dim, "; hint: LearnedPositionalEmbedding(block_size, n_embd)"));
    // BEGIN SOLUTION: LearnedPositionalEmbedding::LearnedPositionalEmbedding (§5)
    weight = register_parameter("weight", empty({max_len, dim}));
    // END SOLUTION
    reset_parameters();
}

inline void LearnedPositionalEmbedding::reset_parameters(Generator& gen) {
    // BEGIN SOLUTION: LearnedPositionalEmbedding::reset_parameters (§5)
    init::normal_(weight, 0.0, 1.0, gen);
    // END SOLUTION
}

inline Tensor LearnedPositionalEmbedding::positions(int64_t length, int64_t start_pos) const {
    if (length < 0 || start_pos < 0 || start_pos + length > max_len_)
        throw IndexError(fmt("LearnedPositionalEmbedding: positions ", start_pos, "..", start_pos + length - 1,
                             " are out of range: the table covers positions 0..", max_len_ - 1,
                             "; hint: crop the sequence to max_len (", max_len_, ") tokens"));
    // BEGIN SOLUTION: LearnedPositionalEmbedding::positions (§5)
    return weight.narrow(0, start_pos, length);  // a view: the gradient flows back into these rows only
    // END SOLUTION
}

inline Tensor LearnedPositionalEmbedding::forward(const Tensor& x, int64_t start_pos) {
    const int64_t T = tinytorch::detail::positions_of(x, dim_, max_len_, start_pos, "LearnedPositionalEmbedding");
    // BEGIN SOLUTION: LearnedPositionalEmbedding::forward (§5)
    return x + positions(T, start_pos);  // [T, dim] broadcasts over the batch dims
    // END SOLUTION
}

/// x [..., T, dim] -> x + PE[start_pos : start_pos + T] with the fixed sinusoidal table.
/// The table is a plain member (not a parameter, not in state_dict: it is recomputed from max_len).
class SinusoidalPositionalEncoding : public Module {
public:
    SinusoidalPositionalEncoding(int64_t max_len, int64_t dim)
        : table(sinusoidal_position_encoding(max_len, dim)), max_len_(max_len), dim_(dim) {}

    Tensor forward(const Tensor& x) override { return forward(x, 0); }
    Tensor forward(const Tensor& x, int64_t start_pos) {
        const int64_t T = tinytorch::detail::positions_of(x, dim_, max_len_, start_pos, "SinusoidalPositionalEncoding");
        return x + table.narrow(0, start_pos, T);
    }
    std::string extra_repr() const override { return fmt("max_len=", max_len_, ", dim=", dim_); }
    int64_t max_len() const { return max_len_; }
    int64_t dim() const { return dim_; }

    Tensor table;  ///< [max_len, dim], sinusoidal_position_encoding(max_len, dim)

private:
    int64_t max_len_, dim_;
};

}  // namespace nn
}  // namespace tinytorch
