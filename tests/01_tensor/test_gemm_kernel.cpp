// tests/01_tensor/test_gemm_kernel.cpp — lesson §7: TinyTorch's own GEMM kernel (gemm_kernel.hpp,
// ready-made code) against the definition, over every edge its blocking creates.
#include <cmath>
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

/// Which path computes the product in kernel_error.
enum class KernelPath { best, portable, avx2, avx512, prepacked, prepacked_one_pass };

/// Runs the GEMM kernel on `path` and compares with sums of products in double precision (plus
/// the epilogue: bias per column, then the activation); returns the largest error relative to the
/// largest reference value.
double kernel_error(int64_t M, int64_t K, int64_t N, bool ta, bool tb, bool accumulate, int64_t pad = 0,
                    KernelPath path = KernelPath::best, bool with_bias = false,
                    detail::gemm::Activation act = detail::gemm::Activation::none) {
    using namespace detail::gemm;
    std::mt19937 rng(static_cast<unsigned>(M * 7919 + K * 104729 + N * 31 + ta * 2 + tb));
    KernelOperand a = kernel_operand(M, K, ta, rng, pad), b = kernel_operand(K, N, tb, rng, pad);
    std::vector<float> bias(static_cast<size_t>(N) + 1);
    for (float& v : bias) v = std::normal_distribution<float>()(rng);
    const Epilogue ep{with_bias ? bias.data() : nullptr, act};
    const int64_t ldo = N + 3;  // out rows are not contiguous with each other
    std::vector<float> out(static_cast<size_t>(std::max<int64_t>(M, 1) * ldo), 0.5f);
    const float *pa = a.data.data(), *pb = b.data.data();
    switch (path) {
        case KernelPath::best: gemm(pa, a.rs, a.cs, pb, b.rs, b.cs, out.data(), ldo, M, K, N, accumulate, ep); break;
        case KernelPath::portable:
            gemm_with<PortableTile>(pa, a.rs, a.cs, pb, b.rs, b.cs, out.data(), ldo, M, K, N, accumulate, ep);
            break;
        case KernelPath::avx2:
#if TINYTORCH_GEMM_AVX2
            gemm_with<Avx2Tile>(pa, a.rs, a.cs, pb, b.rs, b.cs, out.data(), ldo, M, K, N, accumulate, ep);
#endif
            break;
        case KernelPath::avx512:
#if TINYTORCH_GEMM_AVX512
            gemm_with<Avx512Tile>(pa, a.rs, a.cs, pb, b.rs, b.cs, out.data(), ldo, M, K, N, accumulate, ep);
#endif
            break;
        case KernelPath::prepacked: {
            const PackedB<> packed = pack_weight(pb, b.rs, b.cs, K, N);
            gemm_packed(pa, a.rs, a.cs, packed, out.data(), ldo, M, accumulate, ep);
            break;
        }
        case KernelPath::prepacked_one_pass: {  // as freeze packs: the whole of K in one pass
            const PackedB<> packed = pack_weight(pb, b.rs, b.cs, K, N, std::max<int64_t>(K, 1));
            gemm_packed(pa, a.rs, a.cs, packed, out.data(), ldo, M, accumulate, ep);
            break;
        }
    }
    double worst = 0.0, scale = 1.0;
    for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) {
            double want = accumulate ? 0.5 : 0.0;
            for (int64_t k = 0; k < K; ++k) want += static_cast<double>(a.at(i, k)) * b.at(k, j);
            if (with_bias) want += bias[static_cast<size_t>(j)];
            scale = std::max(scale, std::abs(want));  // every activation's slope is <= 1.13: errors do not grow
            switch (act) {
                case Activation::none: break;
                case Activation::relu: want = std::max(want, 0.0); break;
                case Activation::gelu_erf: want = 0.5 * want * (1.0 + std::erf(want / std::sqrt(2.0))); break;
                case Activation::gelu_tanh:
                    want = 0.5 * want * (1.0 + std::tanh(std::sqrt(2.0 / 3.14159265358979323846) * (want + 0.044715 * want * want * want)));
                    break;
                case Activation::sigmoid: want = 1.0 / (1.0 + std::exp(-want)); break;
                case Activation::tanh: want = std::tanh(want); break;
            }
            worst = std::max(worst, std::abs(want - out[static_cast<size_t>(i * ldo + j)]));
        }
    for (int64_t i = 0; i < M; ++i)  // the 3 floats past each row belong to nobody: untouched
        for (int64_t j = N; j < ldo; ++j)
            if (out[static_cast<size_t>(i * ldo + j)] != 0.5f) return 1.0;
    return worst / scale;
}

