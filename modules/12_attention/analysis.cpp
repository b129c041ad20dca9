// modules/12_attention/analysis.cpp — Module 12 · Attention: what the T×T matrix costs, measured.
// Lesson: modules/12_attention/README.md (systems questions at the end).
//
// Measures, on this machine:
//   1. naive vs fused scaled_dot_product_attention for T = 64 … 2048 (causal self-attention,
//      batch 1, 4 heads of 64 dims — one GPT-2-small-sized slice): forward time, forward +
//      backward time, and the PEAK MEMORY of forward + backward. Peak memory is measured, not
//      computed: each configuration runs in a fresh process (this program re-executes itself),
//      which reads the kernel's peak resident set size (VmHWM in /proc/self/status) after the
//      run and subtracts its resident size before it;
//   2. what each path keeps alive for backward (the tensors its graph holds, counted);
//   3. the shapes of the milestone's char-level GPT (batch 16, 4 heads of 32 dims, T = 64):
//      one attention forward + backward, naive vs fused;
//   4. nn::MultiheadAttention with need_weights true (naive path) vs false (fused).
// Build: cmake --build --preset release --target analysis_12_attention;
// run:   build/release/bin/analysis_12_attention [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "tinytorch/attention/attention.hpp"

using namespace tinytorch;

namespace {
using Clock = std::chrono::steady_clock;

/// Best (shortest) seconds of `repeats` calls after one warm-up call: on a shared machine other
/// programs only ever add time, so the best run is the fairest estimate.
double best_seconds(int repeats, const std::function<void()>& f) {
    f();
    double best = 1e300;
    for (int i = 0; i < repeats; ++i) {
        auto t0 = Clock::now();
        f();
        best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
    }
    return best;
}

/// CPU seconds this thread has run: unlike wall time it does not count the time another program
/// held the core, so it stays meaningful on a busy machine (but it still pays for shared caches).
double thread_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// Least thread-CPU seconds of `repeats` calls after one warm-up call (run with one thread).
double best_cpu_seconds(int repeats, const std::function<void()>& f) {
    f();
    double best = 1e300;
    for (int i = 0; i < repeats; ++i) {
        const double t0 = thread_cpu_seconds();
        f();
        best = std::min(best, thread_cpu_seconds() - t0);
    }
    return best;
}

/// A field of /proc/self/status in kB ("VmRSS", "VmHWM"), or -1 where there is no /proc.
long status_kb(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const size_t n = std::strlen(field);
    while (std::getline(in, line))
        if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':') return std::atol(line.c_str() + n + 1);
    return -1;
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a.empty() ? std::string("?") : a + " " + b + " " + c;
}

struct Shape4 {
    int64_t B, H, T, d;
};

/// q, k, v [B, H, T, d] leaves with values in [-1, 1).
std::vector<Tensor> make_qkv(const Shape4& s, bool grad) {
    Generator gen(7);
    std::vector<Tensor> t;
    for (int i = 0; i < 3; ++i) {
        Tensor x = uniform({s.B, s.H, s.T, s.d}, -1.0f, 1.0f, gen);
        t.push_back(grad ? x.requires_grad_() : x);
    }
    return t;
}

Tensor attend(bool fused, const std::vector<Tensor>& qkv) {
    return fused ? scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], {}, 0.0, true)
                 : scaled_dot_product_attention_naive(qkv[0], qkv[1], qkv[2], {}, 0.0, true);
}

