// tests/09_convolutions/test_pooling.cpp — max, average and adaptive average pooling: exact
// values on hand examples, gradients (routing and gradcheck), modules, errors.
#include "support/catch.hpp"
#include "tinytorch/convolutions/convolutions.hpp"
#include "helpers.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;
using namespace conv_test;

namespace {
/// The 4x4 example of the lesson, as [1, 1, 4, 4].
Tensor four_by_four() {
    return Tensor({1.f, 3.f, 2.f, 1.f,  //
                   4.f, 2.f, 0.f, 6.f,  //
                   5.f, 1.f, 7.f, 2.f,  //
                   0.f, 8.f, 3.f, 4.f})
        .reshape({1, 1, 4, 4});
}
}  // namespace

// ---- max pooling ------------------------------------------------------------------------------

TEST_CASE("max_pool2d takes the maximum of each two by two window", "[09_convolutions]") {
    Tensor y = max_pool2d(four_by_four(), 2);
    REQUIRE(y.shape() == Shape{1, 1, 2, 2});
    CHECK(judge::equal(y.reshape({4}), Tensor({4.f, 6.f, 8.f, 7.f})));
}

TEST_CASE("max_pool2d with overlapping windows and stride one", "[09_convolutions]") {
    Tensor y = max_pool2d(four_by_four(), 2, 1);
    REQUIRE(y.shape() == Shape{1, 1, 3, 3});
    CHECK(judge::equal(y.reshape({9}), Tensor({4.f, 3.f, 6.f, 5.f, 7.f, 7.f, 8.f, 8.f, 7.f})));
}

TEST_CASE("max_pool2d pads with minus infinity so negative inputs survive", "[09_convolutions]") {
    Tensor x = Tensor({-1.f, -2.f, -3.f, -4.f}).reshape({1, 1, 2, 2});
    Tensor y = max_pool2d(x, 2, 1, 1);  // 3x3 windows of the padded 4x4
    REQUIRE(y.shape() == Shape{1, 1, 3, 3});
    CHECK(judge::equal(y.reshape({9}), Tensor({-1.f, -1.f, -2.f, -1.f, -1.f, -2.f, -3.f, -3.f, -4.f})));
}

TEST_CASE("max_pool2d returns the flat index of each maximum and the first one on ties", "[09_convolutions]") {
    auto [y, idx] = max_pool2d_with_indices(four_by_four(), 2);
    CHECK(judge::equal(idx.reshape({4}), Tensor({4.f, 7.f, 13.f, 10.f})));
    Tensor ties = Tensor({5.f, 5.f, 5.f, 5.f}).reshape({1, 1, 2, 2});
    CHECK(judge::equal(max_pool2d_with_indices(ties, 2).second.reshape({1}), Tensor({0.f})));
}

TEST_CASE("max_pool2d backward routes each gradient to its window maximum", "[09_convolutions]") {
    Tensor x = four_by_four().requires_grad_();
    max_pool2d(x, 2).backward(Tensor({10.f, 20.f, 30.f, 40.f}).reshape({1, 1, 2, 2}));
    CHECK(judge::equal(x.grad().reshape({16}), Tensor({0.f, 0.f, 0.f, 0.f, 10.f, 0.f, 0.f, 20.f,  //
                                                0.f, 0.f, 40.f, 0.f, 0.f, 30.f, 0.f, 0.f})));
}

TEST_CASE("max_pool2d backward adds up where overlapping windows share a maximum", "[09_convolutions]") {
    Tensor x = four_by_four().requires_grad_();
    max_pool2d(x, 2, 1).sum().backward();
    // 4 wins 1 window, 3 one, 6 one, 5 one, 7 three, 8 two
    CHECK(judge::equal(x.grad().reshape({16}), Tensor({0.f, 1.f, 0.f, 0.f, 1.f, 0.f, 0.f, 1.f,  //
                                                1.f, 0.f, 3.f, 0.f, 0.f, 2.f, 0.f, 0.f})));
}

TEST_CASE("max_pool2d backward gives a tie to the first maximum only", "[09_convolutions]") {
    Tensor x = Tensor({2.f, 2.f, 1.f, 2.f}).reshape({1, 1, 2, 2}).requires_grad_();
    max_pool2d(x, 2).sum().backward();
    CHECK(judge::equal(x.grad().reshape({4}), Tensor({1.f, 0.f, 0.f, 0.f})));
}

TEST_CASE("max_pool2d gradients pass gradcheck with stride and padding", "[09_convolutions]") {
    auto f = [](const Tensor& x) { return max_pool2d(x, 3, 2, 1); };
    CHECK(judge::gradcheck(f, distinct({2, 3, 7, 6}, 300).requires_grad_()));
    auto g = [](const Tensor& x) { return max_pool2d(x, {2, 3}, {1, 2}); };
    CHECK(judge::gradcheck(g, distinct({1, 2, 5, 7}, 301).requires_grad_()));
}

