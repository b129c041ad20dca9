// include/tinytorch/tokenization/pretokenize.hpp
// Module 10 · Tokenization — lesson: modules/10_tokenization/README.md §5 (pre-tokenization)
//
// Before BPE, text is cut into chunks that merges never cross (a simplified GPT-2 rule):
//   a run of letters, of digits, or of other symbols, each with at most one leading space;
//   a run of whitespace (leaving its last space to the word that follows).
//   "Hello, world!\n\n  42" -> {"Hello", ",", " world", "!", "\n\n ", " 42"}
// Bytes >= 0x80 (the parts of non-ASCII UTF-8 characters) count as letters, so "naïve" stays one
// chunk. The chunks always concatenate back to the text. Special tokens are split off before
// this (split_on_specials), so "<|endoftext|>" is never cut into "<|", "endoftext", "|>".
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tinytorch::text {

namespace detail {
enum class CharClass { space, letter, digit, other };
inline CharClass char_class(unsigned char c) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return CharClass::space;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) return CharClass::letter;
    if (c >= '0' && c <= '9') return CharClass::digit;
    return CharClass::other;
}

/// A piece of text between special tokens (special < 0), or one special token (its index).
struct Piece {
    std::string_view text;
    int64_t special = -1;
};

/// `text` cut into ordinary pieces and special tokens; at each position the longest special
/// token that starts there wins.   ("a<|endoftext|>b", {"<|endoftext|>"}) -> {"a"}, {#0}, {"b"}
inline std::vector<Piece> split_on_specials(std::string_view text, const std::vector<std::string>& specials) {
    std::vector<Piece> pieces;
    size_t start = 0, i = 0;
    while (i < text.size()) {
        int64_t best = -1;
        size_t best_len = 0;
        for (size_t s = 0; s < specials.size(); ++s)
            if (specials[s].size() > best_len && text.compare(i, specials[s].size(), specials[s]) == 0) {
                best = static_cast<int64_t>(s);
                best_len = specials[s].size();
            }
        if (best < 0) { ++i; continue; }
        if (i > start) pieces.push_back({text.substr(start, i - start), -1});
        pieces.push_back({text.substr(i, best_len), best});
        i += best_len;
        start = i;
    }
    if (start < text.size()) pieces.push_back({text.substr(start), -1});
    return pieces;
}
}  // namespace detail

/// The chunks of `text` that BPE merges stay inside (rule above); they concatenate to `text`.
inline std::vector<std::string_view> pretokenize(std::string_view text) {
    using detail::CharClass;
    auto cls = [&](size_t k) { return detail::char_class(static_cast<unsigned char>(text[k])); };
    std::vector<std::string_view> chunks;
    size_t i = 0, n = text.size();
    while (i < n) {
        size_t j = i;
        if (text[i] == ' ' && i + 1 < n && cls(i + 1) != CharClass::space) {
            CharClass c = cls(i + 1);  // " word": the space joins the run that follows
            j = i + 1;
            while (j < n && cls(j) == c) ++j;
        } else if (cls(i) == CharClass::space) {
            while (j < n && cls(j) == CharClass::space) ++j;
            if (j < n && j - i > 1 && text[j - 1] == ' ') --j;  // leave one space for the next word
        } else {
            CharClass c = cls(i);
            while (j < n && cls(j) == c) ++j;
        }
        chunks.push_back(text.substr(i, j - i));
        i = j;
    }
    return chunks;
}

}  // namespace tinytorch::text
