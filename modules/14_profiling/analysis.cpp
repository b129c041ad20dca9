// modules/14_profiling/analysis.cpp — the profiler on real workloads, in a few seconds.
//   1. what the hooks cost: an op with no profiler, and while a profiler records it
//   2. one training step of an MLP, profiled: the key-averages table
//   3. forward against backward: FLOPs, time and GFLOP/s of the GEMMs
//   4. the summary of a LeNet-5-style CNN: parameters, FLOPs per layer, memory, latency
//   5. a Chrome trace to open in https://ui.perfetto.dev
#include <cstdio>
#include <memory>
#include <string>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/benchmarking/harness.hpp"  // module 19's timer: warm-up, calibrated repeats
#include "tinytorch/convolutions/convolutions.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "tinytorch/profiling/profiling.hpp"

using namespace tinytorch;
namespace bm = tinytorch::benchmark;

namespace {

/// Median nanoseconds per call (module 19's collect(): warm-up, calibration, 5 repeats).
double ns_per_call(const std::function<void()>& fn) {
    bm::BenchmarkOptions o;
    o.warmup_seconds = 0.05;
    o.repeat_seconds = 0.03;
    o.repeats = 5;
    return bm::collect("", fn, o).median_s() * 1e9;
}

std::shared_ptr<nn::Sequential> mlp() {
    manual_seed(1);
    return std::make_shared<nn::Sequential>(std::make_shared<nn::Linear>(784, 256), nn::ReLU(),
                                            std::make_shared<nn::Linear>(256, 128), nn::ReLU(),
                                            std::make_shared<nn::Linear>(128, 10));
}

}  // namespace

int main() {
    set_num_threads(1);
    std::printf("Module 14 · Profiling — analysis (1 thread)\n");

    // ---- 1. the hooks ----------------------------------------------------------------------------
    std::printf("\n1. What a hook costs. Every op opens a RecordScope; with no profiler it is one relaxed\n"
                "   load and a branch never taken. (Hooks compiled out altogether, for comparison:\n"
                "   build/release/bin/tinytorch_hook_overhead runs both builds side by side.)\n\n");
    Tensor a = ones({16}), b = ones({16}), big_a = ones({512, 512}), big_b = ones({512, 512});
    struct Row { const char* what; std::function<void()> fn; };
    std::vector<Row> rows = {{"a + b, 16 floats", [&] { (void)(a + b); }},
                             {"a.view({4, 4}) (no allocation)", [&] { (void)a.view({4, 4}); }},
                             {"512x512 @ 512x512 matmul", [&] { (void)big_a.matmul(big_b); }}};
    std::printf("   %-34s %14s %16s %10s\n", "op", "no profiler", "while recording", "overhead");
    for (const Row& r : rows) {
        const double off = ns_per_call(r.fn);
        double on = 0;
        {
            profiler::Profiler prof(profiler::ProfilerOptions{true, true, true, true, 1'000'000});
            on = ns_per_call(r.fn);
        }
        std::printf("   %-34s %11.1f ns %13.1f ns %+9.0f%%\n", r.what, off, on, 100.0 * (on - off) / off);
    }

    // ---- 2. a profiled training step ---------------------------------------------------------------
    std::printf("\n2. One training step of an MLP 784-256-128-10 (batch 64, SGD), profiled (3rd step of 3):\n\n");
    auto net = mlp();
    Tensor x = randn({64, 784}), y = randint(0, 10, {64});
    optim::SGD sgd(net->parameters(), optim::SGDOptions(0.01).momentum(0.9));
    auto step = [&] {
        sgd.zero_grad();
        Tensor loss = nn::functional::cross_entropy((*net)(x), y);
        loss.backward();
        sgd.step();
    };
    step();
    step();  // warm: the allocator has its blocks, the caches their data
    profiler::Profiler prof;
    {
        profiler::RecordFunction r("training step");
        step();
    }
    prof.stop();
    std::printf("%s", prof.key_averages().table("self_cpu_time_total", 14).c_str());

    // ---- 3. forward against backward ---------------------------------------------------------------
    int64_t fwd_flops = 0, bwd_flops = 0, fwd_ns = 0, bwd_ns = 0, gemm_flops = 0, gemm_ns = 0;
    for (const profiler::Event& e : prof.events()) {
        if (e.kind == profiler::EventKind::module && e.depth == 1) fwd_flops += e.flops, fwd_ns += e.duration_ns;
        if (e.name == "backward") bwd_flops += e.flops, bwd_ns += e.duration_ns;
        if (e.name == "matmul") gemm_flops += e.self_flops, gemm_ns += e.self_ns;
    }
    std::printf("\n3. Forward %.2f MFLOP in %.3f ms; backward %.2f MFLOP in %.3f ms (%.2fx the forward FLOPs:\n"
                "   the first layer's input needs no gradient). All matmuls: %.2f GFLOP/s of self time.\n",
                fwd_flops / 1e6, fwd_ns / 1e6, bwd_flops / 1e6, bwd_ns / 1e6, double(bwd_flops) / double(fwd_flops),
                gemm_flops / double(gemm_ns));

    // ---- 4. a model summary --------------------------------------------------------------------------
    std::printf("\n4. The summary of a LeNet-5-style CNN on a batch of 32 MNIST-sized images (eval mode):\n\n");
    manual_seed(2);
    nn::Sequential lenet(std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 6, 5).padding(2)),
                         std::make_shared<nn::BatchNorm2d>(6), nn::ReLU(), nn::MaxPool2d(2),
                         std::make_shared<nn::Conv2d>(6, 16, 5), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(),
                         std::make_shared<nn::Linear>(16 * 5 * 5, 120), nn::ReLU(),
                         std::make_shared<nn::Linear>(120, 84), nn::ReLU(), std::make_shared<nn::Linear>(84, 10));
    lenet.eval();
    profiler::ModelSummary s = profiler::summary(lenet, randn({32, 1, 28, 28}), profiler::SummaryOptions{3, 20, true});
    std::printf("%s", s.to_string().c_str());
    std::printf("   The first convolution's output alone is 32·6·28·28 floats = %.0f KiB: activations, not\n"
                "   weights (%.0f KiB), are what a CNN's memory goes to.\n",
                32.0 * 6 * 28 * 28 * 4 / 1024, s.parameter_bytes / 1024.0);

    // ---- 5. a trace ------------------------------------------------------------------------------------
    prof.export_chrome_trace("analysis_14_trace.json");
    std::printf("\n5. The training step's trace: analysis_14_trace.json (%zu events) — open it in\n"
                "   https://ui.perfetto.dev (or chrome://tracing) and find the backward pass under the forward.\n",
                prof.events().size());
    return 0;
}
