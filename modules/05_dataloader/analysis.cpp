// modules/05_dataloader/analysis.cpp — Module 05 · DataLoader: how fast can we feed a model?
// Lesson: modules/05_dataloader/README.md (systems questions at the end).
//
// Measures, on this machine:
//   1. DataLoader throughput (samples/s) for N in {1k, 10k} x B in {16, 64, 256}, in order and shuffled;
//   2. what shuffling costs (one randperm per epoch) and what the memcpy fast path buys over
//      per-example get() + collate;
//   3. the memory of one batch for MNIST-, CIFAR- and ImageNet-sized inputs;
//   4. reading IDX files (embedded digits; MNIST too when the data directory has it);
//   5. the cost of augmentation per batch.
// Build: cmake --build <build> --target analysis_05_dataloader; run: <build>/bin/analysis_05_dataloader
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

#include "tinytorch/benchmarking/harness.hpp"  // module 19's timer (ready-made)
#include "tinytorch/dataloader/dataloader.hpp"

using namespace tinytorch;
namespace T = tinytorch::data::transforms;

namespace {
/// Seconds per call of f: the median of module 19's calibrated repeats (about `budget` seconds).
double seconds_per_call(const std::function<void()>& f, double budget = 0.15) {
    return tinytorch::benchmark::seconds_per_call(f, 5, budget / 6);
}

/// One full epoch; returns the number of samples seen (so the work cannot be optimised away).
int64_t run_epoch(data::DataLoader& loader) {
    int64_t seen = 0;
    for (const data::Example& b : loader) seen += b.data.size(0);
    return seen;
}

/// Dataset wrapper that hides TensorDataset's fast get_batch: the naive per-example path.
class PerExample : public data::Dataset {
public:
    explicit PerExample(data::TensorDataset inner) : inner_(std::move(inner)) {}
    size_t size() const override { return inner_.size(); }
    data::Example get(size_t i) const override { return inner_.get(i); }

private:
    data::TensorDataset inner_;
};

double mb(double bytes) { return bytes / (1024.0 * 1024.0); }
}  // namespace

