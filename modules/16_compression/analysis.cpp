// modules/16_compression/analysis.cpp — Module 16 · Compression: what pruning, low rank and
// distillation buy, measured. Lesson: modules/16_compression/README.md (systems questions at the end).
//
// With MNIST (<data-dir>/mnist), on LeNet-300-100 (784-300-100-10, the MLP of Deep Compression's
// Table 1) trained for a few epochs:
//   1. accuracy against sparsity: one-shot global magnitude pruning at 50 ... 98%, no retraining;
//      then gradual pruning (Zhu & Gupta's schedule) over 2 epochs of fine-tuning to 90% and 95%;
//   2. size on disk, measured from the written files: dense float32 safetensors against the sparse
//      format (bitmask + int8 values, and bitmask + float32 values);
//   3. inference latency (batch 256, 1 thread, module 19's harness, thread CPU time): the dense
//      model, the 90%-sparse model (same dense kernels: zeros cost as much as any number), and
//      structured pruning that removes 50% / 75% of the hidden neurons (smaller layers), with
//      accuracy before and after a short fine-tune;
//   4. low rank: the first layer factorised by truncated SVD at 90% / 99% retained energy —
//      rank, parameters, accuracy, latency;
//   5. distillation: a small student 784-32-10 trained on labels alone vs on the teacher's soft
//      predictions (T = 4, α = 0.9), same epochs and seed — on all 60 000 images and on 2 000.
// The load average is printed before and after: quote it with every figure.
// Build: cmake --build --preset release --target analysis_16_compression
// run:   build/release/bin/analysis_16_compression [--data-dir DIR] [--epochs N] [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <unistd.h>

#include "tinytorch/activations/activations.hpp"
#include "tinytorch/benchmarking/benchmarking.hpp"
#include "tinytorch/compression/compression.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "tinytorch/training/checkpoint.hpp"

#ifndef TINYTORCH_SOURCE_DIR
#define TINYTORCH_SOURCE_DIR "."
#endif

using namespace tinytorch;
using namespace tinytorch::compression;

namespace {
using Clock = std::chrono::steady_clock;

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a.empty() ? std::string("?") : a + " " + b + " " + c;
}

std::shared_ptr<nn::Sequential> make_mlp(const std::vector<int64_t>& sizes) {
    auto net = std::make_shared<nn::Sequential>();
    for (size_t i = 0; i + 1 < sizes.size(); ++i) {
        net->push_back(nn::Linear(sizes[i], sizes[i + 1]));
        if (i + 2 < sizes.size()) net->push_back(nn::ReLU());
    }
    return net;
}

/// A copy of a (possibly pruned) MLP as a plain one: same sizes, the weights it computes with.
std::shared_ptr<nn::Sequential> copy_mlp(nn::Sequential& net, const std::vector<int64_t>& sizes) {
    auto copy = make_mlp(sizes);
    copy->load_state_dict(effective_state_dict(net));
    return copy;
}

double accuracy(nn::Module& net, const Tensor& x, const Tensor& y) {
    NoGradGuard no_grad;
    net.eval();
    int64_t correct = 0;
    const int64_t n = x.size(0);
    for (int64_t i = 0; i < n; i += 1000) {
        const int64_t end = std::min(n, i + 1000);
        const std::vector<float> p = net.forward(x.slice(0, i, end)).argmax(1).to_vector();
        const std::vector<float> t = y.slice(0, i, end).to_vector();
        for (size_t j = 0; j < p.size(); ++j) correct += p[j] == t[j];
    }
    return static_cast<double>(correct) / static_cast<double>(n);
}

struct Data {
    Tensor xtr, ytr, xte, yte;
};

/// Train `net` for `epochs` with Adam; `before_step(step)` runs before each optimizer step's
/// forward (the gradual-pruning hook). `loss_fn` turns (logits, batch) into the loss.
void fit(nn::Module& net, const Data& d, int epochs, double lr, uint64_t seed,
           const std::function<Tensor(const Tensor&, const Tensor&, const Tensor&)>& loss_fn,
           const std::function<void(int64_t)>& before_step = {}) {
    optim::Adam adam(net.parameters(), optim::AdamOptions(lr));
    data::DataLoader loader(data::TensorDataset(d.xtr, d.ytr),
                            data::DataLoaderOptions().batch_size(128).shuffle(true).seed(seed));
    int64_t step = 0;
    for (int e = 0; e < epochs; ++e) {
        net.train();
        for (const auto& b : loader) {
            if (before_step) before_step(step);
            adam.zero_grad();
            Tensor loss = loss_fn(net.forward(b.data), b.data, b.target);
            loss.backward();
            adam.step();
            ++step;
        }
    }
}

