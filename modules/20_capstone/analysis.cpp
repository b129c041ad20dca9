// modules/20_capstone/analysis.cpp — Module 20 · Capstone: the whole optimisation pipeline on MNIST,
// measured end to end. Lesson: modules/20_capstone/README.md (systems questions at the end).
//
// 1. train LeNet-300-100 (784-300-100-10) on MNIST with Adam — or reuse the checkpoint an earlier
//    run of this program wrote (<out>/trained.safetensors; --retrain trains again);
// 2. run capstone::run_pipeline: profile (14) → int8 (15) → global magnitude pruning + one epoch of
//    fine-tuning with the masks on (16) → sparse int8 storage → every variant read back from its
//    file and timed with module 19's harness (batch 1, single calls, 1 thread);
// 3. print what was measured: bytes on disk (and per parameter), sparsity, test accuracy on all
//    10 000 MNIST test images, latency p50/p90; the report is <out>/submission.json;
// 4. grade that report as an instructor would: <out>/results.json in Gradescope's format with the
//    leaderboard row.
// The load average is printed before and after: quote it with every figure.
// Build: cmake --build --preset release --target analysis_20_capstone
// run:   build/release/bin/analysis_20_capstone [--data-dir DIR] [--out DIR] [--epochs N] [--prune F]
//                                              [--retrain] [--quick]
// grade a student's report only (an autograder's command; the model files must sit beside it):
//        build/release/bin/analysis_20_capstone --grade submission.json [--results results.json]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tinytorch/activations/activations.hpp"
#include "tinytorch/capstone/capstone.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "tinytorch/training/checkpoint.hpp"

#ifndef TINYTORCH_SOURCE_DIR
#define TINYTORCH_SOURCE_DIR "."
#endif

using namespace tinytorch;
namespace cap = tinytorch::capstone;

namespace {
using Clock = std::chrono::steady_clock;

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a.empty() ? std::string("?") : a + " " + b + " " + c;
}

std::shared_ptr<nn::Module> make_lenet_300_100() {
    return std::make_shared<nn::Sequential>(nn::Linear(784, 300), nn::ReLU(), nn::Linear(300, 100), nn::ReLU(),
                                            nn::Linear(100, 10));
}

