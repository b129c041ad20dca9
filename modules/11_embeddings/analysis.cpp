// modules/11_embeddings/analysis.cpp — Module 11 · Embeddings: what a table costs, how fast a lookup
// is, and how three position schemes behave past the length they were trained on. Measured.
// Lesson: modules/11_embeddings/README.md (systems questions at the end).
//
//   1. table memory: parameters and bytes of vocabulary × width tables from a char-level model to
//      GPT-2 and LLaMA-3; for GPT-2's 50,257 × 768 the resident memory of a real nn::Embedding is
//      measured (growth of VmRSS in /proc/self/status) next to the computed size;
//   2. lookup throughput (tokens/s and GB/s copied) against batch and sequence length, for a small
//      and a GPT-2-sized table, and the scatter-add backward;
//   3. extrapolation: a position-only attention score is trained to find the token 3 places back
//      ("previous-token head") on positions 0..T-1 with a learned table, the sinusoidal table and
//      RoPE; its accuracy is then measured on positions T..2T-1, which it never saw;
//   4. how the score between two positions depends on their distance: sinusoidal PE·PE, and RoPE's
//      <R_m q, R_n q> for q = all ones (the "long-term decay" of the RoPE paper).
// Build: cmake --build --preset release --target analysis_11_embeddings;
// run:   build/release/bin/analysis_11_embeddings [--quick]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "tinytorch/embeddings/embeddings.hpp"

using namespace tinytorch;

namespace {
using Clock = std::chrono::steady_clock;

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

/// Random token ids in 0..V-1 as a float tensor [B, T].
Tensor random_ids(int64_t B, int64_t T, int64_t V, uint64_t seed) {
    Generator gen(seed);
    std::vector<float> v(static_cast<size_t>(B * T));
    for (float& x : v) x = static_cast<float>(gen.randint(static_cast<uint64_t>(V)));
    return Tensor(v, {B, T});
}

// ---- 3. the extrapolation experiment --------------------------------------------------------------

enum class Scheme { learned, sinusoidal, rotary };
const char* scheme_name(Scheme s) {
    return s == Scheme::learned ? "learned" : s == Scheme::sinusoidal ? "sinusoidal" : "RoPE";
}

/// A one-head, position-only attention: every token has the same content, so the only way to find
/// "the token 3 places back" is the position scheme. scores[m, n] = q_m · k_n / √d over n <= m.
///   learned:    q_m = Wq P[m], k_n = Wk P[n]   with a trained table P [2T, D] (rows >= T never trained)
///   sinusoidal: q_m = Wq PE[m], k_n = Wk PE[n]  with the fixed table
///   rotary:     q_m = R_m (Wq c), k_n = R_n (Wk c) with a trained content vector c
struct PositionHead {
    Scheme scheme;
    int64_t D, d, max_len;
    Tensor table, content, Wq, Wk;
    mutable nn::RotaryEmbedding rope;  // forward is not const (Module::forward)

