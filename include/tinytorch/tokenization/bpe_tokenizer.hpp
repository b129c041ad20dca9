// include/tinytorch/tokenization/bpe_tokenizer.hpp
// Module 10 · Tokenization — lesson: modules/10_tokenization/README.md §3, §5, §6, §7
//
// Byte-level byte-pair encoding (GPT-2 style). Ids 0..255 are the 256 bytes, so any text — any
// UTF-8, any binary — encodes and decodes back exactly. Training learns merges: merge m turns
// the most frequent adjacent pair (a, b) into the new id 256 + m. Special tokens such as
// "<|endoftext|>" come last and are matched as whole tokens, never merged with their neighbours.
//   ids:  0..255 bytes | 256 .. 256+M-1 merges | 256+M .. 256+M+S-1 special tokens
#pragma once
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"
#include "tinytorch/tokenization/bpe_merges.hpp"
#include "tinytorch/tokenization/pretokenize.hpp"
#include "tinytorch/tokenization/text_file.hpp"
#include "tinytorch/tokenization/tokenizer.hpp"

namespace tinytorch::text {

namespace detail {
/// The distinct chunks of `text` (split on special tokens, which are left out, then pretokenized)
/// as byte ids with their counts, in byte order of the chunks (so training is deterministic).
inline std::vector<WordCount> word_counts(std::string_view text, const std::vector<std::string>& specials) {
    std::map<std::string_view, int64_t> counts;
    for (const Piece& piece : split_on_specials(text, specials))
        if (piece.special < 0)
            for (std::string_view chunk : pretokenize(piece.text)) ++counts[chunk];
    std::vector<WordCount> words;
    words.reserve(counts.size());
    for (const auto& [chunk, count] : counts) {
        WordCount w;
        w.count = count;
        for (char c : chunk) w.ids.push_back(static_cast<unsigned char>(c));
        words.push_back(std::move(w));
    }
    return words;
}

/// A ValueError unless every special token is non-empty, free of whitespace and unique.
inline void check_special_tokens(const std::vector<std::string>& specials, const char* who) {
    std::unordered_map<std::string_view, size_t> first;  // token -> its first index (a loaded file may list many)
    for (size_t s = 0; s < specials.size(); ++s) {
        const std::string& t = specials[s];
        if (t.empty())
            throw ValueError(fmt(who, ": special token ", s, " is empty; hint: use a marker such as <|endoftext|>"));
        for (char c : t)
            if (char_class(static_cast<unsigned char>(c)) == CharClass::space)
                throw ValueError(fmt(who, ": special token '", t, "' contains whitespace; hint: special tokens are "
                                     "single markers such as <pad> or <|endoftext|>"));
        auto [it, fresh] = first.emplace(t, s);
        if (!fresh)
            throw ValueError(fmt(who, ": special token '", t, "' is listed twice (", it->second, " and ", s,
                                 "); hint: list each special token once"));
    }
}

/// Lines of a tokenizer file, counted, for error messages that name the file and the line.
class LineReader {
public:
    LineReader(std::istream& in, std::string path) : in_(in), path_(std::move(path)) {}
    /// The next line without its end of line; false at the end of the file.
    bool next(std::string& line) {
        if (!std::getline(in_, line)) return false;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        ++number_;
        return true;
    }
    int64_t number() const { return number_; }
    DataError error(const std::string& what) const {
        return DataError(fmt(path_, ": line ", number_, ": ", what,
                             "; hint: the file was not written by BPETokenizer::save or was edited or damaged, "
                             "save the tokenizer again"));
    }
    DataError truncated(const std::string& expected) const {
        return DataError(fmt(path_, ": truncated: the file ends after line ", number_, " but ", expected,
                             " should follow; hint: the file was cut short, save the tokenizer again"));
    }

private:
    std::istream& in_;
    std::string path_;
    int64_t number_ = 0;
};

/// `text` as a whole number in 0..max, else -1.
inline int64_t parse_count(std::string_view text, int64_t max) {
    int64_t v = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || v < 0 || v > max) return -1;
    return v;
}
}  // namespace detail

