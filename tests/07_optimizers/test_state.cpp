// tests/07_optimizers/test_state.cpp — optimizer state_dict and load_state_dict (lesson §6)
#include <functional>
#include <memory>

#include "support/catch.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace {

using Factory = std::function<std::unique_ptr<optim::Optimizer>(std::vector<Tensor>)>;

std::vector<std::pair<std::string, Factory>> factories() {
    return {
        {"SGD", [](std::vector<Tensor> p) {
             return std::make_unique<optim::SGD>(p, optim::SGDOptions(0.05).momentum(0.9).nesterov(true));
         }},
        {"Adam", [](std::vector<Tensor> p) {
             return std::make_unique<optim::Adam>(p, optim::AdamOptions(0.01).amsgrad(true).weight_decay(0.01));
         }},
        {"AdamW", [](std::vector<Tensor> p) { return std::make_unique<optim::AdamW>(p, optim::AdamWOptions(0.01)); }},
        {"RMSprop", [](std::vector<Tensor> p) {
             return std::make_unique<optim::RMSprop>(p, optim::RMSpropOptions(0.01).momentum(0.5).centered(true));
         }},
    };
}

std::vector<Tensor> make_params(uint64_t seed) {
    Generator gen(seed);
    return {randn({4, 3}, gen).requires_grad_(), randn({3}, gen).requires_grad_()};
}

/// Give every parameter the gradient of step k (deterministic), parameter 1 none at k = 2.
void set_grads(std::vector<Tensor>& params, int k) {
    Generator gen(100 + static_cast<uint64_t>(k));
    for (size_t i = 0; i < params.size(); ++i)
        params[i].set_grad(i == 1 && k == 2 ? Tensor() : randn(params[i].shape(), gen));
}

StateDict deep_copy(const StateDict& d) {
    StateDict out;
    for (const auto& [key, t] : d) out.insert(key, t.clone());
    return out;
}

}  // namespace

TEST_CASE("state_dict names the learning rate steps and buffers like PyTorch", "[07_optimizers]") {
    std::vector<Tensor> params = make_params(1);
    optim::Adam opt(params, optim::AdamOptions(0.01).amsgrad(true));
    CHECK(opt.state_dict().keys() == std::vector<std::string>{"lr"});  // no state before the first step
    set_grads(params, 2);  // parameter 1 has no gradient: it gets no state yet
    opt.step();
    StateDict sd = opt.state_dict();
    CHECK(sd.keys() == std::vector<std::string>{"lr", "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq",
                                                "state.0.max_exp_avg_sq"});
    CHECK_THAT(sd.at("lr").item(), WithinRel(0.01f, 1e-6f));
    CHECK(sd.at("state.0.step").item() == 1.0f);
    CHECK(sd.at("state.0.exp_avg").shape() == Shape{4, 3});
    // exp_avg after one step is (1 - beta1) * g
    CHECK(judge::allclose(sd.at("state.0.exp_avg"), params[0].grad() * 0.1f, 1e-6f, 1e-7f));
}

TEST_CASE("state_dict of each optimizer holds its own buffers", "[07_optimizers]") {
    std::vector<Tensor> params = make_params(2);
    auto names = [&](optim::Optimizer& opt) {
        set_grads(params, 1);
        opt.step();
        std::vector<std::string> keys;
        for (const auto& key : opt.state_dict().keys())
            if (key.rfind("state.1.", 0) == 0) keys.push_back(key.substr(8));
        return keys;
    };
    optim::SGD plain(params, 0.1);
    CHECK(names(plain) == std::vector<std::string>{"step"});
    optim::SGD momentum(params, optim::SGDOptions(0.1).momentum(0.9));
    CHECK(names(momentum) == std::vector<std::string>{"step", "momentum_buffer"});
    optim::AdamW adamw(params);
    CHECK(names(adamw) == std::vector<std::string>{"step", "exp_avg", "exp_avg_sq"});
    optim::RMSprop rms(params, optim::RMSpropOptions().momentum(0.9).centered(true));
    CHECK(names(rms) == std::vector<std::string>{"step", "square_avg", "momentum_buffer", "grad_avg"});
}

TEST_CASE("a saved and reloaded optimizer takes identical subsequent steps", "[07_optimizers]") {
    for (const auto& [name, make] : factories()) {
        INFO(name);
        std::vector<Tensor> a = make_params(3);
        auto opt_a = make(a);
        for (int k = 1; k <= 3; ++k) {
            set_grads(a, k);
            opt_a->step();
        }
        StateDict saved = deep_copy(opt_a->state_dict());
        // a fresh model with the same weights and a fresh optimizer with a different lr
        std::vector<Tensor> b{a[0].detach().clone().requires_grad_(), a[1].detach().clone().requires_grad_()};
        auto opt_b = make(b);
        opt_b->set_lr(123.0);
        opt_b->load_state_dict(saved);
        CHECK(static_cast<float>(opt_b->lr()) == static_cast<float>(opt_a->lr()));  // saved as float32
        for (int k = 4; k <= 6; ++k) {
            set_grads(a, k);
            set_grads(b, k);
            opt_a->step();
            opt_b->step();
        }
        CHECK(judge::equal(a[0], b[0]));
        CHECK(judge::equal(a[1], b[1]));
    }
}

