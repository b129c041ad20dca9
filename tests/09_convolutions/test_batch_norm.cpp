// tests/09_convolutions/test_batch_norm.cpp — BatchNorm2d: normalisation, running statistics,
// train and eval modes, gradients of the fused kernel against the composed reference and
// finite differences, buffers in the state dict, errors.
#include "support/catch.hpp"
#include "tinytorch/convolutions/convolutions.hpp"
#include "golden/golden.hpp"
#include "helpers.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;
using namespace conv_test;

namespace {
/// Channel c of x holds values around mean 2c - 1 with spread c + 1.
Tensor shifted_batch(uint64_t seed) {
    Tensor x = random({4, 3, 5, 6}, seed, -1.0f, 1.0f);
    Tensor scale = Tensor({1.f, 2.f, 3.f}).reshape({1, 3, 1, 1}), shift = Tensor({-1.f, 1.f, 3.f}).reshape({1, 3, 1, 1});
    return x * scale + shift;
}
}  // namespace

TEST_CASE("BatchNorm2d in training normalises every channel to mean zero and variance one", "[09_convolutions]") {
    nn::BatchNorm2d bn(3);
    Tensor y = bn(shifted_batch(400));
    Tensor mean = y.mean({0, 2, 3}), var = y.var({0, 2, 3}, /*unbiased=*/false);
    CHECK(judge::allclose(mean, zeros({3}), 0.0f, 1e-5f));
    CHECK(judge::allclose(var, ones({3}), 0.0f, 1e-3f));
}

TEST_CASE("BatchNorm2d applies gamma and beta per channel", "[09_convolutions]") {
    nn::BatchNorm2d bn(3);
    bn.weight.copy_(Tensor({2.f, 0.5f, 1.f}));
    bn.bias.copy_(Tensor({1.f, -1.f, 0.f}));
    Tensor y = bn(shifted_batch(401));
    CHECK(judge::allclose(y.mean({0, 2, 3}), Tensor({1.f, -1.f, 0.f}), 0.0f, 1e-5f));
    CHECK(judge::allclose(y.var({0, 2, 3}, /*unbiased=*/false), Tensor({4.f, 0.25f, 1.f}), 1e-3f, 1e-4f));
}

TEST_CASE("BatchNorm2d updates running stats with momentum and the unbiased variance", "[09_convolutions]") {
    nn::BatchNorm2d bn(3, 1e-5, 0.25);
    Tensor x = shifted_batch(402);
    Tensor mean = x.mean({0, 2, 3}), unbiased = x.var({0, 2, 3}, /*unbiased=*/true);
    bn(x);
    CHECK(judge::allclose(bn.running_mean, mean * 0.25f, 1e-5f, 1e-6f));
    CHECK(judge::allclose(bn.running_var, unbiased * 0.25f + 0.75f, 1e-5f, 1e-6f));
    bn(x);
    CHECK(judge::allclose(bn.running_mean, mean * (0.25f + 0.25f * 0.75f), 1e-5f, 1e-6f));
    CHECK(bn.num_batches_tracked.item() == 2.0f);
}

TEST_CASE("BatchNorm2d in eval mode uses the running stats and leaves them alone", "[09_convolutions]") {
    nn::BatchNorm2d bn(2);
    bn.running_mean.copy_(Tensor({1.f, -2.f}));
    bn.running_var.copy_(Tensor({4.f, 0.25f}));
    bn.weight.copy_(Tensor({3.f, 1.f}));
    bn.bias.copy_(Tensor({0.5f, 0.f}));
    bn.eval();
    Tensor x = Tensor({3.f, 5.f, -2.f, -1.f}).reshape({1, 2, 2, 1});
    Tensor y = bn(x);
    const float s0 = 3.f / std::sqrt(4.f + 1e-5f), s1 = 1.f / std::sqrt(0.25f + 1e-5f);
    CHECK(judge::allclose(y.reshape({4}), Tensor({2.f * s0 + 0.5f, 4.f * s0 + 0.5f, 0.f, 1.f * s1}), 1e-5f, 1e-6f));
    CHECK(judge::equal(bn.running_mean, Tensor({1.f, -2.f})));
    CHECK(judge::equal(bn.running_var, Tensor({4.f, 0.25f})));
    CHECK(bn.num_batches_tracked.item() == 0.0f);
}

TEST_CASE("BatchNorm2d without tracking normalises with batch stats in both modes", "[09_convolutions]") {
    nn::BatchNorm2d bn(nn::BatchNorm2dOptions(3).track_running_stats(false).affine(false));
    CHECK(bn.parameters().empty());
    CHECK(bn.buffers().empty());
    Tensor x = shifted_batch(403);
    Tensor train_y = bn(x);
    bn.eval();
    CHECK(judge::allclose(bn(x), train_y));
    CHECK(judge::allclose(train_y.mean({0, 2, 3}), zeros({3}), 0.0f, 1e-5f));
}

