// tests/17_acceleration/test_freeze.cpp — §8: freeze() gives the model's outputs, faster, and
// keeps them when the model's weights change afterwards.
#include <memory>

#include "support/catch.hpp"
#include "support/judge.hpp"
#include "tinytorch/acceleration/acceleration.hpp"
using namespace tinytorch;

namespace test_freeze {
/// The W1 benchmark model: 784 -> 256 -> ReLU -> 128 -> ReLU -> 10, in eval mode.
std::shared_ptr<nn::Sequential> mlp() {
    manual_seed(17);
    auto net = std::make_shared<nn::Sequential>(nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 128), nn::ReLU(),
                                                nn::Linear(128, 10));
    net->eval();
    return net;
}

/// Eager forward without recording a graph.
Tensor eager(nn::Module& net, const Tensor& x) {
    const bool was = autograd::is_grad_enabled();
    autograd::set_grad_enabled(false);
    Tensor y = net.forward(x);
    autograd::set_grad_enabled(was);
    return y;
}
}  // namespace test_freeze

TEST_CASE("a frozen MLP gives the outputs of the model", "[17_acceleration]") {
    auto net = test_freeze::mlp();
    const accel::FrozenSequential frozen = accel::freeze(*net);
    for (int64_t batch : {1, 5, 64, 257}) {
        const Tensor x = randn({batch, 784});
        INFO("batch " << batch);
        CHECK(judge::allclose(frozen(x), test_freeze::eager(*net, x), 1e-4f, 1e-5f));
    }
}

TEST_CASE("freeze fuses each Linear with the activation after it", "[17_acceleration]") {
    auto net = test_freeze::mlp();
    const accel::FrozenSequential frozen = accel::freeze(*net);
    REQUIRE(frozen.steps().size() == 3);
    CHECK(frozen.steps()[0].linear);
    CHECK(frozen.steps()[0].act == accel::Activation::relu);
    CHECK(frozen.steps()[1].act == accel::Activation::relu);
    CHECK(frozen.steps()[2].act == accel::Activation::none);
    CHECK(frozen.steps()[2].out == 10);
    CHECK(frozen.to_string().find("Linear(784 -> 256) + relu") != std::string::npos);
    // weights packed once: at least the 784 x 256 floats of the first layer, held by the frozen model
    CHECK(frozen.weight_bytes() >= 4 * (784 * 256 + 256 * 128 + 128 * 10 + 256 + 128 + 10));
}

TEST_CASE("freeze packs each weight for one pass over k and keeps the outputs of the model", "[17_acceleration]") {
    auto net = test_freeze::mlp();
    const accel::FrozenSequential frozen = accel::freeze(*net);
    REQUIRE(frozen.steps().size() == 3);
    REQUIRE(frozen.steps()[0].packed);
    CHECK(frozen.steps()[0].packed->depth == 784);  // 784 <= kFrozenDepth: one pass, not two of 392
    // wider than kFrozenDepth: passes of equal depth again, and the same outputs as the model
    manual_seed(5);
    nn::Sequential wide(nn::Linear(accel::kFrozenDepth + 300, 40), nn::ReLU(), nn::Linear(40, 3));
    wide.eval();
    const accel::FrozenSequential frozen_wide = accel::freeze(wide);
    REQUIRE(frozen_wide.steps().size() == 2);
    REQUIRE(frozen_wide.steps()[0].packed);
    CHECK(frozen_wide.steps()[0].packed->depth == (accel::kFrozenDepth + 300) / 2);
    const Tensor x = randn({29, accel::kFrozenDepth + 300});
    CHECK(judge::allclose(frozen_wide(x), test_freeze::eager(wide, x), 1e-4f, 1e-5f));
}

TEST_CASE("every activation freeze knows is fused and gives the values of the model", "[17_acceleration]") {
    manual_seed(3);
    nn::Sequential net(nn::Linear(20, 30), nn::GELU(), nn::Linear(30, 30), nn::GELU("tanh"), nn::Linear(30, 25),
                       nn::Sigmoid(), nn::Dropout(0.5), nn::Linear(25, 17, false), nn::Tanh(), nn::Identity(),
                       nn::Linear(17, 4));
    net.eval();
    const accel::FrozenSequential frozen = accel::freeze(net);
    REQUIRE(frozen.steps().size() == 5);  // Dropout and Identity vanish, every activation is fused
    CHECK(frozen.steps()[0].act == accel::Activation::gelu_erf);
    CHECK(frozen.steps()[1].act == accel::Activation::gelu_tanh);
    CHECK(frozen.steps()[2].act == accel::Activation::sigmoid);
    CHECK(frozen.steps()[3].act == accel::Activation::tanh);
    CHECK(frozen.steps()[3].bias.empty());
    const Tensor x = randn({9, 20});
    CHECK(judge::allclose(frozen(x), test_freeze::eager(net, x), 1e-4f, 1e-5f));
}

TEST_CASE("freeze handles lone activations nested sequentials and batches of sequences", "[17_acceleration]") {
    manual_seed(5);
    auto inner = std::make_shared<nn::Sequential>(nn::Linear(12, 8), nn::ReLU());
    nn::Sequential net(nn::Tanh(), inner, nn::ReLU(), nn::Linear(8, 6), nn::GELU(), nn::Sigmoid());
    net.eval();
    const accel::FrozenSequential frozen = accel::freeze(net);
    CHECK(frozen.steps().size() == 5);  // tanh, linear+relu, relu, linear+gelu, sigmoid
    const Tensor x = randn({3, 4, 12}) * 3.0f;
    const Tensor y = frozen(x);
    CHECK(y.shape() == Shape{3, 4, 6});
    CHECK(judge::allclose(y, test_freeze::eager(net, x), 1e-5f, 1e-6f));
    CHECK(frozen(zeros({0, 12})).shape() == Shape{0, 6});
}