TEST_CASE("max_pool2d keeps every channel and image separate", "[09_convolutions]") {
    Tensor x = random({3, 4, 6, 6}, 310);
    Tensor y = max_pool2d(x, 2);
    for (int64_t n = 0; n < 3; ++n)
        for (int64_t c = 0; c < 4; ++c) {
            Tensor plane = x.select(0, n).select(0, c).contiguous().reshape({1, 1, 6, 6});
            CHECK(judge::equal(max_pool2d(plane, 2).reshape({3, 3}), y.select(0, n).select(0, c).contiguous()));
        }
}

TEST_CASE("pooling and its gradients are the same with one thread and with two", "[09_convolutions]") {
    Tensor x = random({4, 4, 64, 64}, 315), g = random({4, 4, 32, 32}, 316);
    auto run = [&](int threads, bool max) {
        ThreadCount scope(threads);
        Tensor xl = x.clone().requires_grad_();
        Tensor y = max ? max_pool2d(xl, 2) : avg_pool2d(xl, 2);
        y.backward(g);
        return std::vector<Tensor>{y.detach(), xl.grad()};
    };
    for (bool max : {true, false}) {
        INFO("max " << max);
        std::vector<Tensor> one = run(1, max), two = run(2, max);
        CHECK(judge::equal(one[0], two[0]));
        CHECK(judge::equal(one[1], two[1]));
    }
}

// ---- average pooling --------------------------------------------------------------------------

TEST_CASE("avg_pool2d averages each two by two window", "[09_convolutions]") {
    Tensor y = avg_pool2d(four_by_four(), 2);
    CHECK(judge::allclose(y.reshape({4}), Tensor({2.5f, 2.25f, 3.5f, 4.f})));
}

TEST_CASE("avg_pool2d counts the zero padding unless told not to", "[09_convolutions]") {
    Tensor x = Tensor({1.f, 2.f, 3.f, 4.f}).reshape({1, 1, 2, 2});
    Tensor with_pad = avg_pool2d(x, 2, 2, 1);  // windows hold one real pixel each
    CHECK(judge::allclose(with_pad.reshape({4}), Tensor({0.25f, 0.5f, 0.75f, 1.f})));
    Tensor real_only = avg_pool2d(x, 2, 2, 1, /*count_include_pad=*/false);
    CHECK(judge::allclose(real_only.reshape({4}), Tensor({1.f, 2.f, 3.f, 4.f})));
    Tensor three = avg_pool2d(x, 3, 1, 1, false);  // 3x3 windows over the padded 4x4: all 4 pixels each
    CHECK(judge::allclose(three.reshape({4}), Tensor({2.5f, 2.5f, 2.5f, 2.5f})));
}

TEST_CASE("avg_pool2d backward spreads each gradient evenly over its window", "[09_convolutions]") {
    Tensor x = four_by_four().requires_grad_();
    avg_pool2d(x, 2).backward(Tensor({4.f, 8.f, 12.f, 16.f}).reshape({1, 1, 2, 2}));
    CHECK(judge::allclose(x.grad().reshape({16}), Tensor({1.f, 1.f, 2.f, 2.f, 1.f, 1.f, 2.f, 2.f,  //
                                                   3.f, 3.f, 4.f, 4.f, 3.f, 3.f, 4.f, 4.f})));
}

TEST_CASE("avg_pool2d gradients pass gradcheck with and without counting the padding", "[09_convolutions]") {
    auto f = [](const Tensor& x) { return avg_pool2d(x, 3, 2, 1); };
    CHECK(judge::gradcheck(f, leaf({2, 2, 7, 6}, 320)));
    auto g = [](const Tensor& x) { return avg_pool2d(x, {2, 3}, 1, {1, 1}, false); };
    CHECK(judge::gradcheck(g, leaf({1, 3, 5, 6}, 321)));
}

// ---- adaptive average pooling -----------------------------------------------------------------

TEST_CASE("adaptive_avg_pool2d to one by one is the global average", "[09_convolutions]") {
    Tensor x = random({2, 3, 5, 7}, 330);
    Tensor y = adaptive_avg_pool2d(x, 1);
    REQUIRE(y.shape() == Shape{2, 3, 1, 1});
    CHECK(judge::allclose(y.reshape({2, 3}), x.mean({2, 3}), 1e-5f, 1e-6f));
}

TEST_CASE("adaptive_avg_pool2d uses floor and ceiling window bounds", "[09_convolutions]") {
    // 5 -> 3: windows [0, 2), [1, 4), [3, 5) along each dim
    Tensor x = arange(0.f, 5.f).reshape({1, 1, 1, 5});
    CHECK(judge::allclose(adaptive_avg_pool2d(x, {1, 3}).reshape({3}), Tensor({0.5f, 2.f, 3.5f})));
    Tensor y = adaptive_avg_pool2d(four_by_four(), 2);  // divisible: plain 2x2 average pooling
    CHECK(judge::allclose(y, avg_pool2d(four_by_four(), 2)));
}

