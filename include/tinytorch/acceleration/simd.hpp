// include/tinytorch/acceleration/simd.hpp
// Module 17 · Acceleration — lesson: modules/17_acceleration/README.md §5 (the register tile)
//
// Given code: `Vec`, the widest float vector this build's CPU has, with the five operations a
// register tile needs. One type for three machines, chosen at compile time from what
// -march=native enables:
//   AVX-512 (__AVX512F__)      16 floats in a zmm register (x86 has 32 of them)
//   AVX2 + FMA                  8 floats in a ymm register (16 of them)
//   anything else               8 floats as a plain array (the compiler vectorises what it can)
// A fused multiply-add fma(a, b, c) = a·b + c is one instruction that does 2·W flops.
#pragma once
#include <cstdint>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace tinytorch::accel {

struct Vec {
#if defined(__AVX512F__)
    static constexpr int64_t W = 16;  ///< floats per vector
    __m512 v;
    static Vec zero() { return {_mm512_setzero_ps()}; }
    static Vec load(const float* p) { return {_mm512_loadu_ps(p)}; }     ///< W floats from p
    static Vec broadcast(float x) { return {_mm512_set1_ps(x)}; }        ///< x in every lane
    void store(float* p) const { _mm512_storeu_ps(p, v); }               ///< W floats to p
    friend Vec fma(Vec a, Vec b, Vec c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }  ///< a·b + c
    friend Vec operator+(Vec a, Vec b) { return {_mm512_add_ps(a.v, b.v)}; }
    static const char* isa() { return "AVX-512 (16 floats per register)"; }
#elif defined(__AVX2__) && defined(__FMA__)
    static constexpr int64_t W = 8;
    __m256 v;
    static Vec zero() { return {_mm256_setzero_ps()}; }
    static Vec load(const float* p) { return {_mm256_loadu_ps(p)}; }
    static Vec broadcast(float x) { return {_mm256_set1_ps(x)}; }
    void store(float* p) const { _mm256_storeu_ps(p, v); }
    friend Vec fma(Vec a, Vec b, Vec c) { return {_mm256_fmadd_ps(a.v, b.v, c.v)}; }
    friend Vec operator+(Vec a, Vec b) { return {_mm256_add_ps(a.v, b.v)}; }
    static const char* isa() { return "AVX2 + FMA (8 floats per register)"; }
#else
    static constexpr int64_t W = 8;
    float v[8];
    static Vec zero() { return Vec{}; }
    static Vec load(const float* p) {
        Vec r;
        for (int i = 0; i < 8; ++i) r.v[i] = p[i];
        return r;
    }
    static Vec broadcast(float x) {
        Vec r;
        for (float& lane : r.v) lane = x;
        return r;
    }
    void store(float* p) const {
        for (int i = 0; i < 8; ++i) p[i] = v[i];
    }
    friend Vec fma(Vec a, Vec b, Vec c) {
        for (int i = 0; i < 8; ++i) c.v[i] += a.v[i] * b.v[i];
        return c;
    }
    friend Vec operator+(Vec a, Vec b) {
        for (int i = 0; i < 8; ++i) a.v[i] += b.v[i];
        return a;
    }
    static const char* isa() { return "portable (8 floats, no SIMD intrinsics)"; }
#endif
};

}  // namespace tinytorch::accel
