// tests/17_acceleration/test_roofline.cpp — §1: the roofline model and the two measured roofs.
#include <cmath>
#include <vector>

#include "support/catch.hpp"
#include "tinytorch/acceleration/acceleration.hpp"
using namespace tinytorch;

// ---- §1 counting FLOPs and bytes -----------------------------------------------------------------

TEST_CASE("gemm_flops counts one multiply and one add per output and k", "[17_acceleration]") {
    CHECK(accel::gemm_flops(2, 3, 4) == 48.0);
    CHECK(accel::gemm_flops(1024, 1024, 1024) == 2147483648.0);
    CHECK(accel::gemm_flops(256, 784, 256) == 102760448.0);  // W1's first layer at batch 256
    CHECK(accel::gemm_flops(5, 0, 7) == 0.0);
}

TEST_CASE("gemm_min_bytes reads A and B once and writes C once in float32", "[17_acceleration]") {
    CHECK(accel::gemm_min_bytes(2, 3, 4) == 104.0);       // 4 * (6 + 12 + 8)
    CHECK(accel::gemm_min_bytes(1024, 1024, 1024) == 12582912.0);
    CHECK(accel::gemm_min_bytes(1, 1, 1) == 12.0);
}

TEST_CASE("arithmetic intensity is flops per byte and grows with the size of a GEMM", "[17_acceleration]") {
    CHECK(accel::arithmetic_intensity(48, 104) == Approx(48.0 / 104.0));
    // n x n x n GEMM: 2n^3 / 12n^2 = n / 6 FLOP per byte
    for (int64_t n : {6, 60, 600})
        CHECK(accel::arithmetic_intensity(accel::gemm_flops(n, n, n), accel::gemm_min_bytes(n, n, n)) ==
              Approx(n / 6.0));
    // the triad: 2 flops per 12 bytes
    CHECK(accel::arithmetic_intensity(2, 12) == Approx(1.0 / 6.0));
}

TEST_CASE("arithmetic_intensity refuses counts that are not positive", "[17_acceleration][provided]") {
    CHECK_THROWS_AS(accel::arithmetic_intensity(0, 10), ValueError);
    CHECK_THROWS_WITH(accel::arithmetic_intensity(10, -1), Contains("bytes") && Contains("-1") && Contains("hint"));
    CHECK_THROWS_WITH(accel::arithmetic_intensity(std::nan(""), 1), Contains("flops"));
}

// ---- §1 the roofline -----------------------------------------------------------------------------

TEST_CASE("the roofline is the lower of the compute roof and the memory slope", "[17_acceleration]") {
    const accel::Roofline r{100.0, 20.0};  // 100 GFLOP/s, 20 GB/s
    CHECK(r.ridge_point() == Approx(5.0));
    CHECK(r.attainable_gflops(0.0) == 0.0);
    CHECK(r.attainable_gflops(1.0 / 6.0) == Approx(20.0 / 6.0));  // the triad: memory-bound
    CHECK(r.attainable_gflops(1.0) == Approx(20.0));
    CHECK(r.attainable_gflops(5.0) == Approx(100.0));
    CHECK(r.attainable_gflops(170.7) == Approx(100.0));            // 1024^3 GEMM: compute-bound
}

TEST_CASE("the roofline says which roof bounds a kernel", "[17_acceleration]") {
    const accel::Roofline r{208.0, 26.0};
    CHECK(r.ridge_point() == Approx(8.0));
    CHECK(r.bound(1.0 / 6.0) == "memory");
    CHECK(r.bound(7.99) == "memory");
    CHECK(r.bound(8.0) == "compute");
    CHECK(r.bound(170.0) == "compute");
}

TEST_CASE("a roofline without measured roofs is a ValueError naming the missing roof", "[17_acceleration][provided]") {
    CHECK_THROWS_AS(accel::Roofline{}.ridge_point(), ValueError);
    CHECK_THROWS_WITH((accel::Roofline{0.0, 20.0}.ridge_point()), Contains("peak_gflops"));
    CHECK_THROWS_WITH((accel::Roofline{100.0, 0.0}.attainable_gflops(1.0)), Contains("bandwidth_gbs"));
    CHECK_THROWS_WITH((accel::Roofline{100.0, 20.0}.attainable_gflops(-1.0)), Contains("intensity") && Contains("-1"));
}

// ---- §1 the memory roof: triad ---------------------------------------------------------------------

TEST_CASE("triad writes b plus s times c into a", "[17_acceleration]") {
    const int64_t n = 1037;  // not a multiple of any vector width
    std::vector<float> a(n + 1, -7.0f), b(n), c(n);
    for (int64_t i = 0; i < n; ++i) b[i] = static_cast<float>(i), c[i] = 0.25f * static_cast<float>(i % 17);
    accel::triad(a.data(), b.data(), c.data(), 3.0f, n);
    for (int64_t i = 0; i < n; ++i) CHECK(a[i] == b[i] + 3.0f * c[i]);
    CHECK(a[n] == -7.0f);  // nothing past the end
    accel::triad(a.data(), b.data(), c.data(), 3.0f, 0);
    CHECK(a[0] == 0.0f);
}

TEST_CASE("the triad bandwidth of an L2 sized array is positive and finite", "[17_acceleration]") {
    const double gbs = accel::measure_triad_gbs(int64_t(1) << 14, 1, 2);
    CHECK(std::isfinite(gbs));
    CHECK(gbs > 0.1);
}

TEST_CASE("the FMA peak uses the widest vectors and comes out positive", "[17_acceleration][provided]") {
#if defined(__AVX512F__)
    CHECK(accel::Vec::W == 16);
#elif defined(__AVX2__) && defined(__FMA__)
    CHECK(accel::Vec::W == 8);
#endif
    const double peak = accel::measure_fma_peak_gflops(1, 2);
    CHECK(std::isfinite(peak));
    CHECK(peak > 0.1);
}

TEST_CASE("Vec loads broadcasts fuses and stores every lane", "[17_acceleration][provided]") {
    std::vector<float> x(accel::Vec::W), y(accel::Vec::W, 0.0f);
    for (int64_t i = 0; i < accel::Vec::W; ++i) x[i] = static_cast<float>(i);
    (fma(accel::Vec::load(x.data()), accel::Vec::broadcast(2.0f), accel::Vec::broadcast(1.0f)) + accel::Vec::zero())
        .store(y.data());
    for (int64_t i = 0; i < accel::Vec::W; ++i) CHECK(y[i] == 2.0f * i + 1.0f);
}
