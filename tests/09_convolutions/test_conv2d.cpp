// tests/09_convolutions/test_conv2d.cpp — conv2d (im2col + GEMM) against the six-loop definition,
// its gradients against finite differences, nn::Conv2d, and every error path.
#include "support/catch.hpp"
#include "tinytorch/convolutions/convolutions.hpp"
#include "golden/golden.hpp"
#include "helpers.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;
using namespace conv_test;

namespace {
struct Config {
    int64_t N, C, H, W, O, kh, kw;
    IntPair stride, padding, dilation;
    int64_t groups;
    bool bias;
};

/// conv2d and conv2d_naive on the inputs of golden case naive_<seed> (tests/golden/gen_convolutions.py,
/// same geometry as `c`): both must match PyTorch's output — the expected value comes from PyTorch,
/// not from the other student function.
void check_against_naive(const Config& c, uint64_t seed) {
    static const std::vector<golden::Case> all = golden::load("convolutions_forward_backward.txt");
    const golden::Case* found = nullptr;
    for (const golden::Case& g : all)
        if (g.name == "naive_" + std::to_string(seed)) found = &g;
    REQUIRE(found != nullptr);
    const golden::Case& g = *found;
    REQUIRE(g.int_attr("N") == c.N);
    REQUIRE(g.int_attr("O") == c.O);
    REQUIRE(g.int_attr("groups") == c.groups);
    REQUIRE(g.int_attr("sh") == c.stride.h);
    REQUIRE(g.int_attr("pw") == c.padding.w);
    REQUIRE(g.int_attr("dw") == c.dilation.w);
    const Tensor& x = g.tensor("input");
    const Tensor& w = g.tensor("weight");
    Tensor b = c.bias ? g.tensor("bias") : Tensor();
    Tensor fast = conv2d(x, w, b, c.stride, c.padding, c.dilation, c.groups);
    Tensor slow = conv2d_naive(x, w, b, c.stride, c.padding, c.dilation, c.groups);
    INFO("config N=" << c.N << " C=" << c.C << " H=" << c.H << " W=" << c.W << " O=" << c.O << " k=" << c.kh << "x"
                     << c.kw << " stride=" << c.stride.str() << " padding=" << c.padding.str()
                     << " dilation=" << c.dilation.str() << " groups=" << c.groups << " bias=" << c.bias);
    const Tensor& want = g.tensor("out");
    REQUIRE(fast.shape() == want.shape());
    REQUIRE(slow.shape() == want.shape());
    INFO("max abs diff: conv2d " << judge::max_abs_diff(fast, want) << ", conv2d_naive " << judge::max_abs_diff(slow, want));
    CHECK(judge::allclose(fast, want, 1e-4, 1e-5));
    CHECK(judge::allclose(slow, want, 1e-4, 1e-5));
}
}  // namespace

TEST_CASE("conv2d output size follows the floor formula", "[09_convolutions]") {
    CHECK(conv_output_size(32, 3, 1, 0, 1) == 30);
    CHECK(conv_output_size(32, 3, 1, 1, 1) == 32);
    CHECK(conv_output_size(28, 5, 1, 2, 1) == 28);
    CHECK(conv_output_size(7, 3, 2, 0, 1) == 3);
    CHECK(conv_output_size(8, 3, 2, 1, 1) == 4);
    CHECK(conv_output_size(10, 3, 1, 0, 2) == 6);  // a dilated 3-tap kernel spans 5
    CHECK(conv_output_size(5, 5, 1, 0, 1) == 1);
}

TEST_CASE("conv2d computes a hand example with padding", "[09_convolutions]") {
    // 1 channel 3x3 input, 2x2 kernel of ones, padding 1: each output sums the covered pixels.
    Tensor x = Tensor({1.f, 2.f, 3.f, 4.f, 5.f, 6.f, 7.f, 8.f, 9.f}).reshape({1, 1, 3, 3});
    Tensor w = ones({1, 1, 2, 2});
    Tensor y = conv2d(x, w, Tensor({0.5f}), 1, 1);
    REQUIRE(y.shape() == Shape{1, 1, 4, 4});
    CHECK(judge::allclose(y.reshape({16}), Tensor({1.5f, 3.5f, 5.5f, 3.5f, 5.5f, 12.5f, 16.5f, 9.5f, 11.5f, 24.5f, 28.5f,
                                            15.5f, 7.5f, 15.5f, 17.5f, 9.5f})));
    CHECK(judge::allclose(conv2d_naive(x, w, Tensor({0.5f}), 1, 1), y));
}

