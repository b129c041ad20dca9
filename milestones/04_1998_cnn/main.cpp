// Milestone 04 · 1998 · Convolutional networks
//
// LeCun, Bottou, Bengio and Haffner (1998) trained LeNet-5 — convolutions, subsampling, a few
// fully connected layers — on handwritten digits and put it to work reading cheques. Sharing one
// small kernel over every position of the image is what the MLP of 1986 lacked.
//   task digits  a small CNN on the embedded 8x8 digits against milestone 03's MLP on the same
//                split (ships with the repository, seconds),
//   task lenet   LeNet-5 on MNIST (<data-dir>/mnist): >= 99.0% test accuracy,
//   task cifar   a BatchNorm CNN on CIFAR-10 (<data-dir>/cifar10) with augmentation and a
//                one-cycle learning rate: >= 75% test accuracy in under 30 minutes on 2 cores.
// Needs modules 01-09.
#include <cstdio>
#include <filesystem>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <memory>
#include <string>

#include "04_1998_cnn/models.hpp"
#include "common/milestone.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/convolutions/convolutions.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "tinytorch/layers/layers.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "tinytorch/training/training.hpp"

using namespace tinytorch;
namespace tf = tinytorch::data::transforms;

/// How one network is trained.
struct Recipe {
    int epochs = 10;
    int64_t batch = 64;
    double lr = 1e-3;
    bool sgd = false;            ///< SGD with Nesterov momentum 0.9 (else Adam)
    double weight_decay = 0.0;
    double warmup_epochs = 0.0;  ///< > 0: the lr follows a per-step one-cycle (linear warm-up, cosine down)
    double final_lr_ratio = 0.02;
    double label_smoothing = 0.0;
};

struct PartResult {
    std::string name, key;
    double test_acc = 0, test_loss = 0, seconds = 0, train_seconds = 0, target = 0;
    int epochs = 0;
    int64_t params = 0;
    train::MetricsLog log;
    std::vector<std::vector<int64_t>> confusion;
    std::vector<std::string> classes;
};

static int64_t count_params(nn::Module& m) {
    int64_t n = 0;
    for (const Tensor& p : m.parameters()) n += p.numel();
    return n;
}

/// The first `limit` examples of a dataset (all when limit <= 0): for quick experiments.
static data::TensorDataset first(const data::TensorDataset& ds, int64_t limit) {
    if (limit <= 0 || limit >= static_cast<int64_t>(ds.size())) return ds;
    return data::TensorDataset(ds.data().narrow(0, 0, limit), ds.targets().narrow(0, 0, limit));
}

