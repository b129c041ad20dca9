// include/tinytorch/transformers/transformers.hpp
// Module 13 · Transformers — lesson: modules/13_transformers/README.md
// Everything module 13 offers (plus the modules it needs: 01-04, 06, 11, 12).
#pragma once
#include "tinytorch/tensor/tensor.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/layers/layers.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/embeddings/embeddings.hpp"
#include "tinytorch/attention/attention.hpp"
#include "tinytorch/transformers/layer_norm.hpp"
#include "tinytorch/transformers/mlp.hpp"
#include "tinytorch/transformers/causal_self_attention.hpp"
#include "tinytorch/transformers/transformer_block.hpp"
#include "tinytorch/transformers/sampling.hpp"
#include "tinytorch/transformers/context_window.hpp"
#include "tinytorch/transformers/gpt.hpp"
#include "tinytorch/transformers/weight_decay_groups.hpp"