class BPETokenizer : public Tokenizer {
public:
    static constexpr int64_t kByteTokens = 256;
    /// Largest vocabulary: ids up to 2^24 are exact as float32 (to_tensor).
    static constexpr int64_t kMaxVocabSize = int64_t(1) << 24;
    /// What load() accepts at most, so that a small file cannot make it allocate gigabytes: one
    /// token of 64 KiB, all merged tokens together 256 MiB (GPT-2's 50k tokens take ~0.4 MB).
    static constexpr int64_t kMaxTokenBytes = int64_t(1) << 16;
    static constexpr int64_t kMaxVocabBytes = int64_t(1) << 28;
    /// The first line of a saved tokenizer.
    static constexpr const char* kFileHeader = "tinytorch-bpe 1";

    /// An untrained tokenizer: the 256 byte tokens, no merges (one id per byte).
    BPETokenizer() {
        token_bytes_.reserve(kByteTokens);
        for (int b = 0; b < kByteTokens; ++b) token_bytes_.emplace_back(1, static_cast<char>(b));
    }

    /// Learns up to vocab_size - 256 - special_tokens.size() merges from `text`; stops early when
    /// no pair occurs at least twice (vocab_size() then says how many ids there really are).
    void train(const std::string& text, int64_t vocab_size, const std::vector<std::string>& special_tokens = {}) {
        detail::check_special_tokens(special_tokens, "BPETokenizer::train");
        const int64_t min_size = kByteTokens + static_cast<int64_t>(special_tokens.size());
        if (vocab_size < min_size || vocab_size > kMaxVocabSize)
            throw ValueError(fmt("BPETokenizer::train: vocab_size must be in ", min_size, "..", kMaxVocabSize,
                                 " (256 byte tokens + ", special_tokens.size(), " special tokens + the merges to "
                                 "learn), got ", vocab_size, "; hint: GPT-2 uses 50257, small models 512..8192"));
        std::vector<WordCount> words = detail::word_counts(text, special_tokens);
        const int64_t num_merges = vocab_size - min_size;
        merges_.clear();
        specials_ = special_tokens;
        // BEGIN SOLUTION: BPETokenizer::train (§5)
        for (int64_t m = 0; m < num_merges; ++m) {
            auto best = most_frequent_pair(count_pairs(words));
            if (!best || best->second < 2) break;  // a pair seen once saves nothing worth an id
            merges_.push_back(best->first);
            for (WordCount& w : words)
                if (w.ids.size() >= 2) w.ids = merge_pair(w.ids, best->first, kByteTokens + m);
        }
        // END SOLUTION
        rebuild_vocab();
    }

    /// Special tokens matched whole, then each chunk (pretokenize) encoded with the merges.
    std::vector<int64_t> encode(const std::string& text) const override {
        std::vector<int64_t> ids;
        ids.reserve(text.size() / 2);
        for (const detail::Piece& piece : detail::split_on_specials(text, specials_)) {
            if (piece.special >= 0) {
                ids.push_back(first_special_id() + piece.special);
                continue;
            }
            for (std::string_view chunk : pretokenize(piece.text)) encode_chunk(chunk, ids);
        }
        return ids;
    }

    /// Appends the ids of one chunk: its bytes, merged in the order the merges were learned.
    void encode_chunk(std::string_view chunk, std::vector<int64_t>& out) const {
        // BEGIN SOLUTION: BPETokenizer::encode_chunk (§6)
        std::vector<int64_t> ids;
        ids.reserve(chunk.size());
        for (char c : chunk) ids.push_back(static_cast<unsigned char>(c));
        while (ids.size() >= 2) {
            int64_t best_id = -1;  // the id of a merge is its rank: earlier merges have smaller ids
            Pair best;
            for (size_t i = 0; i + 1 < ids.size(); ++i) {
                auto it = ranks_.find({ids[i], ids[i + 1]});
                if (it != ranks_.end() && (best_id < 0 || it->second < best_id)) {
                    best_id = it->second;
                    best = it->first;
                }
            }
            if (best_id < 0) break;
            ids = merge_pair(ids, best, best_id);
        }
        out.insert(out.end(), ids.begin(), ids.end());
        // END SOLUTION
    }

