// include/tinytorch/training/trainer.hpp
// Module 08 · Training — lesson: modules/08_training/README.md §1 (the loop), §2 (accumulation, clipping)
//
// The training loop every milestone uses:
//   for each batch: forward -> loss -> backward -> (every k batches) clip, step, zero_grad
// with gradient accumulation that really averages over the k micro-batches, a scheduler
// stepped at the right moment, evaluation without a graph, and a progress bar.
#pragma once
#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tinytorch/activations/activations.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "tinytorch/layers/layers.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "tinytorch/training/clip_grad.hpp"
#include "tinytorch/training/metrics_log.hpp"
#include "tinytorch/training/progress_bar.hpp"
#include "tinytorch/training/schedulers.hpp"

namespace tinytorch::train {

/// loss = loss_fn(model_output, target)
using LossFn = std::function<Tensor(const Tensor& output, const Tensor& target)>;
/// How many of the batch's predictions are right.
using CorrectFn = std::function<int64_t(const Tensor& output, const Tensor& target)>;

/// Default accuracy rule: argmax over classes for [N, C] outputs (C > 1) against class
/// indices; for one output per sample, output > 0.5 against 0/1 targets.
inline int64_t count_correct(const Tensor& output, const Tensor& target) {
    std::vector<float> t = target.reshape({-1}).to_vector();
    std::vector<float> pred;
    if (output.dim() >= 2 && output.size(-1) > 1) pred = output.argmax(-1).reshape({-1}).to_vector();
    else pred = output.gt(0.5f).reshape({-1}).to_vector();
    if (pred.size() != t.size())
        throw ShapeError(fmt("count_correct: ", pred.size(), " predictions for ", t.size(), " targets (output ",
                             shape_str(output.shape()), ", target ", shape_str(target.shape()),
                             "); hint: pass a CorrectFn for this kind of output"));
    int64_t correct = 0;
    for (size_t i = 0; i < t.size(); ++i) correct += pred[i] == t[i];
    return correct;
}

struct TrainerOptions {
    int64_t accumulation_steps = 1;   ///< optimizer step every k batches (gradients averaged over k)
    double clip_grad_norm = 0.0;      ///< > 0: clip the global gradient norm to this before each step
    bool progress = true;             ///< show a progress bar on stderr
    bool scheduler_per_step = false;  ///< step the scheduler after every optimizer step (warm-up) instead of per epoch
    CorrectFn correct = count_correct;
};

struct EpochStats {
    double loss = 0.0;       ///< mean loss per sample
    double accuracy = 0.0;   ///< fraction right, by TrainerOptions::correct
    int64_t samples = 0;
    double seconds = 0.0;
    double samples_per_second() const { return seconds > 0 ? static_cast<double>(samples) / seconds : 0.0; }
};

class Trainer {
public:
    Trainer(nn::Module& model, optim::Optimizer& optimizer, LossFn loss, TrainerOptions options = {})
        : model_(model), optimizer_(optimizer), loss_(checked_loss(std::move(loss))), options_(std::move(options)) {
        if (options_.accumulation_steps < 1)
            throw ValueError(fmt("Trainer: accumulation_steps must be >= 1, got ", options_.accumulation_steps,
                                 "; hint: 1 means a step after every batch"));
        if (!(options_.clip_grad_norm >= 0.0))
            throw ValueError(fmt("Trainer: clip_grad_norm must be >= 0 (0 = no clipping), got ",
                                 options_.clip_grad_norm, "; hint: 1.0 is a common choice"));
    }

    Trainer(const Trainer&) = delete;  // the loss check refers to this trainer's epoch and step
    Trainer& operator=(const Trainer&) = delete;

    /// Attach an LR scheduler (stepped per epoch, or per optimizer step with scheduler_per_step).
    void set_scheduler(optim::LRScheduler* scheduler) { scheduler_ = scheduler; }