TEST_CASE("conv2d is a cross correlation that does not flip the kernel", "[09_convolutions]") {
    Tensor x = Tensor({1.f, 2.f, 3.f, 4.f}).reshape({1, 1, 1, 4});
    Tensor w = Tensor({1.f, 10.f}).reshape({1, 1, 1, 2});
    CHECK(judge::allclose(conv2d(x, w).reshape({3}), Tensor({21.f, 32.f, 43.f})));
}

TEST_CASE("conv2d gives the shapes of the classic examples", "[09_convolutions]") {
    CHECK(conv2d(zeros({2, 3, 32, 32}), zeros({16, 3, 3, 3})).shape() == Shape{2, 16, 30, 30});
    CHECK(conv2d(zeros({2, 3, 32, 32}), zeros({16, 3, 3, 3}), Tensor(), 1, 1).shape() == Shape{2, 16, 32, 32});
    CHECK(conv2d(zeros({1, 3, 16, 16}), zeros({4, 3, 3, 3}), Tensor(), 2).shape() == Shape{1, 4, 7, 7});
    CHECK(conv2d(zeros({1, 1, 28, 28}), zeros({6, 1, 5, 5}), Tensor(), 1, 2).shape() == Shape{1, 6, 28, 28});
    CHECK(conv2d(zeros({1, 2, 9, 11}), zeros({2, 2, 3, 5}), Tensor(), {2, 1}, {0, 2}).shape() == Shape{1, 2, 4, 11});
}

TEST_CASE("conv2d matches the naive loops for plain strided and padded convolutions", "[09_convolutions]") {
    check_against_naive({2, 3, 8, 8, 4, 3, 3, 1, 0, 1, 1, true}, 10);
    check_against_naive({2, 3, 9, 7, 5, 3, 3, 2, 1, 1, 1, true}, 20);
    check_against_naive({1, 2, 10, 10, 3, 5, 5, 1, 2, 1, 1, false}, 30);
    check_against_naive({3, 2, 11, 9, 3, 3, 3, 3, 2, 1, 1, true}, 40);
    check_against_naive({2, 3, 7, 7, 2, 2, 2, 3, 0, 1, 1, true}, 45);  // stride larger than the kernel
    check_against_naive({4, 8, 12, 12, 16, 3, 3, 1, 1, 1, 1, true}, 50);
}

TEST_CASE("conv2d matches the naive loops with dilation and groups", "[09_convolutions]") {
    check_against_naive({2, 4, 9, 9, 6, 3, 3, 1, 0, 2, 2, true}, 60);
    check_against_naive({2, 3, 10, 12, 3, 3, 2, 2, 1, {2, 3}, 1, false}, 70);
    check_against_naive({2, 6, 8, 8, 9, 3, 3, 1, 1, 1, 3, true}, 80);
}

TEST_CASE("conv2d matches the naive loops for depthwise convolutions", "[09_convolutions]") {
    check_against_naive({3, 4, 7, 7, 4, 3, 3, 1, 1, 1, 4, true}, 90);
    check_against_naive({2, 3, 8, 8, 6, 3, 3, 2, 1, 1, 3, false}, 100);  // channel multiplier 2
}

TEST_CASE("conv2d matches the naive loops for non square kernels strides and paddings", "[09_convolutions]") {
    check_against_naive({2, 3, 8, 6, 4, 2, 5, {2, 1}, {0, 2}, 1, 1, true}, 110);
    check_against_naive({1, 2, 5, 9, 3, 1, 3, {1, 2}, {1, 0}, 1, 1, true}, 120);
    check_against_naive({2, 2, 4, 4, 3, 4, 4, 1, 0, 1, 1, true}, 130);  // kernel covers the whole image
}

