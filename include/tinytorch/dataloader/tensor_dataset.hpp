// include/tinytorch/dataloader/tensor_dataset.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §1–§2
#pragma once
#include <cstring>
#include <vector>

#include "tinytorch/dataloader/dataset.hpp"
#include "tinytorch/dataloader/map_dataset.hpp"

namespace tinytorch::data {

/// Examples stored as rows of two tensors: example i = {data[i], targets[i]}.
///   data [N, ...], targets [N, ...] (usually [N] class labels) -> get(i) = {[...], [...]}
/// Like torch.utils.data.TensorDataset; holds the tensors (shared, not copied) and hands out
/// copies of rows, so changing an example never changes the dataset.
class TensorDataset : public Dataset {
public:
    TensorDataset(Tensor data, Tensor targets) : data_(std::move(data)), targets_(std::move(targets)) {
        check_rows(data_, "data");
        if (targets_.defined()) {
            check_rows(targets_, "targets");
            if (targets_.size(0) != data_.size(0))
                throw ShapeError(fmt("TensorDataset: data has shape ", shape_str(data_.shape()), " and targets ",
                                     shape_str(targets_.shape()), ": their first dims (the number of examples) differ, ",
                                     data_.size(0), " vs ", targets_.size(0),
                                     "; hint: row i of data must belong to row i of targets"));
            targets_ = targets_.contiguous().detach();
        }
        data_ = data_.contiguous().detach();
    }
    /// Unlabelled data: examples have no target.
    explicit TensorDataset(Tensor data) : TensorDataset(std::move(data), Tensor()) {}

    size_t size() const override { return static_cast<size_t>(data_.size(0)); }

    /// {data[index], targets[index]} as fresh tensors.   [N, ...] -> [...]
    Example get(size_t index) const override {
        // BEGIN SOLUTION: TensorDataset::get (§1)
        check_index(index);
        Example e;
        e.data = copy_rows(data_, {index});
        e.data = e.data.view(Shape(data_.shape().begin() + 1, data_.shape().end()));
        if (targets_.defined()) {
            e.target = copy_rows(targets_, {index});
            e.target = e.target.view(Shape(targets_.shape().begin() + 1, targets_.shape().end()));
        }
        return e;
        // END SOLUTION
    }

    /// Rows `indices` copied into one batch: data [B, ...], targets [B, ...].
    /// Fast path: one memcpy per row. The naive reference is Dataset::get_batch (get + collate).
    Example get_batch(const std::vector<size_t>& indices) const override {
        for (size_t i : indices) check_index(i);
        Example batch;
        batch.data = copy_rows(data_, indices);
        if (targets_.defined()) batch.target = copy_rows(targets_, indices);
        return batch;
    }

    const Tensor& data() const { return data_; }
    const Tensor& targets() const { return targets_; }
    /// This dataset with `transform` applied to every input (see MapDataset).
    MapDataset map(Transform transform) const { return MapDataset(*this, std::move(transform)); }

private:
    Tensor data_, targets_;  // contiguous, detached

    static void check_rows(const Tensor& t, const char* what) {
        if (!t.defined())
            throw ValueError(fmt("TensorDataset: ", what, " is an undefined tensor; hint: pass a tensor [N, ...]"));
        if (t.dim() == 0)
            throw ShapeError(fmt("TensorDataset: ", what, " is a 0-D tensor; hint: ", what,
                                 " needs a first dim that counts the examples, shape [N, ...]"));
    }
    void check_index(size_t index) const {
        if (index >= size())
            throw IndexError(fmt("TensorDataset: index ", index, " is out of range for a dataset of size ", size(),
                                 "; hint: valid indices are 0..", static_cast<int64_t>(size()) - 1));
    }
    /// out[k] = t[indices[k]] for a contiguous t [N, ...] -> [B, ...]; one memcpy per row.
    static Tensor copy_rows(const Tensor& t, const std::vector<size_t>& indices) {
        // BEGIN SOLUTION: TensorDataset::copy_rows (§2)
        Shape shape = t.shape();
        shape[0] = static_cast<int64_t>(indices.size());
        Tensor out = empty(shape);
        const size_t row = static_cast<size_t>(t.size(0) ? t.numel() / t.size(0) : 0);
        const float* src = t.data_ptr();
        float* dst = out.data_ptr();
        if (row)
            for (size_t k = 0; k < indices.size(); ++k)
                std::memcpy(dst + k * row, src + indices[k] * row, row * sizeof(float));
        return out;
        // END SOLUTION
    }
};

}  // namespace tinytorch::data
