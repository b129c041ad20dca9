// tests/16_compression/test_structured.cpp — §5: structured pruning removes rows / filters by L2
// norm and the next layer's matching inputs; the kept units compute exactly what they did, and a
// network whose removed units were dead computes exactly the same outputs, with smaller layers.
#include "support/catch.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/compression/compression.hpp"
#include "tinytorch/convolutions/convolutions.hpp"
#include "compress_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::compression;

TEST_CASE("units_to_keep keeps the rows of largest L2 norm, in order", "[16_compression]") {
    // row norms: 5 (3,4), 1 (1,0), 13 (5,12), 0.5 (0.3,0.4)
    Tensor w = judge::tensor({3, 4, 1, 0, 5, 12, 0.3f, 0.4f}, {4, 2});
    CHECK(units_to_keep(w, 0.5) == std::vector<int64_t>{0, 2});
    CHECK(units_to_keep(w, 0.25) == std::vector<int64_t>{0, 1, 2});
    CHECK(units_to_keep(w, 0.0) == std::vector<int64_t>{0, 1, 2, 3});
}

TEST_CASE("Linear -> ReLU -> Linear: the kept neurons compute what they did and dead ones leave the output unchanged",
          "[16_compression]") {
    nn::Sequential net(nn::Linear(6, 8), nn::ReLU(), nn::Linear(8, 3));
    auto& fc1 = net.at<nn::Linear>(0);
    std::vector<float> w1 = compress_test::uniform_values(48, -1.0f, 1.0f, 21);
    std::vector<float> b1 = compress_test::uniform_values(8, -0.5f, 0.5f, 22);
    for (int64_t dead : {1, 4, 6}) {  // three neurons that are always 0 after ReLU: zero row, zero bias
        for (int64_t i = 0; i < 6; ++i) w1[dead * 6 + i] = 0.0f;
        b1[dead] = 0.0f;
    }
    compress_test::set_values(fc1.weight, w1);
    compress_test::set_values(fc1.bias, b1);
    Tensor x = compress_test::uniform({5, 6}, -1.0f, 1.0f, 23);
    const Tensor hidden_before = fc1(x).detach();
    const Tensor before = net(x).detach();

    const std::vector<int64_t> kept = prune_structured(net, 0, 0.375);  // round(3) of 8
    CHECK(kept == std::vector<int64_t>{0, 2, 3, 5, 7});
    auto& small1 = net.at<nn::Linear>(0);
    auto& small2 = net.at<nn::Linear>(2);
    CHECK(small1.out_features() == 5);
    CHECK(small2.in_features() == 5);
    CHECK(small2.out_features() == 3);
    // the kept units compute exactly what they did
    const std::vector<float> hb = judge::values(hidden_before), ha = judge::values(small1(x));
    for (int64_t r = 0; r < 5; ++r)
        for (size_t k = 0; k < kept.size(); ++k) CHECK(ha[r * 5 + k] == hb[r * 8 + kept[k]]);
    // the removed ones were dead: the network output is unchanged
    CHECK(judge::allclose(net(x), before, 1e-5, 1e-6));
}

TEST_CASE("Conv2d -> ReLU -> Conv2d loses filters and the next layer's input channels", "[16_compression]") {
    nn::Sequential net(nn::Conv2d(2, 4, 3, 1, 1), nn::ReLU(), nn::Conv2d(4, 3, 3, 1, 1));
    auto& c1 = net.at<nn::Conv2d>(0);
    std::vector<float> w = compress_test::uniform_values(72, -1.0f, 1.0f, 31);
    std::vector<float> b = {0.1f, 0.0f, -0.2f, 0.3f};
    for (int64_t i = 0; i < 18; ++i) w[18 + i] = 0.0f;  // filter 1 is dead (zero filter, zero bias)
    compress_test::set_values(c1.weight, w);
    compress_test::set_values(c1.bias, b);
    Tensor x = compress_test::uniform({2, 2, 5, 5}, -1.0f, 1.0f, 32);
    const Tensor before = net(x).detach();
    const Tensor first_before = c1(x).detach();
    CHECK(prune_structured(net, 0, 0.25) == std::vector<int64_t>{0, 2, 3});
    CHECK(net.at<nn::Conv2d>(0).options().out_channels() == 3);
    CHECK(net.at<nn::Conv2d>(2).options().in_channels() == 3);
    CHECK(judge::allclose(net(x), before, 1e-5, 1e-6));
    // channel 2 of the new first layer is channel 3 of the old one (within float rounding: the GEMM
    // blocks a 3-channel output differently from a 4-channel one)
    const std::vector<float> old_out = judge::values(first_before), new_out = judge::values(net[0]->forward(x));
    for (int64_t n = 0; n < 2; ++n)
        for (int64_t p = 0; p < 25; ++p)
            CHECK(new_out[(n * 3 + 2) * 25 + p] == Approx(old_out[(n * 4 + 3) * 25 + p]).epsilon(1e-6).margin(1e-6));
}

TEST_CASE("Conv2d -> Flatten -> Linear drops each removed channel's H·W inputs", "[16_compression]") {
    nn::Sequential net(nn::Conv2d(1, 3, 3, 1, 1), nn::ReLU(), nn::Flatten(), nn::Linear(3 * 16, 2));
    auto& c1 = net.at<nn::Conv2d>(0);
    std::vector<float> w = compress_test::uniform_values(27, -1.0f, 1.0f, 41);
    for (int64_t i = 0; i < 9; ++i) w[i] = 0.0f;  // filter 0 is dead
    compress_test::set_values(c1.weight, w);
    compress_test::set_values(c1.bias, {0.0f, 0.2f, -0.1f});
    Tensor x = compress_test::uniform({2, 1, 4, 4}, -1.0f, 1.0f, 42);
    const Tensor before = net(x).detach();
    CHECK(prune_structured(net, 0, 0.34) == std::vector<int64_t>{1, 2});
    CHECK(net.at<nn::Linear>(3).in_features() == 32);
    CHECK(judge::allclose(net(x), before, 1e-5, 1e-6));
}

TEST_CASE("prune_structured refuses what it cannot shrink, naming the layer", "[16_compression]") {
    nn::Sequential net(nn::Linear(4, 4), nn::ReLU(), nn::Linear(4, 2));
    CHECK_THROWS_WITH(prune_structured(net, 1, 0.5), Catch::Matchers::Contains("module 1 is a ReLU"));
    CHECK_THROWS_WITH(prune_structured(net, 2, 0.5), Catch::Matchers::Contains("no layer after module 2"));
    CHECK_THROWS_AS(prune_structured(net, 5, 0.5), IndexError);
    CHECK_THROWS_WITH(prune_structured(net, 0, 1.0), Catch::Matchers::Contains("would remove all 4 units"));
    CHECK_THROWS_WITH(prune_structured(net, 0, 1.5), Catch::Matchers::Contains("fraction in [0, 1], got 1.5"));
    CHECK_THROWS_WITH(keep_outputs(net.at<nn::Linear>(0), {2, 1}), Catch::Matchers::Contains("strictly ascending"));
    // nothing changed; a valid call works
    CHECK(net.at<nn::Linear>(0).out_features() == 4);
    CHECK(prune_structured(net, 0, 0.5).size() == 2);
    CHECK(net.at<nn::Linear>(2).in_features() == 2);
}