TEST_CASE("a frozen model of activations only leaves its input alone", "[17_acceleration]") {
    nn::Sequential net{nn::ReLU(), nn::Tanh()};
    net.eval();
    const accel::FrozenSequential frozen = accel::freeze(net);
    const Tensor x = Tensor({-1.0f, 0.5f, 2.0f}).reshape({1, 3});
    const Tensor keep = x.clone();
    CHECK(judge::allclose(frozen(x), tanh(relu(x)), 1e-6f, 1e-6f));
    CHECK(judge::equal(x, keep));
}

TEST_CASE("freeze without prepacking fusing or memory reuse gives the same outputs", "[17_acceleration]") {
    auto net = test_freeze::mlp();
    const Tensor x = randn({33, 784});
    const Tensor want = test_freeze::eager(*net, x);
    for (int mask = 0; mask < 8; ++mask) {
        accel::FreezeOptions opt;
        opt.prepack = mask & 1, opt.fuse = mask & 2, opt.reuse_memory = mask & 4;
        const accel::FrozenSequential frozen = accel::freeze(*net, opt);
        INFO("prepack " << opt.prepack << " fuse " << opt.fuse << " reuse " << opt.reuse_memory);
        CHECK(frozen.steps().size() == (opt.fuse ? 3u : 5u));
        CHECK(judge::allclose(frozen(x), want, 1e-4f, 1e-5f));
    }
}

TEST_CASE("a frozen model keeps its outputs when the weights of the model change afterwards", "[17_acceleration]") {
    auto net = test_freeze::mlp();
    const accel::FrozenSequential frozen = accel::freeze(*net);
    const Tensor x = randn({16, 784});
    const Tensor before = test_freeze::eager(*net, x);
    // Writes of every kind: an in-place op, a copy, a raw pointer (as gradcheck and optimizers do).
    const bool was = autograd::is_grad_enabled();
    autograd::set_grad_enabled(false);
    net->at<nn::Linear>(0).weight.mul_(-1.0f);
    net->at<nn::Linear>(2).bias.copy_(ones({128}));
    net->at<nn::Linear>(4).weight.data_ptr()[0] += 100.0f;
    autograd::set_grad_enabled(was);
    const Tensor after = test_freeze::eager(*net, x);
    CHECK_FALSE(judge::allclose(after, before, 1e-3f, 1e-3f));  // the model changed ...
    CHECK(judge::allclose(frozen(x), before, 1e-4f, 1e-5f));    // ... the frozen copy did not
    CHECK(judge::allclose(accel::freeze(*net)(x), after, 1e-4f, 1e-5f));  // freezing again picks the change up
}

TEST_CASE("a frozen forward reuses its buffers and allocates only the output", "[17_acceleration]") {
    auto net = test_freeze::mlp();
    const Tensor x = randn({64, 784});
    const accel::FrozenSequential frozen = accel::freeze(*net);
    frozen(x);  // the first call on this thread may grow the scratch buffers
    frozen(x);
    CHECK(accel::FrozenSequential::last_forward_allocated_bytes() == 64 * 10 * 4);
    accel::FreezeOptions no_reuse;
    no_reuse.reuse_memory = false;
    const accel::FrozenSequential eager_like = accel::freeze(*net, no_reuse);
    eager_like(x);
    CHECK(accel::FrozenSequential::last_forward_allocated_bytes() == 4 * (64 * 10 + 64 * (256 + 128 + 10)));
}

TEST_CASE("a frozen model splits a big batch over threads with the same result", "[17_acceleration]") {
    auto net = test_freeze::mlp();
    const accel::FrozenSequential frozen = accel::freeze(*net);
    const Tensor x = randn({300, 784});
    const int before = get_num_threads();
    set_num_threads(1);
    const Tensor one = frozen(x);
    set_num_threads(2);
    const Tensor two = frozen(x);
    set_num_threads(before);
    CHECK(judge::allclose(one, two, 1e-6f, 1e-6f));
    CHECK(judge::allclose(two, test_freeze::eager(*net, x), 1e-4f, 1e-5f));
}

TEST_CASE("freeze names a layer it does not understand", "[17_acceleration]") {
    nn::Sequential net(nn::Linear(4, 4), nn::Softmax(1));
    net.eval();
    CHECK_THROWS_AS(accel::freeze(net), ValueError);
    CHECK_THROWS_WITH(accel::freeze(net), Contains("module 1") && Contains("Softmax") && Contains("hint"));
    nn::Sequential lambda(nn::Linear(4, 4), [](const Tensor& t) { return t * 2.0f; });
    lambda.eval();
    CHECK_THROWS_WITH(accel::freeze(lambda), Contains("module 1") && Contains("Functional"));
}

TEST_CASE("freeze refuses a model in training mode", "[17_acceleration][provided]") {
    nn::Sequential net{nn::Identity()};  // no parameters: nothing a student writes runs before the check
    CHECK_THROWS_AS(accel::freeze(net), ValueError);
    CHECK_THROWS_WITH(accel::freeze(net), Contains("training mode") && Contains("eval()"));
}

TEST_CASE("a frozen model names the input width it expects", "[17_acceleration]") {
    nn::Sequential net(nn::Linear(4, 3));
    net.eval();
    const accel::FrozenSequential frozen = accel::freeze(net);
    CHECK_THROWS_AS(frozen(zeros({2, 5})), ShapeError);
    CHECK_THROWS_WITH(frozen(zeros({2, 5})), Contains("[..., 4]") && Contains("[2, 5]") && Contains("hint"));
    CHECK_THROWS_WITH(frozen(Tensor()), Contains("undefined"));
}
