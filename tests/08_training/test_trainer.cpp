// tests/08_training/test_trainer.cpp — the training loop, accumulation, clipping
#include <cmath>

#include "support/catch.hpp"
#include "tinytorch/training/training.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

namespace {

/// y = 2*x0 - 3*x1 + 0.5 on 64 points: a problem a Linear(2, 1) solves exactly.
data::TensorDataset regression_set(int64_t n = 64) {
    Generator gen(7);
    Tensor x = empty({n, 2}), y = empty({n, 1});
    for (int64_t i = 0; i < n; ++i) {
        float a = gen.uniform(-1, 1), b = gen.uniform(-1, 1);
        x.data_ptr()[2 * i] = a;
        x.data_ptr()[2 * i + 1] = b;
        y.data_ptr()[i] = 2 * a - 3 * b + 0.5f;
    }
    return data::TensorDataset(x, y);
}

Tensor mse(const Tensor& p, const Tensor& t) { return (p - t).pow(2).mean(); }
int64_t no_accuracy(const Tensor&, const Tensor&) { return 0; }

train::TrainerOptions quiet(int64_t accumulation = 1, double clip = 0.0) {
    train::TrainerOptions o;
    o.accumulation_steps = accumulation;
    o.clip_grad_norm = clip;
    o.progress = false;
    o.correct = no_accuracy;
    return o;
}

}  // namespace

TEST_CASE("Trainer fits a linear regression and reports the mean loss per sample", "[08_training]") {
    manual_seed(1);
    nn::Linear model(2, 1);
    optim::SGD sgd(model.parameters(), optim::SGDOptions(0.1).momentum(0.9));
    train::Trainer trainer(model, sgd, mse, quiet());
    data::DataLoader loader(regression_set(), data::DataLoaderOptions().batch_size(16).shuffle(true).seed(3));
    double first = trainer.train_epoch(loader).loss;
    train::EpochStats last;
    for (int e = 0; e < 60; ++e) last = trainer.train_epoch(loader);
    CHECK(last.loss < first * 1e-3);
    CHECK(last.samples == 64);
    CHECK(trainer.epoch() == 61);
    CHECK(trainer.step() == 61 * 4);
    CHECK_THAT(model.weight.at({0, 0}), WithinAbs(2.0, 1e-2));
    CHECK_THAT(model.weight.at({0, 1}), WithinAbs(-3.0, 1e-2));
    CHECK_THAT(model.bias.at({0}), WithinAbs(0.5, 1e-2));
    train::EpochStats ev = trainer.evaluate(loader);
    CHECK(ev.loss < 1e-3);
    CHECK(ev.samples == 64);
}

TEST_CASE("accumulating two batches of 32 gives the same step as one batch of 64", "[08_training]") {
    data::TensorDataset set = regression_set(64);
    auto run = [&](size_t batch, int64_t accumulation) {
        manual_seed(5);
        nn::Linear model(2, 1);
        optim::SGD sgd(model.parameters(), optim::SGDOptions(0.5));
        train::Trainer trainer(model, sgd, mse, quiet(accumulation));
        data::DataLoader loader(set, data::DataLoaderOptions().batch_size(batch));
        trainer.train_epoch(loader);
        CHECK(trainer.step() == 1);
        return model.weight.detach().clone();
    };
    Tensor big = run(64, 1), accumulated = run(32, 2);
    CHECK(judge::allclose(big, accumulated, 1e-5f, 1e-6f));
}