TEST_CASE("conv2d matches the naive loops for pointwise convolutions", "[09_convolutions]") {
    check_against_naive({2, 6, 5, 5, 4, 1, 1, 1, 0, 1, 1, true}, 140);
    check_against_naive({2, 6, 5, 5, 4, 1, 1, 1, 0, 1, 2, false}, 150);
    check_against_naive({2, 3, 6, 6, 2, 1, 1, 2, 1, 1, 1, true}, 160);  // strided and padded 1x1
}

TEST_CASE("conv2d reads non contiguous inputs correctly", "[09_convolutions]") {
    static const std::vector<golden::Case> all = golden::load("convolutions_forward_backward.txt");
    const golden::Case g = golden::with_op(all, "conv2d_permuted").at(0);
    Tensor x = g.tensor("base").permute({0, 3, 1, 2});  // [2, 3, 5, 6], a strided view
    const Tensor& w = g.tensor("weight");
    REQUIRE_FALSE(x.is_contiguous());
    CHECK(judge::allclose(conv2d(x, w, Tensor(), 1, 1), g.tensor("out"), 1e-4, 1e-5));  // PyTorch's values
    CHECK(judge::allclose(conv2d_naive(x, w, Tensor(), 1, 1), g.tensor("out"), 1e-4, 1e-5));
    CHECK(judge::allclose(conv2d(x, w, Tensor(), 1, 1), conv2d(x.contiguous(), w, Tensor(), 1, 1)));
}

TEST_CASE("conv2d and its gradients are the same with one thread and with two", "[09_convolutions]") {
    Tensor x = random({6, 3, 10, 10}, 180), w = random({5, 3, 3, 3}, 181), b = random({5}, 182);
    Tensor g = random({6, 5, 10, 10}, 183);
    auto run = [&](int threads) {
        ThreadCount scope(threads);
        Tensor xl = x.clone().requires_grad_(), wl = w.clone().requires_grad_(), bl = b.clone().requires_grad_();
        Tensor y = conv2d(xl, wl, bl, 1, 1);
        y.backward(g);
        return std::vector<Tensor>{y.detach(), xl.grad(), wl.grad(), bl.grad()};
    };
    std::vector<Tensor> one = run(1), two = run(2);
    for (size_t i = 0; i < one.size(); ++i) {
        INFO("result " << i);
        CHECK(judge::allclose(one[i], two[i], 1e-5f, 1e-5f));
    }
}

TEST_CASE("conv2d puts about 1024 output columns into one GEMM, at most one thread's images", "[09_convolutions]") {
    auto geometry = [](int64_t C, int64_t H, int64_t O) {
        return detail::conv2d_geometry("test", zeros({1, C, H, H}), zeros({O, C, 3, 3}), Tensor(), 1, 1, 1, 1);
    };
    CHECK(detail::images_per_gemm(geometry(3, 32, 8), 64) == 1);    // L = 1024: one image fills a GEMM
    CHECK(detail::images_per_gemm(geometry(8, 8, 8), 64) == 16);    // L = 64
    CHECK(detail::images_per_gemm(geometry(8, 4, 8), 64) == 64);    // L = 16
    CHECK(detail::images_per_gemm(geometry(8, 4, 8), 5) == 5);      // never more than the chunk
    CHECK(detail::images_per_gemm(geometry(2048, 8, 8), 64) == 3);  // K·L = 1.2M floats: 4M of buffer hold 3
    CHECK(detail::images_per_gemm(geometry(8192, 8, 8), 64) == 1);  // K·L = 4.7M floats: still one image
}

