// Milestone 03 · 1986 · The multi-layer perceptron and backpropagation
//
// Rumelhart, Hinton and Williams (1986) showed that backpropagation trains networks with
// hidden layers — the XOR wall of 1969 falls, and handwritten digits become learnable.
//   part A  an MLP on the embedded 8x8 digits (ships with the repository): >= 90% in seconds,
//   part B  an MLP on MNIST, when <data-dir>/mnist holds the four IDX files: >= 98.0%.
// Needs modules 01-08.
#include <cstdio>
#include <filesystem>

#include "common/milestone.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "tinytorch/layers/layers.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "tinytorch/training/training.hpp"

using namespace tinytorch;

struct PartResult {
    std::string name;
    double test_acc = 0, test_loss = 0, seconds = 0;
    int epochs = 0;
    int64_t params = 0;
    train::MetricsLog log;
    std::vector<std::vector<int64_t>> confusion;
};

static int64_t count_params(nn::Module& m) {
    int64_t n = 0;
    for (const Tensor& p : m.parameters()) n += p.numel();
    return n;
}

/// Images [N, 1, H, W] in [0, 1] -> flattened [N, H*W], standardised with the training set's mean/std.
static data::TensorDataset flatten_standardise(const data::TensorDataset& ds, float mean, float stddev) {
    Tensor x = ds.data().reshape({ds.data().size(0), -1}).sub(mean).div(stddev);
    return data::TensorDataset(x, ds.targets());
}

static PartResult run(const std::string& name, data::TensorDataset train_set, data::TensorDataset test_set,
                      std::vector<int64_t> sizes, int epochs, int64_t batch, float lr, uint64_t seed,
                      float dropout = 0.0f) {
    PartResult r;
    r.name = name;
    r.epochs = epochs;
    auto start = milestone::Clock::now();
    manual_seed(seed);
    nn::Sequential net;
    for (size_t i = 0; i + 1 < sizes.size(); ++i) {
        net.push_back(nn::Linear(sizes[i], sizes[i + 1]));
        if (i + 2 < sizes.size()) {
            net.push_back(nn::ReLU());
            if (dropout > 0) net.push_back(nn::Dropout(dropout));
        }
    }
    r.params = count_params(net);
    std::printf("\n%s: MLP %s, %lld parameters, %zu train / %zu test images, %d epochs\n", name.c_str(),
                shape_str(sizes).c_str(), static_cast<long long>(r.params), train_set.size(), test_set.size(), epochs);
    data::DataLoader train_loader(train_set, data::DataLoaderOptions().batch_size(batch).shuffle(true).seed(seed));
    data::DataLoader test_loader(test_set, data::DataLoaderOptions().batch_size(1000));
    nn::CrossEntropyLoss ce;
    optim::Adam adam(net.parameters(), optim::AdamOptions(lr));
    optim::CosineWarmupLR schedule(adam, epochs, 0, lr * 0.02);  // per epoch: cosine from lr down to lr/50
    const bool small = train_set.size() < 10000;  // small: one bar over epochs; large: a bar per epoch
    train::Trainer trainer(net, adam, [&](const Tensor& out, const Tensor& y) { return ce(out, y); },
                           train::TrainerOptions{.progress = !small});
    trainer.set_scheduler(&schedule);
    if (small) milestone::fit_epochs(trainer, train_loader, test_loader, epochs, r.log, "training");
    else trainer.fit(train_loader, test_loader, epochs, &r.log);
    const auto& last = r.log.rows().back();
    std::printf("  test accuracy %s, test loss %s\n", milestone::pct(last.at("val_acc")).c_str(),
                milestone::num(last.at("val_loss")).c_str());
    r.test_acc = last.at("val_acc");
    r.test_loss = last.at("val_loss");
    // Confusion matrix on the test set.
    std::vector<int> truth, pred;
    {
        autograd::NoGradGuard no_grad;
        net.eval();
        for (const auto& b : test_loader) {
            std::vector<float> p = net.forward(b.data).argmax(1).to_vector(), t = b.target.to_vector();
            for (size_t i = 0; i < p.size(); ++i) { pred.push_back(int(p[i])); truth.push_back(int(t[i])); }
        }
    }
    r.confusion = milestone::confusion_matrix(truth, pred, 10);
    r.seconds = milestone::seconds_since(start);
    return r;
}

