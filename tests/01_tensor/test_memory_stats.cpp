// tests/01_tensor/test_memory_stats.cpp — the storage byte counters (memory_allocated,
// max_memory_allocated, reset_peak_memory_stats) that analyses use to measure memory.
#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"

using namespace tinytorch;

TEST_CASE("memory_allocated counts live storages and max_memory_allocated their peak", "[01_tensor][provided]") {
    const int64_t base = memory_allocated();
    reset_peak_memory_stats();
    CHECK(max_memory_allocated() == base);
    const int64_t made = storage_allocations();
    {
        Tensor a = zeros({1000});        // 4000 bytes, rounded up to 4032 (whole 64-byte lines)
        Tensor view = a.reshape({10, 100});  // a view: no new storage
        CHECK(memory_allocated() - base == 4032);
        {
            Tensor b = ones({16, 16});   // 1024 bytes
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
