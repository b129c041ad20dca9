// modules/17_acceleration/analysis.cpp — how fast can this machine multiply, and how close do we get?
//   1. the roofline of this machine, measured: FMA peak at the widest vectors, triad bandwidth
//      from L1, L2 and main memory
//   2. the GEMM ladder: each rung in GFLOP/s and as a share of the measured peak (and OpenBLAS)
//   3. threads: one block of rows per thread
//   4. fusion: GELU as one loop vs seven tensor ops; Linear + bias + activation as one GEMM epilogue
//   5. freezing the W1 MLP for inference: what pre-packing, fusing and memory reuse each bring
// Every figure is a median of repeated runs (module 19's harness) with its min-max (other programs share the machine);
// the load average is printed before and after.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tinytorch/acceleration/acceleration.hpp"
#include "tinytorch/benchmarking/harness.hpp"     // module 19's timer (ready-made)
#include "tinytorch/benchmarking/environment.hpp" // load_average

#if TINYTORCH_HAS_OPENBLAS
#include <cblas.h>
#endif

using namespace tinytorch;
namespace bm = tinytorch::benchmark;

namespace {

/// Median, min and max seconds per call over `repeats` of module 19's calibrated repeats (one
/// warm-up call; a repeat lasts at least 2 ms, so short calls are timed many at a time).
struct Timing {
    double median = 0, min = 0, max = 0;
};
Timing time_it(int repeats, const std::function<void()>& f) {
    bm::BenchmarkOptions o;
    o.warmup_seconds = 0;
    o.min_warmup_calls = 1;
    o.repeat_seconds = 2e-3;
    o.repeats = repeats;
    const bm::Samples s = bm::collect("", f, o);
    return {s.median_s(), s.min_s(), s.max_s()};
}

std::string load_average() {
    const std::vector<double> l = bm::load_average();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", l[0], l[1], l[2]);
    return buf;
}

/// "123.4 [120.1-125.0]" for a rate derived from a timing (rate = work / seconds).
std::string rate_band(double work, const Timing& t) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%7.1f [%.1f-%.1f]", work / t.median, work / t.max, work / t.min);
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    // OpenBLAS reads OPENBLAS_CORETYPE (its kernels) and OPENBLAS_L2_SIZE (its blocking) when it
    // loads: run with both unset, so it picks them for this CPU, unless given here.
    std::optional<std::string> coretype, l2_size;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--openblas-coretype") coretype = argv[i + 1];
        else if (a == "--openblas-l2-size") l2_size = argv[i + 1];
    }
    bm::with_environment(argv, {{"OPENBLAS_NUM_THREADS", std::string("1")}, {"OPENBLAS_CORETYPE", coretype},
                                {"OPENBLAS_L2_SIZE", l2_size}});
    auto env_or_unset = [](const char* name) {
        const char* v = std::getenv(name);
        return std::string(v ? v : "unset");
    };
    std::printf("Module 17 · Acceleration — analysis (load average %s)\n", load_average().c_str());
    std::printf("  OPENBLAS_CORETYPE %s, OPENBLAS_L2_SIZE %s (--openblas-coretype T, --openblas-l2-size KB to set)\n",
                env_or_unset("OPENBLAS_CORETYPE").c_str(), env_or_unset("OPENBLAS_L2_SIZE").c_str());
    std::printf("  vectors: %s; TinyTorch kernel: %s; GEMM backend of matmul: %s\n", accel::Vec::isa(),
                tinytorch::detail::gemm::kernel_name(), tinytorch::detail::gemm_backend_name().c_str());

    // ---- 1. the roofline ------------------------------------------------------------------------------
    std::printf("\n1. The roofline of this machine, measured\n");
    const double peak1 = accel::measure_fma_peak_gflops(1), peak2 = accel::measure_fma_peak_gflops(2);
    std::printf("   FMA peak (%lld-float vectors): %.1f GFLOP/s on 1 thread, %.1f on 2\n",
                static_cast<long long>(accel::Vec::W), peak1, peak2);
    struct Level {
        const char* name;
        int64_t floats;
    };
    double dram1 = 0;
    std::printf("   %-34s %12s %12s\n", "triad a = b + s*c over 3 arrays of", "1 thr GB/s", "2 thr GB/s");
    for (Level lv : {Level{"8 K floats each (96 KB: L1/L2)", 8 << 10}, Level{"64 K floats each (768 KB: L2)", 64 << 10},
                     Level{"16 M floats each (192 MB: memory)", accel::kTriadDramFloats}}) {
        const double g1 = accel::measure_triad_gbs(lv.floats, 1), g2 = accel::measure_triad_gbs(lv.floats, 2);
        if (lv.floats == accel::kTriadDramFloats) dram1 = g1;
        std::printf("   %-34s %12.1f %12.1f\n", lv.name, g1, g2);
    }
    const accel::Roofline roof{peak1, dram1};
    std::printf("   roofline (1 thread, memory): ridge point %.1f FLOP/byte — a kernel below it waits for memory\n",
                roof.ridge_point());
    for (int64_t n : {64, 256, 1024}) {
        const double ai = accel::arithmetic_intensity(accel::gemm_flops(n, n, n), accel::gemm_min_bytes(n, n, n));
        std::printf("   GEMM %4lld^3: %6.1f FLOP/byte -> at most %6.1f GFLOP/s (%s-bound)\n", static_cast<long long>(n),
                    ai, roof.attainable_gflops(ai), roof.bound(ai).c_str());
    }
    std::printf("   triad: %.2f FLOP/byte -> at most %.1f GFLOP/s\n", 2.0 / 12.0, roof.attainable_gflops(2.0 / 12.0));

    // ---- 2. the ladder ---------------------------------------------------------------------------------
    std::printf("\n2. The GEMM ladder, 1 thread, C = A @ B (row-major), GFLOP/s median [min-max], %% of FMA peak\n");
    set_num_threads(1);
    std::printf("   %-40s %-26s %6s   %-26s %6s\n", "rung", "n = 512", "%", "n = 1024", "%");
    const std::vector<accel::Rung> rungs = {accel::Rung::naive, accel::Rung::ikj, accel::Rung::blocked,
                                            accel::Rung::register_tile, accel::Rung::tinytorch_kernel};
    auto run_size = [&](int64_t n, const std::function<void(const float*, const float*, float*)>& f) {
        std::vector<float> a(static_cast<size_t>(n * n)), b(a.size()), c(a.size());
        for (size_t i = 0; i < a.size(); ++i) a[i] = float(i % 13) / 13.0f, b[i] = float(i % 11) / 11.0f;
        const double gflop = accel::gemm_flops(n, n, n) / 1e9;
        const Timing t = time_it(n >= 1024 ? 5 : 7, [&] { f(a.data(), b.data(), c.data()); });
        return std::make_pair(rate_band(gflop, t), 100.0 * gflop / t.median / peak1);
    };
    for (accel::Rung r : rungs) {
        auto small = run_size(512, [&](const float* a, const float* b, float* c) { accel::gemm_rung(r, a, b, c, 512, 512, 512); });
        std::printf("   %-40s %-26s %5.1f%%   ", accel::rung_name(r).c_str(), small.first.c_str(), small.second);
        if (r == accel::Rung::naive || r == accel::Rung::ikj) {
            std::printf("%-26s\n", "(skipped: seconds per run)");
            continue;
        }
        auto big = run_size(1024, [&](const float* a, const float* b, float* c) { accel::gemm_rung(r, a, b, c, 1024, 1024, 1024); });
        std::printf("%-26s %5.1f%%\n", big.first.c_str(), big.second);
    }
