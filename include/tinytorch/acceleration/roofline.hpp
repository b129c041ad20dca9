// include/tinytorch/acceleration/roofline.hpp
// Module 17 · Acceleration — lesson: modules/17_acceleration/README.md §1 (the roofline)
//
// The roofline model: a kernel that does F flops while moving B bytes has arithmetic intensity
// I = F / B. On a machine with compute peak P (GFLOP/s) and memory bandwidth W (GB/s) it can run
// at most min(P, W·I). Below the ridge point I* = P / W it is memory-bound, above compute-bound.
// Both roofs are *measured* (machine_peak.hpp), never read off a data sheet.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "tinytorch/acceleration/machine_peak.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::accel {

namespace detail {
inline void check_positive(double v, const char* what, const char* op) {
    if (!(v > 0) || !std::isfinite(v))
        throw ValueError(fmt(op, ": ", what, " must be a positive finite number, got ", v,
                             "; hint: measure it (measure_roofline()) or count it (gemm_flops, gemm_min_bytes)"));
}
}  // namespace detail

/// FLOPs of C[M, N] = A[M, K] @ B[K, N]: one multiply and one add per (i, j, k) — 2·M·N·K.
inline double gemm_flops(int64_t M, int64_t K, int64_t N) {
    // BEGIN SOLUTION: gemm_flops (§1)
    return 2.0 * static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
    // END SOLUTION
}

/// The fewest bytes a float32 GEMM can move: read A and B once, write C once — 4·(MK + KN + MN).
inline double gemm_min_bytes(int64_t M, int64_t K, int64_t N) {
    // BEGIN SOLUTION: gemm_min_bytes (§1)
    return 4.0 * (static_cast<double>(M) * K + static_cast<double>(K) * N + static_cast<double>(M) * N);
    // END SOLUTION
}

/// flops / bytes (FLOP per byte). Both must be > 0 (ValueError otherwise).
inline double arithmetic_intensity(double flops, double bytes) {
    detail::check_positive(flops, "flops", "arithmetic_intensity");
    detail::check_positive(bytes, "bytes", "arithmetic_intensity");
    // BEGIN SOLUTION: arithmetic_intensity (§1)
    return flops / bytes;
    // END SOLUTION
}

/// A machine's two roofs: compute peak (GFLOP/s) and memory bandwidth (GB/s).
struct Roofline {
    double peak_gflops = 0;
    double bandwidth_gbs = 0;

    /// GFLOP/s a kernel of this intensity can reach at best: min(peak, bandwidth · intensity).
    double attainable_gflops(double flops_per_byte) const {
        detail::check_positive(peak_gflops, "peak_gflops", "Roofline::attainable_gflops");
        detail::check_positive(bandwidth_gbs, "bandwidth_gbs", "Roofline::attainable_gflops");
        if (!(flops_per_byte >= 0) || !std::isfinite(flops_per_byte))
            throw ValueError(fmt("Roofline::attainable_gflops: intensity must be a finite number >= 0, got ",
                                 flops_per_byte, "; hint: intensity = flops / bytes moved"));
        // BEGIN SOLUTION: Roofline::attainable_gflops (§1)
        return std::min(peak_gflops, bandwidth_gbs * flops_per_byte);
        // END SOLUTION
    }
    /// The intensity where the roofs meet (FLOP/byte): peak / bandwidth.
    double ridge_point() const {
        detail::check_positive(peak_gflops, "peak_gflops", "Roofline::ridge_point");
        detail::check_positive(bandwidth_gbs, "bandwidth_gbs", "Roofline::ridge_point");
        // BEGIN SOLUTION: Roofline::ridge_point (§1)
        return peak_gflops / bandwidth_gbs;
        // END SOLUTION
    }
    /// "memory" below the ridge point, "compute" at or above it.
    std::string bound(double flops_per_byte) const {
        // BEGIN SOLUTION: Roofline::bound (§1)
        return flops_per_byte < ridge_point() ? "memory" : "compute";
        // END SOLUTION
    }
};

/// This machine's roofline, measured: the FMA peak at the widest vectors and the triad bandwidth
/// over arrays far larger than the caches (both on `threads` threads).
inline Roofline measure_roofline(int threads = 1) {
    return Roofline{measure_fma_peak_gflops(threads), measure_triad_gbs(kTriadDramFloats, threads)};
}

}  // namespace tinytorch::accel
