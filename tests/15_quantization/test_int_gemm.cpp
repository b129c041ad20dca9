// tests/15_quantization/test_int_gemm.cpp — §4: the integer GEMM. Every kernel is compared, bit
// for bit, with a plain int32 loop written in this file (quant_test::plain_gemm), on shapes that
// land on and next to every register-tile edge (AVX2: 6 rows × 16 outputs, pairs of k; VNNI:
// 8 rows × 48 outputs, groups of 4 k), with the full uint8 × int8 range and the extremes
// 255 × −128 up to the largest depth an int32 holds.
#include <string>

#include "support/catch.hpp"
#include "tinytorch/quantization/quantization.hpp"
#include "quant_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::quantization;

namespace int_gemm_test {
const std::vector<int64_t> kRows{1, 2, 5, 6, 7, 8, 9, 13, 17};
const std::vector<int64_t> kCols{1, 7, 8, 9, 15, 16, 17, 33, 47, 48, 49, 65};
const std::vector<int64_t> kDepths{1, 2, 3, 4, 5, 7, 8, 9, 31, 33, 67};

/// Runs gemm_u8s8s32 with weights packed for `isa` on every shape of the lists above; returns how
/// many shapes differ from the plain loop (and reports the first).
int64_t mismatches(GemmIsa isa) {
    int64_t bad = 0;
    uint32_t seed = 1;
    for (int64_t K : kDepths)
        for (int64_t N : kCols) {
            const std::vector<int8_t> B = quant_test::random_s8(static_cast<size_t>(N * K), seed++);
            const PackedWeights packed = pack_weights(B.data(), N, K, K, isa);
            for (int64_t M : kRows) {
                const std::vector<uint8_t> A = quant_test::random_u8(static_cast<size_t>(M * K), seed++);
                std::vector<int32_t> C(static_cast<size_t>(M * N), 12345);
                gemm_u8s8s32(M, A.data(), K, packed, C.data(), N);
                if (C != quant_test::plain_gemm(M, N, K, A, B)) {
                    if (bad == 0) UNSCOPED_INFO(isa_name(isa) << ": first mismatch at M=" << M << " N=" << N << " K=" << K);
                    ++bad;
                }
            }
        }
    return bad;
}

/// The extremes: every product is 255 · (−128) (or 255 · 127), K up to kMaxGemmDepth.
bool extremes_exact(GemmIsa isa, int64_t K) {
    const int64_t M = 3, N = 2;
    std::vector<uint8_t> A(static_cast<size_t>(M * K), 255);
    std::vector<int8_t> B(static_cast<size_t>(N * K), -128);
    for (int64_t k = 0; k < K; ++k) B[K + k] = 127;
    const PackedWeights packed = pack_weights(B.data(), N, K, K, isa);
    std::vector<int32_t> C(static_cast<size_t>(M * N));
    gemm_u8s8s32(M, A.data(), K, packed, C.data(), N);
    return C == quant_test::plain_gemm(M, N, K, A, B);
}
}  // namespace int_gemm_test

TEST_CASE("the reference integer GEMM matches a hand computation, with row strides", "[15_quantization]") {
    // A uint8 [2, 3] rows 4 bytes apart, B int8 [2, 3] rows 5 bytes apart, C rows 3 apart
    const uint8_t A[8] = {1, 2, 3, 99, 255, 0, 1, 99};
    const int8_t B[10] = {1, -1, 2, 77, 77, -128, 127, 0, 77, 77};
    int32_t C[6] = {7, 7, 7, 7, 7, 7};
    quantization::detail::gemm_u8s8s32_reference(2, 2, 3, A, 4, B, 5, C, 3);
    // [1 2 3]·[1 −1 2] = 5    [1 2 3]·[−128 127 0] = 126
    // [255 0 1]·[1 −1 2] = 257    [255 0 1]·[−128 127 0] = −32640
    CHECK(C[0] == 5);
    CHECK(C[1] == 126);
    CHECK(C[2] == 7);  // outside the 2 columns: untouched
    CHECK(C[3] == 257);
    CHECK(C[4] == -32640);
}

