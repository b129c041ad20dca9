// modules/15_quantization/analysis.cpp — Module 15 · Quantization: what int8 buys, measured.
// Lesson: modules/15_quantization/README.md (systems questions at the end).
//
// Measures, on this machine, at ONE thread (set_num_threads(1); OpenBLAS is always serial here):
//   1. the integer GEMM (uint8 × int8 -> int32, weights packed once) against the FP32 GEMM
//      TinyTorch's nn::Linear runs (Tensor::matmul: OpenBLAS sgemm when the build found it, else
//      TinyTorch's own kernel), on the three layer shapes of the W1 inference workload
//      (784 -> 256 -> 128 -> 10 at batch 256), for every integer kernel this build has;
//   2. the same layers end to end: nn::Linear::forward against nn::QuantizedLinear::forward
//      (which also quantizes its input and requantizes its output);
//   3. the W1 MLP inference itself (batch 256): the float model against quantize_dynamic(model);
//   4. with MNIST (<data-dir>/mnist): the milestone-03 MLP 784-512-256-10 trained for a few epochs,
//      its test accuracy in float32, after quantize_dynamic (per-tensor and per-row inputs) and
//      after static quantization calibrated on 1 000 training images;
//   5. checkpoint sizes on disk: train::save_weights (float32) against quantization::save (int8),
//      read back from the written files.
// Times are the best of several repeats of thread CPU time (does not count time another program
// held the core) and of wall time; the load average is printed before and after.
// Build: cmake --build --preset release --target analysis_15_quantization;
// run:   build/release/bin/analysis_15_quantization [--data-dir DIR] [--epochs N] [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <unistd.h>

#include "tinytorch/activations/activations.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "tinytorch/quantization/quantization.hpp"
#include "tinytorch/training/checkpoint.hpp"

#ifndef TINYTORCH_SOURCE_DIR
#define TINYTORCH_SOURCE_DIR "."
#endif

using namespace tinytorch;
using namespace tinytorch::quantization;

namespace {
using Clock = std::chrono::steady_clock;

double thread_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// Best thread-CPU and best wall seconds of `repeats` calls after two warm-up calls.
struct Timing {
    double cpu = 1e300, wall = 1e300;
};
Timing best_of(int repeats, const std::function<void()>& f) {
    f();
    f();
    Timing t;
    for (int i = 0; i < repeats; ++i) {
        const double c0 = thread_cpu_seconds();
        const auto w0 = Clock::now();
        f();
        t.cpu = std::min(t.cpu, thread_cpu_seconds() - c0);
        t.wall = std::min(t.wall, std::chrono::duration<double>(Clock::now() - w0).count());
    }
    return t;
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a.empty() ? std::string("?") : a + " " + b + " " + c;
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "?";
}

/// Best of `repeats` calls, in microseconds of thread CPU time (wall time in brackets).
std::string us(const Timing& t) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%9.1f [%9.1f]", t.cpu * 1e6, t.wall * 1e6);
    return buf;
}

struct LayerShape {
    int64_t M, K, N;
};
const std::vector<LayerShape> kW1{{256, 784, 256}, {256, 256, 128}, {256, 128, 10}};

