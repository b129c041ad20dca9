// tests/15_quantization/test_qparams.cpp — §1–§2: choose_qparams (0.0 exactly representable, the
// scale from the widened range), quantize_per_tensor / quantize_per_channel / dequantize with
// hand-worked integers, the error bound |x − x̂| <= scale / 2, one byte per value, bad input.
#include <cmath>
#include <limits>

#include "support/catch.hpp"
#include "tinytorch/quantization/quantization.hpp"
#include "quant_test_support.hpp"

using namespace tinytorch;

namespace qparams_test {
std::vector<int32_t> ints(const QuantizedTensor& q) {
    std::vector<int32_t> v;
    for (int64_t i = 0; i < q.numel(); ++i) v.push_back(q.value(i));
    return v;
}
}  // namespace qparams_test

TEST_CASE("choose_qparams maps an affine range onto uint8 with 0.0 exactly representable", "[15_quantization]") {
    const QParams p = choose_qparams(-1.0f, 3.0f, kQUInt8);
    CHECK(p.scale == Approx(4.0 / 255.0).epsilon(1e-6));
    CHECK(p.zero_point == 64);  // 0 − round(−1 / (4/255)) = round(63.75)
    // int8: the same range lands 128 lower
    const QParams s = choose_qparams(-1.0f, 3.0f, kQInt8);
    CHECK(s.scale == Approx(4.0 / 255.0).epsilon(1e-6));
    CHECK(s.zero_point == -64);
}

TEST_CASE("choose_qparams widens a range that excludes 0 and takes the scale from the widened range",
          "[15_quantization]") {
    // [2, 10] becomes [0, 10]: scale 10/255, zero-point 0 (the original kept scale 8/255 and
    // clamped the zero-point, which shifted every value)
    const QParams p = choose_qparams(2.0f, 10.0f, kQUInt8);
    CHECK(p.scale == Approx(10.0 / 255.0).epsilon(1e-6));
    CHECK(p.zero_point == 0);
    // an all-negative range: [−2, −1] becomes [−2, 0]; 0.0 is the top integer
    const QParams n = choose_qparams(-2.0f, -1.0f, kQInt8);
    CHECK(n.scale == Approx(2.0 / 255.0).epsilon(1e-6));
    CHECK(n.zero_point == 127);
    // all zeros: any scale represents them, the zero-point is qmin
    const QParams z = choose_qparams(0.0f, 0.0f, kQUInt8);
    CHECK(z.scale == 1.0f);
    CHECK(z.zero_point == 0);
}

TEST_CASE("choose_qparams symmetric: int8 from -127 to 127 around 0, uint8 around 128", "[15_quantization]") {
    const QParams p = choose_qparams(-0.5f, 2.54f, kQInt8, true);
    CHECK(p.scale == Approx(2.54 / 127.0).epsilon(1e-6));
    CHECK(p.zero_point == 0);
    const QParams u = choose_qparams(-3.0f, 1.0f, kQUInt8, true);
    CHECK(u.scale == Approx(3.0 / 127.5).epsilon(1e-6));
    CHECK(u.zero_point == 128);
}

TEST_CASE("choose_qparams refuses a non-finite or inverted range", "[15_quantization][provided]") {
    CHECK_THROWS_AS(choose_qparams(std::nanf(""), 1.0f, kQUInt8), ValueError);
    CHECK_THROWS_WITH(choose_qparams(0.0f, std::numeric_limits<float>::infinity(), kQUInt8),
                      Catch::Contains("not finite"));
    CHECK_THROWS_AS(choose_qparams(3.0f, 1.0f, kQUInt8), ValueError);
    CHECK_THROWS_WITH(choose_qparams(3.0f, 1.0f, kQUInt8), Catch::Contains("min 3 > max 1"));
}

