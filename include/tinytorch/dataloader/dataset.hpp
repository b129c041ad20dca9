// include/tinytorch/dataloader/dataset.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §1–§2
//
// The vocabulary of data loading: an Example (one input and its target), the abstract
// Dataset (size + random access by index) and the Transform hook. A Dataset knows nothing
// about batches, shuffling or epochs — that is the DataLoader's job (data_loader.hpp).
#pragma once
#include <cstddef>
#include <functional>
#include <vector>

#include "tinytorch/dataloader/collate.hpp"
#include "tinytorch/dataloader/example.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::data {

/// A function from tensor to tensor applied to inputs: one example [C, H, W] from get(),
/// a whole batch [B, C, H, W] from get_batch() (see MapDataset and transforms.hpp).
using Transform = std::function<Tensor(const Tensor&)>;

/// Random access to `size()` examples.   get(i) -> Example{data, target}, 0 <= i < size()
class Dataset {
public:
    virtual ~Dataset() = default;
    /// Number of examples.
    virtual size_t size() const = 0;
    /// Example `index` (IndexError when index >= size()).
    virtual Example get(size_t index) const = 0;
    /// Examples `indices` stacked into one batch: data [B, ...], target [B, ...].
    /// The default calls get() per index and collates; datasets that hold their examples in
    /// one tensor (TensorDataset) override it with a faster row copy.
    virtual Example get_batch(const std::vector<size_t>& indices) const {
        std::vector<Example> examples;
        examples.reserve(indices.size());
        for (size_t i : indices) examples.push_back(get(i));
        return collate(examples);
    }
};

}  // namespace tinytorch::data