TEST_CASE("the short last accumulation group is averaged over its own size", "[08_training]") {
    // 3 batches with accumulation 2: steps after batch 2 (mean of 2) and after batch 3 alone.
    data::TensorDataset set = regression_set(48);
    manual_seed(9);
    nn::Linear model(2, 1);
    Tensor w0 = model.weight.detach().clone(), b0 = model.bias.detach().clone();
    optim::SGD sgd(model.parameters(), optim::SGDOptions(0.1));
    train::Trainer trainer(model, sgd, mse, quiet(2));
    data::DataLoader loader(set, data::DataLoaderOptions().batch_size(16));
    trainer.train_epoch(loader);
    CHECK(trainer.step() == 2);

    // The same two updates by hand, with the gradient of the plain mean loss of each group.
    Tensor w = w0.clone().requires_grad_(), b = b0.clone().requires_grad_();
    auto group_step = [&](int64_t lo, int64_t hi) {
        Tensor x = set.data().slice(0, lo, hi), y = set.targets().slice(0, lo, hi);
        Tensor loss = mse(x.matmul(w.t()) + b, y);
        loss.backward();
        {
            autograd::NoGradGuard g;
            w.add_(w.grad(), -0.1f);
            b.add_(b.grad(), -0.1f);
        }
        w.zero_grad();
        b.zero_grad();
    };
    group_step(0, 32);   // batches 1 and 2 together: a mean over 32 samples
    group_step(32, 48);  // batch 3 alone
    CHECK(judge::allclose(model.weight, w, 1e-5f, 1e-6f));
    CHECK(judge::allclose(model.bias, b, 1e-5f, 1e-6f));
}

TEST_CASE("accumulation_steps below one is rejected", "[08_training]") {
    // the check is ready-made; the valid trainer's epoch (the student's train_epoch) makes this test graded
    nn::Linear model(2, 1);
    optim::SGD sgd(model.parameters(), optim::SGDOptions(0.1));
    CHECK_THROWS_AS(train::Trainer(model, sgd, mse, quiet(0)), ValueError);
    CHECK_THROWS_WITH(train::Trainer(model, sgd, mse, quiet(0)), Contains("accumulation_steps"));
    train::Trainer ok(model, sgd, mse, quiet(1));
    data::DataLoader loader(regression_set(), data::DataLoaderOptions().batch_size(16));
    CHECK(ok.train_epoch(loader).samples == 64);
    CHECK(ok.step() == 4);
}

TEST_CASE("evaluate builds no graph and restores the training mode", "[08_training]") {
    manual_seed(2);
    nn::Sequential model(nn::Linear(2, 4), nn::Dropout(0.5), nn::Linear(4, 1));
    optim::SGD sgd(model.parameters(), optim::SGDOptions(0.1));
    bool saw_graph = true;
    train::TrainerOptions o = quiet();
    o.correct = [&](const Tensor& out, const Tensor&) {
        saw_graph = out.requires_grad();
        return int64_t(0);
    };
    train::Trainer trainer(model, sgd, mse, o);
    data::DataLoader loader(regression_set(), data::DataLoaderOptions().batch_size(64));
    model.train();
    train::EpochStats a = trainer.evaluate(loader), b = trainer.evaluate(loader);
    CHECK_FALSE(saw_graph);
    CHECK(model.is_training());
    CHECK(a.loss == b.loss);  // eval mode: dropout off, so two passes agree exactly
    CHECK(a.samples == 64);
}

TEST_CASE("count_correct uses argmax for class scores and 0.5 for probabilities", "[08_training]") {
    Tensor scores({{0.1f, 0.9f, 0.0f}, {2.0f, 1.0f, 0.0f}, {0.0f, 0.0f, 3.0f}});
    CHECK(train::count_correct(scores, Tensor({1.f, 0.f, 1.f})) == 2);
    {  // the student's evaluate reports it as accuracy: an identity Linear passes the scores through
        nn::Linear id(3, 3);
        id.weight.detach().copy_(eye(3));
        id.bias.detach().fill_(0.0f);
        optim::SGD sgd(id.parameters(), optim::SGDOptions(0.1));
        train::TrainerOptions o = quiet();
        o.correct = train::count_correct;
        train::Trainer t(id, sgd, [](const Tensor& p, const Tensor&) { return p.sum() * 0.0f; }, o);
        data::DataLoader loader(data::TensorDataset(scores, Tensor({1.f, 0.f, 1.f})), data::DataLoaderOptions().batch_size(3));
        CHECK_THAT(t.evaluate(loader).accuracy, WithinAbs(2.0 / 3.0, 1e-12));
    }
    Tensor probs = Tensor({0.7f, 0.2f, 0.6f, 0.4f}).reshape({4, 1});
    CHECK(train::count_correct(probs, Tensor({1.f, 0.f, 0.f, 0.f}).reshape({4, 1})) == 3);
    CHECK_THROWS_AS(train::count_correct(scores, Tensor({1.f, 0.f})), ShapeError);
}

