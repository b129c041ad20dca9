// include/tinytorch/activations/activations.hpp
// Module 02 · Activations — lesson: modules/02_activations/README.md
// Everything module 02 offers: relu, sigmoid, tanh, gelu, softmax, log_softmax and their
// nn:: functor classes. Include this, not the files one by one.
#pragma once
#include "tinytorch/tensor/tensor.hpp"
#include "tinytorch/activations/vector_math.hpp"
#include "tinytorch/activations/relu.hpp"
#include "tinytorch/activations/sigmoid.hpp"
#include "tinytorch/activations/tanh.hpp"
#include "tinytorch/activations/gelu.hpp"
#include "tinytorch/activations/softmax.hpp"
#include "tinytorch/activations/log_softmax.hpp"
