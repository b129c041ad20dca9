// include/tinytorch/dataloader/digits.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §7 (dataset helpers)
#pragma once
#include <string>

#include "tinytorch/dataloader/data_dir.hpp"
#include "tinytorch/dataloader/mnist.hpp"

namespace tinytorch::data {

/// The embedded 8x8 handwritten digits (UCI, via scikit-learn; datasets/README.md), committed
/// in IDX format so that a demo needs no download: train 1400 (140 per class), test 300 (30 per
/// class).   -> images [N, 1, 8, 8] in [0, 1], labels [N] in 0..9
/// `dir` defaults to dataset_dir("digits8x8") (datasets/digits8x8 in the checkout).
inline TensorDataset digits8x8(bool train = true, const std::string& dir = "") {
    const std::string folder = dir.empty() ? dataset_dir("digits8x8") : dir;
    const std::string split = train ? "train" : "test";
    const std::string images = find_data_file(folder, split + "-images-idx3-ubyte", "digits8x8");
    const std::string labels = find_data_file(folder, split + "-labels-idx1-ubyte", "digits8x8");
    return read_idx_dataset(images, labels);
}

}  // namespace tinytorch::data
