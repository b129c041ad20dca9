// Milestone 06 · 2018 · MLPerf: optimising a model is measured, under rules
//
// MLPerf (2018; MLPerf Tiny, Banbury et al. 2021) made "faster, smaller" claims comparable: a
// fixed task, a quality target, latency percentiles from a load generator, and division rules
// that say what an optimisation may change. This program applies those rules to models it trains
// itself (milestones 03 and 05 write no checkpoints):
//   closed division   the MNIST MLP of milestone 03 after post-training INT8 quantization (module
//                     15) calibrated on a calibration split held out of the training set — no
//                     pruning, no retraining: >= 3.9x smaller on disk, <= 0.5 point accuracy loss;
//   open division     anything: gradual magnitude pruning with fine-tuning (module 16), then the
//                     storage of Deep Compression (deep_compression.hpp: shared weights, relative
//                     indices, Huffman coding): >= 10x smaller on disk, <= 1 point loss; module 16's
//                     own sparse format (bitmask + int8 values) is measured beside it;
//   generation        a character GPT (milestone 05's Shakespeare model) generating 256 tokens
//                     with the KV cache (module 18) against without: identical tokens, >= 5x.
// Sizes are those of the files written; accuracies are measured on the real test set with the
// model read back from those files; latencies come from module 19's harness (single stream:
// one sample per query, p50/p90/p99). --quick runs everything on the embedded 8x8 digits and the
// committed play in seconds (a CTest test checks its run.json, not its targets).
// Needs modules 01-16, 18, 19.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "06_2018_mlperf/deep_compression.hpp"
#include "common/milestone.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/benchmarking/benchmarking.hpp"
#include "tinytorch/compression/compression.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "tinytorch/layers/layers.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/memoization/memoization.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "tinytorch/quantization/quantization.hpp"
#include "tinytorch/tokenization/tokenization.hpp"
#include "tinytorch/training/training.hpp"
#include "tinytorch/transformers/transformers.hpp"

using namespace tinytorch;
namespace bm = tinytorch::benchmark;

namespace {

// ---- the classification task: data split three ways -------------------------------------------------

/// train (what the model learns from), calibration (held out of the training set: the closed
/// division calibrates on it) and test (only ever measured).
struct ImageTask {
    std::string name;
    Tensor x_train, y_train, x_cal, y_cal, x_test, y_test;  ///< x: [N, features], standardised
    std::vector<int64_t> sizes;                             ///< MLP layer widths
    int64_t batch = 128;
};

/// Flattened, standardised images; the training set split by a seeded permutation into train and
/// its last `n_cal` images as the calibration split.
ImageTask make_task(const std::string& name, const data::TensorDataset& train, const data::TensorDataset& test,
                    float mean, float stddev, int64_t n_cal, uint64_t seed, std::vector<int64_t> hidden) {
    ImageTask t;
    t.name = name;
    const Tensor x = train.data().reshape({train.data().size(0), -1}).sub(mean).div(stddev);
    const int64_t n = x.size(0);
    std::vector<float> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0.0f);
    Generator gen(seed);
    for (int64_t i = n - 1; i > 0; --i) std::swap(order[i], order[gen.randint(static_cast<uint64_t>(i + 1))]);
    const Tensor train_idx(std::vector<float>(order.begin(), order.end() - n_cal), {n - n_cal});
    const Tensor cal_idx(std::vector<float>(order.end() - n_cal, order.end()), {n_cal});
    t.x_train = x.index_select(0, train_idx);
    t.y_train = train.targets().index_select(0, train_idx);
    t.x_cal = x.index_select(0, cal_idx);
    t.y_cal = train.targets().index_select(0, cal_idx);
    t.x_test = test.data().reshape({test.data().size(0), -1}).sub(mean).div(stddev).contiguous();
    t.y_test = test.targets();
    t.sizes = {x.size(1)};
    for (int64_t h : hidden) t.sizes.push_back(h);
    t.sizes.push_back(10);
    return t;
}

std::shared_ptr<nn::Sequential> make_mlp(const std::vector<int64_t>& sizes) {
    auto net = std::make_shared<nn::Sequential>();
    for (size_t i = 0; i + 1 < sizes.size(); ++i) {
        net->push_back(nn::Linear(sizes[i], sizes[i + 1]));
        if (i + 2 < sizes.size()) net->push_back(nn::ReLU());
    }
    return net;
}

/// Fraction of `x` the model classifies right (eval mode, no graph, batches of 1000).
double accuracy(nn::Module& net, const Tensor& x, const Tensor& y) {
    NoGradGuard no_grad;
    net.eval();
    int64_t correct = 0;
    const int64_t n = x.size(0);
    for (int64_t i = 0; i < n; i += 1000) {
        const int64_t len = std::min<int64_t>(1000, n - i);
        const std::vector<float> p = net.forward(x.narrow(0, i, len)).argmax(1).to_vector();
        const std::vector<float> t = y.narrow(0, i, len).to_vector();
        for (size_t j = 0; j < p.size(); ++j) correct += p[j] == t[j];
    }
    return static_cast<double>(correct) / static_cast<double>(std::max<int64_t>(1, n));
}

