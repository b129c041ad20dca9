// include/tinytorch/dataloader/map_dataset.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §5 (transforms)
#pragma once
#include <concepts>
#include <memory>
#include <utility>
#include <vector>

#include "tinytorch/dataloader/dataset.hpp"

namespace tinytorch::data {

/// A dataset whose inputs pass through `transform`: get(i).data = transform(inner.get(i).data).
/// Batches are fetched from the inner dataset first (keeping its fast path) and the transform
/// then sees the whole batch [B, C, H, W] once; the built-in transforms treat every image of a
/// batch independently, so this equals transforming each example (lesson §5). Targets pass
/// through unchanged. A transform written by you must accept both ranks, or be per-example only
/// and then be used through get().
class MapDataset : public Dataset {
public:
    MapDataset(std::shared_ptr<const Dataset> inner, Transform transform)
        : inner_(std::move(inner)), transform_(std::move(transform)) {
        if (!inner_) throw ValueError("MapDataset: the inner dataset is null; hint: pass a dataset");
        if (!transform_) throw ValueError("MapDataset: the transform is empty; hint: pass a callable Tensor(const Tensor&)");
    }
    /// Takes a copy of any concrete dataset (TensorDataset copies share their tensors).
    template <typename D>
        requires std::derived_from<D, Dataset>
    MapDataset(D inner, Transform transform)
        : MapDataset(std::make_shared<D>(std::move(inner)), std::move(transform)) {}

    size_t size() const override { return inner_->size(); }
    Example get(size_t index) const override {
        Example e = inner_->get(index);
        e.data = transform_(e.data);
        return e;
    }
    Example get_batch(const std::vector<size_t>& indices) const override {
        Example b = inner_->get_batch(indices);
        b.data = transform_(b.data);
        return b;
    }
    /// Chain another transform after this one.
    MapDataset map(Transform transform) const { return MapDataset(std::make_shared<MapDataset>(*this), std::move(transform)); }
    const Dataset& inner() const { return *inner_; }

private:
    std::shared_ptr<const Dataset> inner_;
    Transform transform_;
};

}  // namespace tinytorch::data