    /// The bytes of each id concatenated (a special id gives its text). Decoding a whole encoded
    /// text gives it back exactly; a slice cut inside a UTF-8 character gives bytes that are not
    /// valid UTF-8. ValueError for an id outside 0..vocab_size()-1.
    std::string decode(const std::vector<int64_t>& ids) const override {
        detail::check_ids(ids, vocab_size(), "BPETokenizer::decode");
        std::string out;
        // BEGIN SOLUTION: BPETokenizer::decode (§3)
        const int64_t first_special = first_special_id();
        for (int64_t id : ids)
            out += id < first_special ? token_bytes_[static_cast<size_t>(id)]
                                      : specials_[static_cast<size_t>(id - first_special)];
        // END SOLUTION
        return out;
    }

    int64_t vocab_size() const override { return first_special_id() + static_cast<int64_t>(specials_.size()); }
    /// The bytes (or special token) of one id: decode({id}).
    std::string id_to_token(int64_t id) const { return decode({id}); }
    /// The learned merges in order: merges()[m] became id 256 + m.
    const std::vector<Pair>& merges() const { return merges_; }
    const std::vector<std::string>& special_tokens() const { return specials_; }
    /// The id of a special token, or -1 when `token` is not one.
    int64_t special_id(std::string_view token) const {
        for (size_t s = 0; s < specials_.size(); ++s)
            if (specials_[s] == token) return first_special_id() + static_cast<int64_t>(s);
        return -1;
    }

    /// Writes the tokenizer as text (the format is in the lesson, §7):
    ///   tinytorch-bpe 1 | merges M | M lines "a b" | specials S | S lines, one token each
    void save(const std::string& path) const {
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        if (!f)
            throw DataError(fmt("BPETokenizer::save: cannot write ", path, ": ", std::strerror(errno),
                                "; hint: check that the folder exists and is writable"));
        f << kFileHeader << "\nmerges " << merges_.size() << '\n';
        for (const Pair& p : merges_) f << p.first << ' ' << p.second << '\n';
        f << "specials " << specials_.size() << '\n';
        for (const std::string& s : specials_) f << s << '\n';
        f.flush();
        if (!f) throw DataError(fmt("BPETokenizer::save: writing ", path, " failed; hint: is the disk full?"));
    }

