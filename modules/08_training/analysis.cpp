// modules/08_training/analysis.cpp — where the time and the memory of training go.
//   1. memory of training: parameters, gradients, optimizer state (SGD, SGD+momentum, Adam)
//   2. one training step split into forward / backward / optimizer step, for batch sizes 32..512
//   3. evaluation with and without NoGradGuard
//   4. checkpoint size and save/load time
#include <cstdio>
#include <filesystem>

#include "tinytorch/benchmarking/harness.hpp"  // module 19's timer and clock (ready-made)
#include "tinytorch/training/training.hpp"

using namespace tinytorch;
namespace bm = tinytorch::benchmark;

/// Milliseconds since `t0` (a bm::steady_seconds() reading): for the phases inside one step,
/// which a whole-call harness cannot split.
static double ms_since(double t0) { return (bm::steady_seconds() - t0) * 1e3; }

static std::shared_ptr<nn::Sequential> mlp() {
    return std::make_shared<nn::Sequential>(nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 128), nn::ReLU(),
                                            nn::Linear(128, 10));
}

static int64_t numel_of_all(const StateDict& sd) {
    int64_t n = 0;
    for (const auto& [name, t] : sd) n += t.numel();
    return n;
}

int main() {
    manual_seed(0);
    std::printf("TinyTorch C++ · module 08 analysis · threads: %d\n", get_num_threads());
    nn::CrossEntropyLoss ce;

    // 1. Memory of training state for the 784-256-128-10 MLP.
    {
        auto net = mlp();
        int64_t params = 0;
        for (const Tensor& p : net->parameters()) params += p.numel();
        Tensor x = randn({64, 784}), y = randint(0, 10, {64});
        auto state_after_step = [&](optim::Optimizer& opt) {
            net->zero_grad();
            ce(net->forward(x), y).backward();
            opt.step();
            return numel_of_all(opt.state_dict());
        };
        optim::SGD sgd(net->parameters(), optim::SGDOptions(0.01));
        int64_t s_sgd = state_after_step(sgd);
        optim::SGD mom(net->parameters(), optim::SGDOptions(0.01).momentum(0.9));
        int64_t s_mom = state_after_step(mom);
        optim::Adam adam(net->parameters(), optim::AdamOptions(1e-3));
        int64_t s_adam = state_after_step(adam);
        std::printf("\n1. Training memory, MLP 784-256-128-10 (%lld parameters)\n", static_cast<long long>(params));
        std::printf("  %-16s %12s %12s %12s %12s\n", "optimizer", "params KB", "grads KB", "state KB", "total KB");
        auto row = [&](const char* name, int64_t state) {
            double kb = 4.0 / 1024.0;
            std::printf("  %-16s %12.1f %12.1f %12.1f %12.1f\n", name, params * kb, params * kb, state * kb,
                        (2 * params + state) * kb);
        };
        row("SGD", s_sgd);
        row("SGD + momentum", s_mom);
        row("Adam", s_adam);
    }

    // 2. One step: forward / backward / optimizer step.
    std::printf("\n2. One training step of the MLP (median of 20 after 3 warm-ups), SGD with momentum\n");
    std::printf("  %6s %12s %12s %12s %14s\n", "batch", "forward ms", "backward ms", "step ms", "samples/s");
    for (int64_t batch : {32, 64, 128, 256, 512}) {
        auto net = mlp();
        optim::SGD sgd(net->parameters(), optim::SGDOptions(0.01).momentum(0.9));
        Tensor x = randn({batch, 784}), y = randint(0, 10, {batch});
        std::vector<double> f, b, s;
        for (int it = 0; it < 23; ++it) {
            sgd.zero_grad();
            double t0 = bm::steady_seconds();
            Tensor loss = ce(net->forward(x), y);
            double tf = ms_since(t0);
            t0 = bm::steady_seconds();
            loss.backward();
            double tb = ms_since(t0);
            t0 = bm::steady_seconds();
            sgd.step();
            double ts = ms_since(t0);
            if (it >= 3) { f.push_back(tf); b.push_back(tb); s.push_back(ts); }
        }
        auto median = [](std::vector<double> v) { return bm::Samples{"", 1, 0, 0, std::move(v), {}}.median_s(); };
        double mf = median(f), mb = median(b), ms = median(s);
        std::printf("  %6lld %12.3f %12.3f %12.3f %14.0f\n", static_cast<long long>(batch), mf, mb, ms,
                    static_cast<double>(batch) / ((mf + mb + ms) / 1000.0));
    }

    // 3. Evaluation with and without a graph.
    {
        auto net = mlp();
        Tensor x = randn({1024, 784});
        auto time_it = [&](bool no_grad) {  // median ms of module 19's calibrated repeats
            return bm::seconds_per_call([&] {
                       if (no_grad) {
                           autograd::NoGradGuard g;
                           (void)net->forward(x);
                       } else {
                           (void)net->forward(x);
                       }
                   }) * 1e3;
        };
        double with_graph = time_it(false), without = time_it(true);
        std::printf("\n3. Forward of 1024 samples: with graph %.3f ms, under NoGradGuard %.3f ms\n", with_graph, without);
        Tensor out = net->forward(x);
        std::printf("   with a graph the output keeps its grad_fn (%s) and every activation alive until backward\n",
                    out.grad_fn() ? out.grad_fn()->name.c_str() : "none");
    }

    // 4. Checkpoints.
    {
        auto net = mlp();
        optim::Adam adam(net->parameters(), optim::AdamOptions(1e-3));
        train::Trainer trainer(*net, adam, [&](const Tensor& o, const Tensor& t) { return ce(o, t); });
        Tensor x = randn({32, 784}), y = randint(0, 10, {32});
        ce(net->forward(x), y).backward();
        adam.step();
        std::string dir = (std::filesystem::temp_directory_path() / "tinytorch_analysis_08").string();
        std::filesystem::create_directories(dir);
        double t0 = bm::steady_seconds();
        train::save_weights(*net, dir + "/w.safetensors");
        double tw = ms_since(t0);
        t0 = bm::steady_seconds();
        train::save_checkpoint(trainer, dir + "/c.safetensors");
        double tc = ms_since(t0);
        t0 = bm::steady_seconds();
        train::load_checkpoint(trainer, dir + "/c.safetensors");
        double tl = ms_since(t0);
        auto kb = [](const std::string& p) { return static_cast<double>(std::filesystem::file_size(p)) / 1024.0; };
        std::printf("\n4. Checkpoints of the MLP with Adam\n");
        std::printf("  weights only     %8.1f KB  saved in %.2f ms\n", kb(dir + "/w.safetensors"), tw);
        std::printf("  full checkpoint  %8.1f KB  saved in %.2f ms, loaded in %.2f ms\n", kb(dir + "/c.safetensors"), tc, tl);
        std::printf("  (Adam keeps two moments per parameter: the checkpoint is about 3x the weights)\n");
    }
    return 0;
}
