// milestones/05_2017_transformer/soak.cpp — the long run of issue 15 for milestone 05: N training
// steps (default 10,000) of the tinyplay char-GPT of `05_2017_transformer --task play` (2 layers,
// 4 heads, 64 dims, block 64, dropout 0.1; AdamW with weight decay on the 2-D weights only,
// gradient clipping at 1) on datasets/tinyplay, printing the resident memory every 1,000 steps.
// Memory must stay flat: the autograd graph of every step must be freed. The last line is a
// checksum of every weight bit (two runs with the same --seed at 1 thread must match).
//   ./build/dev/bin/soak_05_gpt --steps 10000 --threads 1
#include <cstdio>
#include <string>
#include <vector>

#include "common/milestone.hpp"
#include "common/soak.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "tinytorch/tokenization/tokenization.hpp"
#include "tinytorch/training/training.hpp"
#include "tinytorch/transformers/transformers.hpp"

using namespace tinytorch;

int main(int argc, char** argv) {
    const soak::RunFlags flags = soak::parse_run_flags(
        argc, argv, "soak_05_gpt", "N training steps of the tinyplay char-GPT, memory every 1000 steps, a weight checksum at the end", 16);
    const int64_t steps = flags.steps, B = flags.batch;
    const std::string text = text::read_text_file(std::string(TINYTORCH_SOURCE_DIR) + "/datasets/tinyplay/input.txt");
    const text::CharTokenizer tok(text, /*add_unk=*/false);
    const std::vector<int64_t> ids = tok.encode(text);
    const int64_t T = 64;
    manual_seed(flags.seed);
    nn::GPT model(nn::GPTConfig{.vocab_size = tok.vocab_size(), .block_size = T, .n_layer = 2, .n_head = 4,
                                .n_embd = 64, .dropout = 0.1});
    auto groups = nn::weight_decay_groups(model);
    optim::AdamW decay(groups.decay, optim::AdamWOptions(1e-3).betas({0.9, 0.99}).weight_decay(0.1));
    optim::AdamW no_decay(groups.no_decay, optim::AdamWOptions(1e-3).betas({0.9, 0.99}).weight_decay(0.0));
    const std::vector<Tensor> params = model.parameters();
    Generator gen(flags.seed + 1);
    std::printf("soak_05_gpt: %lld steps, batch %lld x %lld tokens, GPT %lld parameters, %d threads, seed %llu\n",
                static_cast<long long>(steps), static_cast<long long>(B), static_cast<long long>(T),
                static_cast<long long>(model.num_parameters()), get_num_threads(),
                static_cast<unsigned long long>(flags.seed));
    soak::print_header();
    const auto start = milestone::Clock::now();
    model.train();
    std::vector<float> xs(static_cast<size_t>(B * T)), ys(static_cast<size_t>(B * T));
    double loss_sum = 0;
    for (int64_t step = 1; step <= steps; ++step) {
        for (int64_t b = 0; b < B; ++b) {  // B random windows: x = ids[i .. i+T), y = ids[i+1 .. i+T]
            const int64_t i = static_cast<int64_t>(gen.randint(ids.size() - static_cast<size_t>(T) - 1));
            for (int64_t t = 0; t < T; ++t) {
                xs[static_cast<size_t>(b * T + t)] = static_cast<float>(ids[static_cast<size_t>(i + t)]);
                ys[static_cast<size_t>(b * T + t)] = static_cast<float>(ids[static_cast<size_t>(i + t + 1)]);
            }
        }
        Tensor loss = model.forward(Tensor(xs, {B, T}), Tensor(ys, {B, T})).loss;
        decay.zero_grad();
        no_decay.zero_grad();
        loss.backward();
        nn::utils::clip_grad_norm_(params, 1.0);
        decay.step();
        no_decay.step();
        loss_sum += loss.item();
        if (step % 1000 == 0 || step == steps) {
            soak::print_row(step, loss_sum / static_cast<double>(step % 1000 == 0 ? 1000 : step % 1000),
                            milestone::seconds_since(start));
            loss_sum = 0;
        }
    }
    std::printf("weights checksum %016llx\n", static_cast<unsigned long long>(soak::weights_checksum(params)));
    return 0;
}
