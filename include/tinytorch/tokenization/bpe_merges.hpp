// include/tinytorch/tokenization/bpe_merges.hpp
// Module 10 · Tokenization — lesson: modules/10_tokenization/README.md §4 (counting and merging pairs)
//
// The two steps byte-pair encoding repeats: count the adjacent pairs of ids, and replace every
// occurrence of one pair by a new id.
//   count_pairs([97, 97, 97, 98]) = {(97, 97): 2, (97, 98): 1}
//   merge_pair([97, 97, 97, 98], (97, 97), 256) = [256, 97, 98]      (left to right, no overlaps)
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::text {

/// Two adjacent token ids (left, right).
using Pair = std::pair<int64_t, int64_t>;

struct PairHash {
    size_t operator()(const Pair& p) const noexcept {
        return std::hash<uint64_t>()((static_cast<uint64_t>(p.first) << 32) ^ static_cast<uint64_t>(p.second));
    }
};

/// How often each pair occurs.
using PairCounts = std::unordered_map<Pair, int64_t, PairHash>;

/// A distinct chunk of the training text as token ids, and how many times the chunk occurs.
struct WordCount {
    std::vector<int64_t> ids;
    int64_t count = 1;
};

/// Adjacent pairs of every word, each occurrence weighted by the word's count.
///   {([1, 2, 3], 2), ([2, 3], 5)} -> {(1, 2): 2, (2, 3): 7}
inline PairCounts count_pairs(const std::vector<WordCount>& words) {
    PairCounts counts;
    // BEGIN SOLUTION: count_pairs (§4)
    for (const WordCount& w : words)
        for (size_t i = 0; i + 1 < w.ids.size(); ++i) counts[{w.ids[i], w.ids[i + 1]}] += w.count;
    // END SOLUTION
    return counts;
}

/// The adjacent pairs of one sequence (count_pairs of a single word seen once).
inline PairCounts count_pairs(const std::vector<int64_t>& ids) { return count_pairs(std::vector<WordCount>{{ids, 1}}); }

/// The pair with the highest count; ties go to the smallest pair (by left id, then right id), so
/// training never depends on the hash table's order. std::nullopt when `counts` is empty.
inline std::optional<std::pair<Pair, int64_t>> most_frequent_pair(const PairCounts& counts) {
    // BEGIN SOLUTION: most_frequent_pair (§4)
    std::optional<std::pair<Pair, int64_t>> best;
    for (const auto& [pair, count] : counts)
        if (!best || count > best->second || (count == best->second && pair < best->first)) best = {pair, count};
    return best;
    // END SOLUTION
}

/// `ids` with every occurrence of `pair` replaced by `new_id`, scanning left to right without
/// overlaps: merging (7, 7) in [7, 7, 7] gives [new_id, 7].
inline std::vector<int64_t> merge_pair(const std::vector<int64_t>& ids, const Pair& pair, int64_t new_id) {
    std::vector<int64_t> out;
    out.reserve(ids.size());
    // BEGIN SOLUTION: merge_pair (§4)
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i + 1 < ids.size() && ids[i] == pair.first && ids[i + 1] == pair.second) {
            out.push_back(new_id);
            ++i;
        } else {
            out.push_back(ids[i]);
        }
    }
    // END SOLUTION
    return out;
}

}  // namespace tinytorch::text
