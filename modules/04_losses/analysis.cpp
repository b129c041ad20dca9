// modules/04_losses/analysis.cpp — Module 04 · Losses: what a loss costs, and why the fused ones.
//
// Measures, on this machine, single-threaded (CPU time of the thread):
//   1. cross-entropy on [B, C] logits for B in {32, 256, 1024}, C in {10, 1000}: fused vs composed
//      (log_softmax + nll_loss), with and without recording, and the memory kept for backward;
//   2. the other losses on the same [B, C] outputs;
//   3. stability: textbook vs composed vs fused cross-entropy, BCE of a sigmoid vs BCE with logits;
//   4. label smoothing: the loss of a confident right answer no longer goes to 0;
//   5. reductions: mean does not grow with the batch, sum does.
// Build and run:  cmake --build build/dev --target analysis_04_losses && build/dev/bin/analysis_04_losses
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "tinytorch/benchmarking/harness.hpp"  // module 19's timer (ready-made)
#include "tinytorch/losses/losses.hpp"

using namespace tinytorch;
namespace F = tinytorch::nn::functional;
using nn::Reduction;

/// Median CPU time of f() in ms, by module 19's harness with the thread's CPU clock: other
/// programs on a busy machine do not inflate it.
double time_ms(const std::function<void()>& f) {
    return tinytorch::benchmark::seconds_per_call(f, 5, 0.02, 0.0, tinytorch::benchmark::thread_cpu_seconds) * 1e3;
}

/// Bytes of the non-leaf tensors and saved tensors the autograd graph behind `out` references:
/// what stays alive until backward runs (the leaves, e.g. the logits, are not counted).
size_t graph_bytes(const Tensor& out) {
    std::set<const Storage*> seen;
    std::set<const autograd::Node*> visited;
    size_t bytes = 0;
    std::vector<const autograd::Node*> stack{out.grad_fn().get()};
    while (!stack.empty()) {
        const autograd::Node* n = stack.back();
        stack.pop_back();
        if (!n || !visited.insert(n).second) continue;
        for (const Tensor& t : n->inputs) {
            if (t.defined() && !t.is_leaf() && seen.insert(t.storage().get()).second) bytes += t.storage()->nbytes();
            if (t.grad_fn()) stack.push_back(t.grad_fn().get());
        }
        for (const Tensor& t : n->saved)
            if (t.defined() && seen.insert(t.storage().get()).second) bytes += t.storage()->nbytes();
    }
    return bytes;
}