TEST_CASE("gemm_u8s8s32 with the reference kernel equals a plain int32 loop on every tile edge",
          "[15_quantization]") {
    CHECK(int_gemm_test::mismatches(GemmIsa::Reference) == 0);
    CHECK(int_gemm_test::extremes_exact(GemmIsa::Reference, 4099));
}

TEST_CASE("the AVX2 and AVX-512 VNNI kernels equal a plain int32 loop on every tile edge",
          "[15_quantization][provided]") {
    for (GemmIsa isa : compiled_isas()) {
        if (isa == GemmIsa::Reference) continue;
        INFO(isa_name(isa));
        CHECK(int_gemm_test::mismatches(isa) == 0);
        CHECK(int_gemm_test::extremes_exact(isa, 1));
        CHECK(int_gemm_test::extremes_exact(isa, 4099));
        CHECK(int_gemm_test::extremes_exact(isa, kMaxGemmDepth));  // −2 147 483 520: still an int32
    }
}

TEST_CASE("the fast kernels honour row strides and the parallel split", "[15_quantization][provided]") {
    const int64_t M = 64, N = 256, K = 260, lda = 300, ldc = 270;  // 4.3M products: split over threads
    const std::vector<uint8_t> Afull = quant_test::random_u8(static_cast<size_t>(M * lda), 7);
    const std::vector<int8_t> B = quant_test::random_s8(static_cast<size_t>(N * K), 8);
    std::vector<uint8_t> A(static_cast<size_t>(M * K));
    for (int64_t m = 0; m < M; ++m)
        for (int64_t k = 0; k < K; ++k) A[m * K + k] = Afull[m * lda + k];
    const std::vector<int32_t> expected = quant_test::plain_gemm(M, N, K, A, B);
    const int threads_before = static_cast<int>(get_num_threads());
    for (int threads : {1, 2}) {
        set_num_threads(threads);
        for (GemmIsa isa : compiled_isas()) {
            if (isa == GemmIsa::Reference) continue;  // the student's kernel: graded above
            INFO(isa_name(isa) << ", " << threads << " threads");
            const PackedWeights packed = pack_weights(B.data(), N, K, K, isa);
            std::vector<int32_t> C(static_cast<size_t>(M * ldc), -1);
            gemm_u8s8s32(M, Afull.data(), lda, packed, C.data(), ldc);
            bool same = true;
            for (int64_t m = 0; m < M; ++m)
                for (int64_t n = 0; n < ldc; ++n)
                    same = same && C[m * ldc + n] == (n < N ? expected[m * N + n] : -1);
            CHECK(same);
        }
    }
    set_num_threads(threads_before);
}

TEST_CASE("packed weights keep their row sums, a depth beyond int32 is refused", "[15_quantization][provided]") {
    const std::vector<int8_t> B{1, -2, 3, -128, 127, 0};
    for (GemmIsa isa : compiled_isas()) {
        const PackedWeights p = pack_weights(B.data(), 2, 3, 3, isa);
        CHECK(p.row_sums == std::vector<int32_t>{2, -1});
        CHECK(p.isa == isa);
    }
    std::vector<int8_t> deep(static_cast<size_t>(kMaxGemmDepth + 1), 1);
    CHECK_THROWS_AS(pack_weights(deep.data(), 1, kMaxGemmDepth + 1, kMaxGemmDepth + 1), ValueError);
    CHECK_THROWS_WITH(pack_weights(deep.data(), 1, kMaxGemmDepth + 1, kMaxGemmDepth + 1),
                      Catch::Contains("could overflow int32"));
    CHECK_THROWS_WITH(pack_weights(B.data(), 2, 3, 2), Catch::Contains("ldb >= K"));
}