TEST_CASE("quantize_per_tensor rounds half to even, clamps, and dequantize inverts", "[15_quantization]") {
    const Tensor x = judge::tensor({-1.0f, 0.0f, 0.25f, 0.75f, 1.0f, 1000.0f, -1000.0f}, {7});
    // x / 0.5 = −2, 0, 0.5, 1.5, 2, 2000, −2000 -> round half to even -2, 0, 0, 2, 2 -> + 10, clamp [0, 255]
    const QuantizedTensor q = quantize_per_tensor(x, 0.5, 10, kQUInt8);
    CHECK(qparams_test::ints(q) == std::vector<int32_t>{8, 10, 10, 12, 12, 255, 0});
    CHECK(q.q_scale() == 0.5);
    CHECK(q.q_zero_point() == 10);
    CHECK(judge::equal(q.dequantize(), judge::tensor({-1.0f, 0.0f, 0.0f, 1.0f, 1.0f, 122.5f, -5.0f}, {7})));
    // int8 keeps the sign bit: −2 is stored as the byte 0xFE
    const QuantizedTensor s = quantize_per_tensor(x, 0.5, 0, kQInt8);
    CHECK(qparams_test::ints(s) == std::vector<int32_t>{-2, 0, 0, 2, 2, 127, -128});
    CHECK(s.bytes()[0] == 0xFE);
    CHECK(judge::equal(s.dequantize(), judge::tensor({-1.0f, 0.0f, 0.0f, 1.0f, 1.0f, 63.5f, -64.0f}, {7})));
}

TEST_CASE("a quantized tensor stores one byte per value", "[15_quantization]") {
    const QuantizedTensor q = quantize_per_tensor(quant_test::uniform({16, 32}, -1.0f, 1.0f, 1), 0.01, 3, kQUInt8);
    CHECK(q.shape() == Shape{16, 32});
    CHECK(q.nbytes() == 512u);
    CHECK(q.total_nbytes() == 512u + 4u + 4u);  // + one float32 scale, one int32 zero-point
    CHECK(q.dequantize().shape() == Shape{16, 32});
}

TEST_CASE("quantize_per_channel gives each slice its own scale and zero-point", "[15_quantization]") {
    // axis 0 (rows), int8 symmetric: row 0 in steps of 0.1, row 1 in steps of 1
    const Tensor w = judge::tensor({0.1f, -0.2f, 0.3f, 1.0f, 2.0f, -3.0f}, {2, 3});
    const QuantizedTensor q = quantize_per_channel(w, std::vector<float>{0.1f, 1.0f}, std::vector<int32_t>{0, 0}, 0,
                                                   kQInt8, true);
    CHECK(qparams_test::ints(q) == std::vector<int32_t>{1, -2, 3, 1, 2, -3});
    CHECK(q.qscheme() == kPerChannelSymmetric);
    CHECK(q.q_per_channel_axis() == 0);
    CHECK(judge::allclose(q.dequantize(), w, 1e-6, 1e-7));
    // axis 1 (columns), uint8 affine with different zero-points
    const Tensor x = judge::tensor({1.0f, 1.0f, 1.0f, -2.0f, 0.5f, 0.25f}, {2, 3});
    const QuantizedTensor c = quantize_per_channel(x, judge::tensor({1.0f, 0.5f, 0.25f}, {3}),
                                                   judge::tensor({0.0f, 1.0f, 9.0f}, {3}), 1, kQUInt8);
    // col 0: x/1 + 0; col 1: x/0.5 + 1; col 2: x/0.25 + 9 -> [[1, 3, 13], [0 (clamped −2), 2, 10]]
    CHECK(qparams_test::ints(c) == std::vector<int32_t>{1, 3, 13, 0, 2, 10});
    CHECK(judge::equal(c.dequantize(), judge::tensor({1.0f, 1.0f, 1.0f, 0.0f, 0.5f, 0.25f}, {2, 3})));
    // a conv weight [2, 1, 2, 2]: channel k owns the 4 values of filter k
    const Tensor k = judge::tensor({1, 2, 3, 4, 10, 20, 30, 40}, {2, 1, 2, 2});
    const QuantizedTensor qk = quantize_per_channel(k, std::vector<float>{1.0f, 10.0f}, std::vector<int32_t>{0, 0}, 0,
                                                    kQInt8, true);
    CHECK(qparams_test::ints(qk) == std::vector<int32_t>{1, 2, 3, 4, 1, 2, 3, 4});
}