int main() {
    set_num_threads(1);
    manual_seed(0);
    std::printf("Module 04 · Losses — systems analysis (1 thread, float32, CPU time of the thread)\n\n");

    // ---- 1. cross-entropy: fused vs composed ---------------------------------------------------------
    std::printf("1. Cross-entropy on [B, C] logits (mean reduction). 'kept' = bytes the graph holds for backward\n");
    std::printf("   %5s %5s %9s | %10s %10s %11s | %9s %9s | %9s %10s\n", "B", "C", "logits MB", "fused ms",
                "+record ms", "composed ms", "ns/logit", "composed/", "kept MB", "kept MB");
    std::printf("   %5s %5s %9s | %10s %10s %11s | %9s %9s | %9s %10s\n", "", "", "", "(no grad)", "(fused)",
                "(recorded)", "(fused)", "fused", "(fused)", "(composed)");
    for (int64_t c : {10, 1000})
        for (int64_t b : {32, 256, 1024}) {
            Tensor logits = randn({b, c}) * 2.f;
            Tensor target = randint(0, c, {b});
            Tensor leaf = logits.detach().clone().requires_grad_();
            const double plain = time_ms([&] { F::cross_entropy(logits, target); });
            const double recorded = time_ms([&] { F::cross_entropy(leaf, target); });
            const double composed = time_ms([&] { F::cross_entropy_naive(leaf, target); });
            const size_t kept_fused = graph_bytes(F::cross_entropy(leaf, target));
            const size_t kept_composed = graph_bytes(F::cross_entropy_naive(leaf, target));
            std::printf("   %5lld %5lld %9.3f | %10.4f %10.4f %11.4f | %9.2f %8.1fx | %9.3f %10.3f\n",
                        static_cast<long long>(b), static_cast<long long>(c), logits.nbytes() / 1e6, plain, recorded,
                        composed, plain * 1e6 / static_cast<double>(b * c), composed / recorded, kept_fused / 1e6,
                        kept_composed / 1e6);
        }
    std::printf("   The fused loss reads the logits once per row pass and, without grad, allocates only [B] losses.\n"
                "   Recording adds one [B, C] write (the softmax backward needs). The composed route writes\n"
                "   [B, C] log-probs, then gathers: more passes, and for small B the fixed per-op costs\n"
                "   (allocation, validation, graph nodes) dominate. Both keep about one [B, C] tensor alive.\n\n");

    // ---- 2. the other losses on [B, C] outputs ---------------------------------------------------------
    std::printf("2. Other losses on [1024, 1000] outputs (4.1 MB), recorded: time and memory kept for backward\n");
    std::printf("   %-46s %9s %9s %7s\n", "loss", "ms", "kept MB", "nodes");
    {
        Tensor out = (randn({1024, 1000}) * 2.f).requires_grad_();
        Tensor probs_target = rand({1024, 1000});
        Tensor labels = randint(0, 1000, {1024});
        auto nodes = [](const Tensor& loss) {
            std::set<const autograd::Node*> seen;
            std::vector<const autograd::Node*> stack{loss.grad_fn().get()};
            while (!stack.empty()) {
                const autograd::Node* n = stack.back();
                stack.pop_back();
                if (!n || !seen.insert(n).second) continue;
                for (const Tensor& t : n->inputs)
                    if (t.grad_fn()) stack.push_back(t.grad_fn().get());
            }
            return static_cast<int>(seen.size());
        };
        struct Row {
            const char* name;
            std::function<Tensor()> run;
        };
        Tensor probs = sigmoid(out.detach());
        Tensor probs_leaf = probs.clone().requires_grad_();
        std::vector<Row> rows = {
            {"cross_entropy (fused)", [&] { return F::cross_entropy(out, labels); }},
            {"cross_entropy_naive (log_softmax + nll_loss)", [&] { return F::cross_entropy_naive(out, labels); }},
            {"mse_loss (composed: sub, pow, mean)", [&] { return F::mse_loss(out, probs_target); }},
            {"binary_cross_entropy_with_logits (fused)",
             [&] { return F::binary_cross_entropy_with_logits(out, probs_target); }},
            {"binary_cross_entropy on probabilities (composed)",
             [&] { return F::binary_cross_entropy(probs_leaf, probs_target); }},
        };
        for (const Row& r : rows) {
            const double ms = time_ms([&] { r.run(); });
            Tensor loss = r.run();
            std::printf("   %-46s %9.3f %9.2f %7d\n", r.name, ms, graph_bytes(loss) / 1e6, nodes(loss));
        }
        std::printf("   BCE on probabilities checks every value, then builds ~15 element-wise ops (two clamped logs,\n"
                    "   products, sums), each a full pass and a full-size temporary the graph keeps.\n\n");
    }

    // ---- 3. stability ----------------------------------------------------------------------------------
    std::printf("3. Cross-entropy of logits s * [1, 2, 3] with target 0 (true value 2s + log(1 + e^-s + e^-2s))\n");
    std::printf("   %8s %16s %16s %16s\n", "s", "-log softmax[0]", "composed", "fused");
    for (float s : {1.f, 10.f, 20.f, 30.f, 50.f, 100.f, 1000.f}) {
        float e0 = std::exp(s), e1 = std::exp(2 * s), e2 = std::exp(3 * s);
        const float textbook = -std::log(e0 / (e0 + e1 + e2));
        Tensor logits = Tensor({{s, 2 * s, 3 * s}}), t = Tensor({0.f});
        std::printf("   %8g %16.6g %16.6g %16.6g\n", s, textbook, F::cross_entropy_naive(logits, t).item(),
                    F::cross_entropy(logits, t).item());
    }
    std::printf("   The textbook route overflows exp (inf/inf = NaN) or underflows the probability (log 0 = inf);\n"
                "   log-sum-exp with the max subtracted stays exact.\n\n");
    std::printf("   Binary cross-entropy of x with target 1 (true value log(1 + e^-x))\n");
    std::printf("   %8s %22s %22s\n", "x", "BCE(sigmoid(x), 1)", "BCE with logits");
    for (float v : {5.f, 0.f, -5.f, -20.f, -50.f, -87.f, -100.f, -200.f, -1000.f}) {
        Tensor x = Tensor({v}), t = Tensor({1.f});
        std::printf("   %8g %22.8g %22.8g\n", v, F::binary_cross_entropy(sigmoid(x), t).item(),
                    F::binary_cross_entropy_with_logits(x, t).item());
    }
    std::printf("   Once sigmoid(x) underflows (x < -87 in float32) BCE can only say log(0) -> clamped at 100;\n"
                "   the gradient there is lost too. With logits the loss (and its gradient sigma(x) - t) stays exact.\n\n");

    // ---- 4. label smoothing -------------------------------------------------------------------------------
    std::printf("4. Label smoothing, C = 10: loss of the logits [d, 0, ..., 0] for the right class 0\n");
    std::printf("   %8s %14s %14s %14s\n", "margin d", "eps = 0", "eps = 0.1", "eps = 0.3");
    for (float d : {0.f, 2.f, 4.f, 6.f, 8.f, 10.f, 20.f, 50.f}) {
        std::vector<float> row(10, 0.f);
        row[0] = d;
        Tensor logits = Tensor(row, {1, 10}), t = Tensor({0.f});
        std::printf("   %8g %14.5f %14.5f %14.5f\n", d, F::cross_entropy(logits, t).item(),
                    F::cross_entropy(logits, t, Reduction::Mean, 0.1).item(),
                    F::cross_entropy(logits, t, Reduction::Mean, 0.3).item());
    }
    std::printf("   Without smoothing the loss keeps falling as the margin grows, so training pushes logits apart\n"
                "   forever. With eps the target keeps eps/C on every class: the loss has a minimum at a finite\n"
                "   margin (d = log(C(1-eps)/eps + 1) ~ 4.5 for eps = 0.1) and grows again beyond it.\n\n");

    // ---- 5. reductions ---------------------------------------------------------------------------------------
    std::printf("5. Reductions: same data distribution, growing batch (cross-entropy, C = 10)\n");
    std::printf("   %6s %12s %12s\n", "B", "mean", "sum");
    for (int64_t b : {32, 256, 1024, 8192}) {
        Tensor logits = randn({b, 10}), t = randint(0, 10, {b});
        std::printf("   %6lld %12.4f %12.1f\n", static_cast<long long>(b), F::cross_entropy(logits, t).item(),
                    F::cross_entropy(logits, t, Reduction::Sum).item());
    }
    std::printf("   Mean keeps the loss (and the gradient scale, so the learning rate) independent of B; with sum,\n"
                "   doubling the batch doubles every gradient.\n");
    return 0;
}