/// `epochs` of Adam (batch 128, shuffled with `seed`) on (x, y).
void fit(nn::Module& model, const Tensor& x, const Tensor& y, int epochs, double lr, uint64_t seed) {
    optim::Adam adam(model.parameters(), optim::AdamOptions(lr));
    nn::CrossEntropyLoss ce;
    data::DataLoader loader(data::TensorDataset(x, y), data::DataLoaderOptions().batch_size(128).shuffle(true).seed(seed));
    for (int e = 0; e < epochs; ++e) {
        model.train();
        for (const auto& b : loader) {
            adam.zero_grad();
            Tensor loss = ce.forward(model.forward(b.data), b.target);
            loss.backward();
            adam.step();
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string data_dir;
    if (const char* env = std::getenv("TINYTORCH_DATA_DIR")) data_dir = env;
    if (data_dir.empty()) data_dir = std::string(TINYTORCH_SOURCE_DIR) + "/datasets";
    std::string out_dir = "capstone_run";
    int epochs = 4, fine_tune_epochs = 1;
    double prune = 0.9;
    bool retrain = false, quick = false;
    std::string grade_report, results_path;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--data-dir" && i + 1 < argc) data_dir = argv[++i];
        else if (a == "--out" && i + 1 < argc) out_dir = argv[++i];
        else if (a == "--epochs" && i + 1 < argc) epochs = std::atoi(argv[++i]);
        else if (a == "--prune" && i + 1 < argc) prune = std::atof(argv[++i]);
        else if (a == "--retrain") retrain = true;
        else if (a == "--quick") quick = true;
        else if (a == "--grade" && i + 1 < argc) grade_report = argv[++i];
        else if (a == "--results" && i + 1 < argc) results_path = argv[++i];
        else {
            std::fprintf(stderr, "usage: %s [--data-dir DIR] [--out DIR] [--epochs N] [--prune F] [--retrain] [--quick]\n"
                         "       %s --grade submission.json [--results results.json]\n",
                         argv[0], argv[0]);
            return 2;
        }
    }
    if (!grade_report.empty()) {  // the instructor's side only: report -> results.json
        if (results_path.empty()) results_path = "results.json";
        const cap::GradescopeResults r = cap::grade_file(grade_report, cap::Targets{});
        cap::write_results(r, results_path);
        std::printf("%s: %.0f / %.0f points -> %s\n", grade_report.c_str(), r.score, r.max_score(), results_path.c_str());
        for (const cap::GradescopeTest& t : r.tests)
            std::printf("   %-16s %-6s %s\n", t.name.c_str(), t.passed ? "passed" : "FAILED", t.output.c_str());
        return 0;
    }
    if (quick) epochs = 1;
    const auto t_start = Clock::now();
    const std::string load_before = load_average();
    std::printf("Module 20 · Capstone — analysis\nload average before: %s\n%s", load_before.c_str(),
                benchmark::capture_environment().to_string().c_str());

    const std::string dir = data_dir + "/mnist";
    if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz") &&
        !std::filesystem::exists(dir + "/train-images-idx3-ubyte")) {
        std::printf("MNIST not found in %s (hint: --data-dir ../shared/datasets); nothing to measure\n", dir.c_str());
        return 0;
    }
    data::TensorDataset tr = data::mnist(dir, true), te = data::mnist(dir, false);
    const Tensor xtr = tr.data().reshape({tr.data().size(0), -1}).sub(0.1307f).div(0.3081f).contiguous();
    cap::TestSet test;
    test.name = "MNIST test (10 000 images)";
    test.images = te.data().reshape({te.data().size(0), -1}).sub(0.1307f).div(0.3081f).contiguous();
    test.labels = te.targets();

    // ---- 1. the trained model -----------------------------------------------------------------------
    std::filesystem::create_directories(out_dir);
    const std::string checkpoint = out_dir + "/trained.safetensors";
    auto trained = make_lenet_300_100();
    set_num_threads(2);  // training is not what is measured: use both cores
    if (!retrain && std::filesystem::exists(checkpoint)) {
        train::load_weights(*trained, checkpoint);
        std::printf("\n1. LeNet-300-100 (784-300-100-10): weights from %s (an earlier run; --retrain trains again)\n",
                    checkpoint.c_str());
    } else {
        manual_seed(42);
        trained = make_lenet_300_100();
        const auto t0 = Clock::now();
        fit(*trained, xtr, tr.targets(), epochs, 1e-3, 42);
        train::save_weights(*trained, checkpoint);
        std::printf("\n1. LeNet-300-100 (784-300-100-10), Adam 1e-3, batch 128, %d epoch(s) in %.1f s -> %s\n", epochs,
                    std::chrono::duration<double>(Clock::now() - t0).count(), checkpoint.c_str());
    }

    // ---- 2. the pipeline ----------------------------------------------------------------------------
    cap::PipelineOptions o;
    o.out_dir = out_dir;
    o.student = "reference";
    o.model_name = "mnist-lenet-300-100";
    o.architecture = "784-300-100-10 ReLU MLP (LeNet-300-100)";
    o.prune_amount = prune;
    o.latency_batch = 1;
    if (quick) o.latency.repeats = 3;
    o.log = [&](const std::string& line) {
        std::printf("   [%6.1f s] %s\n", std::chrono::duration<double>(Clock::now() - t_start).count(), line.c_str());
        std::fflush(stdout);
    };
    cap::FineTune fine_tune = [&](nn::Module& m) {
        set_num_threads(2);
        fit(m, xtr, tr.targets(), fine_tune_epochs, 3e-4, 7);  // the masks keep the pruned weights at 0
        set_num_threads(1);
    };
    std::printf("\n2. Pipeline: profile -> int8 -> prune %.2f (global) + %d epoch fine-tune -> sparse int8 -> benchmark\n",
                prune, fine_tune_epochs);
    set_num_threads(1);  // latency is measured single-threaded (MLPerf single-stream: batch 1)
    const cap::Submission s = cap::run_pipeline(*trained, make_lenet_300_100, test, fine_tune, o);

    // ---- 3. what was measured -----------------------------------------------------------------------
    std::printf("\n3. Measured on each variant as read back from its file (%s; latency: batch 1, 1 thread,\n"
                "   single calls of module 19's harness; %lld parameters, %lld FLOPs per sample)\n",
                test.name.c_str(), static_cast<long long>(s.model.parameters),
                static_cast<long long>(s.model.forward_flops));
    std::printf("   %-12s %-12s %10s %8s %9s %9s %9s %10s %10s\n", "variant", "storage", "bytes", "smaller", "B/param",
                "sparsity", "accuracy", "p50 us", "p90 us");
    const cap::VariantMetrics& base = s.variant(s.baseline);
    for (const cap::VariantMetrics& v : s.variants)
        std::printf("   %-12s %-12s %10lld %7.2fx %9.3f %9.4f %8.2f%% %10.1f %10.1f\n", v.name.c_str(), v.storage.c_str(),
                    static_cast<long long>(v.size_bytes), double(base.size_bytes) / double(v.size_bytes),
                    double(v.size_bytes) / double(s.model.parameters), v.sparsity, 100 * v.accuracy,
                    v.latency.p50_s * 1e6, v.latency.p90_s * 1e6);
    std::printf("   final variant: %s (the smallest within %.1f point of the baseline); report: %s/submission.json\n",
                s.final_variant.c_str(), 100 * o.max_accuracy_drop, out_dir.c_str());

    // ---- 4. grading ---------------------------------------------------------------------------------
    cap::Targets targets;  // accuracy >= 97%, drop <= 1 point, >= 4x smaller, p90 not slower than the baseline
    const cap::GradescopeResults r = cap::grade_file(out_dir + "/submission.json", targets);
    cap::write_results(r, out_dir + "/results.json");
    std::printf("\n4. Grading %s/submission.json (files checked beside it) -> %s/results.json: %.0f / %.0f points\n",
                out_dir.c_str(), out_dir.c_str(), r.score, r.max_score());
    for (const cap::GradescopeTest& t : r.tests)
        std::printf("   %-16s %-6s %s\n", t.name.c_str(), t.passed ? "passed" : "FAILED", t.output.c_str());
    std::printf("   leaderboard:");
    for (const cap::LeaderboardEntry& e : r.leaderboard) std::printf("  %s %.4g", e.name.c_str(), e.value);
    std::printf("\n\ntotal %.0f s; load average after: %s\n",
                std::chrono::duration<double>(Clock::now() - t_start).count(), load_average().c_str());
    return 0;
}
