// bench/hook_overhead.cpp — what the profiler's hooks cost when no profiler runs.
//
// Every op of TinyTorch opens a RecordScope (include/tinytorch/tensor/record_scope.hpp): with no
// profiler active that is one relaxed atomic load and an untaken branch at entry, and one test
// of a null pointer at exit. This program measures that claim. It is built twice from the same
// source:
//   tinytorch_hook_overhead        hooks compiled in (as every TinyTorch program)
//   tinytorch_hook_overhead_off    -DTINYTORCH_PROFILER_HOOKS=0: the hooks compiled out
// and, run without arguments, times the same workloads in both — itself in-process, the other
// as a child process, alternating round by round so that load from elsewhere hits both alike —
// then compares them with module 19's harness (ratio of medians and its bootstrap interval).
// A third column shows the cost while a profiler records (the price of looking).
//
//   build/release/bin/tinytorch_hook_overhead [--rounds N] [--repeats N] [--other PATH]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/benchmarking/benchmarking.hpp"
#include "tinytorch/layers/layers.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"

namespace tt = tinytorch;
namespace bm = tinytorch::benchmark;

namespace {

struct Workload {
    std::string id, what;
    std::function<void()> fn;
};

/// The workloads: a tiny op (the hook's worst case: the op itself is ~100 ns), a view (no
/// allocation at all), a small module call, and a real training step (W1 of ./tito bench).
std::vector<Workload> workloads() {
    static tt::Tensor a = tt::ones({16}), b = tt::ones({16}), m = tt::ones({4, 16});
    static auto small = std::make_shared<tt::nn::Linear>(16, 16);
    static auto mlp = [] {
        tt::manual_seed(1);
        return std::make_shared<tt::nn::Sequential>(std::make_shared<tt::nn::Linear>(784, 256), tt::nn::ReLU(),
                                                    std::make_shared<tt::nn::Linear>(256, 128), tt::nn::ReLU(),
                                                    std::make_shared<tt::nn::Linear>(128, 10));
    }();
    static tt::Tensor x = tt::randn({64, 784}), y = tt::randint(0, 10, {64});
    static tt::optim::SGD sgd(mlp->parameters(), tt::optim::SGDOptions(0.01).momentum(0.9));
    return {
        {"add16", "a + b, 16 floats", [] { (void)(a + b); }},
        {"view", "x.view({64}), no allocation", [] { (void)m.view({64}); }},
        {"linear16", "Linear(16, 16) module call, batch 4", [] { (void)(*small)(m); }},
        {"w1_step", "W1 training step: MLP 784-256-128-10, batch 64, SGD", [] {
             sgd.zero_grad();
             tt::Tensor loss = tt::nn::functional::cross_entropy((*mlp)(x), y);
             loss.backward();
             sgd.step();
         }},
    };
}

bm::BenchmarkOptions options(int repeats) {
    bm::BenchmarkOptions o;
    o.warmup_seconds = 0.1;
    o.repeat_seconds = 0.05;
    o.repeats = repeats;
    return o;
}

/// One round in this process: per workload, `repeats` seconds-per-call samples.
std::map<std::string, std::vector<double>> measure_here(int repeats, bool profiling) {
    std::map<std::string, std::vector<double>> out;
    for (const Workload& w : workloads()) {
        std::unique_ptr<tt::profiler::Profiler> prof;
        // recording grows its event list without bound: keep a cap (the cost per event is what we want)
        if (profiling) prof = std::make_unique<tt::profiler::Profiler>(tt::profiler::ProfilerOptions{true, true, true, true, 2'000'000});
        out[w.id] = bm::collect(w.id, w.fn, options(repeats)).seconds_per_call;
    }
    return out;
}

/// One round in the other binary: it prints "id s1 s2 ..." per workload.
[[maybe_unused]] std::map<std::string, std::vector<double>> measure_there(const std::string& exe, int repeats) {
    std::map<std::string, std::vector<double>> out;
    const std::string cmd = exe + " --child --repeats " + std::to_string(repeats);
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) throw tt::Error("hook_overhead: cannot start " + exe);
    char line[4096];
    while (std::fgets(line, sizeof line, p)) {
        std::istringstream in(line);
        std::string id;
        in >> id;
        for (double v; in >> v;) out[id].push_back(v);
    }
    if (pclose(p) != 0) throw tt::Error("hook_overhead: " + exe + " failed; hint: build both targets");
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = 5, repeats = 5;
    std::string other;
    bool child = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--child") child = true;
        else if (a == "--rounds" && i + 1 < argc) rounds = std::atoi(argv[++i]);
        else if (a == "--repeats" && i + 1 < argc) repeats = std::atoi(argv[++i]);
        else if (a == "--other" && i + 1 < argc) other = argv[++i];
        else {
            std::fprintf(stderr, "usage: %s [--rounds N] [--repeats N] [--other PATH_TO_HOOKS_OFF_BINARY]\n", argv[0]);
            return 2;
        }
    }
    tt::set_num_threads(1);
    if (child) {  // print the samples and leave
        for (const auto& [id, samples] : measure_here(repeats, false)) {
            std::printf("%s", id.c_str());
            for (double v : samples) std::printf(" %.9g", v);
            std::printf("\n");
        }
        return 0;
    }
