// modules/09_convolutions/analysis.cpp — where the FLOPs, the memory and the time of a CNN go.
//   1. per layer of LeNet-5 and of a CIFAR-10 conv block: output shape, parameters, forward
//      FLOPs and activation memory at batch 64
//   2. conv2d (im2col + GEMM) against a plain GEMM of the same size (M = out_channels,
//      K = in·k·k, N = Ho·Wo·batch): achieved GFLOP/s forward and backward
//   3. the seven loops against im2col + GEMM: same arithmetic, very different speed
//   4. the column buffer: what one thread holds, and what storing it for backward would cost
//   5. BatchNorm2d: the fused kernel against the reference built from tensor ops
//   6. a whole forward + backward of both networks at batch 64: images per second
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "tinytorch/convolutions/convolutions.hpp"

using namespace tinytorch;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

/// Best (shortest) time of `repeats` runs of f after one warm-up run, in milliseconds. On a
/// shared machine other programs only ever add time, so the best run is the fairest estimate.
template <typename F>
double best_ms(int repeats, F&& f) {
    f();
    double best = 1e300;
    for (int i = 0; i < repeats; ++i) {
        auto t0 = Clock::now();
        f();
        best = std::min(best, ms_since(t0));
    }
    return best;
}

/// Best time of `repeats` runs of backward alone: each run first builds its graph (not timed).
template <typename Forward>
double best_backward_ms(int repeats, Forward&& forward, const Tensor& grad) {
    double best = 1e300;
    for (int i = 0; i <= repeats; ++i) {  // run 0 is the warm-up
        Tensor y = forward();
        auto t0 = Clock::now();
        y.backward(grad);
        if (i > 0) best = std::min(best, ms_since(t0));
    }
    return best;
}

/// One convolution layer of the networks below.
struct ConvSpec {
    const char* name;
    int64_t C, H, W, O, k, pad;
};

double conv_flops(const ConvSpec& s, int64_t N) {
    const int64_t Ho = s.H + 2 * s.pad - s.k + 1, Wo = s.W + 2 * s.pad - s.k + 1;
    return 2.0 * N * s.O * Ho * Wo * s.C * s.k * s.k;
}

/// A layer row of table 1: runs the layer to get its real output shape.
struct Row {
    std::string name;
    Shape shape;
    int64_t params;
    double mflop;
};

void print_rows(const char* title, const std::vector<Row>& rows) {
    std::printf("\n  %s\n", title);
    std::printf("  %-22s %-18s %10s %12s %14s\n", "layer", "output", "params", "fwd MFLOP", "activation KB");
    double total_flop = 0, total_kb = 0;
    int64_t total_params = 0;
    for (const Row& r : rows) {
        const double kb = numel_of(r.shape) * 4.0 / 1024.0;
        std::printf("  %-22s %-18s %10lld %12.1f %14.0f\n", r.name.c_str(), shape_str(r.shape).c_str(),
                    static_cast<long long>(r.params), r.mflop, kb);
        total_flop += r.mflop;
        total_kb += kb;
        total_params += r.params;
    }
    std::printf("  %-22s %-18s %10lld %12.1f %14.0f\n", "total", "", static_cast<long long>(total_params), total_flop,
                total_kb);
}

int64_t count_params(nn::Module& m) {
    int64_t n = 0;
    for (const Tensor& p : m.parameters()) n += p.numel();
    return n;
}

}  // namespace

