// include/tinytorch/training/schedulers.hpp
// Module 08 · Training — lesson: modules/08_training/README.md §3 (learning-rate schedules)
//
// A scheduler owns the learning rate of one optimizer. The rule everywhere (as in PyTorch):
//   construct the scheduler  -> the optimizer's lr becomes lr_at(0)
//   train one epoch (or step) with that lr, then call scheduler.step()
//   -> the lr becomes lr_at(1), and so on.
// So epoch 0 runs at lr_at(0) — the original TinyTorch ran epoch 0 at the constructor's lr
// and every later epoch one step late.
#pragma once
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <string>

#include "tinytorch/optimizers/optimizers.hpp"

namespace tinytorch::optim {

class LRScheduler {
public:
    explicit LRScheduler(Optimizer& optimizer) : optimizer_(optimizer), base_lr_(optimizer.lr()) {}
    virtual ~LRScheduler() = default;

    /// Advance one epoch (or one step, for per-step schedules) and set the new lr.
    virtual void step() {
        ++last_step_;
        optimizer_.set_lr(lr_at(last_step_));
    }
    /// The lr after `step` calls to step().
    virtual double lr_at(int64_t step) const = 0;
    double get_last_lr() const { return optimizer_.lr(); }
    int64_t last_step() const { return last_step_; }
    double base_lr() const { return base_lr_; }

    /// Everything needed to resume: saved as strings in a checkpoint's metadata.
    virtual std::map<std::string, std::string> state_dict() const {
        return {{"last_step", std::to_string(last_step_)}, {"base_lr", fmt_double(base_lr_)}};
    }
    /// Every value is parsed and range-checked before anything changes: a ValueError naming the
    /// key leaves the scheduler and its optimizer as they were.
    virtual void load_state_dict(const std::map<std::string, std::string>& state) {
        const int64_t last_step = read_int(state, "last_step");
        const double base_lr = read_double(state, "base_lr", false);
        const int64_t saved_step = last_step_;
        const double saved_base = base_lr_;
        last_step_ = last_step;
        base_lr_ = base_lr;
        const double lr = lr_at(last_step_);
        if (!(lr >= 0.0) || !std::isfinite(lr)) {
            last_step_ = saved_step;
            base_lr_ = saved_base;
            throw ValueError(fmt("scheduler.load_state_dict: the saved state gives lr ", lr, " at step ", last_step,
                                 "; hint: load a state saved by the same scheduler type with the same options"));
        }
        optimizer_.set_lr(lr);
    }

protected:
    /// Call at the end of a derived constructor: epoch 0 uses lr_at(0).
    void start() { optimizer_.set_lr(lr_at(0)); }
    static std::string fmt_double(double v) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        return buf;
    }
    /// state[key] as a whole number in 0..2^62, else a ValueError naming the key and the value.
    static int64_t read_int(const std::map<std::string, std::string>& s, const std::string& key) {
        const std::string& text = require(s, key);
        int64_t v = -1;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size() || v < 0 || v > (int64_t(1) << 62))
            throw ValueError(fmt("scheduler.load_state_dict: '", key, "' is '", text.substr(0, 40),
                                 "', expected a whole number in 0..2^62; hint: load a state saved by the same "
                                 "scheduler type"));
        return v;
    }
    /// state[key] as a number >= 0 (finite unless allow_inf; never NaN), else a ValueError.
    static double read_double(const std::map<std::string, std::string>& s, const std::string& key, bool allow_inf) {
        const std::string& text = require(s, key);
        char* end = nullptr;
        errno = 0;
        const double v = text.empty() ? NAN : std::strtod(text.c_str(), &end);
        const bool whole = !text.empty() && end == text.c_str() + text.size() && errno != ERANGE;
        if (!whole || std::isnan(v) || (!allow_inf && std::isinf(v)) || (!std::isinf(v) && v < 0.0))
            throw ValueError(fmt("scheduler.load_state_dict: '", key, "' is '", text.substr(0, 40), "', expected a ",
                                 allow_inf ? "number" : "finite number >= 0", "; hint: load a state saved by the same "
                                 "scheduler type"));
        return v;
    }
    static const std::string& require(const std::map<std::string, std::string>& s, const std::string& key) {
        auto it = s.find(key);
        if (it == s.end())
            throw ValueError(fmt("scheduler.load_state_dict: key '", key, "' is missing; hint: load a state saved by "
                                 "the same scheduler type"));
        return it->second;
    }
    Optimizer& optimizer_;
    double base_lr_;
    int64_t last_step_ = 0;
};

/// lr = base · gamma^floor(step / step_size)
class StepLR : public LRScheduler {
public:
    StepLR(Optimizer& opt, int64_t step_size, double gamma = 0.1) : LRScheduler(opt), step_size_(step_size), gamma_(gamma) {
        if (step_size <= 0)
            throw ValueError(fmt("StepLR: step_size must be positive, got ", step_size,
                                 "; hint: StepLR(opt, 30, 0.1) divides the lr by 10 every 30 epochs"));
        start();
    }
    double lr_at(int64_t step) const override {
        // BEGIN SOLUTION: StepLR::lr_at (§3)
        return base_lr_ * std::pow(gamma_, static_cast<double>(step / step_size_));
        // END SOLUTION
    }

private:
    int64_t step_size_;
    double gamma_;
};

