// include/tinytorch/losses/losses.hpp
// Module 04 · Losses — lesson: modules/04_losses/README.md
// Everything module 04 offers: nn::Reduction, MSELoss, CrossEntropyLoss, NLLLoss, BCELoss,
// BCEWithLogitsLoss and their nn::functional forms. Include this, not the files one by one.
#pragma once
#include "tinytorch/tensor/tensor.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/losses/reduction.hpp"
#include "tinytorch/losses/mse_loss.hpp"
#include "tinytorch/losses/nll_loss.hpp"
#include "tinytorch/losses/cross_entropy_loss.hpp"
#include "tinytorch/losses/bce_loss.hpp"
#include "tinytorch/losses/bce_with_logits_loss.hpp"
