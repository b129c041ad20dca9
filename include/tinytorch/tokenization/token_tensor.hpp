// include/tinytorch/tokenization/token_tensor.hpp
// Module 10 · Tokenization — lesson: modules/10_tokenization/README.md §8 (ids as tensors)
//
// Token ids <-> float32 tensors, the input of an embedding (module 11) and the targets of a
// cross-entropy loss. Ids are whole numbers below 2^24, so float32 holds them exactly.
//   to_tensor({5, 2, 7}) = [5, 2, 7] (shape [3]);   to_tensor({{1, 2, 3}, {4}}, 0) = [[1, 2, 3], [4, 0, 0]]
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"
#include "tinytorch/tokenization/tokenizer.hpp"

namespace tinytorch::text {

namespace detail {
inline constexpr int64_t kMaxExactId = int64_t(1) << 24;

inline void check_tensor_ids(const std::vector<int64_t>& ids, const char* who) {
    for (size_t i = 0; i < ids.size(); ++i)
        if (ids[i] < 0 || ids[i] > kMaxExactId)
            throw ValueError(fmt(who, ": id ", ids[i], " at position ", i, " is outside 0..", kMaxExactId,
                                 ", the ids float32 stores exactly; hint: ids come from a tokenizer's encode"));
}
}  // namespace detail

/// ids -> a tensor of shape [ids.size()].
inline Tensor to_tensor(const std::vector<int64_t>& ids) {
    detail::check_tensor_ids(ids, "to_tensor");
    std::vector<float> values;
    // BEGIN SOLUTION: to_tensor (§8)
    values.reserve(ids.size());
    for (int64_t id : ids) values.push_back(static_cast<float>(id));
    // END SOLUTION
    return Tensor(std::move(values), Shape{static_cast<int64_t>(ids.size())});
}

/// Sequences of different lengths -> [B, L] with L the longest length; shorter rows are filled
/// with `pad_id` on the right.
inline Tensor to_tensor(const std::vector<std::vector<int64_t>>& batch, int64_t pad_id) {
    detail::check_tensor_ids({pad_id}, "to_tensor (pad_id)");
    size_t longest = 0;
    for (size_t r = 0; r < batch.size(); ++r) {
        detail::check_tensor_ids(batch[r], "to_tensor");
        longest = std::max(longest, batch[r].size());
    }
    std::vector<float> values;
    // BEGIN SOLUTION: to_tensor (batch) (§8)
    values.assign(batch.size() * longest, static_cast<float>(pad_id));
    for (size_t r = 0; r < batch.size(); ++r)
        for (size_t k = 0; k < batch[r].size(); ++k) values[r * longest + k] = static_cast<float>(batch[r][k]);
    // END SOLUTION
    return Tensor(std::move(values), Shape{static_cast<int64_t>(batch.size()), static_cast<int64_t>(longest)});
}

/// Every text encoded, cut to its first `max_length` ids when max_length > 0, then stacked into
/// [B, L] by to_tensor(batch, pad_id).   (the original TinyTorch's tokenize_dataset)
inline Tensor encode_batch(const Tokenizer& tokenizer, const std::vector<std::string>& texts, int64_t pad_id,
                           int64_t max_length = 0) {
    if (max_length < 0)
        throw ValueError(fmt("encode_batch: max_length must be >= 0 (0 = no limit), got ", max_length,
                             "; hint: pass the model's context length"));
    if (pad_id < 0 || pad_id >= tokenizer.vocab_size())
        throw ValueError(fmt("encode_batch: pad_id ", pad_id, " is not in the vocabulary (ids 0..",
                             tokenizer.vocab_size() - 1, "); hint: use the id of a <pad> special token"));
    std::vector<std::vector<int64_t>> batch;
    batch.reserve(texts.size());
    for (const std::string& t : texts) {
        std::vector<int64_t> ids = tokenizer.encode(t);
        if (max_length > 0 && static_cast<int64_t>(ids.size()) > max_length) ids.resize(static_cast<size_t>(max_length));
        batch.push_back(std::move(ids));
    }
    return to_tensor(batch, pad_id);
}

/// A 1-D tensor of ids (for example a model's argmax) -> ids. ShapeError unless 1-D; ValueError
/// for a value that is negative, not whole, or too large to be an id.
inline std::vector<int64_t> from_tensor(const Tensor& t) {
    if (t.dim() != 1)
        throw ShapeError(fmt("from_tensor: expected a 1-D tensor of ids, got shape ", shape_str(t.shape()),
                             "; hint: take one row with t.select(0, i), or flatten() the tensor"));
    std::vector<float> values = t.to_vector();
    for (size_t i = 0; i < values.size(); ++i)
        if (!(values[i] >= 0.0f) || values[i] > static_cast<float>(detail::kMaxExactId) ||
            values[i] != std::floor(values[i]))
            throw ValueError(fmt("from_tensor: value ", values[i], " at position ", i, " is not a token id (a whole "
                                 "number in 0..", detail::kMaxExactId, "); hint: convert logits with argmax first"));
    std::vector<int64_t> ids;
    // BEGIN SOLUTION: from_tensor (§8)
    ids.reserve(values.size());
    for (float v : values) ids.push_back(static_cast<int64_t>(v));
    // END SOLUTION
    return ids;
}

}  // namespace tinytorch::text