int64_t steps_per_epoch(const Data& d) { return (d.xtr.size(0) + 127) / 128; }

uintmax_t file_bytes(const std::string& path) { return std::filesystem::file_size(path); }

int64_t count_params(nn::Module& m) {
    int64_t n = 0;
    for (const Tensor& p : m.parameters()) n += p.numel();
    return n;
}

/// Median (and p90) thread-CPU microseconds of one batch-256 forward, module 19's harness.
benchmark::Measurement latency(const std::string& name, nn::Module& net, const Tensor& batch, int repeats) {
    NoGradGuard no_grad;
    net.eval();
    benchmark::BenchmarkOptions o;
    o.clock = benchmark::thread_cpu_seconds;  // single-threaded: other programs' load does not count
    o.repeats = repeats;
    o.repeat_seconds = 0.05;
    o.warmup_seconds = 0.1;
    o.items_per_call = static_cast<double>(batch.size(0));
    o.unit = "samples";
    return benchmark::measure(name, [&] { (void)net.forward(batch); }, o);
}

void latency_row(const benchmark::Measurement& m, double base_s, double acc, int64_t params) {
    std::printf("   %-40s %9.1f us (MAD %5.1f, p90 %8.1f)  %5.2fx   params %8lld   acc %6.2f%%\n", m.name.c_str(),
                m.median_s * 1e6, m.mad_s * 1e6, m.p90_s * 1e6, base_s / m.median_s, static_cast<long long>(params),
                100 * acc);
}

}  // namespace

