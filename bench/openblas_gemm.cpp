// bench/openblas_gemm.cpp — OpenBLAS's cblas_sgemm, the yardstick for W5 (built with
// TINYTORCH_BENCH_HAS_OPENBLAS=1 when CMake finds OpenBLAS; stubs otherwise).
#include "bench.hpp"

#if TINYTORCH_BENCH_HAS_OPENBLAS
#include <cblas.h>

namespace bench {
bool openblas_available() { return true; }
std::string openblas_config() {
    std::string s = openblas_get_config();
    const char* core = openblas_get_corename();
    if (core) s += std::string(" (core: ") + core + ")";
    return s;
}
void openblas_set_threads(int n) { openblas_set_num_threads(n); }
void openblas_sgemm(const float* a, const float* b, float* c, int n) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
}
}  // namespace bench

#else

namespace bench {
bool openblas_available() { return false; }
std::string openblas_config() { return ""; }
void openblas_set_threads(int) {}
void openblas_sgemm(const float*, const float*, float*, int) {}
}  // namespace bench

#endif
