// include/tinytorch/tensor/storage.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §1 (storage and views)
//
// Storage is the flat block of floats that one or more tensors look into. A view (reshape,
// transpose, slice) is a new Tensor header pointing at the same Storage with other
// shape/strides/offset — no data is copied.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

namespace tinytorch {

class Storage {
public:
    /// `n` floats, 64-byte aligned (one cache line; what AVX-512 loads like), zero-filled
    /// unless `zero_fill` is false (for kernels that write every element anyway).
    /// Even n == 0 gets one cache line, so data() is never null (views of empty tensors add offsets to it).
    explicit Storage(size_t n, bool zero_fill = true) : size_(n) {
        size_t bytes = std::max<size_t>(64, ((n * sizeof(float) + 63) / 64) * 64);
        data_ = static_cast<float*>(std::aligned_alloc(64, bytes));
        if (!data_) throw std::bad_alloc();
        if (zero_fill) std::memset(data_, 0, bytes);
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
