// include/tinytorch/tokenization/stats.hpp
// Module 10 · Tokenization — lesson: modules/10_tokenization/README.md (systems view)
//
// What a tokenizer does to a corpus: how many tokens, how long the sequences, how much it
// compresses (bytes per token).
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "tinytorch/tokenization/tokenizer.hpp"

namespace tinytorch::text {

struct TokenizationStats {
    int64_t texts = 0;
    int64_t bytes = 0;          ///< UTF-8 bytes of all texts
    int64_t tokens = 0;         ///< ids of all texts
    int64_t max_tokens = 0;     ///< the longest text, in tokens
    int64_t unique_tokens = 0;  ///< distinct ids used
    int64_t vocab_size = 0;
    /// bytes / tokens: 1 for a byte tokenizer on any text, ~4 for GPT-2's BPE on English.
    double bytes_per_token() const { return tokens ? static_cast<double>(bytes) / static_cast<double>(tokens) : 0.0; }
    double mean_tokens() const { return texts ? static_cast<double>(tokens) / static_cast<double>(texts) : 0.0; }
};

/// Encodes every text once and counts.
inline TokenizationStats analyze_tokenization(const Tokenizer& tokenizer, const std::vector<std::string>& texts) {
    TokenizationStats s;
    s.vocab_size = tokenizer.vocab_size();
    std::unordered_set<int64_t> seen;
    for (const std::string& t : texts) {
        std::vector<int64_t> ids = tokenizer.encode(t);
        ++s.texts;
        s.bytes += static_cast<int64_t>(t.size());
        s.tokens += static_cast<int64_t>(ids.size());
        s.max_tokens = std::max(s.max_tokens, static_cast<int64_t>(ids.size()));
        seen.insert(ids.begin(), ids.end());
    }
    s.unique_tokens = static_cast<int64_t>(seen.size());
    return s;
}

}  // namespace tinytorch::text
