// tests/07_optimizers/test_training.cpp — optimizers minimise functions and train models
#include <cmath>
#include <functional>
#include <memory>

#include "support/catch.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace {

// f(x) = 1/2 * sum_i a_i (x_i - c_i)^2 with curvatures from 1 to 10: an ill-conditioned bowl.
// (functions, not globals: a global Tensor would be built before main, outside any test case)
Tensor curvature() { return Tensor({1.f, 3.f, 10.f}); }
Tensor centre() { return Tensor({1.f, -2.f, 0.5f}); }

float quadratic(const Tensor& x) { return (x - centre()).pow(2.0f).mul(curvature()).sum().item() * 0.5f; }

/// Run `steps` steps from x0 = [5, 5, 5] with the analytic gradient a * (x - c); returns f at the end.
float minimise(const std::function<std::unique_ptr<optim::Optimizer>(std::vector<Tensor>)>& make, int steps) {
    Tensor x = Tensor({5.f, 5.f, 5.f}).requires_grad_();
    auto opt = make({x});
    for (int i = 0; i < steps; ++i) {
        x.set_grad(curvature() * (x.detach() - centre()));
        opt->step();
    }
    return quadratic(x.detach());
}

}  // namespace

TEST_CASE("every optimizer minimises an ill conditioned quadratic", "[07_optimizers]") {
    const float start = quadratic(Tensor({5.f, 5.f, 5.f}));  // about 168
    using P = std::vector<Tensor>;
    CHECK(minimise([](P p) { return std::make_unique<optim::SGD>(p, 0.15); }, 200) < 1e-4f * start);
    CHECK(minimise([](P p) { return std::make_unique<optim::SGD>(p, optim::SGDOptions(0.02).momentum(0.9)); }, 200) <
          1e-4f * start);
    CHECK(minimise([](P p) {
              return std::make_unique<optim::SGD>(p, optim::SGDOptions(0.02).momentum(0.9).nesterov(true));
          }, 200) < 1e-4f * start);
    CHECK(minimise([](P p) { return std::make_unique<optim::Adam>(p, 0.1); }, 300) < 1e-4f * start);
    CHECK(minimise([](P p) { return std::make_unique<optim::Adam>(p, optim::AdamOptions(0.1).amsgrad(true)); },
                   300) < 1e-4f * start);
    CHECK(minimise([](P p) { return std::make_unique<optim::AdamW>(p, optim::AdamWOptions(0.1).weight_decay(0)); },
                   300) < 1e-4f * start);
    CHECK(minimise([](P p) { return std::make_unique<optim::RMSprop>(p, 0.05); }, 300) < 1e-3f * start);
    CHECK(minimise([](P p) {
              return std::make_unique<optim::RMSprop>(p, optim::RMSpropOptions(0.01).momentum(0.5).centered(true));
          }, 400) < 1e-3f * start);
}

TEST_CASE("weight decay pulls the minimum towards zero", "[07_optimizers]") {
    // with decoupled decay the fixed point of AdamW satisfies g = 0 only approximately: x ends nearer 0
    Tensor a = Tensor({5.f}).requires_grad_(), b = Tensor({5.f}).requires_grad_();
    optim::SGD plain({a}, 0.1);
    optim::SGD decayed({b}, optim::SGDOptions(0.1).weight_decay(1.0));
    for (int i = 0; i < 300; ++i) {
        a.set_grad(a.detach() - 2.0f);  // f = (x - 2)^2 / 2
        b.set_grad(b.detach() - 2.0f);
        plain.step();
        decayed.step();
    }
    CHECK_THAT(a.item(), WithinAbs(2.0, 1e-4));
    CHECK_THAT(b.item(), WithinAbs(1.0, 1e-4));  // minimum of (x - 2)^2 / 2 + x^2 / 2
}

TEST_CASE("a parameter larger than one block updates exactly like its pieces", "[07_optimizers]") {
    // the kernels walk memory in blocks (and threads); the result must not depend on where blocks end
    const int64_t n = 70001;
    Generator gen(3);
    Tensor big = randn({n}, gen).requires_grad_();
    Tensor grad = randn({n}, gen);
    std::vector<Tensor> pieces;
    for (int64_t o = 0; o < n; o += 1000)
        pieces.push_back(big.detach().narrow(0, o, std::min<int64_t>(1000, n - o)).clone().requires_grad_());
    optim::Adam whole({big}, optim::AdamOptions(0.01).amsgrad(true).weight_decay(0.1));
    optim::Adam parts(pieces, optim::AdamOptions(0.01).amsgrad(true).weight_decay(0.1));
    for (int k = 0; k < 3; ++k) {
        big.set_grad(grad * static_cast<float>(k + 1));
        for (size_t i = 0; i < pieces.size(); ++i)
            pieces[i].set_grad(grad.narrow(0, static_cast<int64_t>(i) * 1000, pieces[i].numel()) *
                               static_cast<float>(k + 1));
        whole.step();
        parts.step();
    }
    // equal up to rounding: vectorised and scalar code paths may round a multiply-add differently
    Tensor joined = cat(pieces, 0).detach();
    INFO("max |diff| " << judge::max_abs_diff(big.detach(), joined));
    CHECK(judge::allclose(big.detach(), joined, 1e-6f, 1e-7f));
}

TEST_CASE("SGD trains a Linear layer by backward to recover a linear map", "[07_optimizers]") {
    manual_seed(0);
    Tensor true_w = Tensor({{2.f, -1.f, 0.5f}});
    Tensor x = randn({64, 3});
    Tensor y = x.matmul(true_w.t()) + 0.3f;
    nn::Linear fc(3, 1);
    optim::SGD opt(fc.parameters(), optim::SGDOptions(0.1).momentum(0.9));
    float loss_value = 0.0f;
    for (int step = 0; step < 200; ++step) {
        opt.zero_grad();
        Tensor loss = (fc(x) - y).pow(2.0f).mean();
        loss.backward();
        opt.step();
        loss_value = loss.item();
    }
    CHECK(loss_value < 1e-6f);
    CHECK(judge::allclose(fc.weight, true_w, 1e-3f, 1e-3f));
    CHECK_THAT(fc.bias.item(), WithinAbs(0.3, 1e-3));
}

TEST_CASE("Adam trains a small MLP to solve XOR", "[07_optimizers]") {
    manual_seed(1);
    Tensor x = Tensor({{0.f, 0.f}, {0.f, 1.f}, {1.f, 0.f}, {1.f, 1.f}});
    Tensor y = Tensor(std::vector<float>{0.f, 1.f, 1.f, 0.f}, {4, 1});
    nn::Sequential net(nn::Linear(2, 8), nn::Tanh(), nn::Linear(8, 1), nn::Sigmoid());
    optim::Adam opt(net.parameters(), 0.05);
    for (int step = 0; step < 500; ++step) {
        opt.zero_grad();
        Tensor loss = (net(x) - y).pow(2.0f).mean();
        loss.backward();
        opt.step();
    }
    Tensor out = net(x);
    CHECK(out.at({0, 0}) < 0.1f);
    CHECK(out.at({1, 0}) > 0.9f);
    CHECK(out.at({2, 0}) > 0.9f);
    CHECK(out.at({3, 0}) < 0.1f);
}
