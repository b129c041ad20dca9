// include/tinytorch/tokenization/char_tokenizer.hpp
// Module 10 · Tokenization — lesson: modules/10_tokenization/README.md §1, §2
//
// One token per character (Unicode code point). The vocabulary is the sorted set of characters
// of a corpus, after the optional "<unk>" token (id 0) that stands for every character the
// corpus did not have.   corpus "hello", with <unk>: {"<unk>", "e", "h", "l", "o"}; "hole" -> [2, 4, 3, 1]
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"
#include "tinytorch/tokenization/tokenizer.hpp"
#include "tinytorch/tokenization/utf8.hpp"

namespace tinytorch::text {

class CharTokenizer : public Tokenizer {
public:
    static constexpr const char* kUnkToken = "<unk>";

    /// An empty tokenizer: call build_vocab before encoding.
    CharTokenizer() = default;
    /// build_vocab(corpus, add_unk).
    explicit CharTokenizer(const std::string& corpus, bool add_unk = true) { build_vocab(corpus, add_unk); }

    /// Vocabulary = ["<unk>"] (when add_unk) + the distinct characters of `corpus`, sorted by code point.
    void build_vocab(const std::string& corpus, bool add_unk = true) {
        if (corpus.empty())
            throw ValueError("CharTokenizer::build_vocab: the corpus is empty, so there are no characters to "
                             "learn; hint: pass the training text (all of it, so that every character is seen)");
        std::vector<std::string_view> chars = utf8_chars(corpus, "CharTokenizer::build_vocab");
        tokens_.clear();
        ids_.clear();
        has_unk_ = add_unk;
        // BEGIN SOLUTION: CharTokenizer::build_vocab (§1)
        std::vector<std::string_view> distinct(chars);
        std::sort(distinct.begin(), distinct.end());  // byte order of UTF-8 = code point order
        distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
        if (add_unk) tokens_.emplace_back(kUnkToken);
        for (std::string_view c : distinct) tokens_.emplace_back(c);
        for (size_t id = add_unk ? 1 : 0; id < tokens_.size(); ++id) ids_.emplace(tokens_[id], static_cast<int64_t>(id));
        // END SOLUTION
    }

    /// One id per character; an unknown character becomes unk_id(), or a ValueError without <unk>.
    std::vector<int64_t> encode(const std::string& text) const override {
        check_built("encode");
        std::vector<std::string_view> chars = utf8_chars(text, "CharTokenizer::encode");
        std::vector<int64_t> ids;
        ids.reserve(chars.size());
        // BEGIN SOLUTION: CharTokenizer::encode (§2)
        for (size_t i = 0; i < chars.size(); ++i) {
            auto it = ids_.find(chars[i]);
            if (it != ids_.end()) ids.push_back(it->second);
            else if (has_unk_) ids.push_back(0);
            else throw unknown_char(chars[i], i);
        }
        // END SOLUTION
        return ids;
    }

    /// The characters of `ids` concatenated; unk_id() decodes as "<unk>". ValueError for an id
    /// outside 0..vocab_size()-1.
    std::string decode(const std::vector<int64_t>& ids) const override {
        check_built("decode");
        detail::check_ids(ids, vocab_size(), "CharTokenizer::decode");
        std::string out;
        // BEGIN SOLUTION: CharTokenizer::decode (§2)
        for (int64_t id : ids) out += tokens_[static_cast<size_t>(id)];
        // END SOLUTION
        return out;
    }

    int64_t vocab_size() const override { return static_cast<int64_t>(tokens_.size()); }
    /// The id of <unk> (always 0), or -1 when the vocabulary has none.
    int64_t unk_id() const { return has_unk_ ? 0 : -1; }
    /// The vocabulary in id order.
    const std::vector<std::string>& vocab() const { return tokens_; }
    /// The id of one character, or -1 when it is not in the vocabulary.
    int64_t token_to_id(std::string_view c) const {
        auto it = ids_.find(c);
        return it == ids_.end() ? -1 : it->second;
    }

private:
    void check_built(const char* op) const {
        if (tokens_.empty())
            throw ValueError(fmt("CharTokenizer::", op, ": the vocabulary is empty; hint: call build_vocab(corpus) "
                                 "first, or construct with CharTokenizer(corpus)"));
    }
    /// The error encode throws without <unk>: which character, where, and what to do.
    ValueError unknown_char(std::string_view c, size_t position) const {
        return ValueError(fmt("CharTokenizer::encode: character '", c, "' at position ", position,
                              " is not in the vocabulary of ", vocab_size(), " characters; hint: build the "
                              "vocabulary from text that contains it, or keep the <unk> token (add_unk = true)"));
    }

    std::vector<std::string> tokens_;                         // id -> character
    std::map<std::string, int64_t, std::less<>> ids_;         // character -> id (std::less<>: find by string_view)
    bool has_unk_ = false;
};

}  // namespace tinytorch::text
