// modules/06_autograd/analysis.cpp — target analysis_06_autograd
// Module 06 · Autograd — what backward costs, measured.
//
//   1. forward vs backward time for an MLP step (and forward under NoGradGuard);
//   2. the graph one step records: nodes, and bytes of activations it keeps alive;
//   3. why the topological order matters: rule calls of a per-path recursive backward vs the
//      engine, for y = y + y chains of length 5..20;
//   4. the matmul backward fast path for a shared weight vs the general batched rule.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <unordered_set>
#include <vector>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/losses/losses.hpp"

using namespace tinytorch;

namespace {

double seconds_now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// Best (minimum) wall time of `reps` runs of f after one warm-up run. The minimum, not the
/// median: on a shared machine the other runs measure the neighbours, not our code.
double best_time(int reps, const std::function<void()>& f) {
    f();
    double best = 1e30;
    for (int i = 0; i < reps; ++i) {
        double start = seconds_now();
        f();
        best = std::min(best, seconds_now() - start);
    }
    return best;
}

struct GraphSize {
    int64_t nodes = 0;
    int64_t activation_bytes = 0;  ///< storages of non-leaf inputs and saved tensors
};

/// Visit the graph behind `root` breadth-first and measure what it keeps alive.
GraphSize measure_graph(const Tensor& root) {
    GraphSize size;
    std::unordered_set<const Storage*> buffers;
    auto count_buffer = [&](const Tensor& t) {
        if (buffers.insert(t.storage().get()).second) size.activation_bytes += t.storage()->nbytes();
    };
    std::vector<const autograd::Node*> queue;
    std::unordered_set<const autograd::Node*> queued;
    if (root.grad_fn()) queue.push_back(root.grad_fn().get());
    for (size_t k = 0; k < queue.size(); ++k) {
        for (const Tensor& t : queue[k]->saved) count_buffer(t);
        for (const Tensor& t : queue[k]->inputs) {
            if (t.is_leaf()) continue;  // parameters and data exist anyway
            count_buffer(t);
            if (queued.insert(t.grad_fn().get()).second) queue.push_back(t.grad_fn().get());
        }
    }
    size.nodes = static_cast<int64_t>(queue.size());
    return size;
}

/// The original TinyTorch's backward: each tensor passes its gradient on at once, per path.
void recursive_backward(const Tensor& t, const Tensor& g, int64_t& rule_calls, Tensor& leaf_grad) {
    const auto& node = t.grad_fn();
    if (!node) {
        leaf_grad = leaf_grad.defined() ? leaf_grad + g : g;
        return;
    }
    std::vector<Tensor> grads = autograd::find_rule(node->name)(*node, g);
    ++rule_calls;
    for (size_t i = 0; i < node->inputs.size(); ++i)
        if (node->inputs[i].requires_grad() && grads[i].defined())
            recursive_backward(node->inputs[i], grads[i], rule_calls, leaf_grad);
}

}  // namespace

