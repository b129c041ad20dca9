// modules/18_memoization/analysis.cpp — Module 18 · Memoization: what a KV cache saves, measured.
// Lesson: modules/18_memoization/README.md §6.
//
// On this machine, for milestone 05's Shakespeare GPT (4 layers, 4 heads, 128 dims, vocabulary 65,
// block 128; random weights: the time does not depend on their values), batch 1:
//   1. generation from a one-token prompt, 64 / 128 / 256 new tokens, greedy: GPT::generate (no
//      cache) against generate_with_cache, measured interleaved with module 19's harness; tokens/s,
//      the speed-up with its bootstrap 95% interval, how often the window jumped (each jump is one
//      prefill of the kept tokens in the cached path), and whether both gave the same tokens. The
//      default context policy (keep half a block: 64 tokens), then nanoGPT's crop (context_keep =
//      block_size: past the block every step is a prefill), then the same model with a 512-position
//      table, where 256 new tokens never fill the window;
//   2. the time of ONE step at context length t: the uncached forward of t tokens against the
//      cached forward of one token after t − 1 cached ones;
//   3. the cache's memory: bytes per position and at full context for batch 1 and 16, from the
//      allocator's counters (memory_allocated before and after make_kv_cache) next to the formula
//      2 · layers · batch · heads · positions · head_dim · 4 bytes, and the model's own size.
// Build: cmake --build <build> --target analysis_18_memoization
// Run:   <build>/bin/analysis_18_memoization [--quick] [--threads N]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tinytorch/benchmarking/benchmarking.hpp"
#include "tinytorch/memoization/memoization.hpp"

using namespace tinytorch;
namespace bm = tinytorch::benchmark;

namespace {

/// Milestone 05's Shakespeare model (milestones/05_2017_transformer: the 15-minute recipe), with
/// another position table size when asked.
nn::GPTConfig milestone05_config(int64_t block_size = 128) {
    return nn::GPTConfig{.vocab_size = 65, .block_size = block_size, .n_layer = 4, .n_head = 4, .n_embd = 128};
}

std::string kib(double bytes) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f KiB", bytes / 1024.0);
    return b;
}

/// One row of part 1: how many tokens, with which context_keep (0: the default, half a block).
struct GenerationRow {
    int64_t new_tokens;
    int64_t context_keep;
    const char* policy;
};

/// How often the window jumps while n tokens are generated from a one-token prompt: the cached
/// path prefills the kept tokens again at each jump (the last token is never read, so n − 1 pushes).
int64_t window_jumps(const nn::GPT& model, int64_t n, int64_t keep) {
    nn::ContextWindow w(model.config().block_size, keep);
    w.start(1);
    int64_t jumps = 0;
    for (int64_t i = 0; i + 1 < n; ++i) jumps += w.push() ? 1 : 0;
    return jumps;
}

/// Part 1: without and with the cache, the same prompt and options, interleaved.
void generation_speed(nn::GPT& model, const std::vector<GenerationRow>& rows, const bm::BenchmarkOptions& opts) {
    const Tensor prompt = Tensor({{0.0f}});  // one token, as nanoGPT's sample.py with an empty start
    std::fflush(stdout);
    std::printf("| new tokens | context policy | window jumps | without cache (tokens/s) | with cache (tokens/s) "
                "| speed-up [95%% CI] | same tokens |\n");
    std::printf("|---:|---|---:|---:|---:|---|---|\n");
    for (const GenerationRow& r : rows) {
        const int64_t n = r.new_tokens;
        const nn::GenerateOptions greedy{.greedy = true, .context_keep = r.context_keep};
        const Tensor plain = model.generate(prompt, n, greedy);
        const Tensor cached = nn::generate_with_cache(model, prompt, n, greedy);
        const bool same = plain.shape() == cached.shape() && plain.to_vector() == cached.to_vector();
        std::vector<bm::Case> cases{
            {"no cache", [&] { (void)model.generate(prompt, n, greedy); }, static_cast<double>(n)},
            {"KV cache", [&] { (void)nn::generate_with_cache(model, prompt, n, greedy); }, static_cast<double>(n)}};
        const std::vector<bm::Measurement> ms = bm::measure_interleaved(cases, opts);
        const bm::Comparison c = bm::compare(ms[0], ms[1]);
        std::printf("| %lld | %s | %lld | %.0f | %.0f | %.2fx [%.2f-%.2f] | %s |\n", static_cast<long long>(n), r.policy,
                    static_cast<long long>(window_jumps(model, n, r.context_keep)), ms[0].throughput, ms[1].throughput,
                    c.ratio, c.ci.low, c.ci.high, same ? "yes" : "NO");
        std::fflush(stdout);
    }
}

