// include/tinytorch/memoization/memoization.hpp
// Module 18 · Memoization — lesson: modules/18_memoization/README.md
// Everything module 18 offers (plus module 13 and what it needs): the KV cache and generation with it.
#pragma once
#include "tinytorch/transformers/transformers.hpp"
#include "tinytorch/memoization/kv_cache.hpp"
#include "tinytorch/memoization/cached_attention.hpp"
#include "tinytorch/memoization/cached_gpt.hpp"
#include "tinytorch/memoization/cached_generation.hpp"
