// include/tinytorch/dataloader/collate.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §2 (batching and collation)
#pragma once
#include <cstring>
#include <vector>

#include "tinytorch/dataloader/example.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::data {

namespace detail {
/// Copy equally shaped tensors into one new tensor [B, ...shape]: one memcpy per part.
/// (The naive version is stack(parts) from module 01: same values, one strided copy per part.)
inline Tensor stack_rows(const std::vector<Tensor>& parts, const char* what) {
    // BEGIN SOLUTION: detail::stack_rows (§2)
    const Shape& shape = parts[0].shape();
    for (size_t k = 1; k < parts.size(); ++k)
        if (parts[k].shape() != shape)
            throw ShapeError(fmt("collate: example ", k, " has ", what, " shape ", shape_str(parts[k].shape()),
                                 " but example 0 has ", shape_str(shape),
                                 "; hint: every example of a batch needs the same shape, e.g. crop or resize "
                                 "them to one size with a transform"));
    Shape out_shape{static_cast<int64_t>(parts.size())};
    out_shape.insert(out_shape.end(), shape.begin(), shape.end());
    Tensor out = empty(out_shape);
    const size_t row = static_cast<size_t>(numel_of(shape));
    float* dst = out.data_ptr();
    for (const Tensor& part : parts) {
        Tensor c = part.contiguous();
        if (row) std::memcpy(dst, c.data_ptr(), row * sizeof(float));
        dst += row;
    }
    return out;
    // END SOLUTION
}
}  // namespace detail

/// Stack examples into one batch: data [B, ...], target [B, ...] (a 0-D target gives [B]).
/// All data must share one shape, all targets another; targets are all defined or all not.
inline Example collate(const std::vector<Example>& examples) {
    if (examples.empty())
        throw ValueError("collate: got no examples; hint: a batch holds at least one example");
    std::vector<Tensor> data, targets;
    data.reserve(examples.size());
    targets.reserve(examples.size());
    const bool labelled = examples[0].target.defined();
    for (size_t k = 0; k < examples.size(); ++k) {
        if (!examples[k].data.defined())
            throw ValueError(fmt("collate: example ", k, " has no data (undefined tensor); hint: get() must "
                                 "return Example{data, target} with data set"));
        if (examples[k].target.defined() != labelled)
            throw ValueError(fmt("collate: example ", k, (labelled ? " has no target" : " has a target"),
                                 " but example 0 ", (labelled ? "has one" : "has none"),
                                 "; hint: label every example or none"));
        data.push_back(examples[k].data);
        if (labelled) targets.push_back(examples[k].target);
    }
    Example batch;
    batch.data = detail::stack_rows(data, "data");
    if (labelled) batch.target = detail::stack_rows(targets, "target");
    return batch;
}

}  // namespace tinytorch::data
