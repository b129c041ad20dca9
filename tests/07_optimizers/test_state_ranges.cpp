// tests/07_optimizers/test_state_ranges.cpp — load_state_dict range-checks every value from a file
// (issue 15): a step of 1e30 or inf, an infinite lr, NaN or negative moments, a parameter index
// with more digits than any integer. Each is refused, naming the key, and nothing changes.
#include "support/catch.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
using namespace tinytorch;

namespace test_state_ranges {
std::vector<Tensor> params() { return {ones({2, 2}).requires_grad_(), ones({2}).requires_grad_()}; }
/// A valid Adam state for `p` after one step, with `key` replaced by `value`.
StateDict adam_state_with(optim::Adam& adam, std::vector<Tensor>& p, const std::string& key, const Tensor& value) {
    for (Tensor& t : p) t.set_grad(full(t.shape(), 0.5f));
    adam.step();
    StateDict out;
    for (const auto& [k, t] : adam.state_dict()) out.insert(k, k == key ? value : t.clone());
    if (!out.contains(key)) out.insert(key, value);
    return out;
}
}  // namespace test_state_ranges

TEST_CASE("load_state_dict refuses a step count too large or infinite for an integer", "[07_optimizers]") {
    for (float step : {1e30f, INFINITY, 1.8446744e19f}) {
        auto p = test_state_ranges::params();
        optim::Adam adam(p, optim::AdamOptions(0.01));
        StateDict sd = test_state_ranges::adam_state_with(adam, p, "state.0.step", scalar_tensor(step));
        optim::Adam fresh(test_state_ranges::params(), optim::AdamOptions(0.01));
        CHECK_THROWS_AS(fresh.load_state_dict(sd), ValueError);
        CHECK_THROWS_WITH(fresh.load_state_dict(sd), Contains("state.0.step") && Contains("1..2^53") && Contains("hint"));
        CHECK(fresh.state_dict().size() == 1);  // only "lr": nothing was loaded
    }
}

TEST_CASE("load_state_dict refuses an infinite or NaN learning rate", "[07_optimizers]") {
    optim::SGD sgd(test_state_ranges::params(), 0.1);
    for (float lr : {INFINITY, NAN, -0.5f}) {
        StateDict sd{{"lr", scalar_tensor(lr)}};
        CHECK_THROWS_AS(sgd.load_state_dict(sd), ValueError);
        CHECK_THROWS_WITH(sgd.load_state_dict(sd), Contains("lr: must be one finite number >= 0"));
    }
    CHECK(sgd.lr() == 0.1);
}

TEST_CASE("load_state_dict refuses NaN moments and a negative mean square", "[07_optimizers]") {
    auto p = test_state_ranges::params();
    optim::Adam adam(p, optim::AdamOptions(0.01));
    StateDict nan_avg = test_state_ranges::adam_state_with(adam, p, "state.0.exp_avg", full({2, 2}, NAN));
    optim::Adam fresh(test_state_ranges::params(), optim::AdamOptions(0.01));
    CHECK_THROWS_WITH(fresh.load_state_dict(nan_avg), Contains("state.0.exp_avg: must be finite"));
    StateDict negative = test_state_ranges::adam_state_with(adam, p, "state.1.exp_avg_sq", full({2}, -1.0f));
    CHECK_THROWS_WITH(fresh.load_state_dict(negative), Contains("state.1.exp_avg_sq: must be finite and >= 0"));
    CHECK(fresh.state_dict().size() == 1);
}

TEST_CASE("load_state_dict treats a parameter index too long for an integer as an unexpected key", "[07_optimizers]") {
    optim::SGD sgd(test_state_ranges::params(), 0.1);
    StateDict sd{{"lr", scalar_tensor(0.1f)}, {"state.99999999999999999999999999.step", scalar_tensor(1.0f)}};
    CHECK_THROWS_AS(sgd.load_state_dict(sd), ValueError);  // not std::out_of_range from std::stoul
    CHECK_THROWS_WITH(sgd.load_state_dict(sd), Contains("unexpected keys [state.99999999999999999999999999.step]"));
}
