// modules/03_layers/analysis.cpp — Module 03 · Layers: what a layer costs in memory and time.
// Lesson: modules/03_layers/README.md (systems questions at the end).
//
// Measures, on this machine:
//   1. parameters and memory of MLPs 784 -> h -> h/2 -> 10 (weights, + gradients and Adam state);
//   2. forward time and samples/s of the MLP 784 -> 256 -> 128 -> 10 for batch sizes 1..512;
//   3. GFLOP/s of one Linear(1024, 1024) as the batch grows: from matrix-vector to GEMM;
//   4. what recording the graph adds to a forward pass (grad mode on vs off).
// Build: cmake --build <build> --target analysis_03_layers; run: <build>/bin/analysis_03_layers
#include <algorithm>
#include <cstdio>
#include <functional>

#include "tinytorch/benchmarking/harness.hpp"  // module 19's timer (ready-made)
#include "tinytorch/layers/layers.hpp"

using namespace tinytorch;

namespace {
/// Seconds per call of f: the fastest of module 19's calibrated repeats (the one least disturbed
/// by other programs sharing the CPU; the harness warms up and batches short calls).
double seconds_per_call(const std::function<void()>& f, double budget = 0.1) {
    tinytorch::benchmark::BenchmarkOptions o;
    o.warmup_seconds = budget / 20;
    o.repeat_seconds = budget / 20;
    o.repeats = 15;
    return tinytorch::benchmark::collect("", f, o).min_s();
}

int64_t count_parameters(const nn::Module& m) {
    int64_t n = 0;
    for (const Tensor& p : m.parameters()) n += p.numel();
    return n;
}

nn::Sequential mlp(int64_t h) {
    return nn::Sequential(nn::Linear(784, h), nn::ReLU(), nn::Linear(h, h / 2), nn::ReLU(), nn::Linear(h / 2, 10));
}

double mb(double bytes) { return bytes / (1024.0 * 1024.0); }
}  // namespace

int main() {
    std::printf("Module 03 · Layers — systems analysis (%d threads)\n\n", get_num_threads());
    manual_seed(0);

    // ---- 1. parameter memory -------------------------------------------------------------------
    std::printf("1. Parameters of the MLP 784 -> h -> h/2 -> 10 (float32)\n");
    std::printf("   %6s %12s %10s %22s\n", "h", "parameters", "weights", "training (+grad +Adam)");
    for (int64_t h : {128, 256, 512, 1024, 2048, 4096}) {
        nn::Sequential net = mlp(h);
        int64_t n = count_parameters(net);
        // training keeps the weights, one gradient each and Adam's two moments: 4 copies
        std::printf("   %6lld %12lld %8.2f MB %19.2f MB\n", static_cast<long long>(h), static_cast<long long>(n),
                    mb(4.0 * n), mb(16.0 * n));
    }
    std::printf("   The first layer dominates until h ~ 500; beyond that the h x h/2 layer does (1.5 h^2 + 790 h).\n"
                "   784-256-128-10 = 235,146 parameters = 0.9 MB: it fits in L2/L3, a 2048-wide one does not.\n\n");

    // ---- 2. forward throughput vs batch size -------------------------------------------------------
    const int threads = get_num_threads();
    std::printf("2. Forward of the MLP 784 -> 256 -> 128 -> 10, grad mode off (inference)\n");
    std::printf("   %6s | %11s %12s %9s | %11s %12s %9s\n", "batch", "1 thread", "samples/s", "GFLOP/s", "all threads",
                "samples/s", "GFLOP/s");
    nn::Sequential net = mlp(256);
    net.eval();
    const double flops_per_sample = 2.0 * (784 * 256 + 256 * 128 + 128 * 10);
    autograd::set_grad_enabled(false);
    for (int64_t b : {1, 2, 4, 8, 16, 32, 64, 128, 256, 512}) {
        Tensor x = rand({b, 784});
        Tensor y;
        std::printf("   %6lld", static_cast<long long>(b));
        for (int nt : {1, threads}) {
            set_num_threads(nt);
            double t = seconds_per_call([&] { y = net(x); }, 0.05);
            std::printf(" | %8.1f us %12.0f %9.2f", t * 1e6, b / t, flops_per_sample * b / t / 1e9);
        }
        std::printf("\n");
    }
    set_num_threads(threads);
    autograd::set_grad_enabled(true);
    std::printf("   Batch 1 streams every weight from memory for ~2 FLOPs each (matrix-vector, memory bound);\n"
                "   larger batches reuse each loaded weight B times, so GEMM approaches the compute roof.\n"
                "   If other programs share the cores, 'all threads' can be far slower than 1 thread: a parallel\n"
                "   GEMM waits at every barrier for its slowest thread.\n\n");

    // ---- 3. one Linear layer: GFLOP/s vs batch --------------------------------------------------
    std::printf("3. Linear(1024, 1024): 2*B*1024*1024 FLOPs per forward\n");
    std::printf("   %6s %16s | %11s %9s | %11s %9s\n", "batch", "bytes per FLOP", "1 thread", "GFLOP/s", "all threads",
                "GFLOP/s");
    nn::Linear fc(1024, 1024);
    autograd::set_grad_enabled(false);
    for (int64_t b : {1, 4, 16, 64, 256, 1024}) {
        Tensor x = rand({b, 1024});
        Tensor y;
        double flops = 2.0 * b * 1024 * 1024;
        double bytes = 4.0 * (1024 * 1024 + 1024 + 2 * b * 1024);  // weights + bias + input + output, once
        std::printf("   %6lld %16.3f", static_cast<long long>(b), bytes / flops);
        for (int nt : {1, threads}) {
            set_num_threads(nt);
            double t = seconds_per_call([&] { y = fc(x); }, 0.05);
            std::printf(" | %8.1f us %9.2f", t * 1e6, flops / t / 1e9);
        }
        std::printf("\n");
    }
    set_num_threads(threads);
    autograd::set_grad_enabled(true);
    std::printf("   At batch 1 each 4-byte weight is used for 2 FLOPs (2 bytes per FLOP): the memory bus sets\n"
                "   the speed. At batch 256 the same bytes feed 256x more FLOPs.\n\n");

    // ---- 4. cost of recording ------------------------------------------------------------------------
    std::printf("4. Recording the graph: MLP forward at batch 64, grad mode on vs off\n");
    Tensor x = rand({64, 784});
    Tensor y;
    double on = seconds_per_call([&] { y = net(x); }, 0.1);
    autograd::set_grad_enabled(false);
    double off = seconds_per_call([&] { y = net(x); }, 0.1);
    autograd::set_grad_enabled(true);
    std::printf("   recording on: %.1f us   off: %.1f us   (%+.0f%%)\n", on * 1e6, off * 1e6, 100.0 * (on / off - 1.0));
    std::printf("   A recorded forward keeps a Node per op and the tensors backward needs alive until backward\n"
                "   (activation memory); evaluation should run under NoGradGuard (module 06).\n");
    return 0;
}
