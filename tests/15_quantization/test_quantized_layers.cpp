// tests/15_quantization/test_quantized_layers.cpp — §5–§6: nn::QuantizedLinear and
// nn::QuantizedConv2d. Hand-worked outputs where every value quantizes exactly (so the integer
// path must give the float answer of the *quantized* weights to the last bit), an error bound
// derived in the test for random data, every kernel giving the same bits, the three input modes,
// sizes in bytes, bad input.
#include <cmath>
#include <random>

#include "support/catch.hpp"
#include "tinytorch/quantization/quantization.hpp"
#include "quant_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::quantization;

namespace qlayers_test {
/// Linear(2, 1) with weight [[127, −63.5]] and bias 0.25: per-channel symmetric scale 127/127 = 1,
/// so the int8 weight is [127, −64] (−63.5 rounds half to even).
std::shared_ptr<nn::Linear> hand_linear() {
    auto lin = std::make_shared<nn::Linear>(2, 1);
    quant_test::set_values(lin->weight, {127.0f, -63.5f});
    quant_test::set_values(lin->bias, {0.25f});
    return lin;
}

/// out[n, o, oy, ox] = b[o] + Σ w[o, c, ky, kx] · x[n, g·Cg + c, oy·sh − ph + ky·dh, ox·sw − pw + kx·dw]
/// (zero outside the image), in double, written here from the definition.
std::vector<float> direct_conv(const std::vector<float>& x, const std::vector<float>& w, const std::vector<float>& b,
                               int64_t N, int64_t C, int64_t H, int64_t W, int64_t O, int64_t kh, int64_t kw,
                               int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t dh, int64_t dw, int64_t groups,
                               int64_t& Ho, int64_t& Wo) {
    Ho = (H + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
    Wo = (W + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    const int64_t Cg = C / groups, Og = O / groups;
    std::vector<float> out;
    for (int64_t n = 0; n < N; ++n)
        for (int64_t o = 0; o < O; ++o)
            for (int64_t oy = 0; oy < Ho; ++oy)
                for (int64_t ox = 0; ox < Wo; ++ox) {
                    double acc = b[o];
                    const int64_t g = o / Og;
                    for (int64_t c = 0; c < Cg; ++c)
                        for (int64_t ky = 0; ky < kh; ++ky)
                            for (int64_t kx = 0; kx < kw; ++kx) {
                                const int64_t iy = oy * sh - ph + ky * dh, ix = ox * sw - pw + kx * dw;
                                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                                acc += double(w[((o * Cg + c) * kh + ky) * kw + kx]) *
                                       x[((n * C + g * Cg + c) * H + iy) * W + ix];
                            }
                    out.push_back(static_cast<float>(acc));
                }
    return out;
}

/// Integers in [lo, hi] as floats (deterministic).
std::vector<float> random_ints(size_t n, int lo, int hi, uint32_t seed) {
    std::mt19937 gen(seed);
    std::uniform_int_distribution<int> d(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(d(gen));
    return v;
}
}  // namespace qlayers_test

TEST_CASE("QuantizedLinear: hand-worked output with int8 weights and a uint8 input", "[15_quantization]") {
    nn::QuantizedLinear q(*qlayers_test::hand_linear());
    CHECK(q.qweight().value(0) == 127);
    CHECK(q.qweight().value(1) == -64);
    // x = [3, 255]: range [0, 255] -> scale 1, zero-point 0; y = 3·127 + 255·(−64) + 0.25
    CHECK(judge::equal(q(judge::tensor({3.0f, 255.0f}, {1, 2})), judge::tensor({-15938.75f}, {1, 1})));
    // x = [−1, 254]: range [−1, 254] -> scale 1, zero-point 1, q_x = [0, 255]; the zero-point
    // correction: (0·127 + 255·(−64)) − 1·(127 − 64) + 0.25 = −16382.75 = −1·127 + 254·(−64) + 0.25
    CHECK(judge::equal(q(judge::tensor({-1.0f, 254.0f}, {1, 2})), judge::tensor({-16382.75f}, {1, 1})));
}

TEST_CASE("QuantizedLinear: input modes per tensor, per row and static", "[15_quantization]") {
    const auto holder = qlayers_test::hand_linear();
    const nn::Linear& lin = *holder;
    const Tensor x = judge::tensor({3.0f, 255.0f, -1.0f, 254.0f}, {2, 2});
    // per row: each row gets its own pair, so both rows are exact
    nn::QuantizedLinear row(lin, nn::QuantizedOptions().input(InputQuantization::DynamicPerRow));
    CHECK(judge::equal(row(x), judge::tensor({-15938.75f, -16382.75f}, {2, 1})));
    // static: the pair is fixed (scale 1, zero-point 0): −1 clamps to 0, 300 clamps to 255
    nn::QuantizedLinear fixed(lin, nn::QuantizedOptions().input(InputQuantization::Static).input_qparams({1.0f, 0}));
    const Tensor y = fixed(judge::tensor({3.0f, 300.0f, -1.0f, 254.0f}, {2, 2}));
    CHECK(judge::equal(y, judge::tensor({-15938.75f, 254.0f * -64.0f + 0.25f}, {2, 1})));
    // per tensor over both rows: range [−1, 255] -> scale 256/255: no longer exact; each input is
    // within half a step (0.502) of its value, so each output within 0.502 · (127 + 64)
    nn::QuantizedLinear whole(lin);
    const double diff = judge::max_abs_diff(whole(x), judge::tensor({-15938.75f, -16382.75f}, {2, 1}));
    CHECK(diff <= 0.5 * 256.0 / 255.0 * (127 + 64) + 0.01);
    CHECK(diff > 0.0);
}

TEST_CASE("QuantizedLinear stays within the quantization error bound of the float layer", "[15_quantization]") {
    const int64_t in = 37, out = 19, batch = 11;
    nn::Linear lin(in, out);
    const Tensor w = quant_test::uniform({out, in}, -0.5f, 0.5f, 3);
    quant_test::set_values(lin.weight, judge::values(w));
    const Tensor x = quant_test::uniform({batch, in}, -2.0f, 3.0f, 4);
    nn::QuantizedLinear q(lin);
    const std::vector<float> yq = judge::values(q(x)), xv = judge::values(x), wv = judge::values(w),
                             bv = judge::values(lin.bias);
    // steps: input (max(hi, 0) − min(lo, 0)) / 255 over the batch, weight row n max|W[n]| / 127
    float lo = 0, hi = 0;
    for (float v : xv) lo = std::min(lo, v), hi = std::max(hi, v);
    const double sx = (double(hi) - lo) / 255.0;
    double worst = 0;
    for (int64_t n = 0; n < out; ++n) {
        double wmax = 0;
        for (int64_t k = 0; k < in; ++k) wmax = std::max(wmax, std::fabs(double(wv[n * in + k])));
        const double sw = wmax / 127.0;
        for (int64_t m = 0; m < batch; ++m) {
            double exact = bv[n], bound = 1e-4;
            for (int64_t k = 0; k < in; ++k) {
                const double xk = xv[m * in + k], wk = wv[n * in + k];
                exact += xk * wk;
                // |x̂ŵ − xw| <= |x̂ − x|·|w| + |x̂|·|ŵ − w| with |x̂ − x| <= sx/2, |ŵ − w| <= sw/2
                bound += sx / 2 * std::fabs(wk) + (std::fabs(xk) + sx / 2) * sw / 2;
            }
            const double err = std::fabs(yq[m * out + n] - exact);
            worst = std::max(worst, err / bound);
            CHECK(err <= bound);
        }
    }
    INFO("worst error / bound " << worst);
    CHECK(worst > 0.0);  // it is an approximation, not the float layer
    // a 3-D input keeps its leading dims
    CHECK(q(quant_test::uniform({2, 3, in}, -1.0f, 1.0f, 5)).shape() == Shape{2, 3, out});
}

TEST_CASE("QuantizedLinear gives the same bits with every integer kernel", "[15_quantization]") {
    nn::Linear lin(70, 50);
    quant_test::set_values(lin.weight, judge::values(quant_test::uniform({50, 70}, -1.0f, 1.0f, 11)));
    const Tensor x = quant_test::uniform({13, 70}, -1.0f, 2.0f, 12);
    nn::QuantizedLinear q(lin);
    const GemmIsa before = int_gemm_isa();
    set_int_gemm_isa(GemmIsa::Reference);
    const Tensor expected = q(x);
    for (GemmIsa isa : compiled_isas()) {
        set_int_gemm_isa(isa);
        INFO(isa_name(isa));
        CHECK(judge::equal(q(x), expected));
    }
    set_int_gemm_isa(before);
}

TEST_CASE("QuantizedLinear stores one byte per weight and carries no gradient", "[15_quantization]") {
    nn::Linear lin(64, 32);
    nn::QuantizedLinear q(lin);
    CHECK(q.qweight().nbytes() == 64u * 32u);
    CHECK(q.qweight().qscheme() == kPerChannelSymmetric);
    CHECK(q.nbytes() == 64u * 32u + 32u * 4u + 32u * 4u);  // int8 weight + scales + float bias, not packed yet
    Tensor x = quant_test::uniform({4, 64}, -1.0f, 1.0f, 9);
    x.requires_grad_(true);
    const Tensor y = q(x);
    CHECK_FALSE(y.requires_grad());
    CHECK(q.nbytes() == 64u * 32u + 32u * 4u + 32u * 4u + q.packed_nbytes());
    CHECK(q.parameters().empty());  // inference only: nothing for an optimizer
    nn::QuantizedLinear pt(lin, nn::QuantizedOptions().per_channel(false));
    CHECK(pt.qweight().qscheme() == kPerTensorSymmetric);
}

TEST_CASE("QuantizedLinear refuses a wrong input size, NaN and weights the integer GEMM cannot take",
          "[15_quantization][provided]") {
    // built from parts (the given constructor): weight [1, 2] = [127, −64], scale 1
    nn::QuantizedLinear q(QuantizedTensor({127, 192}, {1, 2}, kQInt8, kPerChannelSymmetric, {1.0f}, {0}, 0), Tensor());
    CHECK_THROWS_AS(q(judge::tensor({1, 2, 3}, {1, 3})), ShapeError);
    CHECK_THROWS_WITH(q(judge::tensor({1, 2, 3}, {1, 3})), Catch::Contains("in_features (2)"));
    const QuantizedTensor affine({1, 2}, {1, 2}, kQInt8, kPerChannelAffine, {1.0f}, {3}, 0);
    CHECK_THROWS_WITH(nn::QuantizedLinear(affine, Tensor()), Catch::Contains("zero-points must be 0"));
    const QuantizedTensor m128({128, 2}, {1, 2}, kQInt8, kPerChannelSymmetric, {1.0f}, {0}, 0);
    CHECK_THROWS_WITH(nn::QuantizedLinear(m128, Tensor()), Catch::Contains("holds -128"));
    const QuantizedTensor u8({1, 2}, {1, 2}, kQUInt8, kPerTensorAffine, {1.0f}, {0});
    CHECK_THROWS_WITH(nn::QuantizedLinear(u8, Tensor()), Catch::Contains("must be QInt8"));
    CHECK_THROWS_AS(nn::QuantizedLinear(QuantizedTensor({1, 2}, {1, 2}, kQInt8, kPerTensorSymmetric, {1.0f}, {0}),
                                        judge::tensor({1, 2}, {2})),
                    ShapeError);
}

TEST_CASE("QuantizedLinear refuses NaN in its input", "[15_quantization]") {
    nn::QuantizedLinear q(*qlayers_test::hand_linear());
    CHECK_THROWS_AS(q(judge::tensor({1.0f, std::nanf("")}, {1, 2})), ValueError);
    CHECK_THROWS_WITH(q(judge::tensor({1.0f, std::nanf("")}, {1, 2})), Catch::Contains("NaN or inf"));
}

TEST_CASE("QuantizedConv2d equals the convolution definition when every value quantizes exactly",
          "[15_quantization]") {
    // 4 -> 4 channels in 2 groups, kernel 3×2, stride (2, 1), padding (1, 2), dilation (1, 2)
    const int64_t N = 2, C = 4, H = 5, W = 6, O = 4, kh = 3, kw = 2;
    nn::Conv2d conv(nn::Conv2dOptions(C, O, {kh, kw}).stride({2, 1}).padding({1, 2}).dilation({1, 2}).groups(2));
    // weights: integers in [−127, 127], each filter's first value ±127 -> per-channel scale exactly 1
    std::vector<float> w = qlayers_test::random_ints(static_cast<size_t>(O * 2 * kh * kw), -127, 127, 21);
    for (int64_t o = 0; o < O; ++o) w[o * 2 * kh * kw] = o % 2 ? -127.0f : 127.0f;
    quant_test::set_values(conv.weight, w);
    const std::vector<float> b{0.5f, -1.5f, 2.0f, 0.0f};
    quant_test::set_values(conv.bias, b);
    // input: integers in [−1, 254] with both ends present -> scale 1, zero-point 1 (padding = the zero-point)
    std::vector<float> x = qlayers_test::random_ints(static_cast<size_t>(N * C * H * W), -1, 254, 22);
    x[0] = -1.0f;
    x[1] = 254.0f;
    int64_t Ho = 0, Wo = 0;
    const std::vector<float> expected =
        qlayers_test::direct_conv(x, w, b, N, C, H, W, O, kh, kw, 2, 1, 1, 2, 1, 2, 2, Ho, Wo);
    REQUIRE(Ho == 3);
    REQUIRE(Wo == 8);
    nn::QuantizedConv2d q(conv);
    CHECK(q.qweight().nbytes() == static_cast<size_t>(O * 2 * kh * kw));
    const Tensor y = q(judge::tensor(x, {N, C, H, W}));
    CHECK(judge::equal(y, judge::tensor(expected, {N, O, Ho, Wo})));
    // static input with the same pair: the same bits
    nn::QuantizedConv2d s(conv, nn::QuantizedOptions().input(InputQuantization::Static).input_qparams({1.0f, 1}));
    CHECK(judge::equal(s(judge::tensor(x, {N, C, H, W})), judge::tensor(expected, {N, O, Ho, Wo})));
}

TEST_CASE("QuantizedConv2d stays close to the float convolution on random data", "[15_quantization]") {
    nn::Conv2d conv(nn::Conv2dOptions(3, 8, 3).padding(1));
    const Tensor x = quant_test::uniform({2, 3, 8, 8}, 0.0f, 1.0f, 31);
    int64_t Ho = 0, Wo = 0;
    const std::vector<float> expected = qlayers_test::direct_conv(judge::values(x), judge::values(conv.weight),
                                                                  judge::values(conv.bias), 2, 3, 8, 8, 8, 3, 3, 1, 1,
                                                                  1, 1, 1, 1, 1, Ho, Wo);
    nn::QuantizedConv2d q(conv);
    const Tensor y = q(x);
    // 27 products per output, input step 1/255, weights |w| <= 1/sqrt(27) with step max|w|/127
    const double diff = judge::max_abs_diff(y, judge::tensor(expected, {2, 8, Ho, Wo}));
    INFO("max |quantized − float| = " << diff);
    CHECK(diff < 27 * (0.5 / 255 * 0.2 + 1.0 * 0.2 / 127 / 2) + 1e-4);
    CHECK(diff > 0.0);
}

TEST_CASE("QuantizedConv2d refuses a wrong input", "[15_quantization][provided]") {
    const nn::Conv2dOptions options(3, 4, 3);
    const QuantizedTensor w(std::vector<uint8_t>(4 * 3 * 9, 1), {4, 3, 3, 3}, kQInt8, kPerTensorSymmetric, {0.1f}, {0});
    nn::QuantizedConv2d q(w, Tensor(), options);
    CHECK_THROWS_AS(q(judge::tensor(std::vector<float>(2 * 5 * 5 * 2, 0.0f), {2, 2, 5, 5})), ShapeError);
    CHECK_THROWS_AS(nn::QuantizedConv2d(w, Tensor(), nn::Conv2dOptions(3, 4, 2)), ShapeError);
    CHECK_THROWS_WITH(nn::QuantizedConv2d(w, Tensor(), options,
                                          nn::QuantizedOptions().input(InputQuantization::DynamicPerRow)),
                      Catch::Contains("per-row input quantization is not supported"));
}
