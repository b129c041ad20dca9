// include/tinytorch/embeddings/embeddings.hpp
// Module 11 · Embeddings — lesson: modules/11_embeddings/README.md
// Everything module 11 offers: nn::Embedding (lookup with a scatter-add backward, padding_idx,
// from_pretrained), learned and sinusoidal positional encodings, rotary position embedding
// (RoPE) — each with its backward rule registered here. It brings in modules 01 (tensor),
// 03 (layers) and 06 (autograd).
#pragma once
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/layers/layers.hpp"
#include "tinytorch/embeddings/embedding.hpp"
#include "tinytorch/embeddings/positional_encoding.hpp"
#include "tinytorch/embeddings/rotary_embedding.hpp"
