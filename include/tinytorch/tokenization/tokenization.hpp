// include/tinytorch/tokenization/tokenization.hpp
// Module 10 · Tokenization — lesson: modules/10_tokenization/README.md
// Everything module 10 offers (namespace tinytorch::text): include this, not the files one by one.
#pragma once
#include "tinytorch/tensor/tensor.hpp"
#include "tinytorch/tokenization/tokenizer.hpp"
#include "tinytorch/tokenization/utf8.hpp"
#include "tinytorch/tokenization/char_tokenizer.hpp"
#include "tinytorch/tokenization/pretokenize.hpp"
#include "tinytorch/tokenization/bpe_merges.hpp"
#include "tinytorch/tokenization/bpe_tokenizer.hpp"
#include "tinytorch/tokenization/token_tensor.hpp"
#include "tinytorch/tokenization/stats.hpp"
#include "tinytorch/tokenization/create_tokenizer.hpp"
#include "tinytorch/tokenization/text_file.hpp"