// The convolution is linear in its input and in its weight, so for any direction d
// <grad_x, d> = <conv(d, w), g> and <grad_w, d> = <conv(x, d), g> hold exactly (up to rounding):
// a check of the gradients on images too large for gradcheck.
static void check_gradients_by_linearity(const Shape& xs, const Shape& ws, int threads, uint64_t seed) {
    ThreadCount scope(threads);
    Tensor x = leaf(xs, seed), w = leaf(ws, seed + 1), b = leaf({ws[0]}, seed + 2);
    Tensor y = conv2d(x, w, b, 1, 1);
    Tensor g = random(y.shape(), seed + 3);
    y.backward(g);
    CHECK(judge::allclose(y.detach(), conv2d_naive(x, w, b, 1, 1), 1e-4f, 1e-4f));
    Tensor dx = random(xs, seed + 4), dw = random(ws, seed + 5);
    const float via_grad_x = x.grad().mul(dx).sum().item(), direct_x = conv2d_naive(dx, w.detach(), Tensor(), 1, 1).mul(g).sum().item();
    const float via_grad_w = w.grad().mul(dw).sum().item(), direct_w = conv2d_naive(x.detach(), dw, Tensor(), 1, 1).mul(g).sum().item();
    CHECK(via_grad_x == Approx(direct_x).epsilon(1e-4).margin(1e-2));
    CHECK(via_grad_w == Approx(direct_w).epsilon(1e-4).margin(1e-2));
    CHECK(judge::allclose(b.grad(), g.sum({0, 2, 3}), 1e-4f, 1e-4f));
}

TEST_CASE("conv2d gradients hold on large images that get a GEMM each", "[09_convolutions]") {
    check_gradients_by_linearity({3, 2, 34, 34}, {4, 2, 3, 3}, 1, 300);  // L = 1156: one image per GEMM
    check_gradients_by_linearity({3, 2, 34, 34}, {4, 2, 3, 3}, 2, 310);
}

TEST_CASE("conv2d gradients hold when a thread's images share uneven GEMMs", "[09_convolutions]") {
    check_gradients_by_linearity({7, 3, 6, 6}, {5, 3, 3, 3}, 2, 320);  // chunks of 4 and 3 images
    check_gradients_by_linearity({40, 2, 5, 5}, {3, 2, 3, 3}, 1, 330);  // L = 25: groups of 40
}

// ---- gradients --------------------------------------------------------------------------------

TEST_CASE("conv2d gradients for input weight and bias pass gradcheck", "[09_convolutions]") {
    auto f = [](const Inputs& v) { return conv2d(v[0], v[1], v[2], 1, 1); };
    CHECK(judge::gradcheck(f, {leaf({2, 3, 5, 5}, 200), leaf({4, 3, 3, 3}, 201), leaf({4}, 202)}));
}

TEST_CASE("conv2d gradients pass gradcheck with stride padding and dilation", "[09_convolutions]") {
    auto f = [](const Inputs& v) { return conv2d(v[0], v[1], v[2], {2, 1}, {1, 2}, {1, 2}); };
    CHECK(judge::gradcheck(f, {leaf({2, 2, 7, 6}, 210), leaf({3, 2, 3, 2}, 211), leaf({3}, 212)}));
}

TEST_CASE("conv2d gradients pass gradcheck for grouped and depthwise convolutions", "[09_convolutions]") {
    auto grouped = [](const Inputs& v) { return conv2d(v[0], v[1], v[2], 1, 1, 1, 2); };
    CHECK(judge::gradcheck(grouped, {leaf({2, 4, 5, 5}, 220), leaf({6, 2, 3, 3}, 221), leaf({6}, 222)}));
    auto depthwise = [](const Inputs& v) { return conv2d(v[0], v[1], Tensor(), 2, 1, 1, 3); };
    CHECK(judge::gradcheck(depthwise, {leaf({2, 3, 6, 6}, 223), leaf({3, 1, 3, 3}, 224)}));
}

TEST_CASE("conv2d gradients pass gradcheck for a pointwise convolution", "[09_convolutions]") {
    auto f = [](const Inputs& v) { return conv2d(v[0], v[1], v[2]); };
    CHECK(judge::gradcheck(f, {leaf({3, 4, 3, 4}, 230), leaf({5, 4, 1, 1}, 231), leaf({5}, 232)}));
}