int main(int argc, char** argv) {
    // One thread by default: timings on a shared machine are steadier; pass a number for more.
    set_num_threads(argc > 1 ? std::atoi(argv[1]) : 1);
    std::printf("Module 06 · Autograd — analysis (threads: %d; usage: analysis_06_autograd [threads])\n\n",
                get_num_threads());

    // ---- 1. forward vs backward for an MLP step ---------------------------------------------------
    const int64_t batch = 128, in = 784, hidden = 256, classes = 10;
    Generator gen(6);
    Tensor x = randn({batch, in}, gen);
    Tensor target = randint(0, classes, {batch}, gen);
    Tensor w1 = randn({in, hidden}, gen).mul(0.05f).requires_grad_(), b1 = zeros({hidden}).requires_grad_();
    Tensor w2 = randn({hidden, classes}, gen).mul(0.05f).requires_grad_(), b2 = zeros({classes}).requires_grad_();
    auto forward = [&] {
        Tensor h = relu(x.matmul(w1) + b1);
        return nn::functional::cross_entropy(h.matmul(w2) + b2, target);
    };
    const double gemm_flops = 2.0 * batch * (in * hidden + hidden * classes);
    // Backward: layer 2 needs two GEMMs (g@W2^T for h, h^T@g for W2), layer 1 only x^T@g — the
    // data x needs no gradient — so the backward does about as much GEMM work as the forward.
    const double backward_flops = 2.0 * batch * (in * hidden + 2 * hidden * classes);
    // Interleaved repetitions (forward, backward, no-grad forward), so that a busy machine
    // slows all three alike; the best of each is reported.
    std::vector<double> fwd, bwd, fwd_nograd;
    for (int rep = 0; rep < 25; ++rep) {
        double start = seconds_now();
        Tensor loss = forward();
        fwd.push_back(seconds_now() - start);
        start = seconds_now();
        loss.backward();
        bwd.push_back(seconds_now() - start);
        for (Tensor* p : {&w1, &b1, &w2, &b2}) p->zero_grad();
        start = seconds_now();
        {
            NoGradGuard guard;
            forward();
        }
        fwd_nograd.push_back(seconds_now() - start);
    }
    auto best = [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); };
    const double t_fwd = best(fwd), t_bwd = best(bwd), t_fwd_nograd = best(fwd_nograd);
    std::printf("1. One step of an MLP %lld -> %lld -> %lld, batch %lld (GEMM work: %.1f MFLOP forward)\n",
                (long long)in, (long long)hidden, (long long)classes, (long long)batch, gemm_flops / 1e6);
    std::printf("   %-34s %10s %12s\n", "pass (best of 25)", "time (ms)", "GFLOP/s");
    std::printf("   %-34s %10.3f %12.2f\n", "forward, recording the graph", t_fwd * 1e3, gemm_flops / t_fwd / 1e9);
    std::printf("   %-34s %10.3f %12.2f\n", "forward under NoGradGuard", t_fwd_nograd * 1e3,
                gemm_flops / t_fwd_nograd / 1e9);
    std::printf("   %-34s %10.3f %12.2f\n", "backward", t_bwd * 1e3, backward_flops / t_bwd / 1e9);
    std::printf("   backward / forward = %.2f  (GEMM work back / forward = %.2f: a GEMM needs two GEMMs back,\n"
                "   g@W^T and x^T@g, but the first layer needs only x^T@g because the data x needs no gradient)\n\n",
                t_bwd / t_fwd, backward_flops / gemm_flops);

    // ---- 2. the graph one step records ------------------------------------------------------------
    Tensor loss = forward();
    GraphSize g = measure_graph(loss);
    int64_t param_bytes = 0;
    for (Tensor* p : {&w1, &b1, &w2, &b2}) param_bytes += static_cast<int64_t>(p->nbytes());
    Tensor eval_loss;
    {
        NoGradGuard guard;
        eval_loss = forward();
    }
    std::printf("2. The graph of one step\n");
    std::printf("   %-40s %12s\n", "", "value");
    std::printf("   %-40s %12lld\n", "nodes recorded", (long long)g.nodes);
    std::printf("   %-40s %12.1f\n", "activations kept for backward (KiB)", g.activation_bytes / 1024.0);
    std::printf("   %-40s %12.1f\n", "parameters (KiB)", param_bytes / 1024.0);
    std::printf("   %-40s %12lld\n", "nodes recorded under NoGradGuard", (long long)(eval_loss.grad_fn() ? 1 : 0));
    loss.backward();
    std::printf("   %-40s %12s\n", "after backward: loss node released", loss.grad_fn()->released ? "yes" : "no");
    std::printf("   %-40s %12lld\n\n", "nodes still reachable from the loss", (long long)measure_graph(loss).nodes - 1);

    // ---- 3. per-path recursion vs topological order -----------------------------------------------
    std::printf("3. y = y + y repeated L times: 2^L paths from x to y, L nodes\n");
    std::printf("   %4s %14s %14s %12s %12s %12s\n", "L", "dy/dx", "recursive", "recursive", "engine", "engine");
    std::printf("   %4s %14s %14s %12s %12s %12s\n", "", "", "rule calls", "time (ms)", "rule calls", "time (ms)");
    for (int L : {5, 8, 10, 12, 15, 18, 20}) {
        Tensor leaf = Tensor({1.f}).requires_grad_();
        Tensor y = leaf;
        for (int i = 0; i < L; ++i) y = y + y;
        int64_t calls = 0;
        Tensor naive_grad;
        double start = seconds_now();
        {
            NoGradGuard guard;
            recursive_backward(y, ones({1}), calls, naive_grad);
        }
        double t_naive = seconds_now() - start;
        start = seconds_now();
        y.backward();
        double t_engine = seconds_now() - start;
        std::printf("   %4d %14.0f %14lld %12.3f %12lld %12.3f\n", L, naive_grad.item(), (long long)calls,
                    t_naive * 1e3, (long long)autograd::last_backward_stats().rule_calls, t_engine * 1e3);
    }
    std::printf("   the recursion runs 2^L - 1 rules; the engine runs each node once.\n\n");

    // ---- 4. matmul backward: one folded GEMM vs a batch of GEMMs and a sum ------------------------------
    const int64_t B = 16, T = 64, K = 256, N = 256;
    Tensor a = randn({B, T, K}, gen), gout = randn({B, T, N}, gen);
    double t_general = best_time(7, [&] { a.transpose(-1, -2).matmul(gout).sum_to({K, N}); });
    double t_folded = best_time(7, [&] { a.reshape({-1, K}).t().matmul(gout.reshape({-1, N})); });
    std::printf("4. dW of a shared weight, x [%lld, %lld, %lld], W [%lld, %lld]\n", (long long)B, (long long)T,
                (long long)K, (long long)K, (long long)N);
    std::printf("   %-44s %10s\n", "rule (best of 7)", "time (ms)");
    std::printf("   %-44s %10.3f\n", "general: B GEMMs x^T@g, then sum over B", t_general * 1e3);
    std::printf("   %-44s %10.3f\n", "fast path: one [K, B*T] @ [B*T, N] GEMM", t_folded * 1e3);
    std::printf("   speed-up %.1fx, and no [B, K, N] temporary (%.1f MiB)\n", t_general / t_folded,
                B * K * N * 4.0 / (1 << 20));
    return 0;
}
