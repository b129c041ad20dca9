// bench/anomaly_cost.cpp — what anomaly mode costs when it is *off* (docs/errors.md, "Anomaly
// mode off"). Built twice from this one file: bench_anomaly_cost (the normal build: every
// recorded op loads the anomaly flag and branches) and bench_anomaly_cost_compiled_out
// (-DTINYTORCH_NO_ANOMALY_MODE: the checks compiled away). Each run times training steps of two
// MLPs — W1 of the benchmark (784-256-128-10, batch 64: the GEMMs dominate) and a tiny one
// (8-16-16-2, batch 4: per-op bookkeeping dominates) — and prints the median step time of each.
// Run the two programs interleaved, several times each, on an idle-as-possible machine:
//   for i in 1 2 3 4 5 6 7; do build/release/bin/bench_anomaly_cost; build/release/bin/bench_anomaly_cost_compiled_out; done
#include <cstdio>
#include <memory>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/benchmarking/benchmarking.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"

namespace tt = tinytorch;
namespace bm = tinytorch::benchmark;

/// One SGD training step of `net` on a fixed random batch, timed by module 19's harness
/// (warm-up, calibrated repeats, median and its bootstrap interval), in microseconds.
bm::Measurement step_time(const char* name, std::shared_ptr<tt::nn::Sequential> net, const tt::Shape& input,
                          int64_t classes) {
    tt::Tensor x = tt::randn(input);
    tt::Tensor y = tt::randint(0, classes, {input[0]});
    tt::optim::SGD opt(net->parameters(), tt::optim::SGDOptions(0.01).momentum(0.9));
    bm::BenchmarkOptions o;
    o.warmup_seconds = 0.3;
    o.repeat_seconds = 0.2;
    o.repeats = 9;
    return bm::measure(name, [&] {
        opt.zero_grad();
        tt::Tensor loss = tt::nn::functional::cross_entropy(net->forward(x), y);
        loss.backward();
        opt.step();
    }, o);
}

int main() {
    using namespace tt::nn;
    tt::manual_seed(1);
#if defined(TINYTORCH_NO_ANOMALY_MODE)
    const char* variant = "compiled-out";
#else
    const char* variant = "normal";
#endif
    const bm::Measurement w1 = step_time(
        "W1", std::make_shared<Sequential>(Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10)),
        {64, 784}, 10);
    const bm::Measurement tiny =
        step_time("tiny", std::make_shared<Sequential>(Linear(8, 16), ReLU(), Linear(16, 16), ReLU(), Linear(16, 2)),
                  {4, 8}, 2);
    std::printf("%s W1_mlp_step_us %.2f [%.2f-%.2f] tiny_mlp_step_us %.3f [%.3f-%.3f]\n", variant, w1.median_s * 1e6,
                w1.median_ci_s.low * 1e6, w1.median_ci_s.high * 1e6, tiny.median_s * 1e6, tiny.median_ci_s.low * 1e6,
                tiny.median_ci_s.high * 1e6);
}