TEST_CASE("conv2d without bias sends gradients only where they are needed", "[09_convolutions]") {
    Tensor x = random({2, 2, 4, 4}, 240);  // a constant input: only the weight learns
    Tensor w = leaf({3, 2, 3, 3}, 241);
    conv2d(x, w, Tensor(), 1, 1).sum().backward();
    REQUIRE(w.grad().defined());
    CHECK(w.grad().shape() == w.shape());
    CHECK_FALSE(x.grad().defined());
    // d(sum)/dw[o, c, ky, kx] = the sum over images of the 4x4 block of padded input that tap
    // (ky, kx) sees: a 4x4 box filter over x with the batch and channel dims swapped.
    Tensor boxes = conv2d_naive(x.transpose(0, 1), ones({1, 2, 4, 4}), Tensor(), 1, 1);  // [2, 1, 3, 3]
    CHECK(judge::allclose(w.grad(), boxes.reshape({1, 2, 3, 3}).expand({3, 2, 3, 3}), 1e-4f, 1e-5f));
}

TEST_CASE("conv2d bias gradient is the sum of the output gradient per channel", "[09_convolutions]") {
    Tensor x = random({3, 2, 5, 5}, 250), w = random({2, 2, 3, 3}, 251);
    Tensor b = Tensor({0.f, 0.f}).requires_grad_();
    Tensor g = random({3, 2, 3, 3}, 252);
    conv2d(x, w, b).backward(g);
    CHECK(judge::allclose(b.grad(), g.sum({0, 2, 3}), 1e-5f, 1e-5f));
}

TEST_CASE("conv2d input gradient equals a transposed convolution of the output gradient", "[09_convolutions]") {
    // For stride 1 and padding 0, grad_x = full correlation of g with the flipped kernel.
    Tensor x = leaf({1, 2, 6, 6}, 260), w = random({3, 2, 3, 3}, 261), g = random({1, 3, 4, 4}, 262);
    conv2d(x, w).backward(g);
    std::vector<float> wf = w.contiguous().to_vector(), flipped(wf.size());
    for (int64_t o = 0; o < 3; ++o)
        for (int64_t c = 0; c < 2; ++c)
            for (int64_t k = 0; k < 9; ++k) flipped[(c * 3 + o) * 9 + (8 - k)] = wf[(o * 2 + c) * 9 + k];
    Tensor expected = conv2d_naive(g, Tensor(flipped, {2, 3, 3, 3}), Tensor(), 1, 2);
    CHECK(judge::allclose(x.grad(), expected, 1e-4f, 1e-5f));
}

TEST_CASE("conv2d records a conv2d node only when an input requires grad", "[09_convolutions]") {
    Tensor x = random({1, 1, 4, 4}, 270), w = random({1, 1, 3, 3}, 271);
    CHECK(conv2d(x, w).grad_fn() == nullptr);
    Tensor wl = w.clone().requires_grad_();
    Tensor y = conv2d(x, wl, Tensor(), 2, 1, 1);
    REQUIRE(y.grad_fn() != nullptr);
    CHECK(y.grad_fn()->name == "conv2d");
    CHECK(y.grad_fn()->ints == std::vector<int64_t>{2, 2, 1, 1, 1, 1, 1});
    NoGradGuard guard;
    CHECK(conv2d(x, wl).grad_fn() == nullptr);
}

// ---- nn::Conv2d -------------------------------------------------------------------------------

TEST_CASE("Conv2d has weight and bias of the PyTorch shapes and names", "[09_convolutions]") {
    nn::Conv2d conv(3, 16, 5);
    CHECK(conv.weight.shape() == Shape{16, 3, 5, 5});
    CHECK(conv.bias.shape() == Shape{16});
    auto named = conv.named_parameters();
    REQUIRE(named.size() == 2);
    CHECK(named[0].first == "weight");
    CHECK(named[1].first == "bias");
    nn::Conv2d grouped(nn::Conv2dOptions(8, 4, {3, 1}).groups(2).bias(false));
    CHECK(grouped.weight.shape() == Shape{4, 4, 3, 1});
    CHECK_FALSE(grouped.bias.defined());
    CHECK(grouped.parameters().size() == 1);
}