/// Part 2: one step at context length t, without and with the cache.
void step_cost(nn::GPT& model, const std::vector<int64_t>& contexts, const bm::BenchmarkOptions& opts) {
    NoGradGuard no_grad;
    model.eval();
    std::printf("| context t | uncached forward of t tokens | cached forward of 1 token | ratio |\n|---:|---:|---:|---:|\n");
    for (int64_t t : contexts) {
        const Tensor ids = randint(0, 65, {1, t});
        nn::KVCache cache = nn::make_kv_cache(model, 1);
        nn::forward_with_cache(model, ids.narrow(1, 0, t - 1).contiguous(), cache);
        const Tensor newest = ids.narrow(1, t - 1, 1).contiguous();
        std::vector<bm::Case> cases{
            {"uncached", [&] {  // what GPT::generate does per step: every position through the blocks, the head on the last
                 Tensor x = model.embed(ids);
                 for (int64_t i = 0; i < model.config().n_layer; ++i) x = model.block(i)(x);
                 (void)model.head(x.narrow(1, t - 1, 1));
             }, 1.0},
            {"cached", [&] {
                 // the cache holds t − 1 positions; the step appends one, so undo it after each call
                 nn::KVCache step = cache;  // shares the buffers (Tensor handles): the same memory
                 (void)nn::forward_with_cache(model, newest, step, /*last_only=*/true);
             }, 1.0}};
        const std::vector<bm::Measurement> ms = bm::measure_interleaved(cases, opts);
        std::printf("| %lld | %s | %s | %.1fx |\n", static_cast<long long>(t), bm::detail::seconds_str(ms[0].median_s).c_str(),
                    bm::detail::seconds_str(ms[1].median_s).c_str(), ms[0].median_s / ms[1].median_s);
    }
}

/// Part 3: the cache's bytes, measured from the allocator and from the formula.
void cache_memory(const nn::GPT& model) {
    const nn::GPTConfig& c = model.config();
    int64_t param_bytes = 0;
    for (const Tensor& p : model.parameters()) param_bytes += p.numel() * 4;
    std::printf("model parameters: %lld (%s)\n", static_cast<long long>(param_bytes / 4), kib(param_bytes).c_str());
    std::printf("| batch | positions | measured (allocator) | formula 2*L*B*H*T*d*4 | per position | vs parameters |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|\n");
    for (int64_t B : {1, 16}) {
        const int64_t before = memory_allocated();
        nn::KVCache cache = nn::make_kv_cache(model, B);
        const int64_t measured = memory_allocated() - before;
        const int64_t formula = 2 * c.n_layer * B * c.n_head * c.block_size * (c.n_embd / c.n_head) * 4;
        const nn::KVCacheMemory m = cache.memory();
        std::printf("| %lld | %lld | %s | %s | %lld B | %.2fx |\n", static_cast<long long>(B),
                    static_cast<long long>(c.block_size), kib(static_cast<double>(measured)).c_str(),
                    kib(static_cast<double>(formula)).c_str(), static_cast<long long>(m.per_token_bytes),
                    static_cast<double>(measured) / static_cast<double>(param_bytes));
        if (m.allocated_bytes != formula) std::printf("  (cache.memory() says %lld bytes)\n", static_cast<long long>(m.allocated_bytes));
    }
    // a GPT-2-small-sized cache for scale: 12 layers, 12 heads of 64, 1024 positions, batch 1
    const double gpt2 = 2.0 * 12 * 1 * 12 * 1024 * 64 * 4;
    std::printf("for scale (formula only): GPT-2 small (12 layers, 12x64, 1024 positions), batch 1: %.1f MiB\n",
                gpt2 / (1024.0 * 1024.0));
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            quick = true;
        } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            set_num_threads(std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: %s [--quick] [--threads N]\n", argv[0]);
            return 2;
        }
    }
    bm::BenchmarkOptions opts;
    opts.warmup_seconds = quick ? 0.05 : 0.3;
    opts.repeat_seconds = quick ? 0.05 : 0.3;
    opts.repeats = quick ? 3 : 7;
    std::printf("Module 18 · Memoization — what a KV cache saves, measured\n");
    std::printf("model: milestone 05's Shakespeare GPT (4 layers, 4 heads, 128 dims, vocabulary 65), random weights, "
                "batch 1, %d thread(s)\n", get_num_threads());
    const std::vector<double> load = bm::load_average();
    if (load.size() == 3) std::printf("load average at the start: %.2f %.2f %.2f\n", load[0], load[1], load[2]);

    manual_seed(18);
    nn::GPT model(milestone05_config());
    std::printf("\n1. Generation from a one-token prompt, greedy, block 128 (the milestone's model). Past 128 tokens\n"
                "   the window jumps to its newest context_keep tokens (module 13's ContextWindow) and the cache is\n"
                "   prefilled with them; with nanoGPT's crop (keep 128) that happens at every step\n\n");
    generation_speed(model,
                     {{64, 0, "keep 64 (default)"}, {128, 0, "keep 64 (default)"}, {256, 0, "keep 64 (default)"},
                      {256, 128, "keep 128 (nanoGPT's crop)"}},
                     opts);

    manual_seed(18);
    nn::GPT wide(milestone05_config(512));
    std::printf("\n   the same model with a 512-position table (block 512): the window never fills up to 512 tokens\n\n");
    generation_speed(wide, {{256, 0, "block 512, no jump"}}, opts);

    std::printf("\n2. One step at context length t (block 128 model): all t tokens again, or only the newest\n\n");
    step_cost(model, {16, 64, 128}, opts);

    std::printf("\n3. The cache's memory (block 128 model, float32)\n\n");
    cache_memory(model);

    const std::vector<double> after = bm::load_average();
    if (after.size() == 3) std::printf("\nload average at the end: %.2f %.2f %.2f\n", after[0], after[1], after[2]);
    return 0;
}
