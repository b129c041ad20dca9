// include/tinytorch/tokenization/create_tokenizer.hpp
// Module 10 · Tokenization — lesson: modules/10_tokenization/README.md (choosing a tokenizer)
//
// A tokenizer by name, built from a corpus: "char" (CharTokenizer with <unk>) or "bpe"
// (BPETokenizer trained to vocab_size).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "tinytorch/tokenization/bpe_tokenizer.hpp"
#include "tinytorch/tokenization/char_tokenizer.hpp"

namespace tinytorch::text {

inline std::unique_ptr<Tokenizer> create_tokenizer(const std::string& kind, const std::string& corpus,
                                                   int64_t vocab_size = 512) {
    if (kind == "char") return std::make_unique<CharTokenizer>(corpus);
    if (kind == "bpe") {
        auto bpe = std::make_unique<BPETokenizer>();
        bpe->train(corpus, vocab_size);
        return bpe;
    }
    throw ValueError(fmt("create_tokenizer: unknown kind '", kind, "', expected 'char' or 'bpe'; hint: 'char' for "
                         "small vocabularies and long sequences, 'bpe' for short sequences"));
}

}  // namespace tinytorch::text
