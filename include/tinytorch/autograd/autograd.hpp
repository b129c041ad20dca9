// include/tinytorch/autograd/autograd.hpp
// Module 06 · Autograd — lesson: modules/06_autograd/README.md
// Everything module 06 offers: include this, not the files one by one. Including it installs
// the engine behind Tensor::backward and registers the backward rule of every op that
// modules 01–05 record (the rules read only the recorded Node, so no header of modules
// 02–05 is needed here).
#pragma once
#include "tinytorch/tensor/tensor.hpp"
#include "tinytorch/autograd/no_grad.hpp"
#include "tinytorch/autograd/engine.hpp"
#include "tinytorch/autograd/rules_tensor.hpp"
#include "tinytorch/autograd/rules_activations.hpp"
#include "tinytorch/autograd/rules_losses.hpp"
#include "tinytorch/autograd/gradcheck.hpp"
