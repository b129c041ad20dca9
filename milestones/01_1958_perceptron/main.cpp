// Milestone 01 · 1958 · Rosenblatt's perceptron
//
// Frank Rosenblatt's perceptron learned to separate two classes of points with a line —
// the first machine that learned from examples. Here: one Linear(2, 1) neuron with a
// sigmoid, on two clouds of 2-D points.
//   part A  the neuron with random weights (no learning): about chance,
//   part B  the same neuron trained with gradient descent: >= 95%.
// Needs modules 01-04 (tensor, activations, layers, losses) and 06-08 (autograd,
// optimizers, training).
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

/// n points per class: class 0 around (-1, -1), class 1 around (1.5, 1.5), spread 0.6.
/// x [2n, 2], y [2n, 1] in {0, 1}.
static data::TensorDataset make_blobs(int64_t n, Generator& gen) {
    Tensor x = empty({2 * n, 2}), y = empty({2 * n, 1});
    for (int64_t i = 0; i < 2 * n; ++i) {
        const bool one = i % 2 == 1;
        const float cx = one ? 1.5f : -1.0f, cy = one ? 1.5f : -1.0f;
        x.data_ptr()[2 * i] = cx + 0.6f * gen.normal();
        x.data_ptr()[2 * i + 1] = cy + 0.6f * gen.normal();
        y.data_ptr()[i] = one ? 1.0f : 0.0f;
    }
    return data::TensorDataset(x, y);
}

static std::shared_ptr<nn::Sequential> make_perceptron() {
    return std::make_shared<nn::Sequential>(nn::Linear(2, 1), nn::Sigmoid());
}

int main(int argc, char** argv) {
    milestone::Flags flags = milestone::parse_flags(
        argc, argv, "01_1958_perceptron",
        "Milestone 01 (1958): Rosenblatt's perceptron separates two clouds of points.\n"
        "usage: milestone_01_1958_perceptron [--epochs N] [--seed S] [--quick] [--out DIR]");
    const int epochs = flags.epochs > 0 ? flags.epochs : (flags.quick ? 30 : 100);
    auto start = milestone::Clock::now();

    milestone::require("milestone 01", {
        {"01_tensor", [] { (void)(ones({2, 2}).matmul(ones({2, 1})) + 1.0f).sum(); }},
        {"02_activations", [] { (void)sigmoid(zeros({1})); }},
        {"03_layers", [] { (void)nn::Linear(2, 1).forward(zeros({1, 2})); }},
        {"04_losses", [] { (void)nn::BCELoss()(full({1, 1}, 0.5f), ones({1, 1})); }},
        {"06_autograd", [] { Tensor w = ones({1}).requires_grad_(); (w * 2.0f).sum().backward(); }},
        {"07_optimizers", [] { Tensor w = ones({1}).requires_grad_(); w.set_grad(ones({1}));
                               optim::SGD(std::vector<Tensor>{w}, optim::SGDOptions(0.1)).step(); }},
        {"08_training", [] { Tensor w = ones({1}).requires_grad_();
                             optim::SGD sgd(std::vector<Tensor>{w}, optim::SGDOptions(0.1));
                             (void)optim::StepLR(sgd, 1).lr_at(1); }},
    });

    manual_seed(flags.seed);
    Generator data_gen(flags.seed);
    data::TensorDataset train_set = make_blobs(flags.quick ? 50 : 100, data_gen);
    data::TensorDataset test_set = make_blobs(100, data_gen);
    data::DataLoader train_loader(train_set, data::DataLoaderOptions().batch_size(16).shuffle(true).seed(flags.seed));
    data::DataLoader test_loader(test_set, data::DataLoaderOptions().batch_size(200));
    nn::BCELoss bce;
    auto loss_fn = [&](const Tensor& p, const Tensor& y) { return bce(p, y); };

    // Part A: random weights, no learning. Average over 10 random neurons: about a coin flip.
    std::printf("Part A: a perceptron with random weights (no learning)\n");
    double random_acc = 0.0;
    for (int trial = 0; trial < 10; ++trial) {
        auto net = make_perceptron();
        optim::SGD unused(net->parameters(), optim::SGDOptions(0.0));
        train::Trainer t(*net, unused, loss_fn, train::TrainerOptions{.progress = false});
        random_acc += t.evaluate(test_loader).accuracy / 10.0;
    }
    std::printf("  mean test accuracy of 10 random perceptrons: %s\n", milestone::pct(random_acc).c_str());

    // Part B: learn the weights with gradient descent on the binary cross-entropy.
    std::printf("\nPart B: the same perceptron, trained (%d epochs, SGD lr 0.1)\n", epochs);
    auto net = make_perceptron();
    optim::SGD sgd(net->parameters(), optim::SGDOptions(0.1));
    train::Trainer trainer(*net, sgd, loss_fn, train::TrainerOptions{.progress = false});
    train::MetricsLog log;
    milestone::fit_epochs(trainer, train_loader, test_loader, epochs, log, "training");
    train::EpochStats test = trainer.evaluate(test_loader);

    auto& lin = net->at<nn::Linear>(0);
    std::vector<float> w = lin.weight.to_vector();
    float b = lin.bias.to_vector()[0];
    const double seconds = milestone::seconds_since(start);
    milestone::print_table("Milestone 01 · perceptron (1958) results", {
        {"random weights: test accuracy", milestone::pct(random_acc)},
        {"trained: test accuracy", milestone::pct(test.accuracy)},
        {"trained: test loss", milestone::num(test.loss)},
        {"learned line", fmt(w[0], "*x + ", w[1], "*y + ", b, " = 0")},
        {"epochs", std::to_string(epochs)},
        {"wall time", milestone::num(seconds, 2) + " s"},
        {"target", ">= 95% trained, ~50% random"},
    });
    std::string rec = milestone::write_run_record(flags.out_dir, "01_1958_perceptron", flags,
        {{"train_loss", log.column("train_loss")}, {"val_loss", log.column("val_loss")},
         {"train_acc", log.column("train_acc")}, {"val_acc", log.column("val_acc")}},
        {{"random_accuracy", random_acc}, {"test_accuracy", test.accuracy}, {"seconds", seconds}});
    std::string svg = milestone::write_learning_curve(flags.out_dir, "Milestone 01 · perceptron (1958)",
        {{"loss", {{"train", log.column("train_loss")}, {"test", log.column("val_loss")}}},
         {"accuracy", {{"train", log.column("train_acc")}, {"test", log.column("val_acc")}}}});
    std::printf("run record: %s\nlearning curve: %s\n", rec.c_str(), svg.c_str());
    const double target = flags.quick ? 0.90 : 0.95;  // --quick trains less; it must still clearly learn
    const bool ok = test.accuracy >= target && random_acc < 0.75;
    std::printf("%s\n", ok ? "PASS: the perceptron learned to separate the classes"
                           : "FAIL: below the target accuracy");
    return ok ? 0 : 1;
}
