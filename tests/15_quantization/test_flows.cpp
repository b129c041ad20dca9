// tests/15_quantization/test_flows.cpp — §7–§8: fake quantization and its straight-through
// gradient (hand-worked), QAT layers sharing the float parameters, and the whole-model flows
// quantize_dynamic, prepare / calibrate / convert, prepare_qat — on nn::Sequential models, with
// the refusal for a layer a custom parent holds directly.
#include <cmath>

#include "support/catch.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/quantization/quantization.hpp"
#include "quant_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::quantization;

namespace flows_test {
/// Linear(3, 2) -> ReLU -> Linear(2, 2) with fixed small weights.
std::shared_ptr<nn::Sequential> small_mlp() {
    auto net = std::make_shared<nn::Sequential>(nn::Linear(3, 2), nn::ReLU(), nn::Linear(2, 2));
    quant_test::set_values(net->at<nn::Linear>(0).weight, {0.5f, -0.25f, 0.125f, 0.75f, 0.5f, -0.5f});
    quant_test::set_values(net->at<nn::Linear>(0).bias, {0.1f, -0.2f});
    quant_test::set_values(net->at<nn::Linear>(2).weight, {1.0f, -0.5f, 0.25f, 0.5f});
    quant_test::set_values(net->at<nn::Linear>(2).bias, {0.0f, 0.3f});
    return net;
}

/// A custom module whose forward calls its own pointer: nothing outside can swap its layer.
struct Direct : nn::Module {
    std::shared_ptr<nn::Linear> fc;
    Direct() { fc = register_module("fc", std::make_shared<nn::Linear>(2, 2)); }
    Tensor forward(const Tensor& x) override { return fc->forward(x); }
};
}  // namespace flows_test

TEST_CASE("fake_quantize_per_tensor_affine: quantize-dequantize forward, straight-through backward",
          "[15_quantization]") {
    Tensor x = judge::tensor({-1.0f, 0.26f, 0.74f, 5.0f, -0.3f}, {5});
    x.requires_grad_(true);
    // x / 0.5 = −2, 0.52, 1.48, 10, −0.6 -> round −2, 1, 1, 10, −1 -> clamp [−2, 2] -> · 0.5
    Tensor y = fake_quantize_per_tensor_affine(x, 0.5, 0, -2, 2);
    CHECK(judge::equal(y, judge::tensor({-1.0f, 0.5f, 0.5f, 1.0f, -0.5f}, {5})));
    y.sum().backward();
    // STE: gradient 1 where round(x / s) + z lies in [−2, 2], 0 where it was clamped (5.0)
    CHECK(judge::equal(x.grad(), judge::tensor({1.0f, 1.0f, 1.0f, 0.0f, 1.0f}, {5})));
}

TEST_CASE("fake_quantize_per_channel_affine uses each channel's pair and masks each channel's clamp",
          "[15_quantization]") {
    Tensor x = judge::tensor({0.3f, 3.0f, 0.3f, 3.0f}, {2, 2});
    x.requires_grad_(true);
    // row 0: scale 0.25, zero-point 0, range [−4, 4] -> 0.3 -> 1 step = 0.25; 3.0 -> 12 -> clamped to 4 = 1.0
    // row 1: scale 1, zero-point 2 -> 0.3 -> 0 + 2 -> 0.0; 3.0 -> 3 + 2 = 5 -> clamped to 4 -> (4 − 2)·1 = 2
    Tensor y = fake_quantize_per_channel_affine(x, judge::tensor({0.25f, 1.0f}, {2}), judge::tensor({0, 2}, {2}), 0,
                                                -4, 4);
    CHECK(judge::equal(y, judge::tensor({0.25f, 1.0f, 0.0f, 2.0f}, {2, 2})));
    (y * judge::tensor({1, 2, 3, 4}, {2, 2})).sum().backward();
    CHECK(judge::equal(x.grad(), judge::tensor({1.0f, 0.0f, 3.0f, 0.0f}, {2, 2})));
}

TEST_CASE("a QAT Linear fake-quantizes input and weight and trains the float weight it shares",
          "[15_quantization]") {
    auto net = std::make_shared<nn::Sequential>(nn::Linear(2, 1));
    quant_test::set_values(net->at<nn::Linear>(0).weight, {1.0f, -1.0f});
    quant_test::set_values(net->at<nn::Linear>(0).bias, {0.0f});
    const Tensor float_weight = net->at<nn::Linear>(0).weight;
    CHECK(prepare_qat(*net) == std::vector<std::string>{"0"});
    auto& qat = net->at<nn::QATLinear>(0);
    CHECK(qat.weight.impl() == float_weight.impl());  // the same tensor: an optimizer made before still trains it
    // input [0.5, 2]: range [0, 2] -> scale 2/255; 0.5 -> round(63.75) = 64 -> 128/255; 2 -> 255 -> 2
    // weight [1, −1]: per-channel symmetric scale 1/127 -> exactly ±1
    Tensor x = judge::tensor({0.5f, 2.0f}, {1, 2});
    Tensor y = (*net)(x);
    CHECK(judge::allclose(y, judge::tensor({128.0f / 255.0f - 2.0f}, {1, 1}), 1e-6, 1e-6));
    y.sum().backward();
    // straight through both fake quantizers: dW = fake_quant(x)
    CHECK(judge::allclose(float_weight.grad(), judge::tensor({128.0f / 255.0f, 2.0f}, {1, 2}), 1e-6, 1e-6));
}

