// milestones/04_1998_cnn/soak.cpp — the long run of issue 15: N training steps (default 10,000)
// of milestone 04's digits CNN (conv-BN-ReLU x3, max-pool, dropout, Adam) on the embedded 8x8
// digits, printing the resident memory every 1,000 steps. Memory must stay flat: a leak of one
// tensor per step would add megabytes per thousand steps. The last line is a checksum of every
// weight bit, so two runs with the same --seed at 1 thread can be compared (they must match).
//   ./build/dev/bin/soak_04_cnn --steps 10000 --threads 1
#include <cstdio>

#include "04_1998_cnn/models.hpp"
#include "common/milestone.hpp"
#include "common/soak.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"

using namespace tinytorch;

int main(int argc, char** argv) {
    const soak::RunFlags flags = soak::parse_run_flags(
        argc, argv, "soak_04_cnn", "N training steps of the digits CNN, memory every 1000 steps, a weight checksum at the end", 32);
    const int64_t steps = flags.steps, batch = flags.batch;
    manual_seed(flags.seed);
    data::TensorDataset train = data::digits8x8(true);
    nn::Sequential net = milestone04::digits_cnn();
    optim::Adam adam(net.parameters(), optim::AdamOptions(1e-3));
    nn::CrossEntropyLoss ce;
    data::DataLoader loader(train, data::DataLoaderOptions().batch_size(batch).shuffle(true).seed(flags.seed));
    std::printf("soak_04_cnn: %lld steps, batch %lld, %d threads, seed %llu\n", static_cast<long long>(steps),
                static_cast<long long>(batch), get_num_threads(), static_cast<unsigned long long>(flags.seed));
    soak::print_header();
    auto start = milestone::Clock::now();
    int64_t step = 0, epoch = 0;
    double loss_sum = 0;
    while (step < steps) {
        loader.set_epoch(epoch++);
        for (auto&& b : loader) {
            if (step == steps) break;
            adam.zero_grad();
            Tensor loss = ce(net.forward(b.data), b.target);
            loss.backward();
            adam.step();
            loss_sum += loss.item();
            if (++step % 1000 == 0 || step == steps) {
                soak::print_row(step, loss_sum / static_cast<double>(step % 1000 == 0 ? 1000 : step % 1000),
                                milestone::seconds_since(start));
                loss_sum = 0;
            }
        }
    }
    std::printf("weights checksum %016llx\n", static_cast<unsigned long long>(soak::weights_checksum(net.parameters())));
    return 0;
}
