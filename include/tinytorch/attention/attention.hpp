// include/tinytorch/attention/attention.hpp
// Module 12 · Attention — lesson: modules/12_attention/README.md
// Everything module 12 offers: scaled_dot_product_attention (the fused streaming kernel with its
// own backward rule, registered here) beside scaled_dot_product_attention_naive (the definition
// in tensor ops), and nn::MultiheadAttention. It brings in modules 01–03 and 06 (autograd).
#pragma once
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/layers/layers.hpp"
#include "tinytorch/attention/attention_geometry.hpp"
#include "tinytorch/attention/sdpa_naive.hpp"
#include "tinytorch/attention/flash_attention.hpp"
#include "tinytorch/attention/scaled_dot_product_attention.hpp"
#include "tinytorch/attention/multihead_attention.hpp"
