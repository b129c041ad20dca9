// include/tinytorch/dataloader/sampler.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §3 (shuffling and reproducibility)
//
// A Sampler decides the order in which a DataLoader visits dataset indices, one epoch at a
// time. Sequential: 0, 1, ..., N-1. Random: a fresh permutation each epoch — from the global
// generator, or, given a seed, a permutation that depends only on (seed, epoch), so epoch 7 of
// a run can be replayed without replaying epochs 0..6.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::data {

/// A uniformly random permutation of 0..n-1 (Fisher–Yates: n-1 draws, each from gen).
inline std::vector<size_t> randperm(size_t n, Generator& gen = default_generator()) {
    // BEGIN SOLUTION: randperm (§3)
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = i;
    for (size_t i = n; i > 1; --i) {
        size_t j = static_cast<size_t>(gen.randint(i));  // j uniform in 0..i-1
        std::swap(order[i - 1], order[j]);
    }
    return order;
    // END SOLUTION
}

/// A 64-bit seed for epoch `epoch` of a run seeded with `seed` (SplitMix64 finaliser), so that
/// neighbouring seeds and epochs give unrelated streams.
inline uint64_t epoch_seed(uint64_t seed, uint64_t epoch) {
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (epoch + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// The order of dataset indices for each epoch.
class Sampler {
public:
    virtual ~Sampler() = default;
    /// The indices to visit in epoch `epoch` of a dataset with `dataset_size` examples.
    virtual std::vector<size_t> indices(size_t dataset_size, uint64_t epoch) = 0;
    /// How many indices indices() returns (the built-in samplers visit every example once).
    virtual size_t num_samples(size_t dataset_size) const { return dataset_size; }
};

/// 0, 1, ..., N-1 every epoch.
class SequentialSampler : public Sampler {
public:
    std::vector<size_t> indices(size_t dataset_size, uint64_t /*epoch*/) override {
        std::vector<size_t> order(dataset_size);
        for (size_t i = 0; i < dataset_size; ++i) order[i] = i;
        return order;
    }
};

/// A random permutation of 0..N-1 every epoch. With a seed, epoch e uses
/// Generator(epoch_seed(seed, e)): reproducible and independent of anything else that draws
/// random numbers. Without one, each epoch draws from `gen` (default: the global generator,
/// so manual_seed(s) before training makes the whole run repeat).
class RandomSampler : public Sampler {
public:
    explicit RandomSampler(std::optional<uint64_t> seed = std::nullopt, Generator& gen = default_generator())
        : seed_(seed), gen_(&gen) {}
    std::vector<size_t> indices(size_t dataset_size, uint64_t epoch) override {
        // BEGIN SOLUTION: RandomSampler::indices (§3)
        if (seed_) {
            Generator g(epoch_seed(*seed_, epoch));
            return randperm(dataset_size, g);
        }
        return randperm(dataset_size, *gen_);
        // END SOLUTION
    }
    std::optional<uint64_t> seed() const { return seed_; }

private:
    std::optional<uint64_t> seed_;
    Generator* gen_;
};

}  // namespace tinytorch::data