TEST_CASE("clip_grad_norm_ scales all gradients together to the maximum norm", "[08_training]") {
    Tensor a = zeros({2}).requires_grad_(), b = zeros({1}).requires_grad_(), c = zeros({3}).requires_grad_();
    a.set_grad(Tensor({3.f, 0.f}));
    b.set_grad(Tensor({4.f}));
    // c has no gradient: skipped
    double norm = nn::utils::clip_grad_norm_({a, b, c}, 1.0);
    CHECK_THAT(norm, WithinAbs(5.0, 1e-6));
    CHECK(judge::allclose(a.grad(), Tensor({0.6f, 0.f}), 1e-5f));
    CHECK(judge::allclose(b.grad(), Tensor({0.8f}), 1e-5f));
    CHECK_FALSE(c.grad().defined());
}

TEST_CASE("clip_grad_norm_ leaves small gradients alone and rejects a bad max_norm", "[08_training]") {
    Tensor a = zeros({2}).requires_grad_();
    a.set_grad(Tensor({0.3f, 0.4f}));
    CHECK_THAT(nn::utils::clip_grad_norm_({a}, 1.0), WithinAbs(0.5, 1e-6));
    CHECK(judge::allclose(a.grad(), Tensor({0.3f, 0.4f})));
    CHECK_THROWS_AS(nn::utils::clip_grad_norm_({a}, 0.0), ValueError);
    CHECK_THROWS_WITH(nn::utils::clip_grad_norm_({a}, -1.0), Contains("max_norm"));
}

TEST_CASE("Trainer clips before each step when asked and refuses a negative clip_grad_norm", "[08_training]") {
    manual_seed(4);
    nn::Linear model(2, 1);
    Tensor w0 = model.weight.detach().clone();
    optim::SGD sgd(model.parameters(), optim::SGDOptions(1.0));
    auto loss = [](const Tensor& p, const Tensor& t) { return (p - t).pow(2).mean() * 1000.0f; };
    train::TrainerOptions bad = quiet(1, 0.01);
    bad.clip_grad_norm = -1.0;
    CHECK_THROWS_WITH(train::Trainer(model, sgd, loss, bad), Contains("clip_grad_norm must be >= 0") && Contains("got -1"));
    train::Trainer trainer(model, sgd, loss, quiet(1, 0.01));
    data::DataLoader loader(regression_set(16), data::DataLoaderOptions().batch_size(16));
    trainer.train_epoch(loader);
    // lr 1 and a clipped gradient of norm <= 0.01: the weights moved at most 0.01.
    Tensor moved = model.weight.detach() - w0;
    CHECK(std::sqrt(moved.pow(2).sum().item()) <= 0.0101);
    CHECK(std::sqrt(moved.pow(2).sum().item()) > 0.001);
}

TEST_CASE("fit logs one row of metrics per epoch", "[08_training]") {
    manual_seed(6);
    nn::Linear model(2, 1);
    optim::SGD sgd(model.parameters(), optim::SGDOptions(0.1));
    train::Trainer trainer(model, sgd, mse, quiet());
    data::DataLoader loader(regression_set(), data::DataLoaderOptions().batch_size(32));
    train::MetricsLog log;
    auto rows = trainer.fit(loader, loader, 3, &log);
    REQUIRE(rows.size() == 3);
    CHECK(log.rows().size() == 3);
    CHECK(rows[2].at("epoch") == 3.0);
    CHECK(rows[0].at("lr") == Approx(0.1));
    CHECK(log.column("val_loss")[2] < log.column("val_loss")[0]);
}
