// Milestone 02 · 1969 · XOR and the limits of one layer
//
// Minsky and Papert's "Perceptrons" (1969) proved that a single-layer perceptron cannot
// compute XOR: no straight line separates {(0,0), (1,1)} from {(0,1), (1,0)}. Funding for
// neural networks dried up for a decade. A hidden layer fixes it.
//   part A  Linear(2, 1) + sigmoid: stuck at <= 75% however long it trains,
//   part B  Linear(2, 8) + tanh + Linear(8, 1) + sigmoid: 100%.
// Needs modules 01-04 and 06-08.
#include <cstdio>

#include "common/milestone.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "tinytorch/layers/layers.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "tinytorch/training/training.hpp"

using namespace tinytorch;

/// n noisy copies of the four XOR corners: x [4n, 2] = corner + N(0, 0.1²), y = xor [4n, 1].
static data::TensorDataset make_xor(int64_t n, Generator& gen) {
    Tensor x = empty({4 * n, 2}), y = empty({4 * n, 1});
    for (int64_t i = 0; i < 4 * n; ++i) {
        const int a = static_cast<int>(i % 2), b = static_cast<int>((i / 2) % 2);
        x.data_ptr()[2 * i] = static_cast<float>(a) + 0.1f * gen.normal();
        x.data_ptr()[2 * i + 1] = static_cast<float>(b) + 0.1f * gen.normal();
        y.data_ptr()[i] = static_cast<float>(a ^ b);
    }
    return data::TensorDataset(x, y);
}

struct Result {
    double train_acc, test_acc, test_loss;
    train::MetricsLog log;
};

static Result train_model(nn::Module& net, data::DataLoader& train_loader, data::DataLoader& test_loader, int epochs,
                          const char* label) {
    nn::BCELoss bce;
    optim::SGD sgd(net.parameters(), optim::SGDOptions(0.5).momentum(0.9));
    train::Trainer trainer(net, sgd, [&](const Tensor& p, const Tensor& y) { return bce(p, y); },
                           train::TrainerOptions{.progress = false});
    Result r;
    std::printf("%s\n", label);
    milestone::fit_epochs(trainer, train_loader, test_loader, epochs, r.log, "training");
    r.train_acc = trainer.evaluate(train_loader).accuracy;
    train::EpochStats test = trainer.evaluate(test_loader);
    r.test_acc = test.accuracy;
    r.test_loss = test.loss;
    return r;
}

int main(int argc, char** argv) {
    milestone::Flags flags = milestone::parse_flags(
        argc, argv, "02_1969_xor",
        "Milestone 02 (1969): one layer cannot learn XOR; two layers can.\n"
        "usage: milestone_02_1969_xor [--epochs N] [--seed S] [--quick] [--out DIR]");
    const int epochs = flags.epochs > 0 ? flags.epochs : (flags.quick ? 40 : 100);
    auto start = milestone::Clock::now();
    milestone::require("milestone 02", {
        {"01_tensor", [] { (void)(ones({2, 2}).matmul(ones({2, 1})) + 1.0f).sum(); }},
        {"02_activations", [] { (void)tanh(zeros({1})); (void)sigmoid(zeros({1})); }},
        {"03_layers", [] { (void)nn::Linear(2, 1).forward(zeros({1, 2})); }},
        {"04_losses", [] { (void)nn::BCELoss()(full({1, 1}, 0.5f), ones({1, 1})); }},
        {"06_autograd", [] { Tensor w = ones({1}).requires_grad_(); (w * 2.0f).sum().backward(); }},
        {"07_optimizers", [] { Tensor w = ones({1}).requires_grad_(); w.set_grad(ones({1}));
                               optim::SGD(std::vector<Tensor>{w}, optim::SGDOptions(0.1)).step(); }},
    });

    manual_seed(flags.seed);
    Generator data_gen(flags.seed);
    data::TensorDataset train_set = make_xor(50, data_gen), test_set = make_xor(50, data_gen);
    data::DataLoader train_loader(train_set, data::DataLoaderOptions().batch_size(20).shuffle(true).seed(flags.seed));
    data::DataLoader test_loader(test_set, data::DataLoaderOptions().batch_size(200));

    nn::Sequential single(nn::Linear(2, 1), nn::Sigmoid());
    Result a = train_model(single, train_loader, test_loader, epochs, "Part A: one layer, Linear(2, 1) + sigmoid");

    nn::Sequential mlp(nn::Linear(2, 8), nn::Tanh(), nn::Linear(8, 1), nn::Sigmoid());
    Result b = train_model(mlp, train_loader, test_loader, epochs,
                           "Part B: two layers, Linear(2, 8) + tanh + Linear(8, 1) + sigmoid");

    const double seconds = milestone::seconds_since(start);
    milestone::print_table("Milestone 02 · XOR (1969) results", {
        {"one layer: train accuracy", milestone::pct(a.train_acc)},
        {"one layer: test accuracy", milestone::pct(a.test_acc)},
        {"two layers: train accuracy", milestone::pct(b.train_acc)},
        {"two layers: test accuracy", milestone::pct(b.test_acc)},
        {"epochs (each)", std::to_string(epochs)},
        {"wall time", milestone::num(seconds, 2) + " s"},
        {"target", "one layer <= 75%, two layers 100%"},
    });
    std::string rec = milestone::write_run_record(flags.out_dir, "02_1969_xor", flags,
        {{"one_layer_val_acc", a.log.column("val_acc")}, {"two_layer_val_acc", b.log.column("val_acc")},
         {"one_layer_train_loss", a.log.column("train_loss")}, {"two_layer_train_loss", b.log.column("train_loss")}},
        {{"one_layer_test_accuracy", a.test_acc}, {"two_layer_test_accuracy", b.test_acc}, {"seconds", seconds}});
    std::string svg = milestone::write_learning_curve(flags.out_dir, "Milestone 02 · XOR (1969)",
        {{"training loss", {{"one layer", a.log.column("train_loss")}, {"two layers", b.log.column("train_loss")}}},
         {"test accuracy", {{"one layer", a.log.column("val_acc")}, {"two layers", b.log.column("val_acc")}}}});
    std::printf("run record: %s\nlearning curve: %s\n", rec.c_str(), svg.c_str());
    const bool ok = a.test_acc <= 0.75 && b.test_acc >= (flags.quick ? 0.95 : 1.0);
    std::printf("%s\n", ok ? "PASS: one layer fails at XOR, a hidden layer solves it" : "FAIL: targets not met");
    return ok ? 0 : 1;
}