#if TINYTORCH_HAS_OPENBLAS
    openblas_set_num_threads(1);
    auto blas = [](int64_t n) {
        return [n](const float* a, const float* b, float* c) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n), int(n), int(n), 1.0f, a, int(n), b, int(n), 0.0f, c, int(n));
        };
    };
    auto s = run_size(512, blas(512)), l = run_size(1024, blas(1024));
    std::printf("   %-40s %-26s %5.1f%%   %-26s %5.1f%%   (core %s)\n", "OpenBLAS cblas_sgemm", s.first.c_str(), s.second,
                l.first.c_str(), l.second, openblas_get_corename());
#endif

    // ---- 3. threads ------------------------------------------------------------------------------------
    std::printf("\n3. Threads: one block of rows per thread (TinyTorch kernel, n = 1024), GFLOP/s\n");
    for (int threads : {1, 2}) {
        set_num_threads(threads);
        auto r = run_size(1024, [](const float* a, const float* b, float* c) {
            accel::gemm_parallel(accel::Rung::tinytorch_kernel, a, b, c, 1024, 1024, 1024);
        });
        std::printf("   %d thread%s: %s  (%.0f%% of the %d-thread FMA peak)\n", threads, threads > 1 ? "s" : " ",
                    r.first.c_str(), r.second * peak1 / (threads > 1 ? peak2 : peak1), threads);
    }
    set_num_threads(1);

    // ---- 4. fusion ---------------------------------------------------------------------------------------
    std::printf("\n4. Fusion, 1 thread\n");
    {
        manual_seed(0);
        const Tensor x = randn({4 << 20});
        const double mb = x.numel() * 8.0 / 1e6;  // read once, write once
        const Timing fused = time_it(9, [&] { accel::fused_gelu(x); });
        const Timing fused_t = time_it(9, [&] { accel::fused_gelu(x, "tanh"); });
        const Timing unfused = time_it(9, [&] { accel::unfused_gelu(x); });
        const Timing m02 = time_it(9, [&] { gelu(x); });
        const Timing m02t = time_it(9, [&] { gelu(x, "tanh"); });
        std::printf("   GELU on 4M floats: ms median [min-max], GB/s of the one read + one write\n");
        auto row = [&](const char* name, const Timing& t) {
            std::printf("   %-46s %7.2f [%.2f-%.2f] ms %7.1f GB/s\n", name, t.median * 1e3, t.min * 1e3, t.max * 1e3,
                        mb / 1e3 / t.median);
        };
        row("fused_gelu (erf, one loop)", fused);
        row("fused_gelu (tanh, one loop)", fused_t);
        row("unfused_gelu (tanh, 7 tensor ops)", unfused);
        row("module 02 gelu (erf: one Eigen expression)", m02);
        row("module 02 gelu (tanh: Eigen SIMD tanh, 3 passes)", m02t);
    }
    {
        manual_seed(1);
        const Tensor x = randn({256, 784}), w = randn({256, 784}) * 0.03f, b = randn({256});
        const double gflop = accel::gemm_flops(256, 784, 256) / 1e9;
        std::printf("   Linear 784 -> 256 + bias + activation, batch 256 (W1's first layer): GFLOP/s\n");
        for (accel::Activation act : {accel::Activation::relu, accel::Activation::gelu_erf}) {
            const Timing f = time_it(15, [&] { accel::linear_act(x, w, b, act); });
            const Timing u = time_it(15, [&] { accel::linear_act_unfused(x, w, b, act); });
            std::printf("   %-5s fused (epilogue) %s   unfused (matmul, +b, act) %s   %.2fx\n",
                        accel::activation_name(act).c_str(), rate_band(gflop, f).c_str(), rate_band(gflop, u).c_str(),
                        u.median / f.median);
        }
    }

    // ---- 5. freezing the W1 MLP ----------------------------------------------------------------------------
    std::printf("\n5. Freezing W1 (784-256-ReLU-128-ReLU-10) for inference, batch 256, 1 thread: samples/s\n");
    {
        manual_seed(42);
        nn::Sequential net(nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 128), nn::ReLU(), nn::Linear(128, 10));
        net.eval();
        const Tensor x = randn({256, 784});
        const double flop_per_sample = 2.0 * (784 * 256 + 256 * 128 + 128 * 10);
        autograd::set_grad_enabled(false);
        const Timing eager = time_it(41, [&] { net.forward(x); });
        std::printf("   %-52s %s\n", "eager forward (no grad), matmul backend", rate_band(256, eager).c_str());
        struct Variant {
            const char* name;
            accel::FreezeOptions opt;
        };
        for (const Variant& v : {Variant{"frozen: weights copied, nothing else", {false, false, false}},
                                 Variant{"+ weights pre-packed", {true, false, false}},
                                 Variant{"+ bias and ReLU fused into the GEMM epilogue", {true, true, false}},
                                 Variant{"+ scratch buffers reused (the default)", {true, true, true}}}) {
            const accel::FrozenSequential frozen = accel::freeze(net, v.opt);
            const Timing t = time_it(41, [&] { frozen(x); });
            std::printf("   %-52s %s  %7.0f KB allocated per forward\n", v.name, rate_band(256, t).c_str(),
                        accel::FrozenSequential::last_forward_allocated_bytes() / 1024.0);
        }
        autograd::set_grad_enabled(true);
        std::printf("   ceiling: %.2f MFLOP per sample at the FMA peak = %.0f samples/s\n", flop_per_sample / 1e6,
                    peak1 * 1e9 / flop_per_sample);
    }
    std::printf("\nload average after: %s\n", load_average().c_str());
    return 0;
}
