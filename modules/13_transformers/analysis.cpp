// modules/13_transformers/analysis.cpp — Module 13 · Transformers: where a GPT's parameters,
// FLOPs, time and memory go. Lesson: modules/13_transformers/README.md (systems questions).
//
// Measures, on this machine, for nanoGPT's character-level CPU model (4 layers, 4 heads,
// 128 dims, vocabulary 65, block 64, batch 16):
//   1. parameters by component (counted from the model's own tensors) and forward FLOPs per
//      token (counted from the shapes), with the *measured* forward time of each component and
//      the GFLOP/s it reaches;
//   2. one training step split into forward, backward and optimizer, in ms and tokens/s;
//   3. activation memory against sequence length T = 64 … 1024: the bytes a forward keeps alive
//      for backward and the peak of forward + backward, read from TinyTorch's storage counters
//      (memory_allocated / max_memory_allocated), next to what the shapes predict;
//   4. generation without a cache: time per new token as the context grows.
// Build: cmake --build <build> --target analysis_13_transformers; run: <build>/bin/analysis_13_transformers
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tinytorch/optimizers/optimizers.hpp"
#include "tinytorch/transformers/transformers.hpp"

using namespace tinytorch;

namespace {

using Clock = std::chrono::steady_clock;

/// Median seconds per call of f over `reps` timed calls (after two warm-up calls).
double median_seconds(const std::function<void()>& f, int reps = 15) {
    f();
    f();
    std::vector<double> t;
    for (int i = 0; i < reps; ++i) {
        auto start = Clock::now();
        f();
        t.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

std::string mb(double bytes) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f MB", bytes / 1e6);
    return b;
}

}  // namespace

int main() {
    const int64_t B = 16, T = 64, C = 128, H = 4, V = 65, L = 4;
    std::printf("Module 13 · Transformers — a GPT's parameters, FLOPs, time and memory\n");
    std::printf("model: nanoGPT's Shakespeare-on-a-CPU GPT (%lld layers, %lld heads, %lld dims, vocabulary %lld, "
                "block %lld), batch %lld, %d thread(s)\n\n", (long long)L, (long long)H, (long long)C, (long long)V,
                (long long)T, (long long)B, get_num_threads());
    manual_seed(13);
    nn::GPT model(nn::GPTConfig{.vocab_size = V, .block_size = T, .n_layer = L, .n_head = H, .n_embd = C});
    Tensor idx = randint(0, V, {B, T}), targets = randint(0, V, {B, T});

    // ---- 1. parameters and forward FLOPs per token, by component ------------------------------------
    std::map<std::string, int64_t> params;
    for (const auto& [key, tensor] : model.named_parameters()) {
        std::string part = key.find("wte") != std::string::npos   ? "token embedding (= lm_head)"
                           : key.find("wpe") != std::string::npos ? "position embedding"
                           : key.find("ln_") != std::string::npos ? "layer norms"
                           : key.find("c_attn") != std::string::npos ? "attention c_attn (q, k, v)"
                           : key.find("attn.c_proj") != std::string::npos ? "attention c_proj"
                           : key.find("c_fc") != std::string::npos ? "MLP c_fc"
                                                                   : "MLP c_proj";
        params[part] += tensor.numel();
    }
    // One forward, one token: a Linear [in -> out] costs 2·in·out FLOPs; attention scores and the
    // weighted sum cost 2·T·C each per layer (every position against T keys, summed over heads;
    // counted for the full T×T square, as the fused kernel computes whole tiles).
    struct Part {
        std::string name;
        double flops;  // per token, forward
        std::function<void()> run;
    };
    NoGradGuard no_grad;
    model.eval();
    Tensor x = model.embed(idx);
    nn::TransformerBlock& b0 = model.block(0);
    Tensor h = b0.ln_1->forward(x);
    auto heads = b0.attn->project_qkv(h);
    Tensor att = b0.attn->attend(heads);
    Tensor h2 = b0.ln_2->forward(x);
    Tensor fc = b0.mlp->c_fc->forward(h2);
    Tensor act = gelu(fc);
    std::vector<Part> parts = {
        {"embeddings (wte + wpe lookup)", 0.0, [&] { (void)model.embed(idx); }},
        {"layer norm (x2 per block)", 2.0 * L * 5 * C, [&] { for (int i = 0; i < 2 * L; ++i) (void)b0.ln_1->forward(x); }},
        {"attention c_attn (q, k, v)", L * 2.0 * C * 3 * C, [&] { for (int i = 0; i < L; ++i) (void)b0.attn->c_attn->forward(h); }},
        {"attention scores + softmax + sum", L * 4.0 * T * C, [&] { for (int i = 0; i < L; ++i) (void)b0.attn->attend(heads); }},
        {"attention c_proj", L * 2.0 * C * C, [&] { for (int i = 0; i < L; ++i) (void)b0.attn->project_out(att); }},
        {"MLP c_fc", L * 2.0 * C * 4 * C, [&] { for (int i = 0; i < L; ++i) (void)b0.mlp->c_fc->forward(h2); }},
        {"MLP gelu (exact)", L * 4.0 * C * 8, [&] { for (int i = 0; i < L; ++i) (void)gelu(fc); }},
        {"MLP c_proj", L * 2.0 * 4 * C * C, [&] { for (int i = 0; i < L; ++i) (void)b0.mlp->c_proj->forward(act); }},
        {"lm_head (tied) + ln_f", 2.0 * C * V, [&] { (void)model.head(x); }},
    };
    std::printf("1. Parameters by component (counted from the model)\n");
    int64_t total_params = 0;
    for (const auto& [part, n] : params) {
        std::printf("   %-30s %9lld\n", part.c_str(), (long long)n);
        total_params += n;
    }
    std::printf("   %-30s %9lld  (%s as float32; tied lm_head counted once)\n\n", "total", (long long)total_params,
                mb(4.0 * total_params).c_str());
    std::printf("   Forward FLOPs per token and measured forward time of a batch [%lld, %lld] (all %lld layers)\n",
                (long long)B, (long long)T, (long long)L);
    std::printf("   %-34s %12s %8s %10s %9s\n", "component", "FLOP/token", "share", "ms/batch", "GFLOP/s");
    double flops_total = 0, ms_total = 0;
    for (const Part& p : parts) flops_total += p.flops;
    for (const Part& p : parts) {
        const double s = median_seconds(p.run);
        ms_total += 1e3 * s;
        std::printf("   %-34s %12.0f %7.1f%% %10.3f %9.2f\n", p.name.c_str(), p.flops, 100.0 * p.flops / flops_total,
                    1e3 * s, p.flops > 0 ? p.flops * B * T / s / 1e9 : 0.0);
    }
    const double fwd = median_seconds([&] { (void)model(idx); });
    std::printf("   %-34s %12.0f %8s %10.3f %9.2f\n", "sum of the parts", flops_total, "", ms_total,
                flops_total * B * T / (ms_total / 1e3) / 1e9);
    std::printf("   %-34s %12s %8s %10.3f %9.2f   (%.0f tokens/s)\n\n", "whole forward, measured", "", "", 1e3 * fwd,
                flops_total * B * T / fwd / 1e9, B * T / fwd);

    // ---- 2. a training step: forward, backward, optimizer ------------------------------------------
    {
        autograd::set_grad_enabled(true);
        model.train();
        auto groups = nn::weight_decay_groups(model);
        optim::AdamW decay(groups.decay, optim::AdamWOptions(1e-3).weight_decay(0.1));
        optim::AdamW rest(groups.no_decay, optim::AdamWOptions(1e-3).weight_decay(0.0));
        std::vector<double> tf, tb, to;
        for (int i = 0; i < 12; ++i) {
            decay.zero_grad();
            rest.zero_grad();
            auto t0 = Clock::now();
            Tensor loss = model.forward(idx, targets).loss;
            auto t1 = Clock::now();
            loss.backward();
            auto t2 = Clock::now();
            decay.step();
            rest.step();
            auto t3 = Clock::now();
            if (i < 2) continue;  // warm-up
            tf.push_back(std::chrono::duration<double>(t1 - t0).count());
            tb.push_back(std::chrono::duration<double>(t2 - t1).count());
            to.push_back(std::chrono::duration<double>(t3 - t2).count());
        }
        auto med = [](std::vector<double> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; };
        const double f = med(tf), bw = med(tb), o = med(to), all = f + bw + o;
        std::printf("2. One training step (batch %lld x %lld tokens, AdamW), median of 10\n", (long long)B, (long long)T);
        std::printf("   forward + loss %8.2f ms (%4.1f%%)\n   backward       %8.2f ms (%4.1f%%)\n"
                    "   AdamW step     %8.2f ms (%4.1f%%)\n   total          %8.2f ms = %.0f tokens/s; "
                    "~%.0f GFLOP/s at 3x the forward FLOPs\n\n",
                    1e3 * f, 100 * f / all, 1e3 * bw, 100 * bw / all, 1e3 * o, 100 * o / all, 1e3 * all, B * T / all,
                    3.0 * flops_total * B * T / all / 1e9);
        autograd::set_grad_enabled(false);
    }

    // ---- 3. activation memory against sequence length ---------------------------------------------
    std::printf("3. Activation memory against sequence length (batch 4, measured from the storage counters)\n");
    std::printf("   %6s %16s %14s %18s %16s %12s\n", "T", "kept for backward", "per token", "peak fwd+bwd", "no-grad peak",
                "predicted");
    for (int64_t t : {64, 128, 256, 512, 1024}) {
        manual_seed(14);
        nn::GPT big(nn::GPTConfig{.vocab_size = V, .block_size = t, .n_layer = L, .n_head = H, .n_embd = C});
        Tensor ids = randint(0, V, {4, t}), tg = randint(0, V, {4, t});
        int64_t kept = 0, peak_train = 0, peak_eval = 0;
        {
            autograd::set_grad_enabled(true);
            big.train();
            const int64_t before = memory_allocated();
            reset_peak_memory_stats();
            Tensor loss = big.forward(ids, tg).loss;
            kept = memory_allocated() - before;  // what the graph holds for backward
            loss.backward();
            peak_train = max_memory_allocated() - before;
            big.zero_grad();
        }
        {
            autograd::set_grad_enabled(false);
            const int64_t before = memory_allocated();
            reset_peak_memory_stats();
            (void)big(ids);
            peak_eval = max_memory_allocated() - before;
        }
        // Prediction per token: a node keeps its *inputs* alive until backward, so every
        // intermediate of the graph is kept, per layer: ln_1 (C), c_attn's product and the sum with
        // its bias (3C + 3C; q, k, v are views), attention output (C), heads merged (C), c_proj
        // product + bias (2C), residual sum (C), ln_2 (C), c_fc product + bias (4C + 4C), gelu (4C),
        // c_proj product + bias (2C), residual sum (C): 29C floats. Plus the embeddings and ln_f
        // (3C) and the logits, their flat copy and the softmax the loss saves (3V).
        const double predicted = 4.0 * 4 * t * (L * 29.0 * C + 3.0 * C + 3.0 * V);
        std::printf("   %6lld %16s %11.1f KB %18s %16s %12s\n", (long long)t, mb(kept).c_str(), kept / 4.0 / t / 1e3,
                    mb(peak_train).c_str(), mb(peak_eval).c_str(), mb(predicted).c_str());
    }
    std::printf("   (fused attention keeps no T x T matrix: the kept bytes grow linearly with T; a naive\n"
                "    attention would add 4 bytes x heads x T^2 per layer and sequence for the softmax weights;\n"
                "    the no-grad peak is a few activations at a time: nothing is kept)\n\n");

    // ---- 4. generation without a cache -----------------------------------------------------------
    std::printf("4. Generation without a cache: every new token re-runs the whole context (batch 1)\n");
    std::printf("   %8s %14s %14s\n", "context", "ms/token", "tokens/s");
    model.eval();
    for (int64_t ctx : {1, 8, 16, 32, 64}) {
        Tensor prompt = randint(0, V, {1, ctx});
        const double s = median_seconds([&] { (void)model(prompt); }, 21);
        std::printf("   %8lld %14.3f %14.0f\n", (long long)ctx, 1e3 * s, 1.0 / s);
    }
    std::printf("   (a KV cache, module 18, keeps each layer's keys and values so a new token costs one position)\n");
    return 0;
}