/// 1. GEMM only: FP32 Tensor::matmul against the integer kernels on pre-quantized operands.
void gemm_table(int repeats) {
    std::printf("\n1. GEMM only, W1 inference layer shapes (M = batch 256), 1 thread\n");
    std::printf("   us = best thread-CPU microseconds [best wall]; GOP/s = 2·M·N·K / CPU time\n");
    std::printf("   %-16s %-26s %22s %8s %9s\n", "shape MxKxN", "kernel", "us [wall]", "GOP/s", "vs FP32");
    Generator gen(3);
    for (const LayerShape& s : kW1) {
        const Tensor x = uniform({s.M, s.K}, 0.0f, 1.0f, gen), w = uniform({s.N, s.K}, -0.1f, 0.1f, gen);
        const Tensor wt = w.t().contiguous();
        const Timing f32 = best_of(repeats, [&] { (void)x.matmul(wt); });
        const double ops = 2.0 * s.M * s.N * s.K;
        char shape[32];
        std::snprintf(shape, sizeof shape, "%lldx%lldx%lld", (long long)s.M, (long long)s.K, (long long)s.N);
        std::printf("   %-16s %-26s %22s %8.1f %9s\n", shape, "FP32 matmul (sgemm)", us(f32).c_str(), ops / f32.cpu / 1e9,
                    "1.00x");
        const std::vector<uint8_t> a(static_cast<size_t>(s.M * s.K), 77);
        std::vector<int8_t> b(static_cast<size_t>(s.N * s.K));
        for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<int8_t>(static_cast<int>(i * 37 % 255) - 127);
        std::vector<int32_t> c(static_cast<size_t>(s.M * s.N));
        for (GemmIsa isa : compiled_isas()) {
            const PackedWeights p = pack_weights(b.data(), s.N, s.K, s.K, isa);
            const Timing t = best_of(isa == GemmIsa::Reference ? std::max(3, repeats / 10) : repeats,
                                     [&] { gemm_u8s8s32(s.M, a.data(), s.K, p, c.data(), s.N); });
            char ratio[16];
            std::snprintf(ratio, sizeof ratio, "%.2fx", f32.cpu / t.cpu);
            std::printf("   %-16s %-26s %22s %8.1f %9s\n", "", (std::string("int8 ") + isa_short_name(isa)).c_str(),
                        us(t).c_str(), ops / t.cpu / 1e9, ratio);
        }
    }
}

/// 2. Layers end to end: nn::Linear against nn::QuantizedLinear (quantize input + GEMM + requantize).
void layer_table(int repeats) {
    std::printf("\n2. Layers end to end (input quantization + GEMM + requantization included), 1 thread\n");
    std::printf("   %-16s %-26s %22s %9s\n", "shape MxKxN", "layer", "us [wall]", "vs FP32");
    autograd::NoGradGuard no_grad;
    Generator gen(5);
    for (const LayerShape& s : kW1) {
        nn::Linear lin(s.K, s.N);
        const Tensor x = uniform({s.M, s.K}, -1.0f, 2.0f, gen);
        const Timing f32 = best_of(repeats, [&] { (void)lin.forward(x); });
        char shape[32];
        std::snprintf(shape, sizeof shape, "%lldx%lldx%lld", (long long)s.M, (long long)s.K, (long long)s.N);
        std::printf("   %-16s %-26s %22s %9s\n", shape, "nn::Linear (FP32)", us(f32).c_str(), "1.00x");
        nn::QuantizedLinear q(lin);
        for (GemmIsa isa : compiled_isas()) {
            set_int_gemm_isa(isa);
            const Timing t = best_of(isa == GemmIsa::Reference ? std::max(3, repeats / 10) : repeats,
                                     [&] { (void)q.forward(x); });
            char ratio[16];
            std::snprintf(ratio, sizeof ratio, "%.2fx", f32.cpu / t.cpu);
            std::printf("   %-16s %-26s %22s %9s\n", "",
                        (std::string("QuantizedLinear ") + isa_short_name(isa)).c_str(), us(t).c_str(), ratio);
        }
        set_int_gemm_isa(best_isa());
    }
}

std::shared_ptr<nn::Sequential> make_mlp(const std::vector<int64_t>& sizes) {
    auto net = std::make_shared<nn::Sequential>();
    for (size_t i = 0; i + 1 < sizes.size(); ++i) {
        net->push_back(nn::Linear(sizes[i], sizes[i + 1]));
        if (i + 2 < sizes.size()) net->push_back(nn::ReLU());
    }
    return net;
}

/// A copy of `net` (same architecture, same float weights).
std::shared_ptr<nn::Sequential> copy_mlp(nn::Sequential& net, const std::vector<int64_t>& sizes) {
    auto copy = make_mlp(sizes);
    copy->load_state_dict(net.state_dict());
    return copy;
}