/// Linear warm-up from base/warmup to base over `warmup_steps`, then a half cosine from base
/// down to `min_lr` at `total_steps` (and min_lr after). warmup_steps = 0 gives plain cosine
/// annealing: lr = min + (base − min)·(1 + cos(π·step/total))/2.
class CosineWarmupLR : public LRScheduler {
public:
    CosineWarmupLR(Optimizer& opt, int64_t total_steps, int64_t warmup_steps = 0, double min_lr = 0.0)
        : LRScheduler(opt), total_(total_steps), warmup_(warmup_steps), min_lr_(min_lr) {
        if (total_steps <= 0 || warmup_steps < 0 || warmup_steps > total_steps)
            throw ValueError(fmt("CosineWarmupLR: need 0 <= warmup_steps <= total_steps and total_steps > 0, got "
                                 "warmup_steps=", warmup_steps, " total_steps=", total_steps,
                                 "; hint: count both in the unit you call step() in (epochs or batches)"));
        start();
    }
    double lr_at(int64_t step) const override {
        // BEGIN SOLUTION: CosineWarmupLR::lr_at (§3)
        if (step < warmup_) return base_lr_ * static_cast<double>(step + 1) / static_cast<double>(warmup_);
        if (step >= total_) return min_lr_;
        double progress = static_cast<double>(step - warmup_) / static_cast<double>(total_ - warmup_);
        return min_lr_ + (base_lr_ - min_lr_) * 0.5 * (1.0 + std::cos(3.14159265358979323846 * progress));
        // END SOLUTION
    }

private:
    int64_t total_, warmup_;
    double min_lr_;
};

/// Cosine annealing without warm-up (PyTorch's CosineAnnealingLR for step <= T_max).
class CosineAnnealingLR : public CosineWarmupLR {
public:
    CosineAnnealingLR(Optimizer& opt, int64_t t_max, double eta_min = 0.0) : CosineWarmupLR(opt, t_max, 0, eta_min) {}
};

/// Multiply the lr by `factor` when the watched metric has not improved for `patience`
/// epochs. Call step(metric) once per epoch with e.g. the validation loss.
class ReduceLROnPlateau : public LRScheduler {
public:
    enum class Mode { Min, Max };
    ReduceLROnPlateau(Optimizer& opt, Mode mode = Mode::Min, double factor = 0.1, int64_t patience = 10,
                      double threshold = 1e-4, double min_lr = 0.0, int64_t cooldown = 0)
        : LRScheduler(opt), mode_(mode), factor_(factor), patience_(patience), threshold_(threshold),
          min_lr_(min_lr), cooldown_(cooldown) {
        if (!(factor > 0.0 && factor < 1.0))
            throw ValueError(fmt("ReduceLROnPlateau: factor must be in (0, 1), got ", factor,
                                 "; hint: 0.1 divides the lr by 10"));
        best_ = mode_ == Mode::Min ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
    }
    double lr_at(int64_t) const override { return optimizer_.lr(); }
    void step() override {
        throw ValueError("ReduceLROnPlateau: call step(metric) with the value to watch; hint: e.g. the validation loss");
    }
    void step(double metric) {
        // BEGIN SOLUTION: ReduceLROnPlateau::step (§3)
        ++last_step_;
        bool better = mode_ == Mode::Min ? metric < best_ * (1.0 - threshold_) : metric > best_ * (1.0 + threshold_);
        if (std::isinf(best_)) better = true;
        if (better) {
            best_ = metric;
            bad_epochs_ = 0;
        } else {
            ++bad_epochs_;
        }
        if (cooldown_left_ > 0) {
            --cooldown_left_;
            bad_epochs_ = 0;
        }
        if (bad_epochs_ > patience_) {
            optimizer_.set_lr(std::max(min_lr_, optimizer_.lr() * factor_));
            cooldown_left_ = cooldown_;
            bad_epochs_ = 0;
        }
        // END SOLUTION
    }
    std::map<std::string, std::string> state_dict() const override {
        auto s = LRScheduler::state_dict();
        s["best"] = fmt_double(best_);
        s["bad_epochs"] = std::to_string(bad_epochs_);
        s["cooldown_left"] = std::to_string(cooldown_left_);
        s["lr"] = fmt_double(optimizer_.lr());
        return s;
    }
    void load_state_dict(const std::map<std::string, std::string>& s) override {
        // parse and check everything first: a bad value leaves the scheduler unchanged
        const int64_t last_step = read_int(s, "last_step"), bad_epochs = read_int(s, "bad_epochs"),
                      cooldown_left = read_int(s, "cooldown_left");
        const double base_lr = read_double(s, "base_lr", false), lr = read_double(s, "lr", false);
        const std::string& best_text = require(s, "best");  // +-inf before the first metric
        const bool negative = !best_text.empty() && best_text[0] == '-';
        const double best = negative ? -read_double({{"best", best_text.substr(1)}}, "best", true)
                                     : read_double(s, "best", true);
        optimizer_.set_lr(lr);
        last_step_ = last_step;
        base_lr_ = base_lr;
        best_ = best;
        bad_epochs_ = bad_epochs;
        cooldown_left_ = cooldown_left;
    }

private:
    Mode mode_;
    double factor_;
    int64_t patience_;
    double threshold_, min_lr_;
    int64_t cooldown_;
    double best_;
    int64_t bad_epochs_ = 0, cooldown_left_ = 0;
};

}  // namespace tinytorch::optim