int main(int argc, char** argv) {
    milestone::Flags flags = milestone::parse_flags(
        argc, argv, "03_1986_mlp",
        "Milestone 03 (1986): a multi-layer perceptron learns handwritten digits.\n"
        "Part A trains on the embedded 8x8 digits; part B on MNIST when <data-dir>/mnist exists.\n"
        "usage: milestone_03_1986_mlp [--epochs N] [--seed S] [--data-dir DIR] [--quick] [--out DIR]\n"
        "                             [--dataset digits|mnist|both]",
        {"dataset"});
    milestone::require("milestone 03", {
        {"01_tensor", [] { (void)(ones({2, 2}).matmul(ones({2, 1})) + 1.0f).sum(); }},
        {"02_activations", [] { (void)relu(zeros({1})); (void)log_softmax(zeros({1, 2}), 1); }},
        {"03_layers", [] { (void)nn::Linear(2, 1).forward(zeros({1, 2})); }},
        {"04_losses", [] { (void)nn::CrossEntropyLoss()(zeros({1, 2}), zeros({1})); }},
        {"05_dataloader", [] { (void)data::TensorDataset(zeros({2, 1}), zeros({2})).get(0); }},
        {"06_autograd", [] { Tensor w = ones({1}).requires_grad_(); (w * 2.0f).sum().backward(); }},
        {"07_optimizers", [] { Tensor w = ones({1}).requires_grad_(); w.set_grad(ones({1}));
                               optim::Adam(std::vector<Tensor>{w}, optim::AdamOptions(0.1)).step(); }},
        {"08_training", [] { Tensor w = ones({1}).requires_grad_();
                             optim::SGD sgd(std::vector<Tensor>{w}, optim::SGDOptions(0.1));
                             (void)optim::CosineWarmupLR(sgd, 2).lr_at(1); }},
    });
    const std::string which = flags.get("dataset", flags.quick ? "digits" : "both");
    const std::string mnist_dir = flags.dataset("mnist");
    const bool have_mnist = std::filesystem::exists(mnist_dir + "/train-images-idx3-ubyte.gz") ||
                            std::filesystem::exists(mnist_dir + "/train-images-idx3-ubyte");
    std::vector<PartResult> parts;

    if (which == "digits" || which == "both") {
        // The embedded digits always come from the checkout's datasets/ folder.
        data::TensorDataset tr = data::digits8x8(true), te = data::digits8x8(false);
        const int epochs = flags.epochs > 0 ? flags.epochs : (flags.quick ? 10 : 30);
        parts.push_back(run("Part A · embedded 8x8 digits", flatten_standardise(tr, 0.3f, 0.38f),
                            flatten_standardise(te, 0.3f, 0.38f), {64, 128, 64, 10}, epochs, 32, 3e-3f, flags.seed,
                            /*dropout=*/0.25f));  // 1400 images: dropout keeps the MLP from memorising them
    }
    if (which == "mnist" || (which == "both" && have_mnist)) {
        if (!have_mnist) {
            std::fprintf(stderr, "MNIST not found in %s; hint: --data-dir DIR where DIR/mnist holds the four IDX .gz files\n",
                         mnist_dir.c_str());
            return 2;
        }
        data::TensorDataset tr = data::mnist(mnist_dir, true), te = data::mnist(mnist_dir, false);
        const int epochs = flags.epochs > 0 ? flags.epochs : 15;
        // 0.1307 / 0.3081: mean and std of MNIST training pixels on [0, 1].
        parts.push_back(run("Part B · MNIST", flatten_standardise(tr, 0.1307f, 0.3081f),
                            flatten_standardise(te, 0.1307f, 0.3081f), {784, 512, 256, 10}, epochs, 128, 1e-3f,
                            flags.seed));
    } else if (which == "both") {
        std::printf("\n(Part B skipped: no MNIST in %s. Try --data-dir ../shared/datasets)\n", mnist_dir.c_str());
    }

    std::vector<std::pair<std::string, std::string>> rows;
    std::vector<std::pair<std::string, double>> results;
    std::vector<milestone::Series> curves;
    std::vector<std::pair<std::string, std::vector<milestone::Series>>> panels{{"test accuracy", {}}, {"train loss", {}}};
    bool ok = true;
    for (const PartResult& p : parts) {
        const bool is_mnist = p.name.find("MNIST") != std::string::npos;
        const double target = is_mnist ? 0.98 : (flags.quick ? 0.80 : 0.90);
        ok = ok && p.test_acc >= target;
        rows.push_back({p.name + ": test accuracy", milestone::pct(p.test_acc)});
        rows.push_back({p.name + ": target", ">= " + milestone::pct(target)});
        rows.push_back({p.name + ": epochs / params", fmt(p.epochs, " / ", p.params)});
        rows.push_back({p.name + ": wall time", milestone::num(p.seconds, 2) + " s"});
        const std::string key = is_mnist ? "mnist" : "digits";
        results.push_back({key + "_test_accuracy", p.test_acc});
        results.push_back({key + "_seconds", p.seconds});
        curves.push_back({key + "_val_acc", p.log.column("val_acc")});
        curves.push_back({key + "_train_loss", p.log.column("train_loss")});
        panels[0].second.push_back({key, p.log.column("val_acc")});
        panels[1].second.push_back({key, p.log.column("train_loss")});
    }
    for (const PartResult& p : parts) {
        std::printf("\n%s", p.name.c_str());
        milestone::print_confusion(p.confusion, {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
    }
    milestone::print_table("Milestone 03 · MLP (1986) results", rows);
    std::string rec = milestone::write_run_record(flags.out_dir, "03_1986_mlp", flags, curves, results);
    std::string svg = milestone::write_learning_curve(flags.out_dir, "Milestone 03 · MLP (1986)", panels);
    std::printf("run record: %s\nlearning curve: %s\n", rec.c_str(), svg.c_str());
    std::printf("%s\n", ok ? "PASS: every part reached its target" : "FAIL: a part missed its target");
    return ok ? 0 : 1;
}