int main(int argc, char** argv) {
    std::string data_dir;
    if (const char* env = std::getenv("TINYTORCH_DATA_DIR")) data_dir = env;
    if (data_dir.empty()) data_dir = std::string(TINYTORCH_SOURCE_DIR) + "/datasets";
    int epochs = 8, repeats = 9;
    bool quick = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--data-dir" && i + 1 < argc) data_dir = argv[++i];
        else if (a == "--epochs" && i + 1 < argc) epochs = std::atoi(argv[++i]);
        else if (a == "--quick") quick = true;
        else {
            std::fprintf(stderr, "usage: %s [--data-dir DIR] [--epochs N] [--quick]\n", argv[0]);
            return 2;
        }
    }
    if (quick) repeats = 3, epochs = 1;
    const auto t_start = Clock::now();
    const std::string load_before = load_average();
    const benchmark::Environment env = benchmark::capture_environment();
    std::printf("Module 16 · Compression — analysis\nCPU: %s, %d logical CPUs; GEMM: %s; load average before: %s\n",
                env.cpu_model.c_str(), env.logical_cpus, env.gemm_backend.c_str(), load_before.c_str());

    const std::string dir = data_dir + "/mnist";
    if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz") &&
        !std::filesystem::exists(dir + "/train-images-idx3-ubyte")) {
        std::printf("MNIST not found in %s (hint: --data-dir ../shared/datasets); nothing to measure\n", dir.c_str());
        return 0;
    }
    data::TensorDataset tr = data::mnist(dir, true), te = data::mnist(dir, false);
    Data d{tr.data().reshape({tr.data().size(0), -1}).sub(0.1307f).div(0.3081f), tr.targets(),
           te.data().reshape({te.data().size(0), -1}).sub(0.1307f).div(0.3081f), te.targets()};
    nn::CrossEntropyLoss ce;
    auto ce_loss = [&](const Tensor& logits, const Tensor&, const Tensor& y) { return ce(logits, y); };

    // ---- the dense model ----------------------------------------------------------------------
    const std::vector<int64_t> sizes{784, 300, 100, 10};
    set_num_threads(2);  // training is not what is measured: use both cores
    manual_seed(42);
    auto dense = make_mlp(sizes);
    auto t0 = Clock::now();
    fit(*dense, d, epochs, 1e-3, 42, ce_loss);
    const double acc_dense = accuracy(*dense, d.xte, d.yte);
    std::printf("\nLeNet-300-100 (784-300-100-10), Adam 1e-3, batch 128, %d epoch(s) in %.1f s: test accuracy %.2f%%\n",
                epochs, std::chrono::duration<double>(Clock::now() - t0).count(), 100 * acc_dense);

    // ---- 1. accuracy vs sparsity ----------------------------------------------------------------
    std::printf("\n1. Accuracy vs sparsity (global magnitude pruning of all weights, biases kept)\n");
    std::printf("   %-44s %9s %9s %12s\n", "model", "sparsity", "accuracy", "vs dense");
    for (double s : {0.5, 0.8, 0.9, 0.95, 0.98}) {
        auto m = copy_mlp(*dense, sizes);
        magnitude_prune(*m, s, PruneScope::global);
        const double a = accuracy(*m, d.xte, d.yte);
        std::printf("   %-44s %9.4f %8.2f%% %+11.2f pt\n", "one-shot, no retraining", measure_sparsity(*m), 100 * a,
                    100 * (a - acc_dense));
    }
    std::shared_ptr<nn::Sequential> sparse90, sparse95;
    for (double target : {0.9, 0.95}) {
        auto m = copy_mlp(*dense, sizes);
        const int64_t total = 2 * steps_per_epoch(d);
        // prune over the first 60% of two fine-tuning epochs, 10 times, then keep training with the masks
        GradualPruningSchedule schedule(0.0, target, 0, total * 6 / 10, std::max<int64_t>(1, total * 6 / 100));
        t0 = Clock::now();
        fit(*m, d, 2, 3e-4, 7, ce_loss, [&](int64_t step) {
            if (schedule.is_pruning_step(step)) magnitude_prune(*m, schedule.sparsity_at(step), PruneScope::global);
        });
        const double a = accuracy(*m, d.xte, d.yte);
        char label[96];
        std::snprintf(label, sizeof label, "gradual to %.2f, 2 epochs fine-tune (%.0f s)", target,
                      std::chrono::duration<double>(Clock::now() - t0).count());
        std::printf("   %-44s %9.4f %8.2f%% %+11.2f pt\n", label, measure_sparsity(*m), 100 * a, 100 * (a - acc_dense));
        if (target == 0.9) sparse90 = m;
        else sparse95 = m;
    }
    std::printf("   per layer at 0.95 (global threshold):\n");
    for (const auto& w : sparsity_report(*sparse95).layers)
        std::printf("     %-10s %-12s sparsity %.4f\n", w.name.c_str(), shape_str(w.shape).c_str(), w.sparsity());

    // ---- 2. size on disk ------------------------------------------------------------------------
    const std::string tmp =
        (std::filesystem::temp_directory_path() / ("tinytorch_analysis16_" + std::to_string(getpid()))).string();
    std::filesystem::create_directories(tmp);
    std::printf("\n2. Size on disk (measured file sizes; dense = train::save_safetensors float32)\n");
    const std::string fdense = tmp + "/dense.safetensors";
    train::save_safetensors(fdense, dense->state_dict());
    const uintmax_t bdense = file_bytes(fdense);
    std::printf("   %-44s %9ju bytes\n", "dense float32", bdense);
    for (auto [name, m] : {std::pair{"0.90", sparse90}, std::pair{"0.95", sparse95}}) {
        for (SparseValues v : {SparseValues::float32, SparseValues::int8}) {
            const std::string f = tmp + "/sparse.safetensors";
            save_sparse(f, effective_state_dict(*m), v);
            const uintmax_t b = file_bytes(f);
            // accuracy of what the file holds (int8 values are rounded)
            auto back = make_mlp(sizes);
            back->load_state_dict(load_sparse(f));
            char label[96];
            std::snprintf(label, sizeof label, "sparsity %s, bitmask + %s values", name,
                          v == SparseValues::int8 ? "int8" : "float32");
            std::printf("   %-44s %9ju bytes  %6.2fx smaller   acc from file %.2f%%\n", label, b,
                        double(bdense) / double(b), 100 * accuracy(*back, d.xte, d.yte));
        }
    }

    // ---- 3. latency: unstructured vs structured -------------------------------------------------
    set_num_threads(1);
    std::printf("\n3. Inference latency, batch 256, 1 thread (median of %d repeats of thread CPU time)\n", repeats);
    const Tensor batch = d.xte.slice(0, 0, 256).contiguous();
    const benchmark::Measurement base = latency("dense 784-300-100-10", *dense, batch, repeats);
    latency_row(base, base.median_s, acc_dense, count_params(*dense));
    {
        auto plain90 = copy_mlp(*sparse90, sizes);  // zeros in dense Linear layers
        latency_row(latency("90% unstructured zeros, dense kernel", *plain90, batch, repeats), base.median_s,
                    accuracy(*plain90, d.xte, d.yte), count_params(*plain90));
    }
    for (double amount : {0.5, 0.75}) {
        auto m = copy_mlp(*dense, sizes);
        prune_structured(*m, 0, amount);  // hidden layer 1 (300) and layer 2's inputs
        prune_structured(*m, 2, amount);  // hidden layer 2 (100) and the output layer's inputs
        const double a0 = accuracy(*m, d.xte, d.yte);
        set_num_threads(2);
        fit(*m, d, 1, 3e-4, 11, ce_loss);
        set_num_threads(1);
        const double a1 = accuracy(*m, d.xte, d.yte);
        const int64_t h1 = m->at<nn::Linear>(0).out_features(), h2 = m->at<nn::Linear>(2).out_features();
        char label[96];
        std::snprintf(label, sizeof label, "structured %.0f%%: 784-%lld-%lld-10", 100 * amount,
                      static_cast<long long>(h1), static_cast<long long>(h2));
        latency_row(latency(label, *m, batch, repeats), base.median_s, a1, count_params(*m));
        std::printf("     (accuracy right after removing the neurons %.2f%%, after 1 epoch fine-tune %.2f%%)\n",
                    100 * a0, 100 * a1);
    }

    // ---- 4. low rank ----------------------------------------------------------------------------
    std::printf("\n4. Low rank: layer 1 (784 -> 300) by truncated SVD, chosen by retained energy (no retraining)\n");
    const std::vector<double> sv = singular_values(dense->at<nn::Linear>(0).weight);
    for (double energy : {0.5, 0.9, 0.99}) {
        auto m = copy_mlp(*dense, sizes);
        auto low = factorize_linear_by_energy(m->at<nn::Linear>(0), energy);
        const int64_t rank = low->rank();
        m->replace_module("0", low);
        char label[96];
        std::snprintf(label, sizeof label, "energy %.2f: rank %lld of %zu", energy, static_cast<long long>(rank),
                      sv.size());
        latency_row(latency(label, *m, batch, repeats), base.median_s, accuracy(*m, d.xte, d.yte), count_params(*m));
    }

    // ---- 5. distillation ------------------------------------------------------------------------
    set_num_threads(2);
    dense->eval();
    DistillationLoss kd(4.0, 0.9);
    auto kd_loss = [&](const Tensor& logits, const Tensor& x, const Tensor& y) {
        Tensor teacher;
        {
            NoGradGuard no_grad;
            teacher = dense->forward(x);
        }
        return kd(logits, teacher, y);
    };
    const std::vector<int64_t> small{784, 32, 10};
    std::printf("\n5. Distillation (T = 4, alpha = 0.9; teacher: the LeNet-300-100 above, %.2f%%, %lld params)\n",
                100 * acc_dense, static_cast<long long>(count_params(*dense)));
    std::printf("   %-58s %9s %9s\n", "student 784-32-10 (25 450 params), Adam 1e-3, same seed", "labels", "distilled");
    // all 60 000 training images; then only the first 2 000 (the teacher saw all of them), trained
    // for as many samples in total
    for (int64_t n : {d.xtr.size(0), int64_t(2000)}) {
        Data sub{d.xtr.slice(0, 0, n), d.ytr.slice(0, 0, n), d.xte, d.yte};
        const int e = n == d.xtr.size(0) ? epochs : static_cast<int>(epochs * (d.xtr.size(0) / n));
        manual_seed(5);
        auto hard = make_mlp(small);
        fit(*hard, sub, e, 1e-3, 5, ce_loss);
        manual_seed(5);
        auto soft = make_mlp(small);
        fit(*soft, sub, e, 1e-3, 5, kd_loss);
        char label[96];
        std::snprintf(label, sizeof label, "%lld training images, %d epochs", static_cast<long long>(n), e);
        std::printf("   %-58s %8.2f%% %8.2f%%\n", label, 100 * accuracy(*hard, d.xte, d.yte),
                    100 * accuracy(*soft, d.xte, d.yte));
    }

    std::filesystem::remove_all(tmp);
    std::printf("\ntotal %.0f s; load average after: %s\n", std::chrono::duration<double>(Clock::now() - t_start).count(),
                load_average().c_str());
    return 0;
}
