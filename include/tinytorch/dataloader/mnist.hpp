// include/tinytorch/dataloader/mnist.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §7 (dataset helpers)
//
// MNIST and Fashion-MNIST share file names and format: a folder with
//   train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte  t10k-labels-idx1-ubyte
// each raw or gzipped (.gz). The embedded 8x8 digits (digits.hpp) use the same format.
#pragma once
#include <string>

#include "tinytorch/dataloader/data_dir.hpp"
#include "tinytorch/dataloader/file_io.hpp"
#include "tinytorch/dataloader/idx.hpp"
#include "tinytorch/dataloader/tensor_dataset.hpp"

namespace tinytorch::data {

/// An image classification set from an IDX images file (0x803) and an IDX labels file (0x801).
///   -> images [N, 1, rows, cols] in [0, 1] (pixel / 255), labels [N] (whole numbers)
inline TensorDataset read_idx_dataset(const std::string& images_path, const std::string& labels_path) {
    Tensor images = read_idx(images_path, kIdxImagesMagic);
    Tensor labels = read_idx(labels_path, kIdxLabelsMagic);
    if (images.size(0) != labels.size(0))
        throw DataError(fmt(images_path, " holds ", images.size(0), " images but ", labels_path, " holds ",
                            labels.size(0), " labels; hint: the two files must come from the same split"));
    float* p = images.data_ptr();
    for (int64_t k = 0, n = images.numel(); k < n; ++k) p[k] /= 255.0f;
    return TensorDataset(images.view({images.size(0), 1, images.size(1), images.size(2)}), labels);
}

/// MNIST or Fashion-MNIST from `dir`: train (60000) or test (10000, the t10k files).
///   -> images [N, 1, 28, 28] in [0, 1], labels [N] in 0..9
inline TensorDataset mnist(const std::string& dir, bool train = true) {
    const std::string prefix = train ? "train" : "t10k";
    const std::string images = find_data_file(dir, prefix + "-images-idx3-ubyte", "mnist");
    const std::string labels = find_data_file(dir, prefix + "-labels-idx1-ubyte", "mnist");
    return read_idx_dataset(images, labels);
}

}  // namespace tinytorch::data
