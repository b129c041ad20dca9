// bench/anomaly_cost.cpp — what anomaly mode costs when it is *off* (docs/errors.md, "Anomaly
// mode off"). Built twice from this one file: bench_anomaly_cost (the normal build: every
// recorded op loads the anomaly flag and branches) and bench_anomaly_cost_compiled_out
// (-DTINYTORCH_NO_ANOMALY_MODE: the checks compiled away). Each run times training steps of two
// MLPs — W1 of the benchmark (784-256-128-10, batch 64: the GEMMs dominate) and a tiny one
// (8-16-16-2, batch 4: per-op bookkeeping dominates) — and prints the median step time of each.
// Run the two programs interleaved, several times each, on an idle-as-possible machine:
//   for i in 1 2 3 4 5 6 7; do build/release/bin/bench_anomaly_cost; build/release/bin/bench_anomaly_cost_compiled_out; done
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"

namespace tt = tinytorch;

/// Median microseconds of `steps` training steps (after `warmup` untimed ones).
double median_step_us(std::shared_ptr<tt::nn::Sequential> net, const tt::Shape& input, int64_t classes, int warmup,
                      int steps) {
    tt::Tensor x = tt::randn(input);
    tt::Tensor y = tt::randint(0, classes, {input[0]});
    tt::optim::SGD opt(net->parameters(), tt::optim::SGDOptions(0.01).momentum(0.9));
    std::vector<double> us;
    for (int i = 0; i < warmup + steps; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        opt.zero_grad();
        tt::Tensor loss = tt::nn::functional::cross_entropy(net->forward(x), y);
        loss.backward();
        opt.step();
        const auto t1 = std::chrono::steady_clock::now();
        if (i >= warmup) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
    std::nth_element(us.begin(), us.begin() + us.size() / 2, us.end());
    return us[us.size() / 2];
}

int main() {
    using namespace tt::nn;
    tt::manual_seed(1);
#if defined(TINYTORCH_NO_ANOMALY_MODE)
    const char* variant = "compiled-out";
#else
    const char* variant = "normal";
#endif
    const double w1 = median_step_us(
        std::make_shared<Sequential>(Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10)), {64, 784}, 10,
        20, 200);
    const double tiny = median_step_us(
        std::make_shared<Sequential>(Linear(8, 16), ReLU(), Linear(16, 16), ReLU(), Linear(16, 2)), {4, 8}, 2, 200, 3000);
    std::printf("%s W1_mlp_step_us %.2f tiny_mlp_step_us %.3f\n", variant, w1, tiny);
}