/// `epochs` of Adam over the training split, lr on a cosine from `lr` to lr/50 (per batch).
/// `before_step(step)` runs before every optimizer step (the open division prunes there).
/// Returns the calibration-split accuracy after each epoch (a validation curve; the test set is
/// not looked at while training).
std::vector<double> train_mlp(nn::Sequential& net, const ImageTask& task, int epochs, double lr, uint64_t seed,
                              const std::string& label, const std::function<void(int64_t)>& before_step = {}) {
    data::DataLoader loader(data::TensorDataset(task.x_train, task.y_train),
                            data::DataLoaderOptions().batch_size(task.batch).shuffle(true).seed(seed));
    optim::Adam adam(net.parameters(), optim::AdamOptions(lr));
    nn::CrossEntropyLoss ce;
    const int64_t per_epoch = static_cast<int64_t>(loader.size()), total = per_epoch * epochs;
    std::vector<double> curve;
    train::ProgressBar bar(total, label);
    int64_t step = 0;
    for (int e = 0; e < epochs; ++e) {
        net.train();
        for (const auto& b : loader) {
            if (before_step) before_step(step);
            adam.set_lr(lr / 50 + 0.5 * (lr - lr / 50) * (1 + std::cos(M_PI * double(step) / double(total))));
            adam.zero_grad();
            Tensor loss = ce(net.forward(b.data), b.target);
            loss.backward();
            adam.step();
            ++step;
            bar.update(1, fmt("epoch ", e + 1, "/", epochs, "  loss ", milestone::num(loss.item())));
        }
        curve.push_back(accuracy(net, task.x_cal, task.y_cal));
    }
    bar.close();
    return curve;
}

uintmax_t file_bytes(const std::string& path) { return std::filesystem::file_size(path); }

/// 0.95 -> "95%", 0.975 -> "97.5%"
std::string percent1(double fraction) {
    char b[32];
    std::snprintf(b, sizeof b, "%g%%", std::round(1000 * fraction) / 10);
    return b;
}

// ---- latency: module 19's harness, one sample per query (MLPerf's single stream) -------------------

struct Latency {
    double p50_ms = 0, p90_ms = 0, p99_ms = 0, mean_ms = 0, single_stream_qps = 0, offline_sps = 0;
    int64_t queries = 0;
};

/// Single stream: each query is one test image (cycling through the first 256), timed call by call
/// by the harness; offline: batches of 1000 images, samples per second.
Latency measure_latency(nn::Module& net, const Tensor& x_test, bool quick) {
    NoGradGuard no_grad;
    net.eval();
    std::vector<Tensor> queries;
    for (int64_t i = 0; i < std::min<int64_t>(256, x_test.size(0)); ++i)
        queries.push_back(x_test.narrow(0, i, 1).contiguous());
    size_t next = 0;
    bm::BenchmarkOptions o;
    o.warmup_seconds = quick ? 0.02 : 0.2;
    o.repeat_seconds = quick ? 0.02 : 0.25;
    o.repeats = quick ? 3 : 9;
    o.unit = "samples";
    o.per_call_threshold_s = 0;  // every query is timed on its own: percentiles of single queries
    const bm::Measurement single = bm::measure("single stream", [&] {
        (void)net.forward(queries[next]);
        next = (next + 1) % queries.size();
    }, o);
    Latency l;
    l.p50_ms = single.p50_s * 1e3;
    l.p90_ms = single.p90_s * 1e3;
    l.p99_ms = single.p99_s * 1e3;
    l.mean_ms = single.call_seconds.empty()
                    ? single.median_s * 1e3
                    : 1e3 * std::accumulate(single.call_seconds.begin(), single.call_seconds.end(), 0.0) /
                          static_cast<double>(single.call_seconds.size());
    l.queries = static_cast<int64_t>(single.call_seconds.size());
    l.single_stream_qps = single.throughput;
    const Tensor batch = x_test.narrow(0, 0, std::min<int64_t>(1000, x_test.size(0))).contiguous();
    bm::BenchmarkOptions off = o;
    off.items_per_call = static_cast<double>(batch.size(0));
    off.per_call_threshold_s = 1e-5;
    l.offline_sps = bm::measure("offline", [&] { (void)net.forward(batch); }, off).throughput;
    return l;
}

// ---- one submission: what a division's run measured -----------------------------------------------

struct Submission {
    std::string division, key, description;
    Submission(std::string d, std::string k, std::string what)
        : division(std::move(d)), key(std::move(k)), description(std::move(what)) {}
    double accuracy = 0;        ///< on the test set, of the model read back from `file`
    uintmax_t bytes = 0;        ///< size of `file` on disk
    std::string file;
    Latency latency;
    double size_ratio = 0, loss_points = 0;     ///< against the float32 baseline
    double min_ratio = 0, max_loss_points = 0;  ///< the division's targets
    bool size_ok() const { return size_ratio >= min_ratio; }
    bool loss_ok() const { return loss_points <= max_loss_points; }
    bool valid() const { return size_ok() && loss_ok(); }
};

std::string verdict(bool ok) { return ok ? "VALID" : "INVALID"; }

void print_loadgen_summary(const Submission& s, const std::string& machine_line) {
    const std::string rule(64, '=');
    std::printf("\n%s\nMLPerf-style results summary · %s division\n%s\n", rule.c_str(), s.division.c_str(), rule.c_str());
    std::printf("SUT name : TinyTorch %s\n", s.description.c_str());
    std::printf("Scenario : SingleStream (one sample per query) + Offline (batches of 1000)\n");
    std::printf("Machine  : %s\n", machine_line.c_str());
    std::printf("Result is : %s\n", verdict(s.valid()).c_str());
    std::printf("  size on disk                 : %ju bytes (%s) -> %.2fx smaller   target >= %.1fx  %s\n",
                s.bytes, s.file.c_str(), s.size_ratio, s.min_ratio, verdict(s.size_ok()).c_str());
    std::printf("  test accuracy                : %.2f%% (loss %+.2f points)           target <= %.1f  %s\n",
                100 * s.accuracy, s.loss_points, s.max_loss_points, verdict(s.loss_ok()).c_str());
    std::printf("  single-stream latency (ms)   : p50 %.4f  p90 %.4f  p99 %.4f  mean %.4f  (%lld queries)\n",
                s.latency.p50_ms, s.latency.p90_ms, s.latency.p99_ms, s.latency.mean_ms,
                static_cast<long long>(s.latency.queries));
    std::printf("  90th percentile latency (ns) : %.0f\n", s.latency.p90_ms * 1e6);
    std::printf("  throughput                   : %.0f queries/s single stream, %.0f samples/s offline\n",
                s.latency.single_stream_qps, s.latency.offline_sps);
}

