// fuzz/fuzz_text.hpp — harnesses for module 10: BPE tokenizer files, char tokenizer corpora,
// encode/decode of arbitrary bytes (with exact round trips), and the UTF-8 decoder checked
// against a plain code-point reference.
#pragma once
#include "fuzz_common.hpp"
#include "tinytorch/tokenization/tokenization.hpp"

namespace fuzz {

/// A BPE file: a DataError, or a tokenizer that round-trips every text (the input itself).
inline int bpe_file(const uint8_t* data, size_t size) {
    const std::string& path = write_scratch(data, size, ".bpe");
    try {
        tinytorch::text::BPETokenizer tok = tinytorch::text::BPETokenizer::load(path);
        const std::string text = as_string(data, size);
        FUZZ_CHECK(tok.decode(tok.encode(text)) == text);
        tok.save(scratch_path(".bpe-saved"));
        tinytorch::text::BPETokenizer again = tinytorch::text::BPETokenizer::load(scratch_path(".bpe-saved"));
        FUZZ_CHECK(again.merges() == tok.merges() && again.special_tokens() == tok.special_tokens());
    } catch (const tinytorch::DataError&) {
    }
    return 0;
}

/// The code points of `s` by the definition (RFC 3629), or false where it is not UTF-8.
inline bool reference_utf8(const std::string& s, std::vector<std::string>* chars) {
    for (size_t i = 0; i < s.size();) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        int len = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + len > s.size()) return false;
        uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
        for (int k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (b & 0x3F);
        }
        const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        chars->push_back(s.substr(i, len));
        i += len;
    }
    return true;
}

/// utf8_chars agrees with the reference on every input; CharTokenizer built from valid text
/// round-trips it; BPE encode/decode round-trips any bytes; decode of arbitrary ids is a
/// ValueError or text.
inline int tokenizer_codec(const uint8_t* data, size_t size) {
    using namespace tinytorch::text;
    const std::string text = as_string(data, size);
    std::vector<std::string> expected;
    const bool valid = reference_utf8(text, &expected);
    try {
        std::vector<std::string_view> chars = utf8_chars(text);
        FUZZ_CHECK(valid);
        FUZZ_CHECK(chars.size() == expected.size());
        for (size_t i = 0; i < chars.size(); ++i) FUZZ_CHECK(chars[i] == expected[i]);
    } catch (const tinytorch::ValueError&) {
        FUZZ_CHECK(!valid);
    }
    if (valid && !text.empty()) {
        CharTokenizer ct(text, true);
        FUZZ_CHECK(ct.decode(ct.encode(text)) == text);
        CharTokenizer strict(text, false);
        FUZZ_CHECK(strict.decode(strict.encode(text)) == text);
    }
    static BPETokenizer bpe = [] {
        BPETokenizer t;
        t.train("the cat sat on the mat, the cat ate the rat. <|endoftext|> naïve café ☕ 12 345 6789 "
                "the the the cat cat", 300, {"<|endoftext|>", "<pad>"});
        return t;
    }();
    FUZZ_CHECK(bpe.decode(bpe.encode(text)) == text);  // special tokens decode to their own text
    std::vector<int64_t> ids;
    for (size_t i = 0; i + 2 <= size; i += 2) ids.push_back(static_cast<int64_t>(data[i] | (data[i + 1] << 8)) - 512);
    for (const Tokenizer* tok : std::initializer_list<const Tokenizer*>{&bpe}) {
        try {
            std::string out = tok->decode(ids);
            for (int64_t id : ids) FUZZ_CHECK(id >= 0 && id < tok->vocab_size());
        } catch (const tinytorch::ValueError&) {
        }
    }
    try {
        tinytorch::Tensor t = to_tensor(bpe.encode(text));
        (void)from_tensor(t);
    } catch (const tinytorch::Error&) {
    }
    return 0;
}

/// A char tokenizer corpus read from a file (read_text_file): a ValueError for invalid UTF-8 or
/// an empty corpus, else a vocabulary that encodes the corpus back exactly.
inline int char_file(const uint8_t* data, size_t size) {
    const std::string& path = write_scratch(data, size, ".txt");
    try {
        const std::string corpus = tinytorch::text::read_text_file(path);
        FUZZ_CHECK(corpus.size() == size);
        tinytorch::text::CharTokenizer tok(corpus);
        std::vector<int64_t> ids = tok.encode(corpus);
        FUZZ_CHECK(tok.decode(ids) == corpus);
        auto tok2 = tinytorch::text::create_tokenizer("char", corpus);
        FUZZ_CHECK(tok2->vocab_size() == tok.vocab_size());
    } catch (const tinytorch::ValueError&) {
    } catch (const tinytorch::DataError&) {
    }
    return 0;
}

}  // namespace fuzz