    /// Reads a file written by save(). DataError naming the file (and the line) when it is
    /// missing, not a tokenizer file, damaged or cut short.
    static BPETokenizer load(const std::string& path) {
        std::ifstream f = detail::open_input_file(path, "BPETokenizer::load", "pass the path given to BPETokenizer::save");
        detail::LineReader lines(f, path);
        std::string line;
        if (!lines.next(line)) throw lines.truncated(fmt("the header '", kFileHeader, "'"));
        if (line != kFileHeader) throw lines.error(fmt("expected '", kFileHeader, "', found '", line.substr(0, 40), "'"));

        BPETokenizer tok;
        const int64_t max_merges = kMaxVocabSize - kByteTokens;
        if (!lines.next(line)) throw lines.truncated("'merges <count>'");
        int64_t num_merges = line.rfind("merges ", 0) == 0 ? detail::parse_count(line.substr(7), max_merges) : -1;
        if (num_merges < 0) throw lines.error(fmt("expected 'merges <count>' with a count in 0..", max_merges, ", found '", line, "'"));
        std::vector<int64_t> lengths(kByteTokens, 1);  // bytes of every id so far
        int64_t total_bytes = 0;
        std::unordered_set<Pair, PairHash> seen;
        for (int64_t m = 0; m < num_merges; ++m) {
            if (!lines.next(line)) throw lines.truncated(fmt(num_merges, " merges (found ", m, ")"));
            size_t space = line.find(' ');
            int64_t limit = kByteTokens + m - 1;  // merge m may only use ids that exist before it
            int64_t a = space == std::string::npos ? -1 : detail::parse_count(std::string_view(line).substr(0, space), limit);
            int64_t b = space == std::string::npos ? -1 : detail::parse_count(std::string_view(line).substr(space + 1), limit);
            if (a < 0 || b < 0)
                throw lines.error(fmt("merge ", m, " is '", line, "', expected two ids in 0..", limit));
            // Bound what the file makes us allocate before anything is built: each merge's token is
            // as long as its two parts together, so a few lines that each double a length would
            // otherwise ask for terabytes.
            const int64_t length = lengths[static_cast<size_t>(a)] + lengths[static_cast<size_t>(b)];
            total_bytes += length;
            if (length > kMaxTokenBytes || total_bytes > kMaxVocabBytes)
                throw lines.error(fmt("merge ", m, " (", a, ", ", b, ") makes ", length > kMaxTokenBytes
                                          ? fmt("a token of ", length, " bytes, more than the ", kMaxTokenBytes, " allowed")
                                          : fmt("the merged tokens ", total_bytes, " bytes in all, more than the ",
                                                kMaxVocabBytes, " allowed")));
            lengths.push_back(length);
            if (!seen.insert({a, b}).second)
                throw lines.error(fmt("merge ", m, " (", a, ", ", b, ") repeats an earlier merge; a pair is merged "
                                      "once, after which it no longer occurs"));
            tok.merges_.push_back({a, b});
        }
        if (!lines.next(line)) throw lines.truncated("'specials <count>'");
        int64_t num_specials = line.rfind("specials ", 0) == 0 ? detail::parse_count(line.substr(9), max_merges - num_merges) : -1;
        if (num_specials < 0)
            throw lines.error(fmt("expected 'specials <count>' with a count in 0..", max_merges - num_merges, ", found '", line, "'"));
        for (int64_t s = 0; s < num_specials; ++s) {
            if (!lines.next(line)) throw lines.truncated(fmt(num_specials, " special tokens (found ", s, ")"));
            tok.specials_.push_back(line);
        }
        try {
            detail::check_special_tokens(tok.specials_, "special tokens");
        } catch (const ValueError& e) {
            throw DataError(fmt(path, ": ", e.what()));
        }
        while (lines.next(line))
            if (!line.empty()) throw lines.error(fmt("unexpected '", line.substr(0, 40), "' after the special tokens"));
        tok.rebuild_vocab();
        return tok;
    }

private:
    int64_t first_special_id() const { return kByteTokens + static_cast<int64_t>(merges_.size()); }

    /// After train() or load(): the bytes of every merged token and the merge ranks encode uses.
    void rebuild_vocab() {
        token_bytes_.resize(kByteTokens);  // the 256 single bytes (constructor) stay
        ranks_.clear();
        for (size_t m = 0; m < merges_.size(); ++m) ranks_[merges_[m]] = kByteTokens + static_cast<int64_t>(m);
        // BEGIN SOLUTION: BPETokenizer::rebuild_vocab (§3)
        for (const Pair& p : merges_)
            token_bytes_.push_back(token_bytes_[static_cast<size_t>(p.first)] + token_bytes_[static_cast<size_t>(p.second)]);
        // END SOLUTION
    }

    std::vector<Pair> merges_;                 // merge m: (a, b) -> 256 + m
    std::vector<std::string> specials_;        // special token s -> 256 + merges + s
    std::vector<std::string> token_bytes_;     // id -> bytes, for the 256 + merges ordinary ids
    std::unordered_map<Pair, int64_t, PairHash> ranks_;  // (a, b) -> the id it merges into
};

}  // namespace tinytorch::text
