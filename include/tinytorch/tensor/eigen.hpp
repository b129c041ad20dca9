// include/tinytorch/tensor/eigen.hpp
// Module 01 · Tensor — given (no exercise): how the framework includes Eigen
//
// Every TinyTorch header that uses Eigen (its SIMD packets, Map, erf, GEMM, SVD) includes it
// through this file. The reason is one compiler's false positive: GCC 12's AVX-512 intrinsics
// start some results from `_mm512_undefined_ps()` (a variable initialised with itself), and with
// -O2/-O3 on an AVX-512 machine GCC 12 then warns "'__Y' may be used uninitialized" (or "is used
// uninitialized") wherever Eigen's AVX-512 code is inlined — hundreds of lines for one program,
// none of them about its code (GCC bug 105593, fixed in GCC 13). The pragmas below cover the
// lines of the Eigen headers only (GCC checks every line of an inlined call chain, so a warning
// whose chain passes through Eigen goes), while TinyTorch's and the student's code keep the
// warning. They do not reach through a precompiled header: tests/CMakeLists.txt turns the two
// warnings off for the test programs, whose PCH holds Eigen.
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
