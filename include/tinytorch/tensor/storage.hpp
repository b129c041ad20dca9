// include/tinytorch/tensor/storage.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §2 (storage and views)
//
// Storage is the flat block of floats that one or more tensors look into. A view (reshape,
// transpose, slice) is a new Tensor header pointing at the same Storage with other
// shape/strides/offset — no data is copied.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

namespace tinytorch {

class Storage {
public:
    /// `n` floats, 64-byte aligned (one cache line; what AVX-512 loads like), zero-filled.
    explicit Storage(size_t n) : size_(n) {
        if (n == 0) return;
        size_t bytes = ((n * sizeof(float) + 63) / 64) * 64;
        data_ = static_cast<float*>(std::aligned_alloc(64, bytes));
        if (!data_) throw std::bad_alloc();
        std::memset(data_, 0, bytes);
    }
    ~Storage() { std::free(data_); }
    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;

    float* data() { return data_; }
    const float* data() const { return data_; }
    size_t size() const { return size_; }
    size_t nbytes() const { return size_ * sizeof(float); }

private:
    float* data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace tinytorch
