// modules/19_benchmarking/analysis.cpp — the harness at work, in a few seconds.
//   1. why one timing is not a measurement: the spread of single calls
//   2. measurements with their uncertainty, and comparisons that say when they cannot tell
//   3. the environment record every figure needs
//   4. a Pareto plot of model variants: accuracy measured on held-out digits, latency measured
//      with the harness, size counted — nothing invented
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/benchmarking/benchmarking.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"

using namespace tinytorch;
namespace bm = tinytorch::benchmark;

namespace {

bm::BenchmarkOptions quick(double items = 1, const std::string& unit = "calls") {
    bm::BenchmarkOptions o;
    o.warmup_seconds = 0.05;
    o.repeat_seconds = 0.05;
    o.repeats = 9;
    o.items_per_call = items;
    o.unit = unit;
    o.seed = 19;
    return o;
}

struct Variant {
    std::string name;
    std::vector<int64_t> hidden;
};

/// Train an MLP on the embedded 8x8 digits for a few epochs; accuracy on the held-out split.
double train_and_test(nn::Sequential& net, const data::TensorDataset& train, const data::TensorDataset& test) {
    optim::Adam adam(net.parameters(), optim::AdamOptions(3e-3));
    data::DataLoader loader(train, data::DataLoaderOptions().batch_size(32).shuffle(true).seed(3));
    net.train();
    for (int epoch = 0; epoch < 8; ++epoch)
        for (const auto& batch : loader) {
            adam.zero_grad();
            nn::functional::cross_entropy(net(batch.data), batch.target).backward();
            adam.step();
        }
    net.eval();
    autograd::NoGradGuard no_grad;
    Tensor pred = net(test.data()).argmax(1);
    return pred.eq(test.targets()).mean().item();
}

}  // namespace

int main() {
    set_num_threads(1);
    std::printf("Module 19 · Benchmarking — analysis (1 thread)\n");

    // ---- 1. one call is not a measurement ----------------------------------------------------------
    Tensor a = randn({128, 128}), b = randn({128, 128});
    bm::BenchmarkOptions single = quick();
    single.per_call_threshold_s = 0;  // time every call on its own, however short
    bm::Measurement m = bm::measure("matmul 128", [&] { (void)a.matmul(b); }, single);
    std::printf("\n1. %zu single calls of a 128x128 matmul, each timed on its own:\n"
                "   fastest %.1f us, median %.1f us, p90 %.1f us, p99 %.1f us, slowest %.1f us.\n"
                "   One timing could have been any of these; the median of calibrated repeats with its\n"
                "   interval is what to report: %.2f us, 95%% CI [%.2f, %.2f] us, MAD %.2f us.\n",
                m.call_seconds.size(), bm::percentile(m.call_seconds, 0) * 1e6, m.p50_s * 1e6, m.p90_s * 1e6,
                m.p99_s * 1e6, bm::percentile(m.call_seconds, 100) * 1e6, m.median_s * 1e6, m.median_ci_s.low * 1e6,
                m.median_ci_s.high * 1e6, m.mad_s * 1e6);

    // ---- 2. measurements and comparisons -------------------------------------------------------------
    std::printf("\n2. Measured together (interleaved repeats), with comparisons:\n\n");
    Tensor x = randn({1024, 1024}), xt = x.t();
    std::vector<bm::Measurement> ms = bm::measure_interleaved(
        {{"sum, contiguous", [&] { (void)x.sum(); }, 1024.0 * 1024 / 1e9},
         {"sum, transposed view", [&] { (void)xt.sum(); }, 1024.0 * 1024 / 1e9},
         {"sum of dim 0 (columns)", [&] { (void)x.sum(0); }, 1024.0 * 1024 / 1e9},
         {"sum, contiguous (again)", [&] { (void)x.sum(); }, 1024.0 * 1024 / 1e9}},
        quick(1, "Gelem"));
    std::printf("%s\n", bm::measurement_table(ms).c_str());
    std::vector<bm::Comparison> cs = {bm::compare(ms[0], ms[1], 0.95, 2000, 1), bm::compare(ms[0], ms[2], 0.95, 2000, 1),
                                      bm::compare(ms[0], ms[3], 0.95, 2000, 1)};
    std::printf("%s", bm::comparison_table(cs).c_str());
    std::printf("   The same code measured twice should show 'no clear difference'; if it does not, the\n"
                "   machine was busy or the repeats too few: that is what the interval is for.\n");

    // ---- 3. the environment ------------------------------------------------------------------------------
    const bm::Environment env = bm::capture_environment();
    std::printf("\n3. The environment these numbers belong to:\n%s", env.to_string().c_str());

    // ---- 4. a Pareto plot of model variants ----------------------------------------------------------------
    std::printf("\n4. MLP variants on the embedded 8x8 digits (8 epochs each): accuracy on the 400 held-out\n"
                "   images, latency of one image (harness median), size of the parameters.\n\n");
    const data::TensorDataset train8 = data::digits8x8(true), test8 = data::digits8x8(false);
    auto flat = [](const data::TensorDataset& ds) {
        return data::TensorDataset(ds.data().reshape({ds.data().size(0), -1}).sub(0.3f).div(0.38f), ds.targets());
    };
    const data::TensorDataset train = flat(train8), test = flat(test8);
    const std::vector<Variant> variants = {{"64-10", {}},           {"64-16-10", {16}},     {"64-32-10", {32}},
                                           {"64-128-10", {128}},    {"64-64-32-10", {64, 32}},
                                           {"64-256-256-10", {256, 256}}};
    std::vector<bm::ModelVariant> points;
    std::printf("   %-16s %9s %12s %10s\n", "variant", "accuracy", "latency", "size");
    for (const Variant& v : variants) {
        manual_seed(7);
        nn::Sequential net;
        int64_t in = 64;
        for (int64_t h : v.hidden) {
            net.push_back(nn::Linear(in, h));
            net.push_back(nn::ReLU());
            in = h;
        }
        net.push_back(nn::Linear(in, 10));
        const double acc = train_and_test(net, train, test);
        Tensor one = test.data().narrow(0, 0, 1).contiguous();
        autograd::NoGradGuard no_grad;
        bm::Measurement lat = bm::measure(v.name, [&] { (void)net(one); }, quick());
        double bytes = 0;
        for (const Tensor& p : net.parameters()) bytes += static_cast<double>(p.nbytes());
        points.push_back({v.name, acc, lat.median_s * 1e3, bytes});
        std::printf("   %-16s %8.1f%% %9.2f us %7.1f KiB\n", v.name.c_str(), 100 * acc, lat.median_s * 1e6, bytes / 1024);
    }
    std::printf("\n   On the front (latency): ");
    for (size_t i : bm::pareto_front(points, bm::Cost::latency)) std::printf("%s  ", points[i].name.c_str());
    std::printf("\n   On the front (size):    ");
    for (size_t i : bm::pareto_front(points, bm::Cost::size)) std::printf("%s  ", points[i].name.c_str());
    bm::write_pareto_svg("analysis_19_pareto.svg", points, "MLP variants on 8x8 digits: accuracy vs latency and size");
    bm::write_report("analysis_19_report.json", "analysis_19_benchmarking", env, ms, cs);
    std::printf("\n\n   Plot: analysis_19_pareto.svg; JSON report of section 2: analysis_19_report.json\n");
    return 0;
}
