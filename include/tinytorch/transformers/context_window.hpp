// include/tinytorch/transformers/context_window.hpp
// Module 13 · Transformers — lesson: modules/13_transformers/README.md §6
//
// Which tokens a GPT reads while it generates: the context policy. The text so far is tokens
// 0 .. end − 1; the model reads the window begin .. end − 1 at positions 0 .. size − 1, and it has
// positions 0 .. block_size − 1 only, so size ≤ block_size.
//   the prompt     its last block_size tokens (nanoGPT's crop)
//   a new token    joins the window; when the window then holds block_size + 1 tokens, its oldest
//                  tokens are dropped and only the newest `keep` stay (positions restart at 0)
// With keep = block_size this is nanoGPT's generate: once full, the window slides by one token
// every step. The default keeps half a block: the window jumps by half a block once every
// block_size − keep + 1 tokens. Both GPT::generate (module 13) and generate_with_cache
// (module 18) follow this one policy, so they read the same tokens at the same positions and
// produce the same tokens; the cache must be filled again (a prefill) only when the window jumps
// — every token moves to another position then — so a smaller `keep` means fewer prefills, and a
// shorter memory right after each jump (the lesson §6 weighs the two).
//
//   tokens  0 1 2 3 4 5 6 7 8 9        block_size 6, keep 3
//   end 6   [0 1 2 3 4 5]              full
//   end 7         [4 5 6]              7 tokens do not fit: keep the newest 3 (a jump)
//   end 8         [4 5 6 7]
//   end 10        [4 5 6 7 8 9]        full again; the next token jumps to [8 9 10]
#pragma once
#include <algorithm>
#include <cstdint>

#include "tinytorch/tensor/errors.hpp"

namespace tinytorch::nn {

/// The window of the text a GPT reads while generating (see the top of this file).
class ContextWindow {
public:
    /// keep = 0 means half a block, rounded up (block_size 128: 64; block_size 1: 1).
    ContextWindow(int64_t block_size, int64_t keep = 0) : block_size_(block_size), keep_(keep) {
        if (block_size <= 0)
            throw ValueError(fmt("ContextWindow: block_size must be positive, got ", block_size,
                                 "; hint: the model's config().block_size"));
        if (keep < 0 || keep > block_size)
            throw ValueError(fmt("ContextWindow: keep must be in 0..block_size (", block_size, "), got ", keep,
                                 "; hint: 0 keeps half a block, block_size slides the window by one token "
                                 "(nanoGPT's crop)"));
        if (keep_ == 0) keep_ = (block_size + 1) / 2;
    }

    /// Starts over with a prompt of prompt_length tokens: the window is its last block_size tokens.
    void start(int64_t prompt_length) {
        if (prompt_length <= 0)
            throw ValueError(fmt("ContextWindow::start: the prompt must have at least one token, got ", prompt_length,
                                 "; hint: a newline or a start token"));
        end_ = prompt_length;
        begin_ = std::max<int64_t>(0, prompt_length - block_size_);
    }

    /// One new token at the end of the text. Returns true when it did not fit and the window
    /// jumped to the newest keep() tokens (every token of the window is at a new position now).
    bool push() {
        ++end_;
        if (end_ - begin_ <= block_size_) return false;
        begin_ = end_ - keep_;
        return true;
    }

    int64_t begin() const { return begin_; }          ///< first token of the text the model reads
    int64_t end() const { return end_; }              ///< one past the last token of the text
    int64_t size() const { return end_ - begin_; }    ///< tokens read: 1 .. block_size
    int64_t block_size() const { return block_size_; }
    int64_t keep() const { return keep_; }            ///< tokens left after a jump

private:
    int64_t block_size_ = 0, keep_ = 0, begin_ = 0, end_ = 0;
};

}  // namespace tinytorch::nn
