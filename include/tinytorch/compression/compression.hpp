// include/tinytorch/compression/compression.hpp
// Module 16 · Compression — lesson: modules/16_compression/README.md
//
// Smaller models: unstructured magnitude pruning with masks that survive training, a gradual
// schedule, a sparsity report in fractions, structured pruning that physically removes neurons
// and channels, low-rank factorised Linear layers by truncated SVD, knowledge distillation with
// gradients, and a sparse file format whose size on disk is real.
#pragma once
#include "tinytorch/compression/sparsity.hpp"            // §1 counting zeros (fractions)
#include "tinytorch/compression/pruned_layers.hpp"       // §2 weight = weight_orig ⊙ mask
#include "tinytorch/compression/magnitude_pruning.hpp"   // §3 layer-wise and global magnitude pruning
#include "tinytorch/compression/gradual_schedule.hpp"    // §4 Zhu & Gupta's cubic schedule
#include "tinytorch/compression/structured_pruning.hpp"  // §5 removing neurons and channels
#include "tinytorch/compression/low_rank.hpp"            // §6 truncated SVD -> LowRankLinear
#include "tinytorch/compression/distillation.hpp"        // §7 KL(teacher ‖ student) · T² + CE
#include "tinytorch/compression/sparse_storage.hpp"      // §8 bitmask + int8 values on disk
