// include/tinytorch/optimizers/optimizer.hpp
// Module 07 · Optimizers — lesson: modules/07_optimizers/README.md §1, §6
//
// optim::Optimizer holds the parameters to train (handles: the model's own tensors), the
// learning rate, and per-parameter state (a step count and buffers shaped like the
// parameter: momentum, moment estimates). Subclasses implement step(); updates are written
// in place into the parameters' storage with recording off, so the model sees them at once
// and no graph is built.
//
//   optim::Adam opt(model.parameters(), optim::AdamOptions(1e-3).weight_decay(1e-4));
//   for (...) { opt.zero_grad(); loss = ...; loss.backward(); opt.step(); }
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "tinytorch/autograd/no_grad.hpp"
#include "tinytorch/layers/layers.hpp"

/// Declares a chainable option, libtorch style: `opts.momentum(0.9)` sets it and returns the
/// options (so setters chain), `opts.momentum()` reads it.
#define TINYTORCH_OPTION(TYPE, NAME, DEFAULT)        \
public:                                              \
    auto& NAME(TYPE value) {                         \
        NAME##_ = value;                             \
        return *this;                                \
    }                                                \
    TYPE NAME() const { return NAME##_; }            \
                                                     \
private:                                             \
    TYPE NAME##_ = DEFAULT

namespace tinytorch::optim {

namespace detail {
/// Updates run over parameters in blocks of this many floats: a block of the parameter, its
/// gradient and two state buffers (32 KB) stays in the L1/L2 cache between the statements
/// of an update, so an update written as several Eigen array statements still reads each
/// float from memory about once. Eigen vectorises sqrt and division explicitly (a plain
/// loop calling std::sqrt does not vectorise unless compiled with -fno-math-errno).
constexpr int64_t kBlock = 2048;
/// A temporary of at most kBlock floats on the stack (no heap allocation per step).
using Block = Eigen::Array<float, Eigen::Dynamic, 1, Eigen::ColMajor, kBlock, 1>;
using Span = Eigen::Map<Eigen::ArrayXf>;
using ConstSpan = Eigen::Map<const Eigen::ArrayXf>;

/// The n floats at data + offset as an Eigen array (read-write / read-only).
inline Span span(float* data, int64_t offset, int64_t n) { return Span(data + offset, n); }
inline ConstSpan span(const float* data, int64_t offset, int64_t n) { return ConstSpan(data + offset, n); }

/// body(offset, length) over [0, n) in blocks of at most kBlock elements; big tensors are
/// split across threads first (each thread walks its own blocks).
template <typename F>
void for_blocks(int64_t n, F&& body) {
    tinytorch::detail::parallel_for(n, [&](int64_t lo, int64_t hi) {
        for (int64_t o = lo; o < hi; o += kBlock) body(o, std::min(kBlock, hi - o));
    });
}

/// Whether every element of `t` is finite (and >= 0 when `non_negative`): a loaded state with
/// NaN, inf or a negative mean square would turn every weight into NaN at the next step.
inline bool all_finite(const Tensor& t, bool non_negative) {
    for (float v : t.contiguous().to_vector())
        if (!std::isfinite(v) || (non_negative && v < 0.0f)) return false;
    return true;
}
/// Buffers that hold running means of squared gradients (Adam's exp_avg_sq, RMSprop's square_avg).
inline bool is_square_average(const std::string& buffer) {
    return buffer == "exp_avg_sq" || buffer == "max_exp_avg_sq" || buffer == "square_avg";
}

inline std::string join(const std::vector<std::string>& items) {
    std::string s = "[";
    for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
    return s + "]";
}
}  // namespace detail

/// Base of SGD, Adam, AdamW, RMSprop: parameters, learning rate, per-parameter state.
class Optimizer {
public:
    /// Every parameter must be a defined, contiguous leaf that requires grad, listed once.
    Optimizer(std::vector<Tensor> params, double lr);
    virtual ~Optimizer() = default;
    Optimizer(const Optimizer&) = delete;
    Optimizer& operator=(const Optimizer&) = delete;

    /// One update of every parameter that has a gradient (parameters whose grad() is
    /// undefined are skipped and their state is left as it is).
    virtual void step() = 0;
    /// Drop every parameter's gradient (set it undefined, as PyTorch's set_to_none=True):
    /// the next backward() writes fresh gradients instead of adding to old ones.
    void zero_grad();

    double lr() const { return lr_; }
    /// Change the learning rate (what module 08's schedulers do between steps).
    void set_lr(double lr);
    const std::vector<Tensor>& params() const { return params_; }
    virtual std::string name() const = 0;

    /// Bytes of optimizer state allocated so far (buffers are created at a parameter's first step).
    size_t state_bytes() const;

    /// The optimizer's state as named tensors, ready to be written to a file:
    ///   "lr"                 scalar, the current learning rate
    ///   "state.<i>.step"     scalar, how many updates parameter i has had (absent before its first)
    ///   "state.<i>.<buffer>" the buffers of parameter i, e.g. "state.0.exp_avg" (PyTorch's names)
    /// The buffers share storage with the optimizer: save them before the next step().
    StateDict state_dict() const;
    /// Restore a state_dict() of the same kind of optimizer over the same parameters (the
    /// values are copied). Unknown, missing or malformed keys -> one ValueError naming them
    /// all; buffers shaped unlike their parameter -> ShapeError. Nothing changes on error.
    void load_state_dict(const StateDict& dict);

protected:
    /// The state of one parameter: its update count and its buffers (named by buffer_names()).
    struct ParamState {
        int64_t step = 0;
        std::vector<Tensor> buffers;
    };
    /// The names of the per-parameter buffers this optimizer keeps, with its current options.
    virtual std::vector<std::string> buffer_names() const = 0;

    /// The gradient of parameter i, contiguous (copied only if it is not), or undefined.
    Tensor gradient(size_t i) const;
    /// The state of parameter i; its buffers are allocated (zero-filled) on first use.
    ParamState& state(size_t i);

    std::vector<Tensor> params_;
    std::vector<ParamState> states_;
    double lr_;

public:
    /// A copy of everything step() reads — the learning rate, each parameter's update count and
    /// buffers (cloned) — for a restore point (train::load_checkpoint): restore() puts it back as
    /// it was, without load_state_dict's checks, because it was this optimizer's own state, even
    /// when a diverged run left it non-finite.
    class Snapshot {
        friend class Optimizer;
        double lr_ = 0.0;
        std::vector<ParamState> states_;
    };
    Snapshot snapshot() const;
    /// Put back a snapshot() of this optimizer (ValueError if it was taken over other parameters).
    void restore(const Snapshot& snapshot);
};

// ================================================================================================
// definitions
// ================================================================================================

inline Optimizer::Optimizer(std::vector<Tensor> params, double lr) : params_(std::move(params)), lr_(lr) {
    if (params_.empty())
        throw ValueError("Optimizer: got an empty parameter list; hint: pass model.parameters() of a model that has "
                         "parameters");
    if (!(lr >= 0.0) || !std::isfinite(lr))
        throw ValueError(fmt("Optimizer: the learning rate must be a finite number >= 0, got ", lr,
                             "; hint: typical values are 0.1 for SGD and 1e-3 for Adam"));
    std::unordered_map<const TensorImpl*, size_t> seen;
    for (size_t i = 0; i < params_.size(); ++i) {
        const Tensor& p = params_[i];
        if (!p.defined())
            throw ValueError(fmt("Optimizer: parameter ", i, " is undefined; hint: pass the tensors of ",
                                 "model.parameters()"));
        if (!p.requires_grad())
            throw ValueError(fmt("Optimizer: parameter ", i, " (shape ", shape_str(p.shape()), ") does not require ",
                                 "grad; hint: call requires_grad_() on it, or leave frozen parameters out of the list"));
        if (!p.is_leaf())
            throw ValueError(fmt("Optimizer: parameter ", i, " (shape ", shape_str(p.shape()), ") is the result of an ",
                                 "operation, not a leaf; hint: optimise the tensors you created (model.parameters())"));
        if (!p.is_contiguous())
            throw ValueError(fmt("Optimizer: parameter ", i, " (shape ", shape_str(p.shape()), ") is a non-contiguous ",
                                 "view; hint: register contiguous tensors as parameters"));
        auto [it, fresh] = seen.emplace(p.impl(), i);
        if (!fresh)
            throw ValueError(fmt("Optimizer: parameter ", i, " is the same tensor as parameter ", it->second,
                                 "; hint: list each parameter once (model.parameters() already removes duplicates)"));
    }
    states_.resize(params_.size());
}

inline void Optimizer::zero_grad() {
    for (Tensor& p : params_) p.zero_grad();
}

namespace detail {
/// A deep copy of a parameter's optimizer state: update count and cloned buffers.
template <typename State>
State clone_param_state(const State& state) {
    State copy;
    copy.step = state.step;
    for (const Tensor& b : state.buffers) copy.buffers.push_back(b.defined() ? b.detach().clone() : b);
    return copy;
}
}  // namespace detail

inline Optimizer::Snapshot Optimizer::snapshot() const {
    Snapshot s;
    s.lr_ = lr_;
    for (const ParamState& state : states_) s.states_.push_back(detail::clone_param_state(state));
    return s;
}

inline void Optimizer::restore(const Snapshot& snapshot) {
    if (snapshot.states_.size() != states_.size())
        throw ValueError(fmt(name(), "::restore: the snapshot holds the state of ", snapshot.states_.size(),
                             " parameters, this optimizer has ", states_.size(),
                             "; hint: restore a snapshot() of the same optimizer"));
    std::vector<ParamState> states;
    for (const ParamState& state : snapshot.states_) states.push_back(detail::clone_param_state(state));
    states_ = std::move(states);
    lr_ = snapshot.lr_;
}

inline void Optimizer::set_lr(double lr) {
    if (!(lr >= 0.0) || !std::isfinite(lr))
        throw ValueError(fmt(name(), "::set_lr: the learning rate must be a finite number >= 0, got ", lr,
                             "; hint: a scheduler multiplies the initial lr by a factor in [0, 1]"));
    lr_ = lr;
}

inline size_t Optimizer::state_bytes() const {
    size_t bytes = 0;
    for (const ParamState& s : states_)
        for (const Tensor& b : s.buffers) bytes += b.nbytes();
    return bytes;
}

inline Tensor Optimizer::gradient(size_t i) const {
    const Tensor& g = params_[i].grad();
    if (!g.defined()) return g;
    if (g.shape() != params_[i].shape())
        throw ShapeError(fmt(name(), "::step: parameter ", i, " has shape ", shape_str(params_[i].shape()),
                             " but its gradient has shape ", shape_str(g.shape()),
                             "; hint: a gradient has the shape of its parameter"));
    return g.is_contiguous() ? g : g.contiguous();
}

inline Optimizer::ParamState& Optimizer::state(size_t i) {
    ParamState& s = states_[i];
    if (s.buffers.empty())
        for (size_t k = 0, n = buffer_names().size(); k < n; ++k) s.buffers.push_back(zeros(params_[i].shape()));
    return s;
}

inline StateDict Optimizer::state_dict() const {
    StateDict out;
    out.insert("lr", scalar_tensor(static_cast<float>(lr_)));
    const std::vector<std::string> names = buffer_names();
    // BEGIN SOLUTION: Optimizer::state_dict (§6)
    for (size_t i = 0; i < states_.size(); ++i) {
        const ParamState& s = states_[i];
        if (s.step == 0) continue;  // never updated: nothing to save
        const std::string prefix = fmt("state.", i, ".");
        out.insert(prefix + "step", scalar_tensor(static_cast<float>(s.step)));
        for (size_t k = 0; k < names.size(); ++k) out.insert(prefix + names[k], s.buffers[k].detach());
    }
    // END SOLUTION
    return out;
}

inline void Optimizer::load_state_dict(const StateDict& dict) {
    const std::vector<std::string> names = buffer_names();
    std::vector<std::string> missing, unexpected, malformed, mismatched;
    std::vector<ParamState> loaded(params_.size());
    double new_lr = lr_;
    // BEGIN SOLUTION: Optimizer::load_state_dict (§6)
    // 1. sort every key into lr / a known (parameter, field) / unexpected
    std::vector<std::unordered_map<std::string, Tensor>> fields(params_.size());
    for (const auto& [key, value] : dict) {
        if (key == "lr") {
            if (!value.defined() || value.numel() != 1 || !(value.contiguous().data_ptr()[0] >= 0.0f) ||
                !std::isfinite(value.contiguous().data_ptr()[0]))
                malformed.push_back("lr: must be one finite number >= 0");
            else new_lr = static_cast<double>(value.contiguous().data_ptr()[0]);
            continue;
        }
        // "state.<i>.<field>"
        size_t dot = key.find('.', 6);
        bool known = key.rfind("state.", 0) == 0 && dot != std::string::npos && dot > 6 &&
                     key.find_first_not_of("0123456789", 6) == dot;
        size_t i = 0;  // the digits may be any number of them: parsed without exceptions, range-checked
        if (known) {
            auto [end, ec] = std::from_chars(key.data() + 6, key.data() + dot, i);
            known = ec == std::errc() && end == key.data() + dot;
        }
        if (known) {
            std::string field = key.substr(dot + 1);
            known = i < params_.size() &&
                    (field == "step" || std::find(names.begin(), names.end(), field) != names.end());
            if (known) fields[i][field] = value;
        }
        if (!known) unexpected.push_back(key);
    }
    if (!dict.contains("lr")) missing.push_back("lr");
    // 2. a parameter has either no state or all of it, each buffer shaped like the parameter
    for (size_t i = 0; i < params_.size(); ++i) {
        if (fields[i].empty()) continue;
        const std::string prefix = fmt("state.", i, ".");
        auto step = fields[i].find("step");
        if (step == fields[i].end()) {
            missing.push_back(prefix + "step");
        } else {
            const Tensor& t = step->second;
            float v = t.defined() && t.numel() == 1 ? t.contiguous().data_ptr()[0] : -1.0f;
            // <= 2^53: beyond it (or inf) the cast to int64 would be undefined and bias corrections NaN
            if (!(v >= 1.0f && v <= 9007199254740992.0f) || v != std::floor(v))
                malformed.push_back(prefix + "step: must be a whole number in 1..2^53");
            else loaded[i].step = static_cast<int64_t>(v);
        }
        for (const std::string& n : names) {
            auto it = fields[i].find(n);
            if (it == fields[i].end()) missing.push_back(prefix + n);
            else if (!it->second.defined()) malformed.push_back(prefix + n + ": undefined");
            else if (it->second.shape() != params_[i].shape())
                mismatched.push_back(fmt(prefix, n, ": parameter ", shape_str(params_[i].shape()), " vs dictionary ",
                                         shape_str(it->second.shape())));
            else if (!detail::all_finite(it->second, detail::is_square_average(n)))
                malformed.push_back(prefix + n + (detail::is_square_average(n) ? ": must be finite and >= 0"
                                                                               : ": must be finite"));
            else loaded[i].buffers.push_back(it->second.detach().clone());  // our own contiguous copy
        }
    }
    // END SOLUTION
    if (!missing.empty() || !unexpected.empty() || !malformed.empty() || !mismatched.empty()) {
        std::string message = fmt(name(), "::load_state_dict: the dictionary does not fit this optimizer: missing keys ",
                                  detail::join(missing), ", unexpected keys ", detail::join(unexpected),
                                  ", malformed values ", detail::join(malformed), ", shape mismatches ",
                                  detail::join(mismatched),
                                  "; hint: load the state_dict() of the same optimizer type, with the same options ",
                                  "(momentum, amsgrad, centered), over the same parameters in the same order");
        if (missing.empty() && unexpected.empty() && malformed.empty()) throw ShapeError(message);
        throw ValueError(message);
    }
    lr_ = new_lr;
    states_ = std::move(loaded);
}

}  // namespace tinytorch::optim