TEST_CASE("BatchNorm2d buffers appear in the state dict after its parameters", "[09_convolutions]") {
    nn::BatchNorm2d bn(4);
    StateDict sd = bn.state_dict();
    std::vector<std::string> keys;
    for (const auto& [key, t] : sd) keys.push_back(key);
    CHECK(keys == std::vector<std::string>{"weight", "bias", "running_mean", "running_var", "num_batches_tracked"});
    CHECK(bn.parameters().size() == 2);
    CHECK(bn.buffers().size() == 3);
    CHECK(judge::equal(bn.weight, ones({4})));
    CHECK(judge::equal(bn.bias, zeros({4})));
    CHECK(judge::equal(bn.running_var, ones({4})));
    CHECK_FALSE(bn.running_mean.requires_grad());
}

TEST_CASE("BatchNorm2d running stats survive a state dict round trip", "[09_convolutions]") {
    nn::BatchNorm2d a(3), b(3);
    a(shifted_batch(404));
    b.load_state_dict(a.state_dict());
    CHECK(judge::equal(b.running_mean, a.running_mean));
    CHECK(judge::equal(b.running_var, a.running_var));
    a.eval();
    b.eval();
    Tensor x = shifted_batch(405);
    CHECK(judge::equal(a(x), b(x)));
}

TEST_CASE("the fused batch_norm2d agrees with the composed reference in value and gradient", "[09_convolutions]") {
    // On a batch whose channels are shifted and scaled (golden cases bn_shifted_*): both the fused
    // kernel and the composed reference must give PyTorch's values, gradients and running stats.
    static const std::vector<golden::Case> all = golden::load("convolutions_forward_backward.txt");
    int n = 0;
    for (const golden::Case& c : golden::with_op(all, "batch_norm2d_shifted")) {
        const bool training = c.int_attr("training") != 0;
        INFO("golden case " << c.name);
        Tensor x1 = c.tensor("input").clone().requires_grad_(), x2 = c.tensor("input").clone().requires_grad_();
        Tensor g1 = c.tensor("weight").clone().requires_grad_(), g2 = c.tensor("weight").clone().requires_grad_();
        Tensor b1 = c.tensor("bias").clone().requires_grad_(), b2 = c.tensor("bias").clone().requires_grad_();
        Tensor rm1 = c.tensor("running_mean").clone(), rv1 = c.tensor("running_var").clone();
        Tensor rm2 = rm1.clone(), rv2 = rv1.clone();
        const Tensor& up = c.tensor("grad_out");
        Tensor fused = batch_norm2d(x1, rm1, rv1, g1, b1, training, 0.1, 1e-5);
        Tensor reference = batch_norm2d_reference(x2, rm2, rv2, g2, b2, training, 0.1, 1e-5);
        CHECK(fused.grad_fn()->name == "batch_norm2d");
        CHECK(judge::allclose(fused, c.tensor("out"), 1e-4, 1e-5));
        CHECK(judge::allclose(reference, c.tensor("out"), 1e-4, 1e-5));
        fused.backward(up);
        reference.backward(up);
        for (const Tensor* gx : {&x1.grad(), &x2.grad()}) CHECK(judge::allclose(*gx, c.tensor("grad_input"), 1e-3, 1e-5));
        for (const Tensor* gg : {&g1.grad(), &g2.grad()}) CHECK(judge::allclose(*gg, c.tensor("grad_weight"), 1e-4, 1e-4));
        for (const Tensor* gb : {&b1.grad(), &b2.grad()}) CHECK(judge::allclose(*gb, c.tensor("grad_bias"), 1e-4, 1e-4));
        for (const Tensor* r : {&rm1, &rm2}) CHECK(judge::allclose(*r, c.tensor("new_running_mean"), 1e-5, 1e-6));
        for (const Tensor* r : {&rv1, &rv2}) CHECK(judge::allclose(*r, c.tensor("new_running_var"), 1e-5, 1e-6));
        ++n;
    }
    CHECK(n == 2);
}

TEST_CASE("batch_norm2d and its gradients are the same with one thread and with two", "[09_convolutions]") {
    Tensor x = random({8, 4, 64, 64}, 415, -2.0f, 3.0f), g = random({8, 4, 64, 64}, 416);
    auto run = [&](int threads) {
        ThreadCount scope(threads);
        Tensor xl = x.clone().requires_grad_();
        Tensor gamma = Tensor({1.f, 2.f, 0.5f, -1.f}).requires_grad_(), beta = zeros({4}).requires_grad_();
        Tensor rm = zeros({4}), rv = ones({4});
        Tensor y = batch_norm2d(xl, rm, rv, gamma, beta, true);
        y.backward(g);
        return std::vector<Tensor>{y.detach(), xl.grad(), gamma.grad(), beta.grad(), rm, rv};
    };
    std::vector<Tensor> one = run(1), two = run(2);
    for (size_t i = 0; i < one.size(); ++i) {
        INFO("result " << i);
        CHECK(judge::allclose(one[i], two[i], 1e-5f, 1e-6f));
    }
}

