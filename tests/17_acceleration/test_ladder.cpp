// tests/17_acceleration/test_ladder.cpp — §2-§6: every rung of the GEMM ladder against sums of
// products in double precision, on shapes that cut through tiles, panels and blocks.
#include <array>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "support/catch.hpp"
#include "support/judge.hpp"
#include "tinytorch/acceleration/acceleration.hpp"
using namespace tinytorch;

namespace test_ladder {

struct Problem {
    int64_t M, K, N;
    std::vector<float> a, b;
};

Problem problem(int64_t M, int64_t K, int64_t N) {
    std::mt19937 rng(static_cast<unsigned>(M * 1009 + K * 31 + N));
    std::normal_distribution<float> normal;
    Problem p{M, K, N, std::vector<float>(static_cast<size_t>(M * K)), std::vector<float>(static_cast<size_t>(K * N))};
    for (float& v : p.a) v = normal(rng);
    for (float& v : p.b) v = normal(rng);
    return p;
}

/// Largest |C - exact| over max(1, max |exact|); C starts as garbage (7.0) so a rung that adds
/// to C instead of writing it fails.
double rung_error(const std::function<void(const float*, const float*, float*, int64_t, int64_t, int64_t)>& gemm,
                  int64_t M, int64_t K, int64_t N) {
    const Problem p = problem(M, K, N);
    std::vector<float> c(static_cast<size_t>(M * N) + 1, 7.0f);
    gemm(p.a.data(), p.b.data(), c.data(), M, K, N);
    if (c[static_cast<size_t>(M * N)] != 7.0f) return 1e9;  // wrote past the end
    double worst = 0, scale = 1;
    for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) {
            double want = 0;
            for (int64_t k = 0; k < K; ++k) want += double(p.a[i * K + k]) * p.b[k * N + j];
            worst = std::max(worst, std::abs(want - c[i * N + j]));
            scale = std::max(scale, std::abs(want));
        }
    return worst / scale;
}

/// Shapes around the tile (6 rows, 16/32 columns), the panel depth (256) and the default blocks.
const std::vector<std::array<int64_t, 3>>& awkward_shapes() {
    static const std::vector<std::array<int64_t, 3>> shapes = {
        {1, 1, 1}, {1, 7, 1}, {7, 13, 5}, {6, 1, 33}, {5, 40, 16}, {13, 257, 37},
        {33, 65, 17}, {65, 300, 70}, {100, 3, 129}, {2, 600, 3}};
    return shapes;
}

void check_rung(accel::Rung r) {
    for (const auto& s : awkward_shapes()) {
        INFO(accel::rung_name(r) << ": M=" << s[0] << " K=" << s[1] << " N=" << s[2]);
        CHECK(rung_error([r](const float* a, const float* b, float* c, int64_t M, int64_t K, int64_t N) {
                  accel::gemm_rung(r, a, b, c, M, K, N);
              }, s[0], s[1], s[2]) < 1e-5);
    }
}

}  // namespace test_ladder

// ---- §2-§5 one rung at a time ----------------------------------------------------------------------

TEST_CASE("rung 1 the naive i-j-k loops compute the product", "[17_acceleration]") {
    test_ladder::check_rung(accel::Rung::naive);
}

TEST_CASE("rung 2 the i-k-j loop order computes the same product", "[17_acceleration]") {
    test_ladder::check_rung(accel::Rung::ikj);
}

TEST_CASE("rung 3 cache blocking computes the same product with the default blocks", "[17_acceleration]") {
    test_ladder::check_rung(accel::Rung::blocked);
}

TEST_CASE("rung 3 cache blocking handles blocks that do not divide the matrix", "[17_acceleration]") {
    for (accel::BlockSizes bs : {accel::BlockSizes{5, 7, 9}, accel::BlockSizes{1, 1, 1}, accel::BlockSizes{64, 3, 1000}}) {
        INFO("mc=" << bs.mc << " kc=" << bs.kc << " nc=" << bs.nc);
        CHECK(test_ladder::rung_error([bs](const float* a, const float* b, float* c, int64_t M, int64_t K, int64_t N) {
                  accel::gemm_blocked(a, b, c, M, K, N, bs);
              }, 23, 31, 29) < 1e-5);
    }
}

TEST_CASE("rung 3 refuses block sizes below one", "[17_acceleration][provided]") {
    std::vector<float> a(4), b(4), c(4);
    CHECK_THROWS_AS(accel::gemm_blocked(a.data(), b.data(), c.data(), 2, 2, 2, accel::BlockSizes{0, 4, 4}), ValueError);
    CHECK_THROWS_WITH(accel::gemm_blocked(a.data(), b.data(), c.data(), 2, 2, 2, accel::BlockSizes{4, 4, -2}),
                      Contains("nc=-2") && Contains("hint"));
}

