// tests/09_convolutions/test_flatten_and_cnn.cpp — Flatten, and a small CNN whose every layer
// (convolutions included) learns: the original TinyTorch's CNN only ever trained its head.
#include "support/catch.hpp"
#include "tinytorch/convolutions/convolutions.hpp"
#include "helpers.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;
using namespace conv_test;

TEST_CASE("Flatten merges every dim after the batch by default", "[09_convolutions]") {
    Tensor x = arange(0.f, 24.f).reshape({2, 3, 2, 2});
    Tensor y = nn::Flatten()(x);
    REQUIRE(y.shape() == Shape{2, 12});
    CHECK(judge::equal(y.reshape({24}), x.reshape({24})));
    CHECK(nn::Flatten(1, 2)(x).shape() == Shape{2, 6, 2});
    CHECK(nn::Flatten(0)(x).shape() == Shape{24});
    CHECK(nn::Flatten().to_string() == "Flatten(start_dim=1, end_dim=-1)");
}

TEST_CASE("Flatten passes gradients back in the input shape", "[09_convolutions]") {
    CHECK(judge::gradcheck([](const Tensor& x) { return nn::Flatten()(x) * 2.0f; }, leaf({2, 3, 2, 2}, 500)));
    Tensor x = leaf({2, 1, 2, 2}, 501);
    nn::Flatten()(x).sum().backward();
    CHECK(judge::equal(x.grad(), ones({2, 1, 2, 2})));
}

TEST_CASE("Flatten rejects dims out of range and in the wrong order", "[09_convolutions]") {
    CHECK_THROWS_AS(nn::Flatten(4)(zeros({2, 3, 4, 5})), IndexError);
    CHECK_THROWS_AS(nn::Flatten(2, 1)(zeros({2, 3, 4, 5})), IndexError);
    CHECK_THROWS_WITH(nn::Flatten(2, 1)(zeros({2, 3, 4, 5})), Contains("start_dim 2 comes after end_dim 1"));
    CHECK_THROWS_AS(nn::Flatten()(Tensor()), ValueError);
}

TEST_CASE("a conv batchnorm pool CNN passes gradcheck end to end", "[09_convolutions]") {
    auto net = [](const Inputs& v) {
        Tensor h = conv2d(v[0], v[1], v[2], 1, 1);
        h = batch_norm2d(h, Tensor(), Tensor(), v[3], Tensor(), true);
        h = avg_pool2d(tinytorch::tanh(h), 2);
        return adaptive_avg_pool2d(h, {1, 2}).flatten(1);
    };
    CHECK(judge::gradcheck(net, {leaf({2, 2, 4, 4}, 510), leaf({3, 2, 3, 3}, 511), leaf({3}, 512),
                          leaf({3}, 513, 0.5f, 1.5f)}));
}

TEST_CASE("a small CNN learns to tell a bright left half from a bright right half", "[09_convolutions]") {
    manual_seed(11);
    auto conv1 = std::make_shared<nn::Conv2d>(1, 4, 3, 1, 1);
    auto bn = std::make_shared<nn::BatchNorm2d>(4);
    auto conv2 = std::make_shared<nn::Conv2d>(nn::Conv2dOptions(4, 4, 3).padding(1).groups(2));
    auto head = std::make_shared<nn::Linear>(4 * 2 * 2, 1);
    nn::Sequential net(conv1, bn, nn::ReLU(),
                       nn::MaxPool2d(2), conv2, nn::AvgPool2d(2), nn::Flatten(), head);
    // 16 images 8x8: noise, plus +1 on the left half (label 1) or on the right half (label -1)
    Generator gen(12);
    Tensor x = randn({16, 1, 8, 8}, gen) * 0.3f;
    std::vector<float> labels(16);
    for (int64_t n = 0; n < 16; ++n) {
        const bool left = n % 2 == 0;
        labels[n] = left ? 1.f : -1.f;
        Tensor half = x.select(0, n).narrow(2, left ? 0 : 4, 4);
        half.add_(1.0f);
    }
    Tensor y = Tensor(labels, {16, 1});
    Tensor conv1_before = conv1->weight.clone(), conv2_before = conv2->weight.clone();
    auto loss_of = [&] { return (net(x) - y).pow(2.0f).mean(); };
    const float first = loss_of().item();
    for (int step = 0; step < 60; ++step) {
        net.zero_grad();
        loss_of().backward();
        NoGradGuard guard;
        for (Tensor& p : net.parameters()) p.sub_(p.grad() * 0.1f);
    }
    const float last = loss_of().item();
    INFO("loss " << first << " -> " << last);
    CHECK(last < 0.2f * first);
    CHECK(judge::max_abs_diff(conv1->weight, conv1_before) > 1e-3f);  // the convolutions trained too
    CHECK(judge::max_abs_diff(conv2->weight, conv2_before) > 1e-3f);
    CHECK(bn->running_mean.abs().sum().item() > 0.0f);
}
