// include/tinytorch/tinytorch.hpp — the umbrella: every module that exists so far, in course order.
//   #include "tinytorch/tinytorch.hpp"   then   namespace tt = tinytorch;  tt::nn::Linear(784, 10) ...
// A module's tests include only that module's header (and what it needs), never this one.
#pragma once
#include "tinytorch/tensor/tensor.hpp"             // 01
#include "tinytorch/activations/activations.hpp"   // 02
#include "tinytorch/layers/layers.hpp"             // 03
#include "tinytorch/losses/losses.hpp"             // 04
#include "tinytorch/dataloader/dataloader.hpp"     // 05
#include "tinytorch/autograd/autograd.hpp"         // 06
#include "tinytorch/optimizers/optimizers.hpp"     // 07
#include "tinytorch/training/training.hpp"         // 08
#include "tinytorch/convolutions/convolutions.hpp" // 09
#include "tinytorch/tokenization/tokenization.hpp" // 10
#include "tinytorch/embeddings/embeddings.hpp"     // 11
#include "tinytorch/attention/attention.hpp"       // 12
#include "tinytorch/transformers/transformers.hpp" // 13
#include "tinytorch/profiling/profiling.hpp"       // 14
#include "tinytorch/quantization/quantization.hpp" // 15
#include "tinytorch/compression/compression.hpp"   // 16
#include "tinytorch/acceleration/acceleration.hpp" // 17
#include "tinytorch/memoization/memoization.hpp"   // 18
#include "tinytorch/benchmarking/benchmarking.hpp" // 19
#include "tinytorch/capstone/capstone.hpp"         // 20