TEST_CASE("rung 4 pack_panel lays out kTileCols floats per k with zeros past the edge", "[17_acceleration]") {
    const int64_t kc = 3, cols = 5, ldb = 9;
    std::vector<float> b(static_cast<size_t>(kc * ldb));
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(i);
    std::vector<float> panel(static_cast<size_t>(kc * accel::kTileCols), -1.0f);
    accel::pack_panel(b.data(), ldb, kc, cols, panel.data());
    for (int64_t k = 0; k < kc; ++k)
        for (int64_t j = 0; j < accel::kTileCols; ++j)
            CHECK(panel[k * accel::kTileCols + j] == (j < cols ? b[k * ldb + j] : 0.0f));
}

TEST_CASE("rung 4 register_tile adds a tile into C and leaves the rest of C alone", "[17_acceleration]") {
    using accel::kTileCols;
    using accel::kTileRows;
    for (int64_t rows : {int64_t(1), kTileRows - 1, kTileRows})
        for (int64_t cols : {int64_t(1), kTileCols - 1, kTileCols}) {
            const int64_t kc = 11, lda = 13, ldc = kTileCols + 3;
            const test_ladder::Problem p = test_ladder::problem(kTileRows, lda, kTileCols);
            std::vector<float> panel(static_cast<size_t>(kc * kTileCols));
            accel::pack_panel(p.b.data(), kTileCols, kc, cols, panel.data());
            std::vector<float> c(static_cast<size_t>(kTileRows * ldc), 0.5f);
            accel::register_tile(kc, p.a.data(), lda, panel.data(), c.data(), ldc, rows, cols);
            double worst = 0;
            for (int64_t i = 0; i < kTileRows; ++i)
                for (int64_t j = 0; j < ldc; ++j) {
                    double want = 0.5;
                    if (i < rows && j < cols)
                        for (int64_t k = 0; k < kc; ++k) want += double(p.a[i * lda + k]) * p.b[k * kTileCols + j];
                    worst = std::max(worst, std::abs(want - c[i * ldc + j]));
                }
            INFO("rows=" << rows << " cols=" << cols);
            CHECK(worst < 1e-5);
        }
}

TEST_CASE("rung 4 packed panels and a register tile compute the product", "[17_acceleration]") {
    test_ladder::check_rung(accel::Rung::register_tile);
}

TEST_CASE("every rung writes zeros when the inner dimension is empty", "[17_acceleration]") {
    for (accel::Rung r : {accel::Rung::naive, accel::Rung::ikj, accel::Rung::blocked, accel::Rung::register_tile}) {
        std::vector<float> a(1), b(1), c(12, 7.0f);
        accel::gemm_rung(r, a.data(), b.data(), c.data(), 3, 0, 4);
        INFO(accel::rung_name(r));
        CHECK(c == std::vector<float>(12, 0.0f));
    }
}

TEST_CASE("rung 5 the TinyTorch kernel computes the same product", "[17_acceleration][provided]") {
    test_ladder::check_rung(accel::Rung::tinytorch_kernel);
}

TEST_CASE("ladder_matmul runs a rung on tensors and views", "[17_acceleration]") {
    Tensor a = randn({9, 21}), b = randn({15, 21}).t();  // b is a transposed view
    const Tensor want = judge::matmul(a, b);
    for (accel::Rung r : {accel::Rung::naive, accel::Rung::ikj, accel::Rung::blocked, accel::Rung::register_tile}) {
        INFO(accel::rung_name(r));
        CHECK(judge::allclose(accel::ladder_matmul(a, b, r), want, 1e-4f, 1e-5f));
    }
}

TEST_CASE("ladder_matmul names both shapes when they do not multiply", "[17_acceleration][provided]") {
    CHECK_THROWS_AS(accel::ladder_matmul(judge::full({2, 3}), judge::full({4, 5}), accel::Rung::naive), ShapeError);
    CHECK_THROWS_WITH(accel::ladder_matmul(judge::full({2, 3}), judge::full({4, 5}), accel::Rung::ikj),
                      Contains("[2, 3]") && Contains("[4, 5]") && Contains("hint"));
    CHECK_THROWS_WITH(accel::ladder_matmul(judge::full({2, 3, 4}), judge::full({4, 5}), accel::Rung::ikj),
                      Contains("[2, 3, 4]"));
}

// ---- §6 threads -----------------------------------------------------------------------------------

TEST_CASE("gemm_parallel splits rows over threads and gives the serial product", "[17_acceleration]") {
    const int before = get_num_threads();
    for (int threads : {1, 2, 3})
        for (accel::Rung r : {accel::Rung::register_tile, accel::Rung::tinytorch_kernel})
            for (const auto& s : {std::array<int64_t, 3>{200, 150, 150}, std::array<int64_t, 3>{37, 29, 41},
                                  std::array<int64_t, 3>{1000, 70, 65}}) {
                set_num_threads(threads);
                INFO(threads << " threads, " << accel::rung_name(r) << ": M=" << s[0] << " K=" << s[1] << " N=" << s[2]);
                CHECK(test_ladder::rung_error([r](const float* a, const float* b, float* c, int64_t M, int64_t K, int64_t N) {
                          accel::gemm_parallel(r, a, b, c, M, K, N);
                      }, s[0], s[1], s[2]) < 1e-5);
            }
    set_num_threads(before);
}
