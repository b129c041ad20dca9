// tests/14_profiling/test_memory_counters.cpp — the allocator's counters (module 01's
// Storage, ready-made) against allocations of known size. The test makes Storage objects
// directly, not tensors: a [provided] test must not reach code a student writes (module 01's
// strides), so it passes in the untouched release.
#include "support/catch.hpp"
#include "tinytorch/profiling/profiling.hpp"

using namespace tinytorch;

TEST_CASE("memory_stats counts live peak and allocated bytes of storages", "[14_profiling][provided]") {
    const MemoryStats before = memory_stats();
    {
        auto t = std::make_shared<Storage>(1000, false);  // 4000 bytes -> 63 cache lines = 4032
        const MemoryStats during = memory_stats();
        CHECK(during.live_bytes - before.live_bytes == 4032);
        CHECK(during.allocated_bytes - before.allocated_bytes == 4032);
        CHECK(during.allocations - before.allocations == 1);
        CHECK(during.peak_bytes >= during.live_bytes);
        std::shared_ptr<Storage> shared = t;  // a second owner (as a view has) allocates nothing
        CHECK(memory_stats().live_bytes == during.live_bytes);
        CHECK(t->allocated_bytes() == 4032);
    }
    const MemoryStats after = memory_stats();
    CHECK(after.live_bytes == before.live_bytes);
    CHECK(after.frees - before.frees == 1);
    CHECK(after.allocated_bytes - before.allocated_bytes == 4032);  // a running total never shrinks
    reset_peak_memory_stats();
    CHECK(memory_stats().peak_bytes == memory_stats().live_bytes);
    {
        Storage a(16), b(32);  // 64 + 128 bytes
        CHECK(memory_stats().peak_bytes - after.live_bytes == 192);
    }
    CHECK(memory_stats().peak_bytes - after.live_bytes == 192);  // the peak stays until the next reset
    CHECK(Storage(0).allocated_bytes() == 64);                     // even an empty storage takes one line
}