    PositionHead(Scheme s, int64_t D_, int64_t d_, int64_t max_len_, Generator& gen)
        : scheme(s), D(D_), d(d_), max_len(max_len_), rope(d_, max_len_) {
        if (s == Scheme::learned) table = (randn({max_len, D}, gen) * 0.5f).requires_grad_();
        if (s == Scheme::sinusoidal) table = sinusoidal_position_encoding(max_len, D);
        content = randn({1, D}, gen).requires_grad_();
        Wq = (randn({D, d}, gen) * (1.0f / std::sqrt(static_cast<float>(D)))).requires_grad_();
        Wk = (randn({D, d}, gen) * (1.0f / std::sqrt(static_cast<float>(D)))).requires_grad_();
    }
    std::vector<Tensor> parameters() const {
        std::vector<Tensor> p{Wq, Wk};
        if (scheme == Scheme::learned) p.push_back(table);
        if (scheme == Scheme::rotary) p.push_back(content);
        return p;
    }
    /// Scores [L, L] of positions 0..L-1 (causal: -1e9 above the diagonal, a finite stand-in for
    /// -inf so that log_softmax times a zero target stays finite).
    Tensor scores(int64_t L) const {
        Tensor q, k;
        if (scheme == Scheme::rotary) {
            const Tensor x = content.expand({L, D});
            q = rope.forward(x.matmul(Wq));
            k = rope.forward(x.matmul(Wk));
        } else {
            const Tensor x = table.narrow(0, 0, L);
            q = x.matmul(Wq);
            k = x.matmul(Wk);
        }
        Tensor s = q.matmul(k.t()) * (1.0f / std::sqrt(static_cast<float>(d)));
        Tensor above = empty({L, L});
        for (int64_t i = 0; i < L; ++i)
            for (int64_t j = i + 1; j < L; ++j) above.data_ptr()[i * L + j] = -1e9f;
        return s + above;
    }
};

/// One-hot targets [L, L]: row m points at m - offset (rows m < offset have none and are masked).
Tensor targets(int64_t L, int64_t offset) {
    Tensor t = zeros({L, L});
    for (int64_t m = offset; m < L; ++m) t.data_ptr()[m * L + m - offset] = 1.0f;
    return t;
}

/// Fraction of rows lo..hi-1 whose highest score is at m - offset.
double accuracy(const Tensor& scores, int64_t lo, int64_t hi, int64_t offset) {
    const Tensor best = scores.argmax(-1);
    int64_t right = 0;
    for (int64_t m = lo; m < hi; ++m) right += static_cast<int64_t>(best.at({m})) == m - offset ? 1 : 0;
    return static_cast<double>(right) / static_cast<double>(hi - lo);
}

/// Trains a head with Adam (written out: modules 07+ are not needed here) on positions 0..T-1.
/// Returns {accuracy on offset..T-1, accuracy on T..2T-1, final training loss}.
std::vector<double> train_and_test(Scheme scheme, int64_t T, int steps, uint64_t seed) {
    const int64_t offset = 3, D = 32, d = 16;
    Generator gen(seed);
    PositionHead head(scheme, D, d, 2 * T, gen);
    const std::vector<Tensor> params = head.parameters();
    std::vector<Tensor> m1, m2;
    for (const Tensor& p : params) {
        m1.push_back(zeros(p.shape()));
        m2.push_back(zeros(p.shape()));
    }
    const Tensor target = targets(T, offset);
    const float count = static_cast<float>(T - offset), lr = 0.03f, b1 = 0.9f, b2 = 0.999f;
    double loss_value = 0.0;
    for (int step = 1; step <= steps; ++step) {
        for (Tensor p : params) p.zero_grad();
        Tensor loss = (log_softmax(head.scores(T), -1) * target).sum() * (-1.0f / count);
        loss.backward();
        loss_value = loss.item();
        NoGradGuard no_grad;
        const float c1 = 1.0f - std::pow(b1, static_cast<float>(step)), c2 = 1.0f - std::pow(b2, static_cast<float>(step));
        for (size_t i = 0; i < params.size(); ++i) {
            const Tensor& g = params[i].grad();
            if (!g.defined()) continue;
            m1[i].mul_(b1).add_(g, 1.0f - b1);
            m2[i].mul_(b2).add_(g * g, 1.0f - b2);
            Tensor p = params[i];
            p.sub_((m1[i] / c1) / ((m2[i] / c2).sqrt() + 1e-8f) * lr);
        }
    }
    NoGradGuard no_grad;
    const Tensor all = head.scores(2 * T);
    return {accuracy(all, offset, T, offset), accuracy(all, T, 2 * T, offset), loss_value};
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
    std::printf("TinyTorch C++ · module 11 analysis · threads: %d · load average: %s\n", get_num_threads(),
                load_average().c_str());

    // ---- 1. table memory -------------------------------------------------------------------------------
    std::printf("\n1. Embedding tables in float32: parameters, bytes, and with Adam (gradient + two moments)\n\n");
    std::printf("  %-34s %12s %12s %14s\n", "table (vocab x width)", "params", "MB", "MB with Adam");
    struct Table {
        const char* name;
        int64_t V, D;
    };
    const Table tables[] = {{"char-level GPT (65 x 128)", 65, 128},
                            {"BPE 10k x 256", 10000, 256},
                            {"GPT-2 small (50,257 x 768)", 50257, 768},
                            {"GPT-2 XL (50,257 x 1,600)", 50257, 1600},
                            {"LLaMA-3 8B (128,256 x 4,096)", 128256, 4096}};
    for (const Table& t : tables) {
        const double params = static_cast<double>(t.V) * static_cast<double>(t.D), mb = params * 4 / 1e6;
        std::printf("  %-34s %12.0f %12.1f %14.1f\n", t.name, params, mb, 4 * mb);
    }
    {
        const long before = status_kb("VmRSS");
        manual_seed(0);
        nn::Embedding gpt2(50257, 768);
        const long after = status_kb("VmRSS");
        std::printf("\n  measured: nn::Embedding(50257, 768) grew the resident set by %.1f MB (computed: %.1f MB)\n",
                    (after - before) / 1024.0, 50257.0 * 768 * 4 / 1e6);
    }

    // ---- 2. lookup throughput -----------------------------------------------------------------------------
    std::printf("\n2. Lookup (forward) and scatter-add (backward) throughput, width 768\n\n");
    std::printf("  %-8s %5s %6s | %12s %10s | %12s\n", "vocab", "B", "T", "fwd Mtok/s", "fwd GB/s", "bwd ms");
    for (int64_t V : {1000, 50257}) {
        manual_seed(1);
        nn::Embedding emb(V, 768);
        std::vector<std::pair<int64_t, int64_t>> sizes = {{1, 64}, {16, 64}, {16, 256}, {64, 256}, {8, 1024}};
        if (quick) sizes = {{1, 64}, {16, 256}};
        for (auto [B, T] : sizes) {
            const Tensor ids = random_ids(B, T, V, 2);
            double fwd = 0.0;
            {
                NoGradGuard no_grad;
                fwd = best_seconds(quick ? 3 : 10, [&] { emb.forward(ids); });
            }
            const Tensor g = ones({B, T, 768});
            const double both = best_seconds(quick ? 3 : 10, [&] {
                emb.zero_grad();
                emb.forward(ids).backward(g);
            });
            const double tokens = static_cast<double>(B * T);
            // bytes moved by a lookup: read a row and write it (2 · 768 · 4 bytes per token)
            std::printf("  %-8lld %5lld %6lld | %12.1f %10.1f | %12.1f\n", static_cast<long long>(V),
                        static_cast<long long>(B), static_cast<long long>(T), tokens / fwd / 1e6,
                        tokens * 2 * 768 * 4 / fwd / 1e9, std::max(both - fwd, 0.0) * 1e3);
        }
    }
    std::printf("  (backward = (forward + backward) minus forward: the scatter-add of B·T rows plus allocating\n"
                "   and zeroing the dense [vocab, 768] gradient, which dominates for the big table)\n");

    // ---- 3. extrapolation -----------------------------------------------------------------------------------
    const int64_t T = 64;
    const int steps = quick ? 60 : 400;
    std::printf("\n3. Past the trained length: a position-only attention head learns to attend 3 tokens back on\n"
                "   positions 0..%lld (%d Adam steps), then is asked about positions %lld..%lld. Accuracy = the\n"
                "   highest score is at m - 3. Chance is about 1/m.\n\n",
                static_cast<long long>(T - 1), steps, static_cast<long long>(T), static_cast<long long>(2 * T - 1));
    std::printf("  %-12s %14s %16s %16s\n", "scheme", "final loss", "acc 3..63", "acc 64..127");
    for (Scheme s : {Scheme::learned, Scheme::sinusoidal, Scheme::rotary}) {
        auto t0 = Clock::now();
        const std::vector<double> r = train_and_test(s, T, steps, 11);
        const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        std::printf("  %-12s %14.4f %15.1f%% %15.1f%%   (%.2f s)\n", scheme_name(s), r[2], 100 * r[0], 100 * r[1], secs);
    }

    // ---- 4. score against distance --------------------------------------------------------------------------
    std::printf("\n4. Score against distance k (width 64): sinusoidal PE[t]·PE[t+k] / |PE[t]|^2 and RoPE\n"
                "   <R_t q, R_(t+k) q> / |q|^2 with q = ones — both the same for every t. Both equal\n"
                "   (2/d)·Σ_i cos(k·θ_i): RoPE on a constant vector IS the sinusoidal similarity; it decays with\n"
                "   distance, unevenly (the slow frequencies dominate far away).\n\n");
    {
        const Tensor pe = sinusoidal_position_encoding(4096 + 1, 64);
        nn::RotaryEmbedding rope(64, 4096 + 1);
        const Tensor q = ones({4096 + 1, 64});
        const Tensor rq = rope.forward(q);
        std::printf("  %8s %16s %16s\n", "k", "sinusoidal", "RoPE");
        for (int64_t k : {0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096}) {
            const float sin_dot = (pe[0] * pe[k]).sum().item() / (pe[0] * pe[0]).sum().item();
            const float rope_dot = (rq[0] * rq[k]).sum().item() / 64.0f;
            std::printf("  %8lld %16.4f %16.4f\n", static_cast<long long>(k), sin_dot, rope_dot);
        }
    }
    std::printf("\nload average at the end: %s\n", load_average().c_str());
    return 0;
}