TEST_CASE("quantize then dequantize is within half a step of the input", "[15_quantization]") {
    std::vector<float> v;
    for (int i = 0; i <= 100; ++i) v.push_back(-1.0f + 2.0f * static_cast<float>(i) / 100.0f);
    const Tensor x = judge::tensor(v, {101});
    // affine uint8 over [−1, 1]: step 2/255
    const QParams p = choose_qparams(-1.0f, 1.0f, kQUInt8);
    REQUIRE(p.scale == Approx(2.0 / 255.0).epsilon(1e-6));
    const Tensor back = quantize_per_tensor(x, p.scale, p.zero_point, kQUInt8).dequantize();
    CHECK(judge::max_abs_diff(back, x) <= (1.0 / 255.0) * 1.0001);
    // symmetric int8 over [−1, 1]: step 1/127
    const QParams s = choose_qparams(-1.0f, 1.0f, kQInt8, true);
    REQUIRE(s.scale == Approx(1.0 / 127.0).epsilon(1e-6));
    const Tensor back8 = quantize_per_tensor(x, s.scale, s.zero_point, kQInt8).dequantize();
    CHECK(judge::max_abs_diff(back8, x) <= (0.5 / 127.0) * 1.0001);
    CHECK(judge::max_abs_diff(back8, x) > 0.0);  // it is lossy: 101 values, 255 levels, not aligned
}

TEST_CASE("quantize refuses NaN, bad scales, zero-points outside the range and mismatched channels",
          "[15_quantization]") {
    CHECK(quantize_per_tensor(judge::tensor({2.0f}, {1}), 0.5, 0, kQUInt8).value(0) == 4);  // and works otherwise
    const Tensor x = judge::tensor({1.0f, std::nanf(""), 2.0f}, {3});
    CHECK_THROWS_AS(quantize_per_tensor(x, 0.1, 0, kQUInt8), ValueError);
    CHECK_THROWS_WITH(quantize_per_tensor(x, 0.1, 0, kQUInt8), Catch::Contains("NaN at position 1"));
    const Tensor ok = judge::tensor({1.0f, 2.0f, 3.0f}, {3});
    CHECK_THROWS_WITH(quantize_per_tensor(ok, 0.0, 0, kQUInt8), Catch::Contains("scale must be a positive"));
    CHECK_THROWS_WITH(quantize_per_tensor(ok, 0.1, 300, kQUInt8), Catch::Contains("outside QUInt8's range [0, 255]"));
    CHECK_THROWS_WITH(quantize_per_tensor(ok, 0.1, -129, kQInt8), Catch::Contains("outside QInt8's range"));
    const Tensor w = judge::tensor({1, 2, 3, 4, 5, 6}, {2, 3});
    CHECK_THROWS_AS(quantize_per_channel(w, std::vector<float>{1.0f}, std::vector<int32_t>{0}, 0, kQInt8), ShapeError);
    CHECK_THROWS_WITH(quantize_per_channel(w, std::vector<float>{1.0f}, std::vector<int32_t>{0}, 0, kQInt8),
                      Catch::Contains("has 2 channels along axis 0, got 1 scales"));
    CHECK_THROWS_AS(quantize_per_channel(w, std::vector<float>{1, 1}, std::vector<int32_t>{0, 0}, 2, kQInt8), IndexError);
    CHECK_THROWS_WITH(quantize_per_channel(w, judge::tensor({1, 1}, {2}), judge::tensor({0.5f, 0}, {2}), 0, kQInt8),
                      Catch::Contains("not a whole number"));
    const QuantizedTensor pt({1, 2, 3}, {3}, kQUInt8, kPerTensorAffine, {0.1f}, {0});  // given constructor
    CHECK_THROWS_WITH(pt.q_per_channel_scales(), Catch::Contains("use q_scale()"));
    CHECK_THROWS_WITH(pt.int8_data(), Catch::Contains("QUInt8"));
}