int main() {
    std::printf("Module 05 · DataLoader — systems analysis\n\n");
    manual_seed(0);

    // ---- 1. throughput ---------------------------------------------------------------------------
    std::printf("1. DataLoader throughput, MNIST-shaped examples [1, 28, 28] (3,136 bytes each)\n");
    std::printf("   %7s %5s %9s | %14s %14s | %9s\n", "N", "B", "batches", "in order /s", "shuffled /s",
                "GB/s");
    for (int64_t n : {1000, 10000}) {
        data::TensorDataset ds(rand({n, 1, 28, 28}), randint(0, 10, {n}));
        for (size_t b : {16, 64, 256}) {
            data::DataLoader ordered(ds, data::DataLoaderOptions().batch_size(b));
            data::DataLoader shuffled(ds, data::DataLoaderOptions().batch_size(b).shuffle(true).seed(1));
            double t_ord = seconds_per_call([&] { run_epoch(ordered); });
            double t_shuf = seconds_per_call([&] { run_epoch(shuffled); });
            double rate_ord = static_cast<double>(n) / t_ord, rate_shuf = static_cast<double>(n) / t_shuf;
            std::printf("   %7lld %5zu %9zu | %14.3g %14.3g | %9.2f\n", static_cast<long long>(n), b, ordered.size(),
                        rate_ord, rate_shuf, rate_shuf * 28 * 28 * 4 / 1e9);
        }
    }
    std::printf("   A shuffled epoch reads rows out of order, so it touches memory less predictably than an\n"
                "   ordered one; small batches pay the per-batch overhead (allocation, index vector) more often.\n\n");

    // ---- 2. what shuffling and the fast path cost ------------------------------------------------------
    std::printf("2. Shuffle overhead and the memcpy fast path (N = 10,000, B = 64)\n");
    {
        const int64_t n = 10000;
        data::TensorDataset ds(rand({n, 1, 28, 28}), randint(0, 10, {n}));
        Generator g(3);
        double t_perm = seconds_per_call([&] { (void)data::randperm(static_cast<size_t>(n), g); });
        data::DataLoader shuffled(ds, data::DataLoaderOptions().batch_size(64).shuffle(true).seed(1));
        double t_epoch = seconds_per_call([&] { run_epoch(shuffled); });
        data::DataLoader naive(PerExample(ds), data::DataLoaderOptions().batch_size(64).shuffle(true).seed(1));
        double t_naive = seconds_per_call([&] { run_epoch(naive); });
        std::printf("   randperm(10,000)                      %9.3f ms  (%.1f%% of a shuffled epoch)\n", t_perm * 1e3,
                    100.0 * t_perm / t_epoch);
        std::printf("   epoch, get_batch = one memcpy per row %9.3f ms\n", t_epoch * 1e3);
        std::printf("   epoch, get() per example + collate    %9.3f ms  (%.1fx slower)\n\n", t_naive * 1e3,
                    t_naive / t_epoch);
    }

    // ---- 3. memory of a batch -------------------------------------------------------------------------
    std::printf("3. Memory of one float32 batch (data + targets)\n");
    std::printf("   %-22s %8s %10s %10s %10s\n", "input", "floats", "B = 32", "B = 64", "B = 256");
    struct Input { const char* name; int64_t c, h, w; };
    for (Input in : {Input{"MNIST [1, 28, 28]", 1, 28, 28}, Input{"CIFAR-10 [3, 32, 32]", 3, 32, 32},
                     Input{"ImageNet [3, 224, 224]", 3, 224, 224}}) {
        int64_t per = in.c * in.h * in.w;
        auto batch_mb = [&](int64_t b) { return mb(static_cast<double>((per + 1) * b * 4)); };
        std::printf("   %-22s %8lld %8.2f MB %8.2f MB %8.2f MB\n", in.name, static_cast<long long>(per), batch_mb(32),
                    batch_mb(64), batch_mb(256));
    }
    std::printf("   The whole MNIST train set is %.0f MB as float32 (%.0f MB as the bytes on disk), CIFAR-10's\n"
                "   train set %.0f MB (%.0f MB on disk): storing uint8 and converting per batch would cut 4x.\n\n",
                mb(60000.0 * 784 * 4), mb(60000.0 * 784), mb(50000.0 * 3072 * 4), mb(50000.0 * 3072));

    // ---- 4. reading files ------------------------------------------------------------------------------
    std::printf("4. Reading IDX files (read_idx: file -> bytes -> [gunzip] -> float tensor)\n");
    std::printf("   %-44s %10s %10s %12s\n", "file", "file MB", "ms", "decoded MB/s");
    auto report_read = [](const std::string& path, double min_seconds) {
        namespace fs = std::filesystem;
        double t = seconds_per_call([&] { (void)data::read_idx(path); }, min_seconds);
        Tensor x = data::read_idx(path);
        std::printf("   %-44s %10.3f %10.2f %12.0f\n", fs::path(path).filename().string().c_str(),
                    mb(static_cast<double>(fs::file_size(path))), t * 1e3, mb(static_cast<double>(x.numel())) / t);
    };
    std::string digits = data::dataset_dir("digits8x8");
    report_read(digits + "/train-images-idx3-ubyte", 0.15);
    report_read(digits + "/train-labels-idx1-ubyte", 0.05);
    if (auto mnist = data::find_dataset("mnist")) {
        for (const char* name : {"t10k-images-idx3-ubyte", "train-images-idx3-ubyte"}) {
            std::string path = data::find_data_file(*mnist, name, "mnist");
            report_read(path, 0.0);
        }
        std::printf("   (MNIST from %s; gzip decoding dominates a .gz file's time)\n", mnist->c_str());
    } else {
        std::printf("   (MNIST not found: set TINYTORCH_DATA_DIR to measure it)\n");
    }
    std::printf("   decoded MB/s counts one byte per element: the IDX payload size.\n\n");

    // ---- 5. augmentation ---------------------------------------------------------------------------------
    std::printf("5. Augmentation cost on a CIFAR-sized batch [256, 3, 32, 32]\n");
    {
        Tensor batch = rand({256, 3, 32, 32});
        T::RandomHorizontalFlip flip(0.5f);
        T::RandomCrop crop(32, 4);
        T::Normalize norm({0.4914f, 0.4822f, 0.4465f}, {0.2470f, 0.2435f, 0.2616f});
        T::Compose all({flip, crop, norm});
        struct Row { const char* name; std::function<Tensor(const Tensor&)> f; };
        for (const Row& row : {Row{"RandomHorizontalFlip(0.5)", flip}, Row{"RandomCrop(32, padding 4)", crop},
                               Row{"Normalize (3 channels)", norm}, Row{"Compose of all three", all}}) {
            double t = seconds_per_call([&] { (void)row.f(batch); }, 0.1);
            std::printf("   %-28s %8.3f ms/batch %10.0f images/s\n", row.name, t * 1e3, 256.0 / t);
        }
    }
    std::printf("\nEach transform makes one pass over the batch (about 3 MB); compare with section 1 to see\n"
                "whether augmentation or batching limits the images per second a model can be fed.\n");
    return 0;
}