// ---- generation: the KV cache against recomputing the whole context ---------------------------------

struct GenerationResult {
    int64_t new_tokens = 0, params = 0, train_iters = 0, context_keep = 0;
    double train_seconds = 0, final_loss = NAN;
    nn::GPTConfig config;
    bool identical = false;
    double uncached_tps = 0, cached_tps = 0, speedup = 0, ci_low = 0, ci_high = 0;
    double uncached_p50_s = 0, uncached_p90_s = 0, uncached_p99_s = 0, cached_p50_s = 0, cached_p90_s = 0,
           cached_p99_s = 0;
    std::string sample;
    double target = 5.0;
    bool valid() const { return identical && speedup >= target; }
};

GenerationResult run_generation(const milestone::Flags& flags, bool quick) {
    GenerationResult g;
    std::string text, source;
    const std::string shakespeare = flags.dataset("tinyshakespeare") + "/input.txt";
    if (!quick && std::filesystem::exists(shakespeare)) {
        text = text::read_text_file(shakespeare);
        source = "Tiny Shakespeare";
    } else {
        text = text::read_text_file(std::string(TINYTORCH_SOURCE_DIR) + "/datasets/tinyplay/input.txt");
        source = "the committed play (datasets/tinyplay)";
    }
    text::CharTokenizer tok(text, /*add_unk=*/false);
    const std::vector<int64_t> ids = tok.encode(text.substr(0, text.size() * 9 / 10));
    // milestone 05's Shakespeare model (4 layers, 4 heads, 128 dims, block 128); quick: a small one
    g.config = quick ? nn::GPTConfig{.vocab_size = tok.vocab_size(), .block_size = 32, .n_layer = 2, .n_head = 2,
                                     .n_embd = 32}
                     : nn::GPTConfig{.vocab_size = tok.vocab_size(), .block_size = 128, .n_layer = 4, .n_head = 4,
                                     .n_embd = 128};
    g.new_tokens = flags.get_int("tokens", quick ? 64 : 256, 1, 100000);
    manual_seed(flags.seed);
    nn::GPT model(g.config);
    g.params = model.num_parameters();
    // a short training run (AdamW, a time budget): the timing does not depend on the weights, but
    // the tokens compared are then text, not noise
    const double budget = flags.get_double("gpt-seconds", quick ? 0.0 : 60.0, 0.0, 86400.0);
    const int64_t max_iters = flags.get_int("gpt-iters", quick ? 20 : 2000, 0, 10000000);
    const int64_t T = g.config.block_size, B = quick ? 8 : 16;
    std::printf("\nGeneration: char-GPT %lld parameters (%lld layers, %lld heads, %lld dims, block %lld) on %s, "
                "trained for up to %lld iterations%s\n",
                static_cast<long long>(g.params), static_cast<long long>(g.config.n_layer),
                static_cast<long long>(g.config.n_head), static_cast<long long>(g.config.n_embd),
                static_cast<long long>(T), source.c_str(), static_cast<long long>(max_iters),
                budget > 0 ? fmt(" or ", budget, " s").c_str() : "");
    {
        optim::AdamW adam(model.parameters(), optim::AdamWOptions(2e-3).betas({0.9, 0.99}).weight_decay(0.0));
        Generator gen(flags.seed + 7);
        const auto start = milestone::Clock::now();
        train::ProgressBar bar(max_iters, "char-GPT");
        model.train();
        for (int64_t it = 0; it < max_iters; ++it) {
            if (budget > 0 && milestone::seconds_since(start) > budget) break;
            std::vector<float> xs(static_cast<size_t>(B * T)), ys(static_cast<size_t>(B * T));
            for (int64_t b = 0; b < B; ++b) {
                const int64_t i = static_cast<int64_t>(gen.randint(ids.size() - static_cast<size_t>(T) - 1));
                for (int64_t t = 0; t < T; ++t) {
                    xs[b * T + t] = static_cast<float>(ids[i + t]);
                    ys[b * T + t] = static_cast<float>(ids[i + t + 1]);
                }
            }
            Tensor loss = model.forward(Tensor(xs, {B, T}), Tensor(ys, {B, T})).loss;
            adam.zero_grad();
            loss.backward();
            nn::utils::clip_grad_norm_(model.parameters(), 1.0);
            adam.step();
            g.final_loss = loss.item();
            g.train_iters = it + 1;
            bar.update(1, fmt("loss ", milestone::num(g.final_loss)));
        }
        bar.close();
        g.train_seconds = milestone::seconds_since(start);
    }
    model.eval();
    // one prompt token, greedy decoding: both paths must give the same tokens
    const Tensor prompt = Tensor({static_cast<float>(tok.encode("\n").at(0))}, {1, 1});
    // past block_size both paths follow module 13's context policy (ContextWindow): the window jumps
    // to its newest `keep` tokens, so the cache is refilled once per block_size − keep + 1 tokens
    // (--context-keep block_size is nanoGPT's crop: the window slides, a refill every step)
    nn::GenerateOptions greedy{.greedy = true};
    greedy.context_keep = flags.get_int("context-keep", 0, 0, g.config.block_size);
    g.context_keep = nn::ContextWindow(g.config.block_size, greedy.context_keep).keep();
    const Tensor plain = model.generate(prompt, g.new_tokens, greedy);
    const Tensor cached = nn::generate_with_cache(model, prompt, g.new_tokens, greedy);
    g.identical = plain.shape() == cached.shape() && plain.to_vector() == cached.to_vector();
    std::vector<int64_t> out_ids;
    for (float v : cached.to_vector()) out_ids.push_back(static_cast<int64_t>(v));
    g.sample = tok.decode(out_ids);
    bm::BenchmarkOptions o;
    o.warmup_seconds = quick ? 0.0 : 0.5;
    o.min_warmup_calls = 1;
    o.repeat_seconds = 1e-9;  // one generation per repeat (each lasts far longer)
    o.repeats = quick ? 3 : 9;
    o.unit = "tokens";
    const int threads = get_num_threads();
    set_num_threads(1);  // measured at one thread, as the latencies above (training used them all)
    o.items_per_call = static_cast<double>(g.new_tokens);
    const std::vector<bm::Case> cases{
        {"GPT::generate (no cache)", [&] { (void)model.generate(prompt, g.new_tokens, greedy); }},
        {"generate_with_cache", [&] { (void)nn::generate_with_cache(model, prompt, g.new_tokens, greedy); }}};
    const std::vector<bm::Measurement> ms = bm::measure_interleaved(cases, o);
    const bm::Comparison c = bm::compare(ms[0], ms[1]);
    g.uncached_tps = ms[0].throughput;
    g.cached_tps = ms[1].throughput;
    g.speedup = c.ratio;
    g.ci_low = c.ci.low;
    g.ci_high = c.ci.high;
    g.uncached_p50_s = ms[0].p50_s, g.uncached_p90_s = ms[0].p90_s, g.uncached_p99_s = ms[0].p99_s;
    g.cached_p50_s = ms[1].p50_s, g.cached_p90_s = ms[1].p90_s, g.cached_p99_s = ms[1].p99_s;
    set_num_threads(threads);
    std::printf("%s", bm::measurement_table(ms).c_str());
    return g;
}

}  // namespace