TEST_CASE("quantize_dynamic replaces every Linear of a Sequential, at any depth", "[15_quantization]") {
    auto net = flows_test::small_mlp();
    auto outer = std::make_shared<nn::Sequential>(net, nn::Linear(2, 3));
    const Tensor x = judge::tensor({0.5f, -1.0f, 2.0f, 1.0f, 0.0f, -0.5f}, {2, 3});
    const Tensor before = (*outer)(x);
    const std::vector<std::string> names = quantize_dynamic(*outer);
    CHECK(names == std::vector<std::string>{"0.0", "0.2", "1"});
    CHECK(std::dynamic_pointer_cast<nn::QuantizedLinear>((*net)[0]) != nullptr);
    CHECK(std::dynamic_pointer_cast<nn::QuantizedLinear>((*net)[2]) != nullptr);
    CHECK(std::dynamic_pointer_cast<nn::QuantizedLinear>((*outer)[1]) != nullptr);
    CHECK(outer->parameters().empty());  // the float weights are gone; int8 copies serve
    const Tensor after = (*outer)(x);
    INFO("max |int8 − float| " << judge::max_abs_diff(after, before));
    CHECK(judge::max_abs_diff(after, before) < 0.05);
}

TEST_CASE("prepare observes without changing outputs, calibrate and convert fix the input pairs",
          "[15_quantization]") {
    auto net = flows_test::small_mlp();
    const Tensor b1 = judge::tensor({0.0f, 1.0f, 2.0f}, {1, 3}), b2 = judge::tensor({-1.0f, 0.0f, 4.0f}, {1, 3});
    const Tensor f1 = (*net)(b1), f2 = (*net)(b2);
    CHECK(prepare(*net) == std::vector<std::string>{"0", "2"});
    CHECK(judge::equal((*net)(b1), f1));  // fake quantization off: the same numbers
    net->at<nn::QATLinear>(0).input_fake_quant->observer().reset();
    net->at<nn::QATLinear>(2).input_fake_quant->observer().reset();
    calibrate(*net, {b1, b2});
    CHECK(convert(*net) == std::vector<std::string>{"0", "2"});
    auto& q0 = net->at<nn::QuantizedLinear>(0);
    CHECK(q0.qoptions().input() == InputQuantization::Static);
    // the first layer saw inputs in [−1, 4]: scale 5/255, zero-point 0 − round(−1 / (5/255)) = 51
    CHECK(q0.qoptions().input_qparams().scale == Approx(5.0 / 255.0).epsilon(1e-6));
    CHECK(q0.qoptions().input_qparams().zero_point == 51);
    CHECK(net->at<nn::QuantizedLinear>(2).qoptions().input() == InputQuantization::Static);
    CHECK(judge::max_abs_diff((*net)(b1), f1) < 0.05);
    CHECK(judge::max_abs_diff((*net)(b2), f2) < 0.05);
}

TEST_CASE("static quantization of a small CNN: Conv2d becomes QuantizedConv2d", "[15_quantization]") {
    auto net = std::make_shared<nn::Sequential>(nn::Conv2d(nn::Conv2dOptions(2, 3, 3).padding(1)), nn::ReLU());
    std::vector<Tensor> batches;
    for (uint32_t s = 0; s < 4; ++s) batches.push_back(quant_test::uniform({2, 2, 6, 6}, -1.0f, 1.0f, 40 + s));
    const Tensor x = quant_test::uniform({1, 2, 6, 6}, -1.0f, 1.0f, 50);
    const Tensor before = (*net)(x);
    prepare(*net);
    calibrate(*net, batches);
    CHECK(convert(*net) == std::vector<std::string>{"0"});
    CHECK(std::dynamic_pointer_cast<nn::QuantizedConv2d>((*net)[0]) != nullptr);
    const Tensor after = (*net)(x);
    CHECK(after.shape() == before.shape());
    INFO("max |int8 − float| " << judge::max_abs_diff(after, before));
    CHECK(judge::max_abs_diff(after, before) < 0.05);
}

TEST_CASE("the flows refuse what they cannot do, changing nothing", "[15_quantization]") {
    // a layer held directly by a custom module
    auto custom = std::make_shared<nn::Sequential>(std::make_shared<flows_test::Direct>(), nn::Linear(2, 2));
    CHECK_THROWS_AS(quantize_dynamic(*custom), ValueError);
    CHECK_THROWS_WITH(quantize_dynamic(*custom), Catch::Contains("cannot replace 0.fc (Linear in"));
    CHECK(std::dynamic_pointer_cast<nn::Linear>((*custom)[1]) != nullptr);  // nothing was swapped
    // the model itself
    nn::Linear lone(2, 2);
    CHECK_THROWS_WITH(quantize_dynamic(lone), Catch::Contains("cannot replace itself"));
    // static input needs calibration
    nn::Sequential seq(nn::Linear(2, 2));
    CHECK_THROWS_WITH(quantize_dynamic(seq, nn::QuantizedOptions().input(InputQuantization::Static)),
                      Catch::Contains("needs calibration"));
    // calibrate before prepare; convert before calibrate
    CHECK_THROWS_WITH(calibrate(seq, {judge::tensor({1, 2}, {1, 2})}), Catch::Contains("call quantization::prepare"));
    prepare(seq);
    CHECK_THROWS_WITH(convert(seq), Catch::Contains("input observer of '0' has seen no data"));
    CHECK(std::dynamic_pointer_cast<nn::QATLinear>(seq[0]) != nullptr);
    CHECK_THROWS_WITH(fake_quantize_per_tensor_affine(judge::tensor({1}, {1}), 0.1, 5, 0, 3),
                      Catch::Contains("zero_point 5 is outside [0, 3]"));
    // and a model they can quantize is quantized
    nn::Sequential ok(nn::Linear(2, 2));
    CHECK(quantize_dynamic(ok) == std::vector<std::string>{"0"});
}
