// include/tinytorch/dataloader/data_loader.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §4 (the DataLoader and epochs)
//
//   data::DataLoader loader(data::TensorDataset(x, y),
//                           data::DataLoaderOptions().batch_size(64).shuffle(true).seed(42));
//   for (int epoch = 0; epoch < 10; ++epoch)
//       for (const data::Example& batch : loader) { ... batch.data [64, ...], batch.target [64] ... }
//
// Every range-for over the loader is one epoch: begin() asks the sampler for that epoch's
// order of indices, and each step fetches the next batch_size of them with
// Dataset::get_batch. No worker threads: batches are made on demand, in the calling thread.
#pragma once
#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "tinytorch/dataloader/dataset.hpp"
#include "tinytorch/dataloader/sampler.hpp"

namespace tinytorch::data {

/// Options in libtorch's builder style: DataLoaderOptions().batch_size(64).shuffle(true).
///   batch_size  examples per batch (default 1)
///   shuffle     a new random order every epoch (default false: 0, 1, ..., N-1)
///   drop_last   drop the last batch when it is smaller than batch_size (default false)
///   seed        with shuffle: epoch e uses a permutation that depends only on (seed, e);
///               without a seed the order is drawn from the global generator (manual_seed)
struct DataLoaderOptions {
    DataLoaderOptions() = default;
    explicit DataLoaderOptions(size_t batch_size) : batch_size_(batch_size) {}

    DataLoaderOptions& batch_size(size_t value) { batch_size_ = value; return *this; }
    DataLoaderOptions& shuffle(bool value) { shuffle_ = value; return *this; }
    DataLoaderOptions& drop_last(bool value) { drop_last_ = value; return *this; }
    DataLoaderOptions& seed(uint64_t value) { seed_ = value; return *this; }
    size_t batch_size() const { return batch_size_; }
    bool shuffle() const { return shuffle_; }
    bool drop_last() const { return drop_last_; }
    std::optional<uint64_t> seed() const { return seed_; }

private:
    size_t batch_size_ = 1;
    bool shuffle_ = false;
    bool drop_last_ = false;
    std::optional<uint64_t> seed_;
};

/// Batches of a dataset, one epoch per range-for.   yields Example{data [B, ...], target [B, ...]}
class DataLoader {
public:
    /// Input iterator over one epoch's batches; the batch is made when first dereferenced.
    class Iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = Example;
        using difference_type = std::ptrdiff_t;
        using pointer = const Example*;
        using reference = const Example&;

        Iterator() = default;
        const Example& operator*() const {
            if (!current_) current_ = loader_->load_batch(*order_, batch_);
            return *current_;
        }
        const Example* operator->() const { return &**this; }
        Iterator& operator++() {
            ++batch_;
            current_.reset();
            return *this;
        }
        void operator++(int) { ++*this; }
        bool operator==(const Iterator& other) const { return batch_ == other.batch_; }
        /// Which batch of the epoch this is (0-based).
        size_t index() const { return batch_; }

    private:
        friend class DataLoader;
        Iterator(const DataLoader* loader, std::shared_ptr<const std::vector<size_t>> order, size_t batch)
            : loader_(loader), order_(std::move(order)), batch_(batch) {}
        const DataLoader* loader_ = nullptr;
        std::shared_ptr<const std::vector<size_t>> order_;  // this epoch's order (own copy per epoch)
        size_t batch_ = 0;
        mutable std::optional<Example> current_;
    };

    /// `sampler` replaces the built-in order (then shuffle must be false).
    DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options = {},
               std::shared_ptr<Sampler> sampler = nullptr)
        : dataset_(std::move(dataset)), options_(options), sampler_(std::move(sampler)) {
        if (!dataset_) throw ValueError("DataLoader: the dataset is null; hint: pass a dataset");
        if (options_.batch_size() == 0)
            throw ValueError("DataLoader: batch_size must be at least 1, got 0; hint: DataLoaderOptions().batch_size(64)");
        if (sampler_ && options_.shuffle())
            throw ValueError("DataLoader: shuffle(true) and a sampler were both given; hint: they are mutually "
                             "exclusive — pass RandomSampler as the sampler, or drop the sampler");
        if (!sampler_) {
            if (options_.shuffle()) sampler_ = std::make_shared<RandomSampler>(options_.seed());
            else sampler_ = std::make_shared<SequentialSampler>();
        }
    }
    /// Takes a copy of any concrete dataset (TensorDataset copies share their tensors).
    template <typename D>
        requires std::derived_from<D, Dataset>
    explicit DataLoader(D dataset, DataLoaderOptions options = {}, std::shared_ptr<Sampler> sampler = nullptr)
        : DataLoader(std::shared_ptr<const Dataset>(std::make_shared<D>(std::move(dataset))), options,
                     std::move(sampler)) {}

    /// Batches per epoch: ceil(N / B), or floor(N / B) with drop_last (N = samples per epoch).
    size_t size() const {
        // BEGIN SOLUTION: DataLoader::size (§4)
        size_t n = sampler_->num_samples(dataset_->size()), b = options_.batch_size();
        return options_.drop_last() ? n / b : (n + b - 1) / b;
        // END SOLUTION
    }

    /// Starts an epoch: draws its order from the sampler, then the epoch counter moves on.
    Iterator begin() {
        current_epoch_ = next_epoch_++;
        auto order = std::make_shared<const std::vector<size_t>>(sampler_->indices(dataset_->size(), current_epoch_));
        size_t expected = sampler_->num_samples(dataset_->size());
        if (order->size() != expected)
            throw ValueError(fmt("DataLoader: the sampler returned ", order->size(), " indices but num_samples() says ",
                                 expected, "; hint: a Sampler's indices() and num_samples() must agree"));
        return Iterator(this, std::move(order), 0);
    }
    Iterator end() const { return Iterator(this, nullptr, size()); }

    /// The epoch the latest begin() started (0 before the first).
    uint64_t epoch() const { return current_epoch_; }
    /// Make the next begin() run epoch `epoch` (e.g. to resume a run from a checkpoint).
    void set_epoch(uint64_t epoch) { next_epoch_ = epoch; }

    const Dataset& dataset() const { return *dataset_; }
    const DataLoaderOptions& options() const { return options_; }
    Sampler& sampler() const { return *sampler_; }

private:
    std::shared_ptr<const Dataset> dataset_;
    DataLoaderOptions options_;
    std::shared_ptr<Sampler> sampler_;
    uint64_t next_epoch_ = 0, current_epoch_ = 0;

    /// Batch `batch` of an epoch whose order is `order`: the examples order[b*B .. b*B+B).
    Example load_batch(const std::vector<size_t>& order, size_t batch) const {
        // BEGIN SOLUTION: DataLoader::load_batch (§4)
        size_t b = options_.batch_size(), start = batch * b, stop = std::min(start + b, order.size());
        std::vector<size_t> indices(order.begin() + static_cast<std::ptrdiff_t>(start),
                                    order.begin() + static_cast<std::ptrdiff_t>(stop));
        return dataset_->get_batch(indices);
        // END SOLUTION
    }
};

/// libtorch's spelling: auto loader = make_data_loader(dataset, options); for (auto& b : *loader) ...
template <typename D>
    requires std::derived_from<D, Dataset>
std::unique_ptr<DataLoader> make_data_loader(D dataset, DataLoaderOptions options = {}) {
    return std::make_unique<DataLoader>(std::move(dataset), options);
}

}  // namespace tinytorch::data
