// include/tinytorch/activations/vector_math.hpp
// Module 02 · Activations — lesson: modules/02_activations/README.md ("The cost of exp")
//
// Given code, not an exercise: SIMD exp and tanh on runs of floats, and map_runs, which hands a
// kernel contiguous blocks of a tensor instead of one float at a time. Inside a kernel, write
// whole-block arithmetic with Eigen::Map<Eigen::ArrayXf> over the block: Eigen vectorises it
// with explicit SIMD instructions at any optimisation level (GCC's -O2 auto-vectoriser leaves
// most loops with a select or an unknown length scalar).
//
// Why: std::exp / std::tanh are scalar library calls (~5-25 ns each); Eigen evaluates the same
// functions 8 floats at a time with polynomial approximations accurate to 1-2 ulp, 10-50x faster
// (modules/02_activations/analysis.cpp measures both). A kernel that works on a block can also
// mix passes (negate, exp, divide) while the block is still in L1 cache.
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <algorithm>
#include <cstdint>
#include <limits>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::detail {

/// p[i] = 0 where 0 <= p[i] < 1.2e-38 (the smallest normal float): "flush to zero" for results
/// that float32 can only hold as imprecise denormals.
inline void flush_tiny(float* p, int64_t n) {
    constexpr float tiny = std::numeric_limits<float>::min();
    for (int64_t i = 0; i < n; ++i) p[i] = p[i] < tiny ? 0.0f : p[i];
}

/// out[i] = op(in[i]) for n floats (in == out allowed), computed with Eigen's SIMD packets (16
/// floats with AVX-512, 8 with AVX2) for EVERY element, whatever the buffers' addresses.
/// Why not simply `Map<ArrayXf>(out, n) = Map<const ArrayXf>(in, n).exp()`: Eigen then computes
/// the first elements of an unaligned output one by one with the scalar function (std::exp) until
/// it reaches an aligned address, and the scalar and SIMD versions differ in the last bit. The
/// result would depend on where a buffer happens to sit in memory — a scratch buffer from malloc
/// sits elsewhere on each thread — so a parallel loop would not be reproducible (the flash
/// attention backward differed between runs under load). Here the tail is padded to a packet.
template <typename PacketOp>
inline void map_packets(const float* in, float* out, int64_t n, PacketOp op) {
    namespace ei = Eigen::internal;
    using Packet = ei::packet_traits<float>::type;
    constexpr int64_t W = ei::packet_traits<float>::size;  // floats per packet
    int64_t i = 0;
    for (; i + W <= n; i += W) ei::pstoreu(out + i, op(ei::ploadu<Packet>(in + i)));
    if (i < n) {
        alignas(64) float tail[W] = {};
        std::copy(in + i, in + n, tail);
        ei::pstoreu(tail, op(ei::ploadu<Packet>(tail)));
        std::copy_n(tail, n - i, out + i);
    }
}

/// out[i] = e^{in[i]} for n floats (in == out allowed). Results below the smallest normal float
/// (e^-87.3 ≈ 1.2e-38) become exactly 0: Eigen returns ~3e-39 for anything under -88.4, even -inf,
/// and a masked -inf logit must give exactly 0. NaN stays NaN, +inf stays +inf.
inline void exp_into(const float* in, float* out, int64_t n) {
    map_packets(in, out, n, [](const auto& p) { return Eigen::internal::pexp(p); });
    flush_tiny(out, n);
}

/// out[i] = tanh(in[i]) for n floats (in == out allowed); exactly ±1 for |x| > 9, NaN stays NaN.
inline void tanh_into(const float* in, float* out, int64_t n) {
    map_packets(in, out, n, [](const auto& p) { return Eigen::internal::ptanh(p); });
}

/// Floats per block map_runs hands to a kernel: 16 KB of input, so a few passes over a block
/// stay in L1 cache.
constexpr int64_t kRunBlock = 4096;

/// out = a new contiguous tensor shaped like x, filled by kernel(in, out, n) on consecutive
/// contiguous blocks of at most kRunBlock floats (x is copied first if it is not contiguous).
/// Blocks run in parallel above kParallelGrain elements.
template <typename Kernel>
Tensor map_runs(const Tensor& x, Kernel kernel) {
    Tensor src = x.is_contiguous() ? x : copy_to_contiguous(x);
    Tensor out = empty_uninitialized(x.shape());  // the kernel writes every element
    const float* in = src.data_ptr();
    float* o = out.data_ptr();
    const int64_t n = x.numel(), blocks = (n + kRunBlock - 1) / kRunBlock;
    parallel_for(blocks, std::max<int64_t>(1, kParallelGrain / kRunBlock), [&](int64_t lo, int64_t hi) {
        for (int64_t b = lo; b < hi; ++b) {
            const int64_t begin = b * kRunBlock, len = std::min(kRunBlock, n - begin);
            kernel(in + begin, o + begin, len);
        }
    });
    return out;
}

}  // namespace tinytorch::detail