    /// One pass over `loader` with gradient updates. Loader: range of batches with .data and
    /// .target, and size() = number of batches.
    template <typename Loader>
    EpochStats train_epoch(Loader& loader) {
        auto start = std::chrono::steady_clock::now();
        model_.train();
        optimizer_.zero_grad();
        const int64_t batches = static_cast<int64_t>(loader.size());
        const int64_t k = options_.accumulation_steps;
        ProgressBar bar(batches, fmt("epoch ", epoch_ + 1), stderr, options_.progress);
        EpochStats stats;
        double loss_sum = 0.0;
        int64_t correct = 0, b = 0;
        for (auto&& batch : loader) {
            Tensor output, loss;
            // BEGIN SOLUTION: Trainer::train_epoch (§2)
            output = model_.forward(batch.data);
            loss = loss_(output, batch.target);
            // The loss is a mean over its batch; to make k micro-batches equal one big batch,
            // each contributes loss / (micro-batches in its group). The last group of an epoch
            // may be shorter than k, so divide by its real size.
            const int64_t group_start = (b / k) * k;
            const int64_t group_size = std::min(k, batches - group_start);
            loss.div(static_cast<float>(group_size)).backward();
            if (b + 1 == group_start + group_size) {  // the group is complete: update
                if (options_.clip_grad_norm > 0) nn::utils::clip_grad_norm_(model_.parameters(), options_.clip_grad_norm);
                optimizer_.step();
                optimizer_.zero_grad();
                ++step_;
                if (scheduler_ && options_.scheduler_per_step) scheduler_->step();
            }
            // END SOLUTION
            const int64_t n = batch.data.size(0);
            const double batch_loss = loss.item();
            loss_sum += batch_loss * static_cast<double>(n);
            {
                autograd::NoGradGuard no_grad;
                correct += options_.correct(output.detach(), batch.target);
            }
            stats.samples += n;
            ++b;
            bar.update(1, fmt("loss ", batch_loss));
        }
        bar.close();
        if (scheduler_ && !options_.scheduler_per_step) scheduler_->step();
        ++epoch_;
        stats.loss = stats.samples ? loss_sum / static_cast<double>(stats.samples) : 0.0;
        stats.accuracy = stats.samples ? static_cast<double>(correct) / static_cast<double>(stats.samples) : 0.0;
        stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return stats;
    }

    /// Loss and accuracy over `loader` in eval mode, without building a graph.
    template <typename Loader>
    EpochStats evaluate(Loader& loader) {
        auto start = std::chrono::steady_clock::now();
        EpochStats stats;
        // BEGIN SOLUTION: Trainer::evaluate (§1)
        autograd::NoGradGuard no_grad;
        const bool was_training = model_.is_training();
        model_.eval();
        double loss_sum = 0.0;
        int64_t correct = 0;
        for (auto&& batch : loader) {
            Tensor output = model_.forward(batch.data);
            const int64_t n = batch.data.size(0);
            loss_sum += static_cast<double>(loss_(output, batch.target).item()) * static_cast<double>(n);
            correct += options_.correct(output, batch.target);
            stats.samples += n;
        }
        model_.train(was_training);
        stats.loss = stats.samples ? loss_sum / static_cast<double>(stats.samples) : 0.0;
        stats.accuracy = stats.samples ? static_cast<double>(correct) / static_cast<double>(stats.samples) : 0.0;
        // END SOLUTION
        stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return stats;
    }

    /// `epochs` rounds of train_epoch + evaluate, logged to `log` (if given). Returns the rows.
    template <typename TrainLoader, typename EvalLoader>
    std::vector<Metrics> fit(TrainLoader& train_loader, EvalLoader& eval_loader, int64_t epochs,
                             MetricsLog* log = nullptr) {
        std::vector<Metrics> rows;
        for (int64_t e = 0; e < epochs; ++e) {
            const double lr = optimizer_.lr();
            EpochStats tr = train_epoch(train_loader);
            EpochStats ev = evaluate(eval_loader);
            Metrics row{{"epoch", static_cast<double>(epoch_)}, {"lr", lr}, {"train_loss", tr.loss},
                        {"train_acc", tr.accuracy}, {"val_loss", ev.loss}, {"val_acc", ev.accuracy},
                        {"seconds", tr.seconds + ev.seconds}};
            if (log) log->log(row);
            rows.push_back(row);
        }
        return rows;
    }

    int64_t epoch() const { return epoch_; }
    int64_t step() const { return step_; }
    void set_epoch(int64_t e) { epoch_ = e; }
    void set_step(int64_t s) { step_ = s; }
    nn::Module& model() { return model_; }
    optim::Optimizer& optimizer() { return optimizer_; }
    optim::LRScheduler* scheduler() { return scheduler_; }

private:
    /// `loss` followed by a check of its value: a NaN or infinite loss stops training with an
    /// AnomalyError (before backward and the optimizer step spread it into every weight).
    LossFn checked_loss(LossFn loss) {
        if (!loss) throw ValueError("Trainer: the loss function is empty; hint: pass e.g. a lambda calling nn::CrossEntropyLoss");
        return [this, loss = std::move(loss)](const Tensor& output, const Tensor& target) {
            Tensor value = loss(output, target);
            if (value.defined() && value.numel() == 1) {
                const float v = value.item();
                if (!std::isfinite(v))
                    throw AnomalyError(fmt("Trainer: the loss is ", v, " at epoch ", epoch_ + 1, ", step ", step_,
                                           " (output ", shape_str(output.shape()), ", target ", shape_str(target.shape()),
                                           "); training stopped before the NaN reaches the weights; hint: lower the "
                                           "learning rate, clip gradients (TrainerOptions::clip_grad_norm), check the "
                                           "data for NaN, or run under autograd::DetectAnomalyGuard to name the op"));
            }
            return value;
        };
    }

    nn::Module& model_;
    optim::Optimizer& optimizer_;
    LossFn loss_;
    TrainerOptions options_;
    optim::LRScheduler* scheduler_ = nullptr;
    int64_t epoch_ = 0, step_ = 0;
};

}  // namespace tinytorch::train