#if !TINYTORCH_PROFILER_HOOKS
    (void)rounds;  // (only the hooks-on build runs rounds)
    std::fprintf(stderr, "this is the hooks-off build; run tinytorch_hook_overhead (it starts this one)\n");
    return 2;
#else
    if (other.empty()) {
        std::string self = argv[0];
        other = self + "_off";
    }
    std::printf("Profiler hooks: compiled in (no profiler active) vs compiled out vs a profiler recording\n");
    std::printf("%s", bm::capture_environment().to_string().c_str());
    std::map<std::string, std::vector<double>> on, off, recording;
    for (int r = 0; r < rounds; ++r) {  // alternate the binaries round by round
        for (auto& [id, v] : measure_here(repeats, false)) on[id].insert(on[id].end(), v.begin(), v.end());
        for (auto& [id, v] : measure_there(other, repeats)) off[id].insert(off[id].end(), v.begin(), v.end());
        std::printf("  round %d of %d done\n", r + 1, rounds);
        std::fflush(stdout);
    }
    for (auto& [id, v] : measure_here(repeats, true)) recording[id] = v;

    std::printf("\n%-9s %-52s %12s %12s %22s %14s\n", "workload", "what", "hooks out", "hooks in",
                "in/out [95% CI]", "recording");
    std::vector<bm::Measurement> all;
    std::vector<bm::Comparison> comparisons;
    for (const Workload& w : workloads()) {
        auto summary = [&](const std::string& name, const std::vector<double>& s) {
            bm::Samples samples;
            samples.name = name;
            samples.seconds_per_call = s;
            return bm::summarize(samples);
        };
        bm::Measurement out = summary(w.id + " hooks compiled out", off[w.id]);
        bm::Measurement in = summary(w.id + " hooks compiled in", on[w.id]);
        bm::Measurement rec = summary(w.id + " profiler recording", recording[w.id]);
        // time ratio in/out = throughput ratio out/in
        bm::Comparison c = bm::compare(in, out, 0.95, 2000, 1);
        std::printf("%-9s %-52s %10.1f ns %10.1f ns %7.3fx [%.3f, %.3f] %11.1f ns\n", w.id.c_str(), w.what.c_str(),
                    out.median_s * 1e9, in.median_s * 1e9, c.ratio, c.ci.low, c.ci.high, rec.median_s * 1e9);
        all.insert(all.end(), {out, in, rec});
        comparisons.push_back(c);
    }
    std::printf("\nin/out = median time with the hooks compiled in / compiled out (%d rounds x %d repeats each,\n"
                "alternating binaries); 1.000 = no cost. recording = the same call while a profiler records it.\n",
                rounds, repeats);
    const std::vector<double> load = bm::load_average();
    std::printf("load average after: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
    bm::write_report("hook_overhead.json", "tinytorch_hook_overhead", bm::capture_environment(), all, comparisons);
    std::printf("JSON report: hook_overhead.json\n");
    return 0;
#endif
}
