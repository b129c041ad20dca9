// include/tinytorch/tensor/storage.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §1 (storage and views)
//
// Storage is the flat block of floats that one or more tensors look into. A view (reshape,
// transpose, slice) is a new Tensor header pointing at the same Storage with other
// shape/strides/offset — no data is copied.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "tinytorch/tensor/checked_size.hpp"

namespace tinytorch {
namespace detail {

/// Recycles big buffers: a training step frees and allocates the same sizes every iteration,
/// and memory handed back to the operating system comes back as fresh pages that fault in one
/// by one (measured: ~10% of a CNN step went to page faults). Freed blocks of at least 64 KB
/// wait here, by exact size, until a Storage of that size asks again; at most 1 GB is kept.
/// Never destroyed (storages may outlive every other static). Off under AddressSanitizer, so
/// that use-after-free stays detectable.
class BlockCache {
public:
    static constexpr size_t kMinBytes = size_t(1) << 16;
    static constexpr size_t kMaxCachedBytes = size_t(1) << 30;

    static BlockCache& instance() {
        static BlockCache* cache = new BlockCache;  // intentionally leaked: see above
        return *cache;
    }
    /// A cached block of exactly `bytes` bytes, or nullptr.
    float* take(size_t bytes) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = free_.find(bytes);
        if (it == free_.end() || it->second.empty()) return nullptr;
        float* p = it->second.back();
        it->second.pop_back();
        cached_ -= bytes;
        return p;
    }
    /// Keep `p` for reuse; false (the caller frees it) when the cache is full.
    bool give(float* p, size_t bytes) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (cached_ + bytes > kMaxCachedBytes) return false;
        free_[bytes].push_back(p);
        cached_ += bytes;
        return true;
    }
    size_t cached_bytes() {
        std::lock_guard<std::mutex> lock(mutex_);
        return cached_;
    }

private:
    std::mutex mutex_;
    std::unordered_map<size_t, std::vector<float*>> free_;
    size_t cached_ = 0;
};

/// What tensor storages hold: bytes now, the most at once since the last reset, and how many
/// storages were created. Atomic, so kernels on several threads may allocate; updating it costs
/// two atomic adds per tensor (a tensor is a few KB at least in any loop that matters).
struct MemoryCounters {
    std::atomic<int64_t> current{0}, peak{0}, allocations{0};
    void add(int64_t bytes) {
        const int64_t now = current.fetch_add(bytes, std::memory_order_relaxed) + bytes;
        allocations.fetch_add(1, std::memory_order_relaxed);
        int64_t seen = peak.load(std::memory_order_relaxed);
        while (now > seen && !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
        }
    }
    void remove(int64_t bytes) { current.fetch_sub(bytes, std::memory_order_relaxed); }
};
inline MemoryCounters& memory_counters() {
    static MemoryCounters* counters = new MemoryCounters;  // never destroyed: storages may outlive statics
    return *counters;
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCacheBlocks = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kCacheBlocks = false;
#else
constexpr bool kCacheBlocks = true;
#endif
#else
constexpr bool kCacheBlocks = true;
#endif

}  // namespace detail

class Storage {
public:
    /// `n` floats, 64-byte aligned (one cache line; what AVX-512 loads like), zero-filled
    /// unless `zero_fill` is false (for kernels that write every element anyway).
    /// Even n == 0 gets one cache line, so data() is never null (views of empty tensors add offsets to it).
    explicit Storage(size_t n, bool zero_fill = true) : size_(n) {
        if (n > static_cast<size_t>(kMaxNumel))  // n * 4 + 63 below must not wrap (checked_size.hpp)
            throw ValueError(fmt("Storage: ", n, " floats is more than the 2^48 a tensor may hold; hint: the "
                                 "size has probably overflowed, check the shape it came from"));
        bytes_ = std::max<size_t>(64, ((n * sizeof(float) + 63) / 64) * 64);
        if (detail::kCacheBlocks && bytes_ >= detail::BlockCache::kMinBytes)
            data_ = detail::BlockCache::instance().take(bytes_);
        if (!data_) data_ = static_cast<float*>(std::aligned_alloc(64, bytes_));
        if (!data_) throw std::bad_alloc();
        if (zero_fill) std::memset(data_, 0, bytes_);
        detail::memory_counters().add(static_cast<int64_t>(bytes_));
    }
    ~Storage() {
        detail::memory_counters().remove(static_cast<int64_t>(bytes_));
        if (detail::kCacheBlocks && bytes_ >= detail::BlockCache::kMinBytes &&
            detail::BlockCache::instance().give(data_, bytes_))
            return;
        std::free(data_);
    }
    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;

    float* data() { return data_; }
    const float* data() const { return data_; }
    size_t size() const { return size_; }
    size_t nbytes() const { return size_ * sizeof(float); }

private:
    float* data_ = nullptr;
    size_t size_ = 0;
    size_t bytes_ = 0;  // allocated: size_ floats rounded up to whole cache lines
};

/// Bytes that tensor storages hold right now (the allocated sizes, rounded up to 64 bytes; blocks
/// kept for reuse after their tensor died do not count). Measures a model's memory for real:
///   reset_peak_memory_stats(); auto before = memory_allocated();
///   Tensor y = model(x);  // activations kept for backward are still alive here
///   int64_t forward_bytes = max_memory_allocated() - before;
inline int64_t memory_allocated() { return detail::memory_counters().current.load(std::memory_order_relaxed); }
/// The largest memory_allocated() seen since the program started or reset_peak_memory_stats().
inline int64_t max_memory_allocated() { return detail::memory_counters().peak.load(std::memory_order_relaxed); }
/// How many storages have been created so far (each tensor that is not a view makes one).
inline int64_t storage_allocations() { return detail::memory_counters().allocations.load(std::memory_order_relaxed); }
/// Start a new peak: max_memory_allocated() becomes memory_allocated().
inline void reset_peak_memory_stats() {
    detail::memory_counters().peak.store(memory_allocated(), std::memory_order_relaxed);
}

}  // namespace tinytorch
