// include/tinytorch/layers/layers.hpp
// Module 03 · Layers — lesson: modules/03_layers/README.md
// Everything module 03 offers (plus modules 01 and 02, which it needs).
#pragma once
#include "tinytorch/tensor/tensor.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/layers/state_dict.hpp"
#include "tinytorch/layers/module.hpp"
#include "tinytorch/layers/init.hpp"
#include "tinytorch/layers/linear.hpp"
#include "tinytorch/layers/sequential.hpp"
#include "tinytorch/layers/dropout.hpp"
#include "tinytorch/layers/identity.hpp"
