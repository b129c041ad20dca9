// include/tinytorch/optimizers/optimizers.hpp
// Module 07 · Optimizers — lesson: modules/07_optimizers/README.md
// Everything module 07 offers (plus modules 01, 03 and 06, which it needs).
#pragma once
#include "tinytorch/tensor/tensor.hpp"
#include "tinytorch/layers/layers.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/optimizers/optimizer.hpp"
#include "tinytorch/optimizers/sgd.hpp"
#include "tinytorch/optimizers/adam.hpp"
#include "tinytorch/optimizers/adamw.hpp"
#include "tinytorch/optimizers/rmsprop.hpp"