TEST_CASE("Conv2d initialises like PyTorch within one over the square root of fan in", "[09_convolutions]") {
    manual_seed(7);
    nn::Conv2d conv(nn::Conv2dOptions(8, 32, 3).groups(2));  // fan_in = 4 * 3 * 3 = 36
    const float bound = 1.0f / 6.0f;
    CHECK(conv.weight.abs().max().item() <= bound);
    CHECK(conv.weight.abs().max().item() > 0.9f * bound);
    CHECK(std::fabs(conv.weight.mean().item()) < 0.01f);
    CHECK(conv.bias.abs().max().item() <= bound);
    // Uniform on [-b, b] has variance b^2 / 3.
    CHECK(conv.weight.var().item() == Approx(bound * bound / 3.0f).epsilon(0.1));
}

TEST_CASE("Conv2d forward equals conv2d with its options", "[09_convolutions]") {
    manual_seed(3);
    nn::Conv2d conv(nn::Conv2dOptions(4, 6, {3, 2}).stride({2, 1}).padding({1, 0}).dilation(2).groups(2));
    Tensor x = random({2, 4, 9, 8}, 300);
    Tensor y = conv(x);
    CHECK(judge::allclose(y, conv2d_naive(x, conv.weight, conv.bias, {2, 1}, {1, 0}, 2, 2), 1e-4f, 1e-5f));
    CHECK(conv.options().groups() == 2);
}

TEST_CASE("Conv2d trains its weights through backward", "[09_convolutions]") {
    manual_seed(4);
    nn::Conv2d conv(2, 3, 3, 1, 1);
    Tensor x = random({2, 2, 5, 5}, 310);
    conv(x).pow(2.0f).mean().backward();
    REQUIRE(conv.weight.grad().defined());
    REQUIRE(conv.bias.grad().defined());
    CHECK(conv.weight.grad().abs().sum().item() > 0.0f);
    CHECK(conv.bias.grad().shape() == Shape{3});
}

TEST_CASE("Conv2d prints its configuration like PyTorch", "[09_convolutions]") {
    nn::Conv2d conv(3, 16, 3, 1, 1);
    CHECK(conv.to_string() == "Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))");
    nn::Conv2d other(nn::Conv2dOptions(4, 4, {1, 3}).stride(2).groups(4).bias(false));
    CHECK(other.to_string() == "Conv2d(4, 4, kernel_size=(1, 3), stride=(2, 2), groups=4, bias=false)");
}

// ---- errors -----------------------------------------------------------------------------------

TEST_CASE("Conv2d names the expected channels when the input has the wrong ones", "[09_convolutions]") {
    nn::Conv2d conv(3, 8, 3);
    CHECK_THROWS_AS(conv(zeros({8, 1, 28, 28})), ShapeError);
    CHECK_THROWS_WITH(conv(zeros({8, 1, 28, 28})), Contains("expected input [N, 3, H, W]") &&
                                                       Contains("got [8, 1, 28, 28]") && Contains("in_channels is 3"));
}

TEST_CASE("Conv2d and conv2d reject inputs that are not four dimensional", "[09_convolutions]") {
    nn::Conv2d conv(3, 8, 3);
    CHECK_THROWS_AS(conv(zeros({3, 32, 32})), ShapeError);
    CHECK_THROWS_WITH(conv(zeros({3, 32, 32})), Contains("got [3, 32, 32]") && Contains("unsqueeze(0)"));
    CHECK_THROWS_AS(conv2d(zeros({3, 32, 32}), zeros({8, 3, 3, 3})), ShapeError);
    CHECK_THROWS_WITH(conv2d(zeros({3, 32, 32}), zeros({8, 3, 3, 3})),
                      Contains("expected input [N, C, H, W]") && Contains("[3, 32, 32]"));
    CHECK_THROWS_AS(conv2d(zeros({1, 3, 8, 8}), zeros({8, 3, 3})), ShapeError);
    CHECK_THROWS_WITH(conv2d(zeros({1, 3, 8, 8}), zeros({8, 3, 3})), Contains("weight") && Contains("[8, 3, 3]"));
    CHECK_THROWS_AS(conv2d(Tensor(), zeros({8, 3, 3, 3})), ShapeError);
}