/// 3. The W1 MLP inference workload: float model against quantize_dynamic(model).
void w1_table(int repeats) {
    std::printf("\n3. W1 MLP inference 784-256-128-10, batch 256, 1 thread (samples/s from thread CPU time)\n");
    std::printf("   %-34s %22s %12s %9s\n", "model", "us [wall]", "samples/s", "vs FP32");
    autograd::NoGradGuard no_grad;
    const std::vector<int64_t> sizes{784, 256, 128, 10};
    manual_seed(1);
    auto net = make_mlp(sizes);
    net->eval();
    Generator gen(9);
    const Tensor x = randn({256, 784}, gen);
    const Timing f32 = best_of(repeats, [&] { (void)net->forward(x); });
    std::printf("   %-34s %22s %12.0f %9s\n", "float32 nn::Sequential", us(f32).c_str(), 256.0 / f32.cpu, "1.00x");
    auto q = copy_mlp(*net, sizes);
    quantize_dynamic(*q);
    q->eval();
    const Tensor ref = net->forward(x);
    for (GemmIsa isa : compiled_isas()) {
        set_int_gemm_isa(isa);
        const Timing t = best_of(isa == GemmIsa::Reference ? std::max(3, repeats / 10) : repeats,
                                 [&] { (void)q->forward(x); });
        char ratio[16];
        std::snprintf(ratio, sizeof ratio, "%.2fx", f32.cpu / t.cpu);
        std::printf("   %-34s %22s %12.0f %9s\n", (std::string("quantize_dynamic, ") + isa_short_name(isa)).c_str(),
                    us(t).c_str(), 256.0 / t.cpu, ratio);
    }
    set_int_gemm_isa(best_isa());
    const std::vector<float> a = ref.to_vector(), b = q->forward(x).to_vector();
    double diff = 0, scale = 0;
    for (size_t i = 0; i < a.size(); ++i) diff = std::max(diff, double(std::fabs(a[i] - b[i]))), scale = std::max(scale, double(std::fabs(a[i])));
    std::printf("   outputs: max |int8 − float| = %.4f (largest |output| %.3f)\n", diff, scale);
    std::printf("   in memory: float %zu bytes, int8 %zu bytes (weights, scales, float bias, packed operand)\n",
                model_nbytes(*net), model_nbytes(*q));
}