TEST_CASE("adaptive_avg_pool2d gradients pass gradcheck for overlapping windows", "[09_convolutions]") {
    auto f = [](const Tensor& x) { return adaptive_avg_pool2d(x, {3, 2}); };
    CHECK(judge::gradcheck(f, leaf({2, 2, 5, 7}, 340)));
    auto g = [](const Tensor& x) { return adaptive_avg_pool2d(x, {4, 4}); };  // upsampling: windows repeat
    CHECK(judge::gradcheck(g, leaf({1, 2, 3, 2}, 341)));
}

// ---- modules ----------------------------------------------------------------------------------

TEST_CASE("pooling modules match their functions and have no parameters", "[09_convolutions]") {
    Tensor x = random({2, 3, 8, 8}, 350);
    nn::MaxPool2d maxpool(2);
    nn::AvgPool2d avgpool(nn::AvgPool2dOptions(3).stride(2).padding(1).count_include_pad(false));
    nn::AdaptiveAvgPool2d gap(1);
    CHECK(judge::equal(maxpool(x), max_pool2d(x, 2)));
    CHECK(judge::equal(avgpool(x), avg_pool2d(x, 3, 2, 1, false)));
    CHECK(judge::equal(gap(x), adaptive_avg_pool2d(x, 1)));
    CHECK(maxpool.parameters().empty());
    CHECK(avgpool.parameters().empty());
    CHECK(gap.parameters().empty());
    CHECK(nn::MaxPool2d(3, 1, 1).to_string() == "MaxPool2d(kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))");
    CHECK(nn::MaxPool2d(nn::MaxPool2dOptions(2)).options().stride() == IntPair(2));
    CHECK(gap.to_string() == "AdaptiveAvgPool2d(output_size=(1, 1))");
}

// ---- errors -----------------------------------------------------------------------------------

// The argument checks of conv2d and the pooling ops are ready-made and run before any student
// code: [provided], on tensors built by judge::full.
TEST_CASE("pooling rejects inputs that are not four dimensional", "[09_convolutions][provided]") {
    CHECK_THROWS_AS(max_pool2d(judge::full({3, 8, 8}), 2), ShapeError);
    CHECK_THROWS_WITH(max_pool2d(judge::full({3, 8, 8}), 2), Contains("max_pool2d") && Contains("got [3, 8, 8]"));
    CHECK_THROWS_AS(avg_pool2d(judge::full({8, 8}), 2), ShapeError);
    CHECK_THROWS_WITH(avg_pool2d(judge::full({8, 8}), 2), Contains("avg_pool2d") && Contains("[N, C, H, W]"));
    CHECK_THROWS_AS(adaptive_avg_pool2d(judge::full({2, 3, 4}), 1), ShapeError);
    CHECK_THROWS_WITH(adaptive_avg_pool2d(judge::full({2, 3, 4}), 1), Contains("got [2, 3, 4]"));
}

TEST_CASE("pooling rejects a window larger than the padded input", "[09_convolutions][provided]") {
    CHECK_THROWS_AS(max_pool2d(judge::full({1, 1, 3, 3}), 4), ShapeError);
    CHECK_THROWS_WITH(max_pool2d(judge::full({1, 1, 3, 3}), 4), Contains("larger than the padded input") && Contains("3x3"));
    CHECK_THROWS_AS(avg_pool2d(judge::full({1, 1, 2, 5}), 3), ShapeError);
}

TEST_CASE("pooling rejects non positive kernels and strides and too much padding", "[09_convolutions][provided]") {
    Tensor x = judge::full({1, 1, 6, 6});
    CHECK_THROWS_AS(max_pool2d(x, 2, 0), ValueError);
    CHECK_THROWS_WITH(max_pool2d(x, 2, 0), Contains("stride must be positive"));
    CHECK_THROWS_AS(avg_pool2d(x, 0), ValueError);
    CHECK_THROWS_WITH(avg_pool2d(x, 0), Contains("kernel_size must be positive"));
    CHECK_THROWS_AS(max_pool2d(x, 2, 2, 2), ValueError);
    CHECK_THROWS_WITH(max_pool2d(x, 2, 2, 2), Contains("half the kernel size"));
    CHECK_THROWS_AS(adaptive_avg_pool2d(x, {0, 2}), ValueError);
    CHECK_THROWS_WITH(adaptive_avg_pool2d(x, {0, 2}), Contains("output_size must be positive"));
    CHECK_THROWS_AS(nn::AdaptiveAvgPool2d(-1), ValueError);
}
