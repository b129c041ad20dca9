// include/tinytorch/acceleration/machine_peak.hpp
// Module 17 · Acceleration — lesson: modules/17_acceleration/README.md §1 (measuring the two roofs)
//
// The two numbers of a roofline, measured on the machine the program runs on:
//   measure_fma_peak_gflops  — the compute roof: independent fused multiply-adds on the widest
//                              vectors the CPU has (Vec: AVX-512, AVX2 or portable), no memory
//                              traffic at all. Given code.
//   measure_triad_gbs        — the memory roof: the STREAM "triad" a[i] = b[i] + s·c[i] over
//                              arrays far larger than every cache. You write triad() (§1).
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <new>
#include <thread>
#include <vector>

#include "tinytorch/acceleration/simd.hpp"
#include "tinytorch/tensor/gemm_kernel.hpp"  // TINYTORCH_VECTORIZE

namespace tinytorch::accel {

/// floats per array for a triad that measures main memory: 3 arrays of 64 MB, beyond the last-level
/// cache of current CPUs (a CPU with a bigger cache would need more).
constexpr int64_t kTriadDramFloats = int64_t(1) << 24;

namespace detail {
using Clock = std::chrono::steady_clock;

/// Run body(t) on `threads` threads at once (this one is thread 0); returns the wall time in
/// seconds from the moment all are ready until the last one finishes. An exception of any thread
/// is rethrown here after all have finished.
template <typename Body>
double run_on_threads(int threads, Body&& body) {
    threads = std::max(1, threads);
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::exception_ptr> errors(static_cast<size_t>(threads));
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back([&, t] {
            ready.fetch_add(1);
            while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
            try {
                body(t);
            } catch (...) {
                errors[static_cast<size_t>(t)] = std::current_exception();
            }
        });
    while (ready.load() < threads - 1) std::this_thread::yield();
    const auto t0 = Clock::now();
    go.store(true, std::memory_order_release);
    try {
        body(0);
    } catch (...) {
        errors[0] = std::current_exception();
    }
    for (auto& th : pool) th.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    return seconds;
}

/// `iters` rounds of kAcc independent FMAs on Vec registers; returns a value that depends on all
/// of them (so the compiler cannot drop the loop).
inline float fma_chain(int64_t iters) {
    // Enough independent accumulators to hide the FMA latency (4-5 cycles) on two FMA units.
    constexpr int kAcc = Vec::W == 16 ? 24 : 12;
    Vec acc[kAcc];
    for (int k = 0; k < kAcc; ++k) acc[k] = Vec::broadcast(0.001f * static_cast<float>(k + 1));
    const Vec m = Vec::broadcast(0.999999f), c = Vec::broadcast(1e-7f);
    for (int64_t i = 0; i < iters; ++i) {
#pragma GCC unroll 24
        for (int k = 0; k < kAcc; ++k) acc[k] = fma(acc[k], m, c);
    }
    Vec sum = acc[0];
    for (int k = 1; k < kAcc; ++k) sum = sum + acc[k];
    float lanes[Vec::W];
    sum.store(lanes);
    float total = 0;
    for (float v : lanes) total += v;
    return total;
}
constexpr double kFlopsPerFmaRound = 2.0 * Vec::W * (Vec::W == 16 ? 24 : 12);
}  // namespace detail

/// The FP32 compute roof in GFLOP/s on `threads` threads: the best of `repeats` runs of ~5 ms of
/// fused multiply-adds on this build's widest vectors (Vec::isa()). On a shared machine other
/// programs only ever slow a run down, so the best run is the estimate (short runs: some of them
/// fit between two time slices the scheduler gives to other programs).
inline double measure_fma_peak_gflops(int threads = 1, int repeats = 15) {
    threads = std::max(1, threads);
    volatile float sink = 0;
    // Calibrate: how many rounds take ~5 ms on one thread.
    int64_t iters = 1 << 16;
    for (;;) {
        const auto t0 = detail::Clock::now();
        sink = sink + detail::fma_chain(iters);
        const double s = std::chrono::duration<double>(detail::Clock::now() - t0).count();
        if (s > 0.002 || iters > (int64_t(1) << 34)) {
            iters = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(iters) * 0.005 / std::max(s, 1e-9)));
            break;
        }
        iters *= 4;
    }
    double best = 0;
    std::vector<float> results(static_cast<size_t>(threads));
    for (int r = 0; r < repeats; ++r) {
        const double s = detail::run_on_threads(threads, [&](int t) { results[static_cast<size_t>(t)] = detail::fma_chain(iters); });
        for (float v : results) sink = sink + v;
        best = std::max(best, detail::kFlopsPerFmaRound * static_cast<double>(iters) * threads / s / 1e9);
    }
    return best;
}

/// The STREAM triad: a[i] = b[i] + s · c[i] for i in [0, n). Two loads, one multiply-add, one store
/// per element: 2 flops per 12 bytes — far below any machine's ridge point.
inline void triad(float* a, const float* b, const float* c, float s, int64_t n) {
    // BEGIN SOLUTION: triad (§1)
    TINYTORCH_VECTORIZE
    for (int64_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
    // END SOLUTION
}

/// The memory roof in GB/s: triad over three arrays of `floats` floats on `threads` threads (each
/// its own contiguous slice), best of `repeats`; counts 12 bytes per element (the STREAM
/// convention: the write-allocate read of `a` is not counted). Small arrays measure a cache instead.
inline double measure_triad_gbs(int64_t floats = kTriadDramFloats, int threads = 1, int repeats = 5) {
    threads = std::max(1, threads);
    floats = std::max<int64_t>(floats, 1024);
    struct Free {
        void operator()(float* p) const { std::free(p); }
    };
    auto alloc = [&] {
        auto* p = static_cast<float*>(std::aligned_alloc(64, static_cast<size_t>((floats * 4 + 63) / 64 * 64)));
        if (!p) throw std::bad_alloc();
        return std::unique_ptr<float, Free>(p);
    };
    auto a = alloc(), b = alloc(), c = alloc();
    const int64_t slice = (floats + threads - 1) / threads;
    // First touch by the thread that will use the slice (pages land near it).
    detail::run_on_threads(threads, [&](int t) {
        const int64_t lo = std::min(floats, t * slice), hi = std::min(floats, lo + slice);
        for (int64_t i = lo; i < hi; ++i) a.get()[i] = 0.0f, b.get()[i] = 1.0f, c.get()[i] = 2.0f;
    });
    // Small arrays run several triads per repeat, so a repeat lasts long enough to time.
    const int64_t inner = std::max<int64_t>(1, (int64_t(1) << 24) / floats);
    double best = 0;
    for (int r = 0; r < repeats; ++r) {
        const double s = detail::run_on_threads(threads, [&](int t) {
            const int64_t lo = std::min(floats, t * slice), hi = std::min(floats, lo + slice);
            for (int64_t k = 0; k < inner; ++k) triad(a.get() + lo, b.get() + lo, c.get() + lo, 0.5f, hi - lo);
        });
        best = std::max(best, 12.0 * static_cast<double>(floats) * static_cast<double>(inner) / s / 1e9);
    }
    volatile float keep = a.get()[floats / 2];  // the result is used
    (void)keep;
    return best;
}

}  // namespace tinytorch::accel