TEST_CASE("an optimizer that skips the reload drifts from the original", "[07_optimizers]") {
    std::vector<Tensor> a = make_params(4);
    optim::Adam opt_a(a, 0.01);
    set_grads(a, 1);
    opt_a.step();
    std::vector<Tensor> b{a[0].detach().clone().requires_grad_(), a[1].detach().clone().requires_grad_()};
    optim::Adam opt_b(b, 0.01);  // fresh moments and step count
    set_grads(a, 3);
    set_grads(b, 3);
    opt_a.step();
    opt_b.step();
    CHECK_FALSE(judge::allclose(a[0], b[0]));
}

TEST_CASE("load_state_dict copies the buffers instead of sharing them", "[07_optimizers]") {
    std::vector<Tensor> p = make_params(5);
    optim::SGD opt(p, optim::SGDOptions(0.1).momentum(0.9));
    set_grads(p, 1);
    opt.step();
    StateDict sd = deep_copy(opt.state_dict());
    std::vector<Tensor> q = make_params(5);
    optim::SGD other(q, optim::SGDOptions(0.1).momentum(0.9));
    other.load_state_dict(sd);
    Tensor saved_buffer = sd.at("state.0.momentum_buffer");
    saved_buffer.fill_(1000.0f);
    CHECK(other.state_dict().at("state.0.momentum_buffer").abs().max().item() < 100.0f);
}

TEST_CASE("load_state_dict lists unexpected and missing keys in one ValueError", "[07_optimizers]") {
    std::vector<Tensor> p = make_params(6);
    optim::Adam adam(p, optim::AdamOptions().amsgrad(true));
    set_grads(p, 1);
    adam.step();
    StateDict sd = deep_copy(adam.state_dict());
    optim::Adam plain(make_params(6));  // no amsgrad: max_exp_avg_sq is unexpected
    CHECK_THROWS_AS(plain.load_state_dict(sd), ValueError);
    CHECK_THROWS_WITH(plain.load_state_dict(sd), Contains("unexpected keys [state.0.max_exp_avg_sq, "
                                                          "state.1.max_exp_avg_sq]") && Contains("hint"));
    sd.erase("state.1.exp_avg");
    sd.erase("lr");
    sd.insert("momentum", scalar_tensor(0.9f));
    CHECK_THROWS_WITH(adam.load_state_dict(sd), Contains("missing keys [lr, state.1.exp_avg]") &&
                                                    Contains("unexpected keys [momentum]"));
    optim::SGD sgd(make_params(6), 0.1);
    CHECK_THROWS_WITH(sgd.load_state_dict(deep_copy(adam.state_dict())), Contains("state.0.exp_avg"));
}

TEST_CASE("load_state_dict rejects buffers shaped unlike their parameter with a ShapeError", "[07_optimizers]") {
    std::vector<Tensor> p = make_params(7);
    optim::RMSprop opt(p);
    set_grads(p, 1);
    opt.step();
    StateDict sd = deep_copy(opt.state_dict());
    sd.insert_or_assign("state.0.square_avg", zeros({3, 4}));
    CHECK_THROWS_AS(opt.load_state_dict(sd), ShapeError);
    CHECK_THROWS_WITH(opt.load_state_dict(sd), Contains("state.0.square_avg") && Contains("[4, 3]") &&
                                                   Contains("[3, 4]"));
    // nothing changed: the optimizer still steps from its own state
    CHECK(opt.state_dict().at("state.0.square_avg").shape() == Shape{4, 3});
}

TEST_CASE("load_state_dict rejects a parameter index beyond the list and a bad step", "[07_optimizers]") {
    optim::SGD opt(make_params(8), 0.1);
    StateDict sd{{"lr", scalar_tensor(0.1f)}, {"state.5.step", scalar_tensor(1.0f)}};
    CHECK_THROWS_WITH(opt.load_state_dict(sd), Contains("unexpected keys [state.5.step]"));
    StateDict bad{{"lr", scalar_tensor(0.1f)}, {"state.0.step", scalar_tensor(1.5f)}};
    CHECK_THROWS_WITH(opt.load_state_dict(bad), Contains("state.0.step") && Contains("whole number"));
    StateDict negative_lr{{"lr", scalar_tensor(-1.0f)}};
    CHECK_THROWS_AS(opt.load_state_dict(negative_lr), ValueError);
}

TEST_CASE("loading a fresh state_dict resets the optimizer state", "[07_optimizers]") {
    std::vector<Tensor> p = make_params(9);
    optim::Adam opt(p, 0.01);
    StateDict fresh = deep_copy(opt.state_dict());
    set_grads(p, 1);
    opt.step();
    CHECK(opt.state_bytes() > 0);
    opt.load_state_dict(fresh);
    CHECK(opt.state_dict().keys() == std::vector<std::string>{"lr"});
}