int main() {
    manual_seed(0);
    constexpr int64_t kBatch = 64;
    std::printf("TinyTorch C++ · module 09 analysis · threads: %d · batch %lld\n", get_num_threads(),
                static_cast<long long>(kBatch));

    // ---- 1. FLOPs and activation memory per layer ------------------------------------------------
    std::printf("\n1. Per layer, batch %lld (activations are what backward keeps alive)\n",
                static_cast<long long>(kBatch));
    {
        NoGradGuard no_grad;
        nn::Conv2d c1(1, 6, 5, 1, 2), c2(6, 16, 5);
        nn::Linear f1(400, 120), f2(120, 84), f3(84, 10);
        Tensor x = randn({kBatch, 1, 28, 28});
        std::vector<Row> rows;
        Tensor h = c1(x);
        rows.push_back({"conv1 1->6 5x5 p2", h.shape(), count_params(c1), conv_flops({"", 1, 28, 28, 6, 5, 2}, kBatch) / 1e6});
        h = relu(h);
        rows.push_back({"relu", h.shape(), 0, h.numel() / 1e6});
        h = max_pool2d(h, 2);
        rows.push_back({"maxpool 2", h.shape(), 0, h.numel() * 3 / 1e6});
        h = c2(h);
        rows.push_back({"conv2 6->16 5x5", h.shape(), count_params(c2), conv_flops({"", 6, 14, 14, 16, 5, 0}, kBatch) / 1e6});
        h = max_pool2d(relu(h), 2);
        rows.push_back({"relu + maxpool 2", h.shape(), 0, h.numel() * 5 / 1e6});
        h = nn::Flatten()(h);
        h = relu(f1(h));
        rows.push_back({"fc1 400->120 + relu", h.shape(), count_params(f1), 2.0 * kBatch * 400 * 120 / 1e6});
        h = relu(f2(h));
        rows.push_back({"fc2 120->84 + relu", h.shape(), count_params(f2), 2.0 * kBatch * 120 * 84 / 1e6});
        h = f3(h);
        rows.push_back({"fc3 84->10", h.shape(), count_params(f3), 2.0 * kBatch * 84 * 10 / 1e6});
        print_rows("LeNet-5 on 1x28x28 (MNIST)", rows);
    }
    {
        NoGradGuard no_grad;
        nn::Conv2d c1(3, 32, 3, 1, 1), c2(32, 64, 3, 1, 1);
        nn::BatchNorm2d b1(32), b2(64);
        nn::Linear fc(64 * 8 * 8, 10);
        Tensor x = randn({kBatch, 3, 32, 32});
        std::vector<Row> rows;
        Tensor h = c1(x);
        rows.push_back({"conv1 3->32 3x3 p1", h.shape(), count_params(c1), conv_flops({"", 3, 32, 32, 32, 3, 1}, kBatch) / 1e6});
        h = b1(h);
        rows.push_back({"batchnorm 32", h.shape(), count_params(b1), h.numel() * 6 / 1e6});
        h = max_pool2d(relu(h), 2);
        rows.push_back({"relu + maxpool 2", h.shape(), 0, h.numel() * 5 / 1e6});
        h = c2(h);
        rows.push_back({"conv2 32->64 3x3 p1", h.shape(), count_params(c2), conv_flops({"", 32, 16, 16, 64, 3, 1}, kBatch) / 1e6});
        h = b2(h);
        rows.push_back({"batchnorm 64", h.shape(), count_params(b2), h.numel() * 6 / 1e6});
        h = max_pool2d(relu(h), 2);
        rows.push_back({"relu + maxpool 2", h.shape(), 0, h.numel() * 5 / 1e6});
        h = fc(nn::Flatten()(h));
        rows.push_back({"fc 4096->10", h.shape(), count_params(fc), 2.0 * kBatch * 4096 * 10 / 1e6});
        print_rows("CIFAR-10 conv block on 3x32x32", rows);
    }

    // ---- 2. conv2d against the plain GEMM of the same size -------------------------------------
    const std::vector<ConvSpec> layers = {
        {"LeNet conv1 1->6 5x5", 1, 28, 28, 6, 5, 2},
        {"LeNet conv2 6->16 5x5", 6, 14, 14, 16, 5, 0},
        {"CIFAR conv1 3->32 3x3", 3, 32, 32, 32, 3, 1},
        {"CIFAR conv2 32->64 3x3", 32, 16, 16, 64, 3, 1},
    };
    std::printf("\n2. conv2d vs a plain GEMM of the same size, batch %lld (best of 5)\n",
                static_cast<long long>(kBatch));
    std::printf("  %-24s %4s %4s %7s %9s %9s %9s %11s %11s\n", "layer", "M", "K", "N", "GEMM ms", "conv ms",
                "bwd ms", "GEMM GF/s", "conv GF/s");
    for (const ConvSpec& s : layers) {
        const int64_t Ho = s.H + 2 * s.pad - s.k + 1, Wo = s.W + 2 * s.pad - s.k + 1;
        const int64_t M = s.O, K = s.C * s.k * s.k, N = Ho * Wo * kBatch;
        Tensor a = randn({M, K}), b = randn({K, N});
        Tensor x = randn({kBatch, s.C, s.H, s.W}).requires_grad_();
        Tensor w = randn({s.O, s.C, s.k, s.k}).requires_grad_(), bias = randn({s.O}).requires_grad_();
        const double flop = conv_flops(s, kBatch);
        double gemm_ms, conv_ms;
        {
            NoGradGuard no_grad;
            gemm_ms = best_ms(5, [&] { a.matmul(b); });
            conv_ms = best_ms(5, [&] { conv2d(x, w, bias, 1, s.pad); });
        }
        Tensor g = randn({kBatch, s.O, Ho, Wo});
        const double bwd_ms = best_backward_ms(5, [&] {
            x.zero_grad(), w.zero_grad(), bias.zero_grad();
            return conv2d(x, w, bias, 1, s.pad);
        }, g);
        std::printf("  %-24s %4lld %4lld %7lld %9.2f %9.2f %9.2f %11.1f %11.1f   (bwd %.1f GF/s)\n", s.name,
                    static_cast<long long>(M), static_cast<long long>(K), static_cast<long long>(N), gemm_ms, conv_ms,
                    bwd_ms, flop / gemm_ms / 1e6, flop / conv_ms / 1e6, 2 * flop / bwd_ms / 1e6);
    }

    // ---- 3. naive loops against im2col + GEMM ----------------------------------------------------
    std::printf("\n3. conv2d_naive (seven loops) vs conv2d (im2col + GEMM), batch 4\n");
    std::printf("  %-24s %12s %12s %10s %12s\n", "layer", "naive ms", "im2col ms", "speed-up", "naive GF/s");
    {
        NoGradGuard no_grad;
        for (const ConvSpec& s : {layers[1], layers[3]}) {
            Tensor x = randn({4, s.C, s.H, s.W}), w = randn({s.O, s.C, s.k, s.k}), bias = randn({s.O});
            const double naive = best_ms(1, [&] { conv2d_naive(x, w, bias, 1, s.pad); });
            const double fast = best_ms(5, [&] { conv2d(x, w, bias, 1, s.pad); });
            std::printf("  %-24s %12.2f %12.3f %9.0fx %12.2f\n", s.name, naive, fast, naive / fast,
                        conv_flops(s, 4) / naive / 1e6);
        }
    }

    // ---- 4. the column buffer ----------------------------------------------------------------------
    std::printf("\n4. The column matrix cols [C·k·k, Ho·Wo]: per thread, and if stored for a batch of %lld\n",
                static_cast<long long>(kBatch));
    std::printf("  %-24s %12s %14s %16s %12s\n", "layer", "input KB", "cols KB/img", "cols MB/batch", "blow-up");
    for (const ConvSpec& s : layers) {
        const int64_t Ho = s.H + 2 * s.pad - s.k + 1, Wo = s.W + 2 * s.pad - s.k + 1;
        const double in_kb = s.C * s.H * s.W * 4.0 / 1024.0, cols_kb = s.C * s.k * s.k * Ho * Wo * 4.0 / 1024.0;
        std::printf("  %-24s %12.1f %14.1f %16.1f %11.1fx\n", s.name, in_kb, cols_kb, cols_kb * kBatch / 1024.0,
                    cols_kb / in_kb);
    }

    // ---- 5. BatchNorm2d fused against composed ------------------------------------------------------
    std::printf("\n5. BatchNorm2d on [%lld, 32, 32, 32], training: fused kernel vs the composed reference\n",
                static_cast<long long>(kBatch));
    std::printf("  %-12s %10s %10s %10s\n", "version", "fwd ms", "bwd ms", "nodes");
    {
        Tensor x = randn({kBatch, 32, 32, 32}).requires_grad_(), g = randn({kBatch, 32, 32, 32});
        Tensor gamma = ones({32}).requires_grad_(), beta = zeros({32}).requires_grad_();
        Tensor rm = zeros({32}), rv = ones({32});
        for (bool fused : {true, false}) {
            auto run = [&] {
                return fused ? batch_norm2d(x, rm, rv, gamma, beta, true)
                             : batch_norm2d_reference(x, rm, rv, gamma, beta, true);
            };
            double fwd;
            {
                NoGradGuard no_grad;
                fwd = best_ms(5, run);
            }
            const double bwd = best_backward_ms(5, [&] {
                x.zero_grad(), gamma.zero_grad(), beta.zero_grad();
                return run();
            }, g);
            std::printf("  %-12s %10.2f %10.2f %10lld\n", fused ? "fused" : "reference", fwd, bwd,
                        static_cast<long long>(autograd::last_backward_stats().nodes));
        }
    }

    // ---- 6. whole networks, forward + backward -------------------------------------------------------
    std::printf("\n6. One forward + backward of the whole network, batch %lld (best of 5)\n",
                static_cast<long long>(kBatch));
    std::printf("  %-34s %10s %10s %10s %12s\n", "network", "fwd ms", "bwd ms", "total ms", "images/s");
    {
        nn::Sequential lenet(nn::Conv2d(1, 6, 5, 1, 2), nn::ReLU(), nn::MaxPool2d(2), nn::Conv2d(6, 16, 5), nn::ReLU(),
                             nn::MaxPool2d(2), nn::Flatten(), nn::Linear(400, 120), nn::ReLU(), nn::Linear(120, 84),
                             nn::ReLU(), nn::Linear(84, 10));
        nn::Sequential cifar(nn::Conv2d(3, 32, 3, 1, 1), nn::BatchNorm2d(32), nn::ReLU(), nn::MaxPool2d(2),
                             nn::Conv2d(32, 64, 3, 1, 1), nn::BatchNorm2d(64), nn::ReLU(), nn::MaxPool2d(2),
                             nn::Flatten(), nn::Linear(64 * 8 * 8, 10));
        struct Net {
            const char* name;
            nn::Sequential* net;
            Shape input;
        };
        for (const Net& n : {Net{"LeNet-5 1x28x28", &lenet, {kBatch, 1, 28, 28}},
                             Net{"CIFAR CNN 3->32->64 (BN) 3x32x32", &cifar, {kBatch, 3, 32, 32}}}) {
            Tensor x = randn(n.input), g = randn({kBatch, 10});
            double fwd;
            {
                NoGradGuard no_grad;
                fwd = best_ms(5, [&] { n.net->forward(x); });
            }
            const double bwd = best_backward_ms(5, [&] {
                n.net->zero_grad();
                return n.net->forward(x);
            }, g);
            std::printf("  %-34s %10.2f %10.2f %10.2f %12.0f\n", n.name, fwd, bwd, fwd + bwd, kBatch / (fwd + bwd) * 1e3);
        }
    }
    std::printf("\nGFLOP/s = 2·N·O·Ho·Wo·C·k·k / time (backward: twice that). Times are wall-clock, best of a few runs;\n"
                "on a shared machine compare ratios, and try OMP_NUM_THREADS=1 for the single-core picture.\n");
    return 0;
}