/// The tiles this build can run (the portable one always; AVX2 and AVX-512 when compiled in).
std::vector<std::pair<KernelPath, const char*>> compiled_tiles() {
    std::vector<std::pair<KernelPath, const char*>> tiles = {{KernelPath::portable, "portable 6x16"}};
#if TINYTORCH_GEMM_AVX2
    tiles.push_back({KernelPath::avx2, "AVX2 6x16"});
#endif
#if TINYTORCH_GEMM_AVX512
    tiles.push_back({KernelPath::avx512, "AVX-512 14x32"});
#endif
    return tiles;
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

TEST_CASE("every compiled register tile matches the definition on its edges", "[01_tensor][provided]") {
    // Sizes below, at and past each tile: 6 x 16 (portable, AVX2) and 14 x 32 (AVX-512).
    for (auto [path, label] : compiled_tiles())
        for (int64_t M : {1, 5, 6, 7, 13, 14, 15, 29})
            for (int64_t N : {1, 15, 16, 17, 31, 32, 33, 70})
                for (int64_t K : {1, 9, 31})
                    for (int t = 0; t < 4; ++t) {
                        INFO(label << " tile: M=" << M << " K=" << K << " N=" << N << " layouts " << t);
                        CHECK(kernel_error(M, K, N, t & 1, t & 2, t == 3, 0, path) < 1e-5);
                    }
}

TEST_CASE("every compiled register tile handles long k and row and column blocks", "[01_tensor][provided]") {
    using namespace detail::gemm;
    for (auto [path, label] : compiled_tiles()) {
        INFO(label);
        CHECK(kernel_error(9, 2 * 384 + 5, 40, false, true, false, 0, path) < 1e-5);  // several passes over k
        CHECK(kernel_error(200, 40, 21, false, false, true, 0, path) < 1e-5);         // more rows than MC
        CHECK(kernel_error(15, 10, 4096 + 35, false, false, false, 0, path) < 1e-5);  // more columns than NC
        CHECK(kernel_error(29, 24, 8, false, false, false, 256 - 24, path) < 1e-5);    // row stride 256: A packed
    }
}

TEST_CASE("the GEMM epilogue adds the bias per column and applies the activation on edge tiles", "[01_tensor][provided]") {
    using detail::gemm::Activation;
    for (auto [path, label] : compiled_tiles())
        for (Activation act : {Activation::none, Activation::relu, Activation::gelu_erf, Activation::gelu_tanh,
                               Activation::sigmoid, Activation::tanh})
            for (int64_t M : {1, 7, 15})
                for (int64_t N : {5, 16, 33})
                    for (int64_t K : {0, 4, 300}) {  // K = 300: the epilogue runs after the last pass only
                        INFO(label << " act " << static_cast<int>(act) << " M=" << M << " K=" << K << " N=" << N);
                        CHECK(kernel_error(M, K, N, false, true, false, 0, path, true, act) < 1e-5);
                        CHECK(kernel_error(M, K, N, true, false, true, 0, path, false, act) < 1e-5);
                    }
}

TEST_CASE("a weight packed once gives the products of the unpacked kernel", "[01_tensor][provided]") {
    using detail::gemm::Activation;
    for (int64_t M : {1, 14, 31})
        for (int64_t N : {1, 32, 45})
            for (int64_t K : {1, 17, 800})  // 800: passes over k of 267 + 267 + 266 floats
                for (int tb = 0; tb < 2; ++tb) {
                    INFO("M=" << M << " K=" << K << " N=" << N << " B " << (tb ? "transposed" : "row-major"));
                    CHECK(kernel_error(M, K, N, false, tb, false, 0, KernelPath::prepacked) < 1e-5);
                    CHECK(kernel_error(M, K, N, false, tb, true, 0, KernelPath::prepacked, true, Activation::relu) < 1e-5);
                }
    CHECK(kernel_error(7, 20, 4096 + 40, false, true, false, 0, KernelPath::prepacked) < 1e-5);  // two column blocks
}

TEST_CASE("a weight packed for one deep pass over k gives the same products", "[01_tensor][provided]") {
    using detail::gemm::Activation;
    const detail::gemm::PackedB<> packed = [] {
        std::vector<float> w(784 * 3, 1.0f);
        return detail::gemm::pack_weight(w.data(), 1, 784, 784, 3, 1024);
    }();
    CHECK(packed.depth == 784);  // one pass, not two of 392
    for (int64_t M : {1, 15, 256})
        for (int64_t K : {1, 784, 1030})
            for (int64_t N : {10, 45}) {
                INFO("M=" << M << " K=" << K << " N=" << N);
                CHECK(kernel_error(M, K, N, false, true, false, 0, KernelPath::prepacked_one_pass, true, Activation::relu) < 1e-5);
                CHECK(kernel_error(M, K, N, true, false, true, 0, KernelPath::prepacked_one_pass) < 1e-5);
            }
}

TEST_CASE("the GEMM kernel deals the rows of a block out to strips of nearly equal height", "[01_tensor][provided]") {
    using namespace detail::gemm;
    for (int64_t mc : {1, 4, 13, 14, 15, 29, 168, 256, 1000}) {
        const int64_t strips = (mc + MR - 1) / MR;
        int64_t total = 0, lo = mc, hi = 0;
        for (int64_t s = 0; s < strips; ++s) {
            const int64_t rows = strip_rows(mc, strips, s);
            total += rows, lo = std::min(lo, rows), hi = std::max(hi, rows);
        }
        INFO("mc=" << mc);
        CHECK(total == mc);
        CHECK(hi <= MR);
        CHECK(hi - lo <= 1);  // no short strip at the end
    }
    CHECK(strip_rows(256, 19, 0) == 14);  // MR = 14: 256 rows are 9 strips of 14 and 10 of 13
    CHECK(strip_rows(256, 19, 9) == 13);
    for (int64_t M : {int64_t(256), 2 * MC - 3})  // strips of unequal height, A in place and A packed (transposed)
        for (int ta = 0; ta < 2; ++ta) {
            INFO("M=" << M << " A " << (ta ? "transposed" : "row-major"));
            CHECK(kernel_error(M, 37, 40, ta, false, false) < 1e-5);
        }
}

TEST_CASE("the vectorisable exp and erf of the epilogue are accurate", "[01_tensor][provided]") {
    double worst_exp = 0, worst_erf = 0;
    for (float x = -87.0f; x <= 88.0f; x += 0.173f)
        worst_exp = std::max(worst_exp, std::abs(detail::gemm::exp_approx(x) / std::exp(double(x)) - 1.0));
    for (float x = -6.0f; x <= 6.0f; x += 0.0137f)
        worst_erf = std::max(worst_erf, std::abs(detail::gemm::erf_approx(x) - std::erf(double(x))));
    CHECK(worst_exp < 4e-7);
    CHECK(worst_erf < 5e-7);
    CHECK(detail::gemm::exp_approx(-100.0f) == 0.0f);
    CHECK(detail::gemm::exp_approx(0.0f) == 1.0f);
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
