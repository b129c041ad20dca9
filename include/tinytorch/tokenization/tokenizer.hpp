// include/tinytorch/tokenization/tokenizer.hpp
// Module 10 · Tokenization — lesson: modules/10_tokenization/README.md (concepts: text -> ids -> text)
//
// The interface every tokenizer of this module offers, and the id checks they share.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::text {

/// Text <-> token ids. encode: UTF-8 text -> ids in 0..vocab_size()-1; decode: ids -> text.
class Tokenizer {
public:
    virtual ~Tokenizer() = default;
    virtual std::vector<int64_t> encode(const std::string& text) const = 0;
    virtual std::string decode(const std::vector<int64_t>& ids) const = 0;
    /// How many ids the tokenizer can produce (the rows an embedding table needs).
    virtual int64_t vocab_size() const = 0;
};

namespace detail {
/// A ValueError unless every id is in 0..vocab_size-1; names the first bad id and its position.
inline void check_ids(const std::vector<int64_t>& ids, int64_t vocab_size, const char* who) {
    for (size_t i = 0; i < ids.size(); ++i)
        if (ids[i] < 0 || ids[i] >= vocab_size)
            throw ValueError(fmt(who, ": id ", ids[i], " at position ", i, " is not in the vocabulary (ids 0..",
                                 vocab_size - 1, "); hint: decode ids produced by this tokenizer, or check that "
                                 "the model's output layer has vocab_size() = ", vocab_size, " classes"));
}
}  // namespace detail

}  // namespace tinytorch::text