// The argument checks of conv2d and the pooling ops are ready-made and run before any student
// code: [provided], on tensors built by judge::full.
TEST_CASE("conv2d names both shapes when channels disagree with the weight", "[09_convolutions][provided]") {
    CHECK_THROWS_AS(conv2d(judge::full({2, 4, 8, 8}), judge::full({8, 3, 3, 3})), ShapeError);
    CHECK_THROWS_WITH(conv2d(judge::full({2, 4, 8, 8}), judge::full({8, 3, 3, 3})),
                      Contains("expected input [N, 3, H, W]") && Contains("[2, 4, 8, 8]") && Contains("[8, 3, 3, 3]"));
    CHECK_THROWS_AS(conv2d(judge::full({1, 3, 8, 8}), judge::full({8, 3, 3, 3}), judge::full({4})), ShapeError);
    CHECK_THROWS_WITH(conv2d(judge::full({1, 3, 8, 8}), judge::full({8, 3, 3, 3}), judge::full({4})),
                      Contains("expected bias [8]") && Contains("got [4]"));
}

TEST_CASE("conv2d rejects a kernel larger than the padded input", "[09_convolutions]") {
    CHECK_THROWS_AS(conv2d(zeros({1, 1, 4, 4}), zeros({1, 1, 5, 5})), ShapeError);
    CHECK_THROWS_WITH(conv2d(zeros({1, 1, 4, 4}), zeros({1, 1, 5, 5})),
                      Contains("larger than the padded input") && Contains("4x4"));
    CHECK_NOTHROW(conv2d(zeros({1, 1, 4, 4}), zeros({1, 1, 5, 5}), Tensor(), 1, 1));
    CHECK_THROWS_WITH(conv2d(zeros({1, 1, 6, 6}), zeros({1, 1, 3, 3}), Tensor(), 1, 0, 3),
                      Contains("7x7 with dilation"));
}

TEST_CASE("conv2d rejects groups that do not divide the channels", "[09_convolutions][provided]") {
    CHECK_THROWS_AS(conv2d(judge::full({1, 4, 5, 5}), judge::full({6, 2, 3, 3}), Tensor(), 1, 0, 1, 3), ValueError);
    CHECK_THROWS_WITH(conv2d(judge::full({1, 4, 5, 5}), judge::full({6, 2, 3, 3}), Tensor(), 1, 0, 1, 3),
                      Contains("groups=3 must divide") && Contains("in_channels (4)"));
    CHECK_THROWS_AS(conv2d(judge::full({1, 4, 5, 5}), judge::full({6, 4, 3, 3}), Tensor(), 1, 0, 1, 0), ValueError);
    CHECK_THROWS_AS(nn::Conv2d(nn::Conv2dOptions(4, 6, 3).groups(4)), ValueError);
    CHECK_THROWS_WITH(nn::Conv2d(nn::Conv2dOptions(4, 6, 3).groups(4)), Contains("groups=4") && Contains("depthwise"));
}

TEST_CASE("conv2d rejects a non positive stride or dilation and a negative padding", "[09_convolutions][provided]") {
    Tensor x = judge::full({1, 1, 5, 5}), w = judge::full({1, 1, 3, 3});
    CHECK_THROWS_AS(conv2d(x, w, Tensor(), 0), ValueError);
    CHECK_THROWS_WITH(conv2d(x, w, Tensor(), {1, -1}), Contains("stride must be positive") && Contains("(1, -1)"));
    CHECK_THROWS_AS(conv2d(x, w, Tensor(), 1, -1), ValueError);
    CHECK_THROWS_WITH(conv2d(x, w, Tensor(), 1, -1), Contains("padding must be >= 0"));
    CHECK_THROWS_AS(conv2d(x, w, Tensor(), 1, 0, 0), ValueError);
    CHECK_THROWS_AS(nn::Conv2d(1, 1, 3, 0), ValueError);
    CHECK_THROWS_WITH(nn::Conv2d(1, 1, 3, 0), Contains("stride and dilation must be positive"));
    CHECK_THROWS_AS(nn::Conv2d(1, 1, 3, 1, -2), ValueError);
    CHECK_THROWS_AS(nn::Conv2d(0, 1, 3), ValueError);
    CHECK_THROWS_AS(nn::Conv2d(1, 1, 0), ValueError);
    CHECK_THROWS_WITH(nn::Conv2d(1, 1, 0), Contains("kernel_size must be positive"));
}