/// Child mode: one forward + backward of one path and size; prints "peak_kb kept_floats".
int measure_peak(bool fused, int64_t T) {
    const Shape4 s{1, 4, T, 64};
    std::vector<Tensor> qkv = make_qkv(s, true);
    Tensor g = ones({s.B, s.H, s.T, s.d});
    // the baseline holds the inputs, the upstream gradient and the program itself
    const long before = status_kb("VmRSS");
    int64_t kept = 0;
    {
        Tensor out = attend(fused, qkv);
        // what the graph keeps for backward: the storage of every tensor its nodes hold, each
        // buffer once (views share one), without the inputs q, k, v themselves
        std::vector<const Storage*> counted;
        for (const Tensor& t : qkv) counted.push_back(t.storage().get());
        auto count = [&](const Tensor& t) {
            if (!t.defined() || std::find(counted.begin(), counted.end(), t.storage().get()) != counted.end()) return;
            counted.push_back(t.storage().get());
            kept += static_cast<int64_t>(t.storage()->size());
        };
        std::vector<const autograd::Node*> seen;
        std::vector<std::shared_ptr<autograd::Node>> stack{out.grad_fn()};
        while (!stack.empty()) {
            auto node = stack.back();
            stack.pop_back();
            if (!node || std::find(seen.begin(), seen.end(), node.get()) != seen.end()) continue;
            seen.push_back(node.get());
            for (const Tensor& t : node->saved) count(t);
            for (const Tensor& t : node->inputs) {
                count(t);
                if (t.defined() && t.grad_fn()) stack.push_back(t.grad_fn());
            }
        }
        out.backward(g);
    }
    const long peak = status_kb("VmHWM");
    std::printf("%ld %lld\n", peak - before, static_cast<long long>(kept));
    return 0;
}