double accuracy(nn::Module& net, const Tensor& x, const Tensor& y) {
    autograd::NoGradGuard no_grad;
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

uintmax_t file_bytes(const std::string& path) { return std::filesystem::file_size(path); }

/// 5. Sizes on disk of a model saved as float32 and as int8.
void size_row(const char* what, nn::Sequential& float_net, nn::Sequential& int8_net, const std::string& dir) {
    const std::string f = dir + "/float.safetensors", q = dir + "/int8.safetensors";
    train::save_weights(float_net, f);
    save(int8_net, q);
    const uintmax_t fb = file_bytes(f), qb = file_bytes(q);
    std::printf("   %-28s float32 %9ju bytes   int8 %9ju bytes   %.2fx smaller\n", what, fb, qb,
                static_cast<double>(fb) / static_cast<double>(qb));
}

/// 4. MNIST: accuracy before and after quantization.
void mnist_part(const std::string& data_dir, int epochs, const std::string& tmp) {
    const std::string dir = data_dir + "/mnist";
    if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz") &&
        !std::filesystem::exists(dir + "/train-images-idx3-ubyte")) {
        std::printf("\n4. MNIST skipped: no MNIST in %s (hint: --data-dir ../shared/datasets)\n", dir.c_str());
        return;
    }
    data::TensorDataset tr = data::mnist(dir, true), te = data::mnist(dir, false);
    // flatten and standardise with the training set's mean / std (as milestone 03)
    const Tensor xtr = tr.data().reshape({tr.data().size(0), -1}).sub(0.1307f).div(0.3081f);
    const Tensor xte = te.data().reshape({te.data().size(0), -1}).sub(0.1307f).div(0.3081f);
    const std::vector<int64_t> sizes{784, 512, 256, 10};
    std::printf("\n4. MNIST: MLP 784-512-256-10 (milestone 03's), Adam 1e-3, batch 128, %d epoch(s), %lld threads\n",
                epochs, static_cast<long long>(get_num_threads()));
    manual_seed(42);
    auto net = make_mlp(sizes);
    optim::Adam adam(net->parameters(), optim::AdamOptions(1e-3));
    nn::CrossEntropyLoss ce;
    data::DataLoader loader(data::TensorDataset(xtr, tr.targets()),
                            data::DataLoaderOptions().batch_size(128).shuffle(true).seed(42));
    const auto t0 = Clock::now();
    for (int e = 0; e < epochs; ++e) {
        net->train();
        for (const auto& b : loader) {
            adam.zero_grad();
            Tensor loss = ce(net->forward(b.data), b.target);
            loss.backward();
            adam.step();
        }
    }
    const double train_s = std::chrono::duration<double>(Clock::now() - t0).count();
    const double acc_f = accuracy(*net, xte, te.targets());
    std::printf("   trained in %.1f s; test accuracy (10 000 images):\n", train_s);
    std::printf("   %-52s %7.2f%%\n", "float32", 100 * acc_f);
    auto report = [&](const char* what, nn::Module& m) {
        const double a = accuracy(m, xte, te.targets());
        std::printf("   %-52s %7.2f%%   loss %+.2f points\n", what, 100 * a, 100 * (acc_f - a));
    };
    auto dyn = copy_mlp(*net, sizes);
    quantize_dynamic(*dyn);
    report("quantize_dynamic (int8 weights per channel, input per tensor)", *dyn);
    auto row = copy_mlp(*net, sizes);
    quantize_dynamic(*row, nn::QuantizedOptions().input(InputQuantization::DynamicPerRow));
    report("quantize_dynamic (input per row)", *row);
    auto st = copy_mlp(*net, sizes);
    prepare(*st);
    std::vector<Tensor> calibration;
    for (int64_t i = 0; i < 1000; i += 100) calibration.push_back(xtr.slice(0, i, i + 100));
    calibrate(*st, calibration);
    convert(*st);
    report("static (min-max calibration on 1 000 training images)", *st);
    auto pc = copy_mlp(*net, sizes);
    prepare(*pc, get_percentile_qconfig(99.99));
    calibrate(*pc, calibration);
    convert(*pc);
    report("static (99.99th-percentile calibration)", *pc);
    std::printf("\n5. Checkpoint size on disk (train::save_weights vs quantization::save, measured file sizes)\n");
    size_row("MNIST MLP 784-512-256-10", *net, *dyn, tmp);
}
}  // namespace

int main(int argc, char** argv) {
    std::string data_dir;
    if (const char* env = std::getenv("TINYTORCH_DATA_DIR")) data_dir = env;
    if (data_dir.empty()) data_dir = std::string(TINYTORCH_SOURCE_DIR) + "/datasets";
    int epochs = 3, repeats = 50;
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
    if (quick) repeats = 3, epochs = std::min(epochs, 1);
    set_num_threads(1);
    const std::string load_before = load_average();
    std::printf("Module 15 · Quantization — analysis\n");
    std::printf("CPU: %s; integer kernels in this build:", cpu_model().c_str());
    for (GemmIsa isa : compiled_isas()) std::printf(" %s;", isa_name(isa));
    const char* coretype = std::getenv("OPENBLAS_CORETYPE");
    std::printf("\nOPENBLAS_CORETYPE=%s; load average before: %s\n", coretype ? coretype : "(unset)",
                load_before.c_str());
    gemm_table(repeats);
    layer_table(repeats);
    w1_table(repeats);
    const std::string tmp = (std::filesystem::temp_directory_path() / ("tinytorch_analysis15_" + std::to_string(getpid()))).string();
    std::filesystem::create_directories(tmp);
    {
        std::printf("\n5a. Checkpoint size on disk, W1 MLP 784-256-128-10 (measured file sizes)\n");
        manual_seed(1);
        auto net = make_mlp({784, 256, 128, 10});
        auto q = copy_mlp(*net, {784, 256, 128, 10});
        quantize_dynamic(*q);
        size_row("W1 MLP 784-256-128-10", *net, *q, tmp);
    }
    set_num_threads(2);  // training is not what is measured here: use both cores if there are two
    mnist_part(data_dir, epochs, tmp);
    std::filesystem::remove_all(tmp);
    std::printf("\nload average after: %s\n", load_average().c_str());
    return 0;
}
