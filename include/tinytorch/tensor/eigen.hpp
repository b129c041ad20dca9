// include/tinytorch/tensor/eigen.hpp
// Module 01 · Tensor — given (no exercise): how the framework includes Eigen
//
// Every TinyTorch header that uses Eigen (its SIMD packets, Map, erf, GEMM, SVD) includes it through
// this file, and so do the test programs' precompiled header and the analysis programs. The reason is one compiler's false positive: GCC 12's AVX-512 intrinsics start some
// results from `_mm512_undefined_ps()` (a variable initialised with itself), and with -O2/-O3 on an
// AVX-512 machine GCC 12 then warns "'__Y' may be used uninitialized" (or "is used uninitialized") wherever Eigen's AVX-512 code
// is inlined — hundreds of lines for one program, none of them about its code (GCC bug 105593,
// fixed in GCC 13). The warning is silenced for Eigen's own text only: the pragmas below cover
// the lines of the Eigen headers (GCC checks every line of an inlined call chain, so warnings
// whose chain passes through Eigen go), while TinyTorch's and the student's code keep the warning.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <Eigen/Dense>                         // Core (packets, Map, GEMM) and the decompositions (SVD)
#include <unsupported/Eigen/SpecialFunctions>  // Eigen's vectorised erf
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
