// tests/01_tensor/test_gemm_kernel.cpp — lesson §7: TinyTorch's own GEMM kernel (gemm_kernel.hpp,
// ready-made code) against the definition, over every edge its blocking creates.
#include <random>

#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"
using namespace tinytorch;

namespace {
/// A [rows, cols] matrix stored row-major (transposed = false) or as the row-major transpose.
struct KernelOperand {
    std::vector<float> data;
    int64_t rs = 0, cs = 0;  // element strides of the logical [rows, cols] matrix
    float at(int64_t i, int64_t j) const { return data[static_cast<size_t>(i * rs + j * cs)]; }
};

KernelOperand kernel_operand(int64_t rows, int64_t cols, bool transposed, std::mt19937& rng, int64_t pad = 0) {
    std::normal_distribution<float> normal;
    KernelOperand m;
    const int64_t ld = (transposed ? rows : cols) + pad;
    m.data.resize(static_cast<size_t>((transposed ? cols : rows) * ld));
    for (float& v : m.data) v = normal(rng);
    m.rs = transposed ? 1 : ld;
    m.cs = transposed ? ld : 1;
    return m;
}

/// Runs detail::gemm::gemm and compares with sums of products in double precision; returns the
/// largest error relative to the largest reference value.
double kernel_error(int64_t M, int64_t K, int64_t N, bool ta, bool tb, bool accumulate, int64_t pad = 0) {
    std::mt19937 rng(static_cast<unsigned>(M * 7919 + K * 104729 + N * 31 + ta * 2 + tb));
    KernelOperand a = kernel_operand(M, K, ta, rng, pad), b = kernel_operand(K, N, tb, rng, pad);
    const int64_t ldo = N + 3;  // out rows are not contiguous with each other
    std::vector<float> out(static_cast<size_t>(std::max<int64_t>(M, 1) * ldo), 0.5f);
    detail::gemm::gemm(a.data.data(), a.rs, a.cs, b.data.data(), b.rs, b.cs, out.data(), ldo, M, K, N, accumulate);
    double worst = 0.0, scale = 1.0;
    for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) {
            double want = accumulate ? 0.5 : 0.0;
            for (int64_t k = 0; k < K; ++k) want += static_cast<double>(a.at(i, k)) * b.at(k, j);
            worst = std::max(worst, std::abs(want - out[static_cast<size_t>(i * ldo + j)]));
            scale = std::max(scale, std::abs(want));
        }
    for (int64_t i = 0; i < M; ++i)  // the 3 floats past each row belong to nobody: untouched
        for (int64_t j = N; j < ldo; ++j)
            if (out[static_cast<size_t>(i * ldo + j)] != 0.5f) return 1.0;
    return worst / scale;
}
}  // namespace

TEST_CASE("the GEMM kernel matches the definition on whole and edge tiles", "[01_tensor][provided]") {
    // 6 x 16 register tiles: sizes below, at and just past a tile, in every layout.
    for (int64_t M : {1, 5, 6, 7, 13})
        for (int64_t N : {1, 15, 16, 17, 40})
            for (int64_t K : {1, 3, 8, 31})
                for (int ta = 0; ta < 2; ++ta)
                    for (int tb = 0; tb < 2; ++tb) {
                        INFO("M=" << M << " K=" << K << " N=" << N << " A " << (ta ? "transposed" : "row-major")
                                  << ", B " << (tb ? "transposed" : "row-major"));
                        CHECK(kernel_error(M, K, N, ta, tb, false) < 1e-5);
                    }
}

TEST_CASE("the GEMM kernel accumulates into out when asked", "[01_tensor][provided]") {
    CHECK(kernel_error(7, 9, 17, false, false, true) < 1e-5);
    CHECK(kernel_error(13, 400, 33, true, true, true) < 1e-5);  // several passes over k, all adding
}

TEST_CASE("the GEMM kernel's cache blocking: long k, wide B, many rows", "[01_tensor][provided]") {
    using namespace detail::gemm;
    CHECK(kernel_error(9, 2 * KC + 5, 20, false, true, false) < 1e-5);   // 3 passes over k of equal depth
    CHECK(kernel_error(MC + 7, 40, 21, false, false, false) < 1e-5);     // two row blocks
    CHECK(kernel_error(6, 10, NC + 19, false, false, false) < 1e-5);     // two column blocks, A packed (wide B)
    CHECK(kernel_error(13, 24, 8, false, false, false, 256 - 24) < 1e-5);  // row stride 256: A packed
}

TEST_CASE("the GEMM kernel with K = 0 writes zeros (or leaves out alone when accumulating)", "[01_tensor][provided]") {
    std::vector<float> out(6, 2.0f);
    const float a = 0.0f, b = 0.0f;
    detail::gemm::gemm(&a, 0, 1, &b, 3, 1, out.data(), 3, 2, 0, 3, true);
    CHECK(out == std::vector<float>(6, 2.0f));
    detail::gemm::gemm(&a, 0, 1, &b, 3, 1, out.data(), 3, 2, 0, 3, false);
    CHECK(out == std::vector<float>(6, 0.0f));
}

TEST_CASE("matmul names the GEMM backend it was built with", "[01_tensor][provided]") {
    const std::string name = detail::gemm_backend_name();
    CHECK((name.find("OpenBLAS") != std::string::npos || name.find("TinyTorch") != std::string::npos ||
           name.find("Eigen") != std::string::npos));
}