TEST_CASE("batch_norm2d gradients for x gamma and beta pass gradcheck in training", "[09_convolutions]") {
    auto f = [](const Inputs& v) { return batch_norm2d(v[0], Tensor(), Tensor(), v[1], v[2], true); };
    CHECK(judge::gradcheck(f, {leaf({3, 2, 3, 4}, 420), leaf({2}, 421, 0.5f, 1.5f), leaf({2}, 422)}));
}

TEST_CASE("batch_norm2d gradients pass gradcheck in eval mode and without affine", "[09_convolutions]") {
    Tensor rm = Tensor({0.2f, -0.1f}), rv = Tensor({0.8f, 1.3f});
    auto eval = [&](const Inputs& v) { return batch_norm2d(v[0], rm, rv, v[1], v[2], false); };
    CHECK(judge::gradcheck(eval, {leaf({2, 2, 3, 3}, 430), leaf({2}, 431), leaf({2}, 432)}));
    auto plain = [](const Tensor& x) { return batch_norm2d(x, Tensor(), Tensor(), Tensor(), Tensor(), true); };
    CHECK(judge::gradcheck(plain, leaf({4, 3, 2, 2}, 433)));
}

TEST_CASE("the batch_norm2d reference passes gradcheck too", "[09_convolutions]") {
    auto f = [](const Inputs& v) { return batch_norm2d_reference(v[0], Tensor(), Tensor(), v[1], v[2], true); };
    CHECK(judge::gradcheck(f, {leaf({3, 2, 3, 3}, 440), leaf({2}, 441, 0.5f, 1.5f), leaf({2}, 442)}));
}

TEST_CASE("BatchNorm2d sends gradients to its weight and bias and the input", "[09_convolutions]") {
    nn::BatchNorm2d bn(3);
    Tensor x = shifted_batch(450).requires_grad_();
    (bn(x) * random({4, 3, 5, 6}, 451)).sum().backward();
    REQUIRE(bn.weight.grad().defined());
    REQUIRE(bn.bias.grad().defined());
    REQUIRE(x.grad().defined());
    CHECK(bn.weight.grad().abs().sum().item() > 0.0f);
    // the input gradient of a normalisation sums to zero per channel
    CHECK(judge::allclose(x.grad().sum({0, 2, 3}), zeros({3}), 0.0f, 1e-4f));
}

TEST_CASE("BatchNorm2d names the expected channels when the input has the wrong ones", "[09_convolutions]") {
    nn::BatchNorm2d bn(3);
    CHECK_THROWS_AS(bn(zeros({2, 4, 5, 5})), ShapeError);
    CHECK_THROWS_WITH(bn(zeros({2, 4, 5, 5})), Contains("expected input [N, 3, H, W]") && Contains("got [2, 4, 5, 5]") &&
                                                   Contains("num_features is 3"));
    CHECK_THROWS_AS(bn(zeros({3, 5, 5})), ShapeError);
    CHECK_THROWS_AS(batch_norm2d(zeros({2, 3, 4, 4}), Tensor(), Tensor(), ones({2}), Tensor(), true), ShapeError);
    CHECK_THROWS_WITH(batch_norm2d(zeros({2, 3, 4, 4}), Tensor(), Tensor(), ones({2}), Tensor(), true),
                      Contains("expected weight [3]") && Contains("got [2]"));
    CHECK_THROWS_AS(batch_norm2d(zeros({2, 8, 4}), Tensor(), Tensor(), Tensor(), Tensor(), true), ShapeError);
}

TEST_CASE("BatchNorm2d refuses to train on one value per channel", "[09_convolutions]") {
    nn::BatchNorm2d bn(2);
    CHECK_THROWS_AS(bn(zeros({1, 2, 1, 1})), ValueError);
    CHECK_THROWS_WITH(bn(zeros({1, 2, 1, 1})), Contains("more than 1 value per channel"));
    bn.eval();
    CHECK_NOTHROW(bn(zeros({1, 2, 1, 1})));
    CHECK_THROWS_AS(batch_norm2d(zeros({2, 2, 2, 2}), Tensor(), Tensor(), Tensor(), Tensor(), false), ValueError);
    CHECK_THROWS_WITH(batch_norm2d(zeros({2, 2, 2, 2}), Tensor(), Tensor(), Tensor(), Tensor(), false),
                      Contains("needs running_mean and running_var"));
}

TEST_CASE("BatchNorm2d rejects bad options", "[09_convolutions]") {
    CHECK_THROWS_AS(nn::BatchNorm2d(0), ValueError);
    CHECK_THROWS_WITH(nn::BatchNorm2d(0), Contains("num_features must be positive"));
    CHECK_THROWS_AS(nn::BatchNorm2d(4, 0.0), ValueError);
    CHECK_THROWS_AS(nn::BatchNorm2d(4, 1e-5, 1.5), ValueError);
    CHECK(nn::BatchNorm2d(4).to_string() ==
          "BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
}
