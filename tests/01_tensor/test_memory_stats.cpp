// tests/01_tensor/test_memory_stats.cpp — the storage byte counters (memory_allocated,
// max_memory_allocated, reset_peak_memory_stats) that analyses use to measure memory.
#include "support/catch.hpp"
#include <memory>

#include "tinytorch/tensor/tensor.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

// [provided]: the counters are ready-made, so the tensors are built by the judge (zeros(), ones()
// and reshape are student code), the view by hand on the same storage.

TEST_CASE("memory_allocated counts live storages and max_memory_allocated their peak", "[01_tensor][provided]") {
    const int64_t base = memory_allocated();
    reset_peak_memory_stats();
    CHECK(max_memory_allocated() == base);
    const int64_t made = storage_allocations();
    {
        Tensor a = judge::full({1000});  // 4000 bytes, rounded up to 4032 (whole 64-byte lines)
        auto view_impl = std::make_shared<TensorImpl>();  // a [10, 100] view of a: no new storage
        view_impl->storage = a.impl()->storage;
        view_impl->shape = {10, 100};
        view_impl->strides = {100, 1};
        Tensor view(std::move(view_impl));
        CHECK(memory_allocated() - base == 4032);
        {
            Tensor b = judge::full({16, 16}, 1.0f);  // 1024 bytes
            CHECK(memory_allocated() - base == 4032 + 1024);
        }
        CHECK(memory_allocated() - base == 4032);
        CHECK(storage_allocations() - made == 2);
    }
    CHECK(memory_allocated() == base);
    CHECK(max_memory_allocated() - base == 4032 + 1024);
    reset_peak_memory_stats();
    CHECK(max_memory_allocated() == memory_allocated());
}