int main(int argc, char** argv) {
    milestone::Flags flags = milestone::parse_flags(
        argc, argv, "06_2018_mlperf",
        "Milestone 06 (2018): MLPerf-style optimisation runs under division rules.\n"
        "closed: post-training int8 of the MNIST MLP; open: pruning + fine-tuning + int8 sparse storage;\n"
        "generation: KV cache against none at 256 tokens. --quick: embedded digits and the committed play.\n"
        "usage: milestone_06_2018_mlperf [--epochs N] [--seed S] [--data-dir DIR] [--quick] [--out DIR]\n"
        "         [--dataset mnist|digits] [--stages F,F,..] [--sparsity F] [--stage-epochs N] [--select-margin P]\n"
        "         [--clusters K] [--tokens N]\n"
        "         [--gpt-seconds S] [--gpt-iters N] [--context-keep N] [--skip-generation]",
        {"dataset", "sparsity", "stages", "stage-epochs", "select-margin", "clusters", "tokens", "gpt-seconds", "gpt-iters", "context-keep", "skip-generation"});
    milestone::require("milestone 06", {
        {"01_tensor", [] { (void)(ones({2, 2}).matmul(ones({2, 1})) + 1.0f).sum(); }},
        {"02_activations", [] { (void)relu(zeros({1})); (void)log_softmax(zeros({1, 2}), 1); }},
        {"03_layers", [] { (void)nn::Linear(2, 1).forward(zeros({1, 2})); }},
        {"04_losses", [] { (void)nn::CrossEntropyLoss()(zeros({1, 2}), zeros({1})); }},
        {"05_dataloader", [] { (void)data::TensorDataset(zeros({2, 1}), zeros({2})).get(0); }},
        {"06_autograd", [] { Tensor w = ones({1}).requires_grad_(); (w * 2.0f).sum().backward(); }},
        {"07_optimizers", [] { Tensor w = ones({1}).requires_grad_(); w.set_grad(ones({1}));
                               optim::Adam(std::vector<Tensor>{w}, optim::AdamOptions(0.1)).step(); }},
        {"10_tokenization", [] { (void)text::CharTokenizer("ab").encode("ba"); }},
        {"13_transformers", [] { nn::GPT m(nn::GPTConfig{.vocab_size = 3, .block_size = 4, .n_layer = 1, .n_head = 1,
                                                          .n_embd = 4});
                                 (void)m.forward(zeros({1, 2})); }},
        {"15_quantization", [] { nn::Sequential s; s.push_back(nn::Linear(2, 2));
                                 quantization::quantize_dynamic(s); (void)s.forward(ones({1, 2})); }},
        {"16_compression", [] { (void)compression::magnitude_mask(ones({2, 2}), 0.5); }},
        {"18_memoization", [] { nn::GPT m(nn::GPTConfig{.vocab_size = 3, .block_size = 4, .n_layer = 1, .n_head = 1,
                                                         .n_embd = 4});
                                (void)nn::generate_with_cache(m, zeros({1, 1}), 2); }},
        {"19_benchmarking", [] { (void)bm::mean({1.0, 2.0}); }},
    });
    const bool quick = flags.quick;
    const std::string mnist_dir = flags.dataset("mnist");
    const bool have_mnist = std::filesystem::exists(mnist_dir + "/train-images-idx3-ubyte.gz") ||
                            std::filesystem::exists(mnist_dir + "/train-images-idx3-ubyte");
    const std::string which = flags.get("dataset", quick ? "digits" : "mnist");
    if (which != "mnist" && which != "digits")
        throw ValueError(fmt("--dataset must be mnist or digits, got '", which, "'; hint: --dataset digits needs no download"));
    if (which == "mnist" && !have_mnist)
        throw DataError(fmt("MNIST not found in ", mnist_dir, "; hint: --data-dir DIR where DIR/mnist holds the four ",
                            "IDX .gz files, or --dataset digits (embedded)"));
    // every flag is checked before anything is trained: the open division's stages ...
    std::vector<double> stages;
    {
        std::string list = flags.get("stages", which == "mnist" ? "0.9,0.95,0.97,0.98" : "0.5,0.8");
        if (flags.has("sparsity")) list = flags.get("sparsity", "");
        for (size_t at = 0; at <= list.size();) {
            const size_t comma = std::min(list.find(',', at), list.size());
            stages.push_back(milestone::Flags::parse_double("--stages", list.substr(at, comma - at), 0.0, 0.999));
            at = comma + 1;
        }
        if (!std::is_sorted(stages.begin(), stages.end()))
            throw ValueError(fmt("--stages must rise, got '", list, "'; hint: e.g. --stages 0.9,0.95,0.97"));
    }
    const int clusters = static_cast<int>(flags.get_int("clusters", 32, 2, 256));
    const int stage_epochs = static_cast<int>(flags.get_int("stage-epochs", which == "mnist" ? 4 : (quick ? 2 : 6), 1, 10000));
    const double margin = flags.get_double("select-margin", 0.5, 0.0, 100.0);
    // ... and the generation run's
    (void)flags.get_int("tokens", 1, 1, 100000), (void)flags.get_double("gpt-seconds", 0, 0.0, 86400.0);
    (void)flags.get_int("gpt-iters", 0, 0, 10000000), (void)flags.get_int("context-keep", 0, 0, 100000);
    const int threads = get_num_threads();
    std::filesystem::create_directories(flags.out_dir);
    const bm::Environment env_before = bm::capture_environment();
    std::printf("Milestone 06 · MLPerf (2018) — closed, open and generation runs%s\n", quick ? " (quick)" : "");
    std::printf("machine:\n%s", env_before.to_string().c_str());

    // ---- the task and the float32 baseline (milestone 03's MLP) ----
    ImageTask task;
    if (which == "mnist") {
        // 0.1307 / 0.3081: mean and std of MNIST training pixels on [0, 1]; 5 000 training images held out
        task = make_task("MNIST", data::mnist(mnist_dir, true), data::mnist(mnist_dir, false), 0.1307f, 0.3081f, 5000,
                         flags.seed, {512, 256});
    } else {
        task = make_task("embedded 8x8 digits", data::digits8x8(true), data::digits8x8(false), 0.3f, 0.38f, 200,
                         flags.seed, {128, 64});
        task.batch = 32;
    }
    const int epochs = flags.epochs > 0 ? flags.epochs : (which == "mnist" ? 15 : (quick ? 8 : 30));
    std::printf("\nTask: %s, MLP %s; %lld train / %lld calibration (held out of the training set) / %lld test images\n",
                task.name.c_str(), shape_str(task.sizes).c_str(), static_cast<long long>(task.x_train.size(0)),
                static_cast<long long>(task.x_cal.size(0)), static_cast<long long>(task.x_test.size(0)));
    manual_seed(flags.seed);
    auto baseline = make_mlp(task.sizes);
    const auto t_base = milestone::Clock::now();
    const std::vector<double> base_curve = train_mlp(*baseline, task, epochs, 1e-3, flags.seed, "baseline");
    const double base_train_s = milestone::seconds_since(t_base);
    const std::string float_file = flags.out_dir + "/mlp-float32.safetensors";
    train::save_weights(*baseline, float_file);
    auto base_loaded = make_mlp(task.sizes);
    train::load_weights(*base_loaded, float_file);
    Submission base("reference", "baseline", fmt("MLP ", shape_str(task.sizes), " float32"));
    base.file = float_file;
    base.bytes = file_bytes(float_file);
    base.accuracy = accuracy(*base_loaded, task.x_test, task.y_test);
    std::printf("baseline: float32, %d epochs in %.1f s, test accuracy %.2f%%, %ju bytes on disk\n", epochs, base_train_s,
                100 * base.accuracy, base.bytes);
    auto finish = [&](Submission& s) {
        s.size_ratio = static_cast<double>(base.bytes) / static_cast<double>(std::max<uintmax_t>(1, s.bytes));
        s.loss_points = 100.0 * (base.accuracy - s.accuracy);
    };

    // ---- closed division: post-training static int8, calibrated on the calibration split ----
    Submission closed("closed", "closed", fmt("MLP ", shape_str(task.sizes), " int8 (static, per-channel weights)"));
    closed.min_ratio = 3.9;
    closed.max_loss_points = 0.5;
    std::string closed_observer;
    {
        std::vector<Tensor> calibration;
        const int64_t n_cal = std::min<int64_t>(1000, task.x_cal.size(0));
        for (int64_t i = 0; i < n_cal; i += 100) calibration.push_back(task.x_cal.narrow(0, i, std::min<int64_t>(100, n_cal - i)));
        // the observer is chosen on the calibration split (never on the test set)
        double best = -1;
        std::shared_ptr<nn::Sequential> chosen;
        for (const auto& [name, qconfig] : std::vector<std::pair<std::string, quantization::QConfig>>{
                 {"min-max", quantization::get_default_qconfig()},
                 {"99.99th percentile", quantization::get_percentile_qconfig(99.99)}}) {
            auto q = make_mlp(task.sizes);
            q->load_state_dict(baseline->state_dict());
            quantization::prepare(*q, qconfig);
            quantization::calibrate(*q, calibration);
            quantization::convert(*q);
            const double cal_acc = accuracy(*q, task.x_cal, task.y_cal);
            std::printf("closed: static int8 with %s calibration on %lld held-out images: calibration-split accuracy %.2f%%\n",
                        name.c_str(), static_cast<long long>(n_cal), 100 * cal_acc);
            if (cal_acc > best) best = cal_acc, chosen = q, closed_observer = name;
        }
        closed.file = flags.out_dir + "/mlp-int8.safetensors";
        quantization::save(*chosen, closed.file, {{"observer", closed_observer}});
        closed.bytes = file_bytes(closed.file);
        auto loaded = make_mlp(task.sizes);
        quantization::load(*loaded, closed.file);  // the Linear layers become QuantizedLinear from the file
        closed.accuracy = accuracy(*loaded, task.x_test, task.y_test);
        closed.description += ", " + closed_observer + " calibration";
        finish(closed);
        set_num_threads(1);
        closed.latency = measure_latency(*loaded, task.x_test, quick);
        set_num_threads(threads);
    }

    // ---- open division: pruning in stages while fine-tuning; the stage is chosen on the calibration split ----
    // Each stage raises the sparsity (Zhu & Gupta's schedule over the first 60% of its steps, then
    // fine-tuning at it) and is written in both sparse formats and read back. The submission is the
    // sparsest stage whose calibration-split accuracy is within --select-margin points of the
    // baseline's (the test set is measured for every stage, for the plot, but chooses nothing).
    Submission open("open", "open", ""), bitmask("open", "open_bitmask", "");
    const double base_cal_acc = accuracy(*baseline, task.x_cal, task.y_cal);
    std::string stage_list;
    for (double v : stages) stage_list += (stage_list.empty() ? "" : ", ") + percent1(v);
    struct Stage {
        double sparsity = 0, cal_acc = 0;
        Submission huffman{"open", "open", ""}, bitmask{"open", "open_bitmask", ""};
        std::string table;
    };
    std::vector<Stage> done;
    std::vector<double> open_curve;
    size_t chosen = 0;
    {
        auto net = make_mlp(task.sizes);
        net->load_state_dict(baseline->state_dict());
        const int64_t steps_per_epoch = (task.x_train.size(0) + task.batch - 1) / task.batch;
        const int64_t total = steps_per_epoch * stage_epochs;
        double previous = 0.0;
        std::printf("\nopen: global magnitude pruning in stages %s, %d epochs each; baseline calibration-split "
                    "accuracy %.2f%%, selection margin %.2f points\n",
                    stage_list.c_str(), stage_epochs, 100 * base_cal_acc, margin);
        for (size_t k = 0; k < stages.size(); ++k) {
            Stage st;
            st.sparsity = stages[k];
            compression::GradualPruningSchedule schedule(previous, stages[k], 0, std::max<int64_t>(1, total * 6 / 10),
                                                         std::max<int64_t>(1, steps_per_epoch / 4));
            const std::vector<double> curve = train_mlp(
                *net, task, stage_epochs, 5e-4, flags.seed + 1 + k, fmt("prune to ", milestone::pct(stages[k])),
                [&](int64_t step) {
                    if (schedule.is_pruning_step(step))
                        compression::magnitude_prune(*net, schedule.sparsity_at(step), compression::PruneScope::global);
                });
            open_curve.insert(open_curve.end(), curve.begin(), curve.end());
            previous = stages[k];
            const compression::SparsityReport report = compression::sparsity_report(*net);
            st.table = report.to_string();
            const StateDict pruned = compression::effective_state_dict(*net);
            const std::string what = fmt("MLP ", shape_str(task.sizes), " pruned to ", milestone::pct(report.sparsity()), " zeros, ");
            const std::string tag = fmt(static_cast<int>(std::lround(1000 * stages[k])));
            // module 16's sparse storage: a bitmask of the non-zeros and their int8 values
            st.bitmask.file = flags.out_dir + "/mlp-open-" + tag + "-bitmask-int8.safetensors";
            compression::save_sparse(st.bitmask.file, pruned, compression::SparseValues::int8);
            st.bitmask.bytes = file_bytes(st.bitmask.file);
            auto from_bitmask = make_mlp(task.sizes);
            from_bitmask->load_state_dict(compression::load_sparse(st.bitmask.file));  // dense float32 again
            st.bitmask.accuracy = accuracy(*from_bitmask, task.x_test, task.y_test);
            st.bitmask.description = what + "bitmask + int8 values (module 16)";
            finish(st.bitmask);
            // Deep Compression's storage: shared weights, relative indices, Huffman codes
            st.huffman.file = flags.out_dir + "/mlp-open-" + tag + "-shared-huffman.ttdc";
            deep_compression::save(st.huffman.file, pruned, clusters);
            st.huffman.bytes = file_bytes(st.huffman.file);
            auto loaded = make_mlp(task.sizes);
            loaded->load_state_dict(deep_compression::load(st.huffman.file));  // dense float32 again
            st.cal_acc = accuracy(*loaded, task.x_cal, task.y_cal);
            st.huffman.accuracy = accuracy(*loaded, task.x_test, task.y_test);
            st.huffman.description = what + fmt(clusters, " shared values per layer, relative indices, Huffman-coded ",
                                                "(decoded to dense float32 to run)");
            finish(st.huffman);
            std::printf("  stage %.1f%%: calibration-split accuracy %.2f%%; bitmask + int8 %ju bytes (%.2fx, test %.2f%%), "
                        "Deep Compression %ju bytes (%.2fx, test %.2f%%)\n",
                        100 * report.sparsity(), 100 * st.cal_acc, st.bitmask.bytes, st.bitmask.size_ratio,
                        100 * st.bitmask.accuracy, st.huffman.bytes, st.huffman.size_ratio, 100 * st.huffman.accuracy);
            if (k == 0 || 100 * (base_cal_acc - st.cal_acc) <= margin) chosen = k;
            done.push_back(st);
        }
    }
    open = done[chosen].huffman;
    bitmask = done[chosen].bitmask;
    open.min_ratio = bitmask.min_ratio = 10.0;  // the open division's targets
    open.max_loss_points = bitmask.max_loss_points = 1.0;
    const double measured_sparsity = done[chosen].sparsity;
    std::printf("open: the submission is the %.1f%% stage (the sparsest within %.2f points of the baseline on the "
                "calibration split)\n%s",
                100 * measured_sparsity, margin, done[chosen].table.c_str());
    {
        auto loaded = make_mlp(task.sizes);
        loaded->load_state_dict(deep_compression::load(open.file));
        set_num_threads(1);
        open.latency = measure_latency(*loaded, task.x_test, quick);
        set_num_threads(threads);
    }
    set_num_threads(1);
    base.latency = measure_latency(*base_loaded, task.x_test, quick);
    set_num_threads(threads);

    // ---- generation: KV cache against none ----
    GenerationResult gen;
    const bool do_generation = !flags.has("skip-generation");
    if (do_generation) gen = run_generation(flags, quick);

    // ---- summary ----
    const bm::Environment env = bm::capture_environment();
    std::string isa;
    for (const std::string& s : env.compiled_isa) isa += (isa.empty() ? "" : " ") + s;
    const std::string machine = fmt(env.cpu_model, ", ", env.logical_cpus, " logical CPUs, build ISA ", isa,
                                    ", OPENBLAS_CORETYPE=", env.openblas_coretype, " OPENBLAS_L2_SIZE=",
                                    env.openblas_l2_size, ", latency at 1 thread, load ",
                                    milestone::num(env.load_1min, 2));
    print_loadgen_summary(closed, machine);
    print_loadgen_summary(open, machine);
    std::printf("\n(reference) float32 baseline: %ju bytes, test accuracy %.2f%%, single-stream p50 %.4f / p90 %.4f / "
                "p99 %.4f ms, offline %.0f samples/s\n",
                base.bytes, 100 * base.accuracy, base.latency.p50_ms, base.latency.p90_ms, base.latency.p99_ms,
                base.latency.offline_sps);
    if (do_generation) {
        const std::string rule(64, '=');
        std::printf("\n%s\nMLPerf-style results summary · generation (KV cache)\n%s\n", rule.c_str(), rule.c_str());
        std::printf("SUT name : TinyTorch char-GPT %lld parameters, block %lld, greedy, batch 1; past the block the "
                    "context keeps its newest %lld tokens (module 13's context policy)\n",
                    static_cast<long long>(gen.params), static_cast<long long>(gen.config.block_size),
                    static_cast<long long>(gen.context_keep));
        std::printf("Machine  : %s\n", machine.c_str());
        std::printf("Result is : %s\n", verdict(gen.valid()).c_str());
        std::printf("  tokens identical             : %s                                 %s\n",
                    gen.identical ? "yes" : "NO", verdict(gen.identical).c_str());
        std::printf("  speed-up at %lld new tokens   : %.2fx [95%% CI %.2f-%.2f]          target >= %.0fx  %s\n",
                    static_cast<long long>(gen.new_tokens), gen.speedup, gen.ci_low, gen.ci_high, gen.target,
                    verdict(gen.speedup >= gen.target).c_str());
        std::printf("  tokens/s                     : %.0f without cache, %.0f with\n", gen.uncached_tps, gen.cached_tps);
        std::printf("  latency per generation (ms)  : no cache p50 %.1f p90 %.1f p99 %.1f; cache p50 %.1f p90 %.1f p99 %.1f\n",
                    1e3 * gen.uncached_p50_s, 1e3 * gen.uncached_p90_s, 1e3 * gen.uncached_p99_s,
                    1e3 * gen.cached_p50_s, 1e3 * gen.cached_p90_s, 1e3 * gen.cached_p99_s);
        std::string shown = gen.sample.substr(0, 240);
        for (char& ch : shown) ch = ch == '\n' ? '|' : ch;  // one line: newlines shown as |
        std::printf("  sample (greedy, %lld iterations of training, loss %.3f; | is a newline):\n  %s\n",
                    static_cast<long long>(gen.train_iters), gen.final_loss, shown.c_str());
    }

    // ---- run record, Pareto plot, learning curves ----
    std::vector<bm::ModelVariant> variants{
        {"float32", base.accuracy, base.latency.p50_ms, static_cast<double>(base.bytes)},
        {"closed int8", closed.accuracy, closed.latency.p50_ms, static_cast<double>(closed.bytes)},
        };
    for (const Stage& st : done) {  // every stage, both formats (all run dense float32: the open latency)
        variants.push_back({"open " + percent1(st.sparsity) + ", bitmask", st.bitmask.accuracy,
                            open.latency.p50_ms, static_cast<double>(st.bitmask.bytes)});
        variants.push_back({"open " + percent1(st.sparsity) + ", Huffman", st.huffman.accuracy,
                            open.latency.p50_ms, static_cast<double>(st.huffman.bytes)});
    }
    const std::string pareto = flags.out_dir + "/pareto.svg";
    bm::write_pareto_svg(pareto, variants, fmt("Milestone 06 · ", task.name, " MLP: accuracy against size and latency"));
    std::vector<std::pair<std::string, double>> results{
        {"baseline_bytes", double(base.bytes)}, {"baseline_test_accuracy", base.accuracy},
        {"baseline_p50_ms", base.latency.p50_ms}, {"baseline_p90_ms", base.latency.p90_ms},
        {"baseline_p99_ms", base.latency.p99_ms}, {"baseline_offline_samples_per_s", base.latency.offline_sps},
        {"baseline_train_seconds", base_train_s}};
    std::vector<std::pair<std::string, std::string>> notes{
        {"task", task.name}, {"mlp", shape_str(task.sizes)}, {"machine", machine},
        {"closed_observer", closed_observer}};
    for (const Submission* s : {&closed, &open}) {
        results.push_back({s->key + "_bytes", double(s->bytes)});
        results.push_back({s->key + "_test_accuracy", s->accuracy});
        results.push_back({s->key + "_size_ratio", s->size_ratio});
        results.push_back({s->key + "_accuracy_loss_points", s->loss_points});
        results.push_back({s->key + "_target_size_ratio", s->min_ratio});
        results.push_back({s->key + "_target_max_loss_points", s->max_loss_points});
        results.push_back({s->key + "_p50_ms", s->latency.p50_ms});
        results.push_back({s->key + "_p90_ms", s->latency.p90_ms});
        results.push_back({s->key + "_p99_ms", s->latency.p99_ms});
        results.push_back({s->key + "_single_stream_qps", s->latency.single_stream_qps});
        results.push_back({s->key + "_offline_samples_per_s", s->latency.offline_sps});
        notes.push_back({s->key + "_result", verdict(s->valid())});
        notes.push_back({s->key + "_file", s->file});
        notes.push_back({s->key + "_sut", s->description});
    }
    results.push_back({"open_sparsity", measured_sparsity});
    for (const Stage& st : done) {
        const std::string tag = fmt("open_stage_", static_cast<int>(std::lround(1000 * st.sparsity)), "_");
        results.push_back({tag + "calibration_accuracy", st.cal_acc});
        results.push_back({tag + "test_accuracy", st.huffman.accuracy});
        results.push_back({tag + "bytes", double(st.huffman.bytes)});
        results.push_back({tag + "bitmask_test_accuracy", st.bitmask.accuracy});
        results.push_back({tag + "bitmask_bytes", double(st.bitmask.bytes)});
    }
    results.push_back({"open_clusters", double(clusters)});
    results.push_back({"open_bitmask_bytes", double(bitmask.bytes)});
    results.push_back({"open_bitmask_test_accuracy", bitmask.accuracy});
    results.push_back({"open_bitmask_size_ratio", bitmask.size_ratio});
    notes.push_back({"open_bitmask_file", bitmask.file});
    if (do_generation) {
        results.push_back({"kv_new_tokens", double(gen.new_tokens)});
        results.push_back({"kv_tokens_identical", gen.identical ? 1.0 : 0.0});
        results.push_back({"kv_speedup", gen.speedup});
        results.push_back({"kv_speedup_ci_low", gen.ci_low});
        results.push_back({"kv_speedup_ci_high", gen.ci_high});
        results.push_back({"kv_target_speedup", gen.target});
        results.push_back({"kv_uncached_tokens_per_s", gen.uncached_tps});
        results.push_back({"kv_cached_tokens_per_s", gen.cached_tps});
        results.push_back({"kv_uncached_p50_ms", 1e3 * gen.uncached_p50_s});
        results.push_back({"kv_cached_p50_ms", 1e3 * gen.cached_p50_s});
        results.push_back({"kv_block_size", double(gen.config.block_size)});
        results.push_back({"kv_context_keep", double(gen.context_keep)});
        notes.push_back({"kv_result", verdict(gen.valid())});
    } else {
        notes.push_back({"kv_result", "NOT RUN"});
    }
    std::vector<milestone::Series> curves{{"baseline_calibration_accuracy", base_curve},
                                          {"open_calibration_accuracy", open_curve}};
    const std::string rec = milestone::write_run_record(flags.out_dir, "06_2018_mlperf", flags, curves, results, notes);
    const std::string svg = milestone::write_learning_curve(
        flags.out_dir, "Milestone 06 · accuracy on the calibration split while training",
        {{"baseline (float32)", {{"baseline", base_curve}}}, {"open: pruning in stages + fine-tuning", {{"open", open_curve}}}});
    std::printf("\nrun record: %s\nPareto plot: %s\nlearning curves: %s\n", rec.c_str(), pareto.c_str(), svg.c_str());
    const bool all_valid = closed.valid() && open.valid() && (!do_generation || gen.valid());
    std::printf("%s\n", all_valid ? "PASS: every target VALID"
                                  : (quick ? "quick run: targets are for the full run (see above)"
                                           : "FAIL: a target is INVALID (see above)"));
    return quick || all_valid ? 0 : 1;
}