/// Train `net` on `train_set` with `recipe`, testing after every epoch; then the confusion matrix.
static PartResult run(const std::string& name, const std::string& key, nn::Sequential& net,
                      std::shared_ptr<const data::Dataset> train_set, std::shared_ptr<const data::Dataset> test_set,
                      const Recipe& recipe, uint64_t seed, std::vector<std::string> classes, double target) {
    PartResult r;
    r.name = name, r.key = key, r.epochs = recipe.epochs, r.classes = std::move(classes), r.target = target;
    r.params = count_params(net);
    auto start = milestone::Clock::now();
    std::printf("\n%s: %lld parameters, %zu train / %zu test images, %d epochs, batch %lld, %s lr %g, %d threads\n",
                name.c_str(), static_cast<long long>(r.params), train_set->size(), test_set->size(), recipe.epochs,
                static_cast<long long>(recipe.batch), recipe.sgd ? "SGD-Nesterov" : "Adam", recipe.lr,
                get_num_threads());
    data::DataLoader train_loader(train_set, data::DataLoaderOptions().batch_size(recipe.batch).shuffle(true).seed(seed));
    data::DataLoader test_loader(test_set, data::DataLoaderOptions().batch_size(500));
    nn::CrossEntropyLoss ce(nn::CrossEntropyLossOptions().label_smoothing(recipe.label_smoothing));
    std::unique_ptr<optim::Optimizer> opt;
    if (recipe.sgd)
        opt = std::make_unique<optim::SGD>(
            net.parameters(),
            optim::SGDOptions(recipe.lr).momentum(0.9).nesterov(true).weight_decay(recipe.weight_decay));
    else
        opt = std::make_unique<optim::Adam>(net.parameters(),
                                            optim::AdamOptions(recipe.lr).weight_decay(recipe.weight_decay));
    // One-cycle: per optimizer step, a linear warm-up then a half cosine down to lr·final_lr_ratio.
    // Without warm-up: per epoch, the cosine of milestone 03.
    const bool per_step = recipe.warmup_epochs > 0;
    const int64_t steps = per_step ? recipe.epochs * static_cast<int64_t>(train_loader.size()) : recipe.epochs;
    const int64_t warmup =
        per_step ? std::min<int64_t>(steps, static_cast<int64_t>(recipe.warmup_epochs * train_loader.size())) : 0;
    optim::CosineWarmupLR schedule(*opt, steps, warmup, recipe.lr * recipe.final_lr_ratio);
    const bool small = train_set->size() < 10000;  // small: one bar over epochs; large: a bar per epoch
    train::Trainer trainer(net, *opt, [&](const Tensor& out, const Tensor& y) { return ce(out, y); },
                           train::TrainerOptions{.progress = !small, .scheduler_per_step = per_step});
    trainer.set_scheduler(&schedule);
    if (small) {
        milestone::fit_epochs(trainer, train_loader, test_loader, recipe.epochs, r.log, "training");
    } else {
        for (int e = 0; e < recipe.epochs; ++e) {
            const auto row = trainer.fit(train_loader, test_loader, 1, &r.log).back();
            std::fprintf(stderr, "  epoch %2d/%d  lr %.4f  train loss %.4f  train acc %s  test acc %s  (%.0f s)\n",
                         e + 1, recipe.epochs, row.at("lr"), row.at("train_loss"),
                         milestone::pct(row.at("train_acc")).c_str(), milestone::pct(row.at("val_acc")).c_str(),
                         milestone::seconds_since(start));
        }
    }
    r.train_seconds = milestone::seconds_since(start);
    const auto& last = r.log.rows().back();
    r.test_acc = last.at("val_acc");
    r.test_loss = last.at("val_loss");
    std::printf("  test accuracy %s, test loss %s\n", milestone::pct(r.test_acc).c_str(),
                milestone::num(r.test_loss).c_str());
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

template <typename D>
static std::shared_ptr<const data::Dataset> share(D ds) {
    return std::make_shared<D>(std::move(ds));
}

static bool has_files(const std::string& dir, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (!std::filesystem::exists(dir + "/" + n) && !std::filesystem::exists(dir + "/" + n + ".gz")) return false;
    return true;
}

int main(int argc, char** argv) {
#if defined(__GLIBC__)
    // A training step frees and re-allocates the same few-MB activations every batch. By default
    // glibc hands such blocks back to the kernel each time, and every new one costs a page fault
    // per 4 KB on first touch (~8% of a CIFAR epoch). Keep them in the heap instead.
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
    milestone::Flags flags = milestone::parse_flags(
        argc, argv, "04_1998_cnn",
        "Milestone 04 (1998): convolutional networks.\n"
        "  --task digits  (default) a CNN vs milestone 03's MLP on the embedded 8x8 digits, seconds\n"
        "  --task lenet   LeNet-5 on MNIST (<data-dir>/mnist): >= 99.0%, a few minutes\n"
        "  --task cifar   a BatchNorm CNN on CIFAR-10 (<data-dir>/cifar10): >= 75% in < 30 min on 2 cores\n"
        "  --task all     all three\n"
        "usage: milestone_04_1998_cnn [--task digits|lenet|cifar|all] [--epochs N] [--seed S] [--data-dir DIR]\n"
        "                             [--quick] [--out DIR] [--limit N] [--batch B] [--lr LR] [--width W]\n"
        "  --limit N, --test-limit N  use the first N training / test images only (for quick experiments);\n"
        "  --batch, --lr  override the recipe;\n"
        "  --width W  base width of the CIFAR network (default 24)",
        {"task", "limit", "test-limit", "batch", "lr", "width"});
    milestone::require("milestone 04", {
        {"01_tensor", [] { (void)(ones({2, 2}).matmul(ones({2, 1})) + 1.0f).sum(); }},
        {"02_activations", [] { (void)relu(zeros({1})); (void)log_softmax(zeros({1, 2}), 1); }},
        {"03_layers", [] { (void)nn::Linear(2, 1).forward(zeros({1, 2})); }},
        {"04_losses", [] { (void)nn::CrossEntropyLoss()(zeros({1, 2}), zeros({1})); }},
        {"05_dataloader", [] { (void)data::TensorDataset(zeros({2, 1}), zeros({2})).get(0);
                               (void)tf::RandomCrop(2, 1)(zeros({1, 2, 2})); }},
        {"06_autograd", [] { Tensor w = ones({1}).requires_grad_(); (w * 2.0f).sum().backward(); }},
        {"07_optimizers", [] { Tensor w = ones({1}).requires_grad_(); w.set_grad(ones({1}));
                               optim::Adam(std::vector<Tensor>{w}, optim::AdamOptions(0.1)).step(); }},
        {"08_training", [] { Tensor w = ones({1}).requires_grad_();
                             optim::SGD sgd(std::vector<Tensor>{w}, optim::SGDOptions(0.1));
                             (void)optim::CosineWarmupLR(sgd, 2).lr_at(1); }},
        {"09_convolutions", [] { Tensor w = ones({1, 1, 3, 3}).requires_grad_();
                                 nn::BatchNorm2d bn(1);
                                 max_pool2d(bn(conv2d(ones({2, 1, 4, 4}), w, Tensor(), 1, 1)), 2).sum().backward(); }},
    });
    const std::string task = flags.get("task", "digits");
    if (task != "digits" && task != "lenet" && task != "cifar" && task != "all") {
        std::fprintf(stderr, "04_1998_cnn: unknown --task '%s'; hint: digits, lenet, cifar or all\n", task.c_str());
        return 2;
    }
    const int64_t limit = flags.get_int("limit", 0, 0, INT64_MAX), test_limit = flags.get_int("test-limit", 0, 0, INT64_MAX);
    const std::string mnist_dir = flags.dataset("mnist"), cifar_dir = flags.dataset("cifar10");
    const std::vector<std::string> digit_names{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    auto override_recipe = [&](Recipe r) {
        if (flags.epochs > 0) r.epochs = flags.epochs;
        if (flags.has("batch")) r.batch = flags.get_int("batch", r.batch, 1, 1 << 20);
        if (flags.has("lr")) r.lr = flags.get_double("lr", r.lr, 0.0, 100.0);
        return r;
    };
    std::vector<PartResult> parts;

    if (task == "digits" || task == "all") {
        // The embedded digits always come from the checkout's datasets/ folder. Both networks see
        // the same standardised pixels (milestone 03's mean 0.3 and std 0.38) and the same split.
        data::TensorDataset tr = first(data::digits8x8(true), limit), te = data::digits8x8(false);
        auto standardise = [](const data::TensorDataset& ds) {
            return data::TensorDataset(ds.data().sub(0.3f).div(0.38f), ds.targets());
        };
        auto flat = [](const data::TensorDataset& ds) {
            return data::TensorDataset(ds.data().reshape({ds.data().size(0), -1}), ds.targets());
        };
        data::TensorDataset trs = standardise(tr), tes = standardise(te);
        Recipe mlp{.epochs = flags.quick ? 10 : 30, .batch = 32, .lr = 3e-3};
        manual_seed(flags.seed);
        nn::Sequential mlp_net = milestone04::digits_mlp();
        parts.push_back(run("A · digits · MLP of milestone 03", "digits_mlp", mlp_net,
                            share(flat(trs)), share(flat(tes)), override_recipe(mlp), flags.seed, digit_names,
                            flags.quick ? 0.80 : 0.90));
        // The CNN also sees each image shifted by up to one pixel (RandomCrop 8, padding 1 — in
        // standardised units the padding is the background value): a CNN can use that, an MLP less so.
        Recipe cnn{.epochs = flags.quick ? 10 : 30, .batch = 32, .lr = 3e-3, .weight_decay = 0.0};
        manual_seed(flags.seed);
        nn::Sequential cnn_net = milestone04::digits_cnn();
        const float background = -0.3f / 0.38f;
        auto shift = [crop = tf::RandomCrop(8, 1), background](const Tensor& x) {
            return crop(x.sub(background)).add(background);  // pad with the background, not with 0
        };
        parts.push_back(run("A · digits · CNN", "digits_cnn", cnn_net,
                            share(trs.map(shift)), share(tes), override_recipe(cnn), flags.seed, digit_names,
                            flags.quick ? 0.80 : std::max(0.90, parts.back().test_acc)));  // and beat the MLP
    }
    if (task == "lenet" || task == "all") {
        if (!has_files(mnist_dir, {"train-images-idx3-ubyte", "t10k-images-idx3-ubyte"})) {
            std::fprintf(stderr, "MNIST not found in %s; hint: --data-dir DIR where DIR/mnist holds the four IDX "
                         "files (try --data-dir ../shared/datasets, or ./tito data fetch mnist)\n", mnist_dir.c_str());
            return 2;
        }
        data::TensorDataset tr = first(data::mnist(mnist_dir, true), flags.quick ? 5000 : limit);
        data::TensorDataset te = first(data::mnist(mnist_dir, false), flags.quick ? 2000 : test_limit);
        tf::Normalize norm({0.1307f}, {0.3081f});  // mean and std of MNIST training pixels on [0, 1]
        Recipe lenet{.epochs = flags.quick ? 2 : 15, .batch = 64, .lr = 2e-3, .warmup_epochs = 0.5,
                     .final_lr_ratio = 0.01};
        manual_seed(flags.seed);
        nn::Sequential net = milestone04::lenet5();
        parts.push_back(run("B · MNIST · LeNet-5", "lenet", net, share(data::TensorDataset(norm(tr.data()), tr.targets())),
                            share(data::TensorDataset(norm(te.data()), te.targets())), override_recipe(lenet), flags.seed,
                            digit_names, flags.quick ? 0.90 : 0.99));
    }
    if (task == "cifar" || task == "all") {
        if (!has_files(cifar_dir, {"data_batch_1.bin", "test_batch.bin"})) {
            std::fprintf(stderr, "CIFAR-10 not found in %s; hint: --data-dir DIR where DIR/cifar10 holds "
                         "data_batch_1..5.bin and test_batch.bin (try --data-dir ../shared/datasets, or "
                         "./tito data fetch cifar10)\n", cifar_dir.c_str());
            return 2;
        }
        data::TensorDataset tr = first(data::cifar10(cifar_dir, true), flags.quick ? 2000 : limit);
        data::TensorDataset te = first(data::cifar10(cifar_dir, false), flags.quick ? 1000 : test_limit);
        // Per-channel mean and std of the CIFAR-10 training images (R, G, B on [0, 1]).
        tf::Normalize norm({0.4914f, 0.4822f, 0.4465f}, {0.2470f, 0.2435f, 0.2616f});
        data::TensorDataset trn(norm(tr.data()), tr.targets()), ten(norm(te.data()), te.targets());
        // Augmentation, a fresh draw every epoch: shift by up to 4 pixels (pad 4 with zeros — the
        // mean colour after normalising — and crop 32x32 back), mirror left-right half the time.
        tf::Compose augment({tf::RandomCrop(32, 4), tf::RandomHorizontalFlip(0.5f)});
        const int64_t width = flags.get_int("width", 24, 1, 1024);
        Recipe cifar = override_recipe({.epochs = flags.quick ? 1 : 8, .batch = 128, .lr = 0.1, .sgd = true,
                                        .weight_decay = 5e-4, .final_lr_ratio = 0.005, .label_smoothing = 0.1});
        cifar.warmup_epochs = 0.2 * cifar.epochs;  // one-cycle: the first fifth warms up, the rest anneals
        manual_seed(flags.seed);
        nn::Sequential net = milestone04::cifar_cnn(width);
        parts.push_back(run("C · CIFAR-10 · BatchNorm CNN", "cifar", net, share(trn.map(augment)), share(ten),
                            cifar, flags.seed, data::cifar10_classes(cifar_dir),
                            flags.quick ? 0.25 : 0.75));
    }
    if (task == "digits")
        std::printf("\n(Next: --task lenet for LeNet-5 on MNIST (~4 min on 2 cores), --task cifar for CIFAR-10 "
                    "(~30 min), --task all; they read <data-dir>/mnist and <data-dir>/cifar10, found by default in "
                    "datasets/ or ../shared/datasets; ./tito data fetch downloads them)\n");

    std::vector<std::pair<std::string, std::string>> rows;
    std::vector<std::pair<std::string, double>> results;
    std::vector<milestone::Series> curves;
    std::vector<std::pair<std::string, std::vector<milestone::Series>>> panels{{"test accuracy", {}}, {"train loss", {}}};
    bool ok = true;
    for (const PartResult& p : parts) {
        ok = ok && p.test_acc >= p.target;
        rows.push_back({p.name + ": test accuracy", milestone::pct(p.test_acc)});
        rows.push_back({p.name + ": target", ">= " + milestone::pct(p.target) +
                                                 (p.key == "digits_cnn" ? " (beat the MLP)" : "")});
        rows.push_back({p.name + ": epochs / params", fmt(p.epochs, " / ", p.params)});
        rows.push_back({p.name + ": wall time (training)", milestone::num(p.seconds, 1) + " s (" +
                                                               milestone::num(p.train_seconds, 1) + " s)"});
        results.push_back({p.key + "_test_accuracy", p.test_acc});
        results.push_back({p.key + "_seconds", p.seconds});
        curves.push_back({p.key + "_val_acc", p.log.column("val_acc")});
        curves.push_back({p.key + "_train_loss", p.log.column("train_loss")});
        panels[0].second.push_back({p.key, p.log.column("val_acc")});
        panels[1].second.push_back({p.key, p.log.column("train_loss")});
    }
    // Part A: the CNN must beat the MLP on the same split (not only a fixed number).
    if (parts.size() >= 2 && parts[0].key == "digits_mlp" && parts[1].key == "digits_cnn") {
        const double gain = parts[1].test_acc - parts[0].test_acc;
        rows.push_back({"A · digits: CNN − MLP", fmt(gain >= 0 ? "+" : "", milestone::num(100.0 * gain, 2), " points")});
        if (!flags.quick) ok = ok && gain > 0;
    }
    for (const PartResult& p : parts) {
        std::printf("\n%s", p.name.c_str());
        milestone::print_confusion(p.confusion, p.classes);
    }
    milestone::print_table("Milestone 04 · CNN (1998) results", rows);
    std::string rec = milestone::write_run_record(flags.out_dir, "04_1998_cnn", flags, curves, results,
                                                  {{"task", task}, {"limit", std::to_string(limit)}});
    std::string svg = milestone::write_learning_curve(flags.out_dir, "Milestone 04 · CNN (1998)", panels);
    std::printf("run record: %s\nlearning curve: %s\n", rec.c_str(), svg.c_str());
    std::printf("%s\n", ok ? "PASS: every part reached its target" : "FAIL: a part missed its target");
    return ok ? 0 : 1;
}