/// Runs this program again as a child that measures one configuration; {peak kB, kept floats}.
std::pair<long, long long> child_peak(const char* self, bool fused, int64_t T) {
    const std::string cmd = std::string("'") + self + "' --measure-peak " + (fused ? "fused " : "naive ") + std::to_string(T);
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return {-1, -1};
    long kb = -1;
    long long kept = -1;
    if (std::fscanf(p, "%ld %lld", &kb, &kept) != 2) kb = -1;
    pclose(p);
    return {kb, kept};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::string(argv[1]) == "--measure-peak")
        return measure_peak(std::string(argv[2]) == "fused", std::atoll(argv[3]));
    const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
    std::printf("TinyTorch C++ · module 12 analysis · threads: %d · GEMM: %s · load average: %s\n", get_num_threads(),
                detail::gemm_backend_name().c_str(), load_average().c_str());

    // ---- 1. naive vs fused against T ------------------------------------------------------------------
    std::printf("\n1. Causal self-attention, batch 1, 4 heads x 64 dims: naive (materialises [T, T] per head) vs\n"
                "   fused (streaming, online softmax). Times are the best of several runs; peak memory is the\n"
                "   growth of the resident set during forward + backward, measured in a fresh process.\n\n");
    std::printf("  %6s | %12s %12s | %12s %12s %7s | %12s %12s\n", "T", "naive fwd", "fused fwd", "naive f+b",
                "fused f+b", "speedup", "naive peak", "fused peak");
    std::printf("  %6s | %12s %12s | %12s %12s %7s | %12s %12s\n", "", "ms", "ms", "ms", "ms", "f+b", "MB", "MB");
    std::vector<int64_t> lengths = {64, 128, 256, 512, 1024, 2048};
    if (quick) lengths = {64, 256};
    std::vector<std::pair<long long, long long>> kept_rows;
    for (int64_t T : lengths) {
        const Shape4 s{1, 4, T, 64};
        const int reps = T >= 1024 ? 3 : 10;
        double fwd[2], both[2];
        for (int fused = 0; fused < 2; ++fused) {
            std::vector<Tensor> plain = make_qkv(s, false), leaves = make_qkv(s, true);
            Tensor g = ones({s.B, s.H, s.T, s.d});
            fwd[fused] = best_seconds(reps, [&] { attend(fused, plain); });
            both[fused] = best_seconds(reps, [&] {
                for (Tensor& t : leaves) t.zero_grad();
                attend(fused, leaves).backward(g);
            });
        }
        auto naive_peak = child_peak(argv[0], false, T), fused_peak = child_peak(argv[0], true, T);
        kept_rows.push_back({naive_peak.second, fused_peak.second});
        std::printf("  %6lld | %12.3f %12.3f | %12.3f %12.3f %6.2fx | %12.1f %12.1f\n", static_cast<long long>(T),
                    fwd[0] * 1e3, fwd[1] * 1e3, both[0] * 1e3, both[1] * 1e3, both[0] / both[1],
                    naive_peak.first / 1024.0, fused_peak.first / 1024.0);
    }

    // ---- 1b. the same on one thread, CPU time ---------------------------------------------------------
    std::printf("\n1b. The same on ONE thread, in thread CPU time (what the work costs, whatever else runs on the\n"
                "    machine), forward + backward\n\n");
    std::printf("  %6s | %12s %12s %8s | %14s\n", "T", "naive ms", "fused ms", "speedup", "fused GFLOP/s");
    {
        const int threads = get_num_threads();
        set_num_threads(1);
        for (int64_t T : lengths) {
            const Shape4 s{1, 4, T, 64};
            double cpu[2];
            for (int fused = 0; fused < 2; ++fused) {
                std::vector<Tensor> leaves = make_qkv(s, true);
                Tensor g = ones({s.B, s.H, s.T, s.d});
                cpu[fused] = best_cpu_seconds(T >= 1024 ? 3 : 8, [&] {
                    for (Tensor& t : leaves) t.zero_grad();
                    attend(fused, leaves).backward(g);
                });
            }
            // useful FLOPs of causal attention: forward 2 GEMMs, backward 4 (+1 recomputed), half of L·S
            const double flop = 2.0 * 4 * static_cast<double>(T) * static_cast<double>(T) * 64 * (2 + 5) / 2;
            std::printf("  %6lld | %12.3f %12.3f %7.2fx | %14.1f\n", static_cast<long long>(T), cpu[0] * 1e3,
                        cpu[1] * 1e3, cpu[0] / cpu[1], flop / cpu[1] / 1e9);
        }
        set_num_threads(threads);
    }

    // ---- 2. what backward keeps --------------------------------------------------------------------------
    std::printf("\n2. Floats the autograd graph keeps alive for backward: every buffer its nodes hold, once\n"
                "   (the inputs q, k, v themselves not counted)\n\n");
    std::printf("  %6s | %14s %14s | %14s\n", "T", "naive", "fused", "4·T·T (scores)");
    for (size_t i = 0; i < lengths.size(); ++i)
        std::printf("  %6lld | %14lld %14lld | %14lld\n", static_cast<long long>(lengths[i]), kept_rows[i].first,
                    kept_rows[i].second, static_cast<long long>(4 * lengths[i] * lengths[i]));

    // ---- 3. the milestone's shapes ---------------------------------------------------------------------------
    {
        const Shape4 s{16, 4, 64, 32};
        std::printf("\n3. The char-level GPT's attention (batch 16, 4 heads x 32 dims, T = 64, causal), per layer\n\n");
        std::printf("  %-8s %12s %12s\n", "path", "fwd ms", "f+b ms");
        for (int fused = 0; fused < 2; ++fused) {
            std::vector<Tensor> plain = make_qkv(s, false), leaves = make_qkv(s, true);
            Tensor g = ones({s.B, s.H, s.T, s.d});
            const double f = best_seconds(quick ? 5 : 30, [&] { attend(fused, plain); });
            const double b = best_seconds(quick ? 5 : 30, [&] {
                for (Tensor& t : leaves) t.zero_grad();
                attend(fused, leaves).backward(g);
            });
            std::printf("  %-8s %12.3f %12.3f\n", fused ? "fused" : "naive", f * 1e3, b * 1e3);
        }
    }

    // ---- 4. MultiheadAttention: weights or not ---------------------------------------------------------------
    {
        std::printf("\n4. nn::MultiheadAttention(128, 4), batch_first, input [16, 64, 128], causal, forward + backward\n\n");
        manual_seed(0);
        nn::MultiheadAttention mha(nn::MultiheadAttentionOptions(128, 4).batch_first(true));
        Tensor x = randn({16, 64, 128}).requires_grad_();
        for (bool need : {true, false}) {
            const double t = best_seconds(quick ? 3 : 15, [&] {
                mha.zero_grad();
                auto [out, w] = mha.forward(x, x, x, {}, need, {}, true, true);
                out.sum().backward();
            });
            std::printf("  need_weights=%-5s %10.3f ms\n", need ? "true" : "false", t * 1e3);
        }
    }
    std::printf("\nload average at the end: %s\n", load_average().c_str());
    return 0;
}
