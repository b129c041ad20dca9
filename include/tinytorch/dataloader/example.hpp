// include/tinytorch/dataloader/example.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §1
#pragma once
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::data {

/// One input and its target — or, from a DataLoader, a batch of them (data [B, ...],
/// target [B, ...]). Class labels are floats holding whole numbers, like everywhere in
/// TinyTorch. `target` is undefined for unlabelled data.
struct Example {
    Tensor data;
    Tensor target;
};

}  // namespace tinytorch::data
