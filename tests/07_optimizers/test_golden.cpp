// tests/07_optimizers/test_golden.cpp — step-by-step agreement with torch.optim
// Reference trajectories: tests/golden/optimizers.txt, written by tests/golden/gen_optimizers.py.
#include <memory>

#include "golden/golden.hpp"
#include "support/catch.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace {

double number(const golden::Case& c, const std::string& key, double fallback) {
    return c.has(key) ? std::stod(c.attr(key)) : fallback;
}
bool flag(const golden::Case& c, const std::string& key) { return c.has(key) && c.attr(key) == "1"; }

/// The optimizer a golden case describes, with every option it names.
std::unique_ptr<optim::Optimizer> make_optimizer(const golden::Case& c, std::vector<Tensor> params) {
    const std::string kind = c.attr("optimizer");
    const double lr = number(c, "lr", 0.0);
    const optim::Betas betas(number(c, "beta1", 0.9), number(c, "beta2", 0.999));
    if (kind == "sgd")
        return std::make_unique<optim::SGD>(params, optim::SGDOptions(lr)
                                                        .momentum(number(c, "momentum", 0.0))
                                                        .dampening(number(c, "dampening", 0.0))
                                                        .weight_decay(number(c, "weight_decay", 0.0))
                                                        .nesterov(flag(c, "nesterov")));
    if (kind == "adam")
        return std::make_unique<optim::Adam>(params, optim::AdamOptions(lr)
                                                         .betas(betas)
                                                         .eps(number(c, "eps", 1e-8))
                                                         .weight_decay(number(c, "weight_decay", 0.0))
                                                         .amsgrad(flag(c, "amsgrad")));
    if (kind == "adamw")
        return std::make_unique<optim::AdamW>(params, optim::AdamWOptions(lr)
                                                          .betas(betas)
                                                          .eps(number(c, "eps", 1e-8))
                                                          .weight_decay(number(c, "weight_decay", 1e-2))
                                                          .amsgrad(flag(c, "amsgrad")));
    if (kind == "rmsprop")
        return std::make_unique<optim::RMSprop>(params, optim::RMSpropOptions(lr)
                                                            .alpha(number(c, "alpha", 0.99))
                                                            .eps(number(c, "eps", 1e-8))
                                                            .weight_decay(number(c, "weight_decay", 0.0))
                                                            .momentum(number(c, "momentum", 0.0))
                                                            .centered(flag(c, "centered")));
    throw DataError("golden case " + c.name + ": unknown optimizer " + kind);
}

/// Replay one case: set the recorded gradients, step, compare both parameters after every step.
void replay(const golden::Case& c) {
    std::vector<Tensor> params{c.tensor("p0").clone().requires_grad_(), c.tensor("p1").clone().requires_grad_()};
    auto opt = make_optimizer(c, params);
    const int64_t steps = c.int_attr("steps");
    for (int64_t k = 1; k <= steps; ++k) {
        if (c.has("lr_step") && c.int_attr("lr_step") == k) opt->set_lr(number(c, "lr_new", 0.0));
        for (size_t i = 0; i < params.size(); ++i) {
            auto it = c.tensors.find("grad" + std::to_string(k) + "_" + std::to_string(i));
            params[i].set_grad(it == c.tensors.end() ? Tensor() : it->second);
        }
        opt->step();
        for (size_t i = 0; i < params.size(); ++i) {
            const Tensor& expected = c.tensor("after" + std::to_string(k) + "_" + std::to_string(i));
            INFO("case " << c.name << " step " << k << " parameter " << i << " max |diff| "
                         << judge::max_abs_diff(params[i], expected));
            CHECK(judge::allclose(params[i], expected, 1e-5f, 1e-6f));
        }
    }
}

void replay_all(const std::string& optimizer) {
    size_t count = 0;
    for (const golden::Case& c : golden::load("optimizers.txt"))
        if (c.attr("optimizer") == optimizer) {
            replay(c);
            ++count;
        }
    CHECK(count >= 3);
}

}  // namespace

TEST_CASE("SGD follows the PyTorch trajectories step by step", "[07_optimizers]") { replay_all("sgd"); }
TEST_CASE("Adam follows the PyTorch trajectories step by step", "[07_optimizers]") { replay_all("adam"); }
TEST_CASE("AdamW follows the PyTorch trajectories step by step", "[07_optimizers]") { replay_all("adamw"); }
TEST_CASE("RMSprop follows the PyTorch trajectories step by step", "[07_optimizers]") { replay_all("rmsprop"); }
