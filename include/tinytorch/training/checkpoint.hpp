// include/tinytorch/training/checkpoint.hpp
// Module 08 · Training — lesson: modules/08_training/README.md §4 (checkpoints)
//
// Two kinds of file, both safetensors:
//   weights     save_weights / load_weights: the model's state_dict, nothing else.
//   checkpoint  save_checkpoint / load_checkpoint: weights ("model.*"), the optimizer's
//               state ("optimizer.*": momentum buffers, Adam moments, step counts), and in
//               the metadata the epoch, step, learning rate, scheduler state and the random
//               generator's state — everything needed to resume and get the same numbers as
//               a run that never stopped.
//
// Nothing is lost (given code around your solution): a file is written beside its target and
// renamed over it when complete (atomic_file.hpp), so a crash mid-save keeps the previous
// checkpoint; a load that fails anywhere — a field that does not parse, a tensor that does not
// fit — leaves the trainer exactly as it was (detail::TrainerRestorePoint).
#pragma once
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>

#include "tinytorch/training/atomic_file.hpp"
#include "tinytorch/training/safetensors.hpp"
#include "tinytorch/training/trainer.hpp"

namespace tinytorch::train {

namespace detail {
/// The whole-number field `key` of a checkpoint's metadata, in 0..2^62; DataError naming the
/// file and the field when it is missing or is not one.
inline int64_t checkpoint_int(const Metadata& meta, const std::string& key, const std::string& path) {
    auto it = meta.find(key);
    const std::string text = it == meta.end() ? "" : it->second;
    int64_t v = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (it == meta.end() || ec != std::errc() || end != text.data() + text.size() || v < 0 || v > (int64_t(1) << 62))
        throw DataError(fmt("load_checkpoint: '", path, "': field '", key, "' is ",
                            it == meta.end() ? std::string("missing") : "'" + text.substr(0, 40) + "'",
                            ", expected a whole number in 0..2^62; hint: the file is damaged or was not written "
                            "by save_checkpoint"));
    return v;
}
/// The number field `key` (finite, >= 0) of a checkpoint's metadata; DataError like checkpoint_int.
inline double checkpoint_double(const Metadata& meta, const std::string& key, const std::string& path) {
    auto it = meta.find(key);
    const std::string text = it == meta.end() ? "" : it->second;
    char* end = nullptr;
    const double v = text.empty() ? NAN : std::strtod(text.c_str(), &end);
    if (it == meta.end() || text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < 0.0)
        throw DataError(fmt("load_checkpoint: '", path, "': field '", key, "' is ",
                            it == meta.end() ? std::string("missing") : "'" + text.substr(0, 40) + "'",
                            ", expected a finite number >= 0; hint: the file is damaged or was not written "
                            "by save_checkpoint"));
    return v;
}
/// The generator state field `key`, checked by loading it into a scratch generator first.
inline std::string checkpoint_rng(const Metadata& meta, const std::string& key, const std::string& path) {
    auto it = meta.find(key);
    try {
        if (it == meta.end()) throw ValueError("missing");
        Generator scratch;
        scratch.set_state(it->second);
    } catch (const ValueError& e) {
        throw DataError(fmt("load_checkpoint: '", path, "': field '", key, "' is not a generator state (",
                            e.what(), "); hint: the file is damaged or was not written by save_checkpoint"));
    }
    return it->second;
}

/// Everything load_checkpoint may change, copied when constructed and put back by the
/// destructor unless release() was called: a load that throws half-way changes nothing.
/// The trainer's own state is put back without the loaders' checks where they would refuse it
/// (the optimizer's buffers of a run that diverged are not finite), and each part on its own, so
/// that one part that cannot be restored does not keep the others from being restored.
class TrainerRestorePoint {
public:
    explicit TrainerRestorePoint(Trainer& trainer)
        : trainer_(trainer), epoch_(trainer.epoch()), step_(trainer.step()), rng_(default_generator().state()),
          optimizer_(trainer.optimizer().snapshot()) {
        for (const auto& [name, t] : trainer.model().state_dict()) model_.insert(name, t.detach().clone());
        if (trainer.scheduler()) scheduler_ = trainer.scheduler()->state_dict();
    }
    TrainerRestorePoint(const TrainerRestorePoint&) = delete;
    TrainerRestorePoint& operator=(const TrainerRestorePoint&) = delete;
    void release() { released_ = true; }
    ~TrainerRestorePoint() {
        if (released_) return;
        // the scheduler first: its load_state_dict may set the optimizer's learning rate, which the
        // optimizer's snapshot then puts back as it was
        attempt([&] { if (trainer_.scheduler()) trainer_.scheduler()->load_state_dict(scheduler_); });
        attempt([&] { trainer_.model().load_state_dict(model_, true); });
        attempt([&] { trainer_.optimizer().restore(optimizer_); });
        attempt([&] { trainer_.set_epoch(epoch_); });
        attempt([&] { trainer_.set_step(step_); });
        attempt([&] { default_generator().set_state(rng_); });
    }

private:
    template <typename F>
    static void attempt(F&& restore) {
        try {
            restore();
        } catch (...) {  // a destructor must not throw; the other parts are still restored
        }
    }
    Trainer& trainer_;
    int64_t epoch_, step_;
    std::string rng_;
    optim::Optimizer::Snapshot optimizer_;
    StateDict model_;
    std::map<std::string, std::string> scheduler_;
    bool released_ = false;
};
}  // namespace detail

/// A number as text that reads back bit-exactly.
inline std::string exact_float(double v) {  // %.17g: a double reads back bit-exactly
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

/// The model's state_dict to `path` (written beside it, then renamed over it), with PyTorch's
/// dtypes (num_batches_tracked as I64), so that torch's safetensors loader gives back exactly the
/// state_dict PyTorch would have.
inline void save_weights(const nn::Module& model, const std::string& path) {
    detail::AtomicFileWriter file(path);
    const StateDict sd = model.state_dict();
    save_safetensors(file.temp_path(), sd, {{"format", "tinytorch-weights"}}, pytorch_dtypes(sd));
    file.commit();
}

/// Load weights into `model`. strict: missing, unexpected and shape-mismatched keys are an
/// error that names them all.
inline void load_weights(nn::Module& model, const std::string& path, bool strict = true) {
    model.load_state_dict(load_safetensors(path), strict);
}

/// Everything the trainer needs to resume. Written to `file` (a temporary beside `path`), which
/// becomes `path` only once complete: an interrupted save keeps the previous checkpoint.
inline void save_checkpoint(Trainer& trainer, const std::string& path) {
    detail::AtomicFileWriter atomic(path);
    [[maybe_unused]] const std::string& file = atomic.temp_path();
    // BEGIN SOLUTION: save_checkpoint (§4)
    StateDict all;
    for (const auto& [name, t] : trainer.model().state_dict()) all.insert("model." + name, t);
    for (const auto& [name, t] : trainer.optimizer().state_dict()) all.insert("optimizer." + name, t);
    Metadata meta{{"format", "tinytorch-checkpoint"},
                  {"epoch", std::to_string(trainer.epoch())},
                  {"step", std::to_string(trainer.step())},
                  {"lr", exact_float(trainer.optimizer().lr())},
                  {"rng", default_generator().state()}};
    if (trainer.scheduler())
        for (const auto& [k, v] : trainer.scheduler()->state_dict()) meta["scheduler." + k] = v;
    save_safetensors(file, all, meta, pytorch_dtypes(all));
    // END SOLUTION
    atomic.commit();
}

/// Restore a checkpoint written by save_checkpoint into a trainer built the same way. The whole
/// file is read and its fields checked (detail::checkpoint_int ...) before anything changes; if a
/// tensor still does not fit, the restore point puts the trainer back: all or nothing.
inline void load_checkpoint(Trainer& trainer, const std::string& path, bool strict = true) {
    detail::TrainerRestorePoint restore_point(trainer);
    // BEGIN SOLUTION: load_checkpoint (§4)
    Metadata meta;
    StateDict all = load_safetensors(path, &meta);
    if (meta["format"] != "tinytorch-checkpoint")
        throw DataError(fmt("load_checkpoint: '", path, "' is not a training checkpoint (format '", meta["format"],
                            "'); hint: weights-only files load with load_weights"));
    // every field parsed and checked before the trainer is touched
    const double lr = detail::checkpoint_double(meta, "lr", path);
    const int64_t epoch = detail::checkpoint_int(meta, "epoch", path);
    const int64_t step = detail::checkpoint_int(meta, "step", path);
    const std::string rng = detail::checkpoint_rng(meta, "rng", path);
    StateDict model_state, optimizer_state;
    for (const auto& [name, t] : all) {
        if (name.rfind("model.", 0) == 0) model_state.insert(name.substr(6), t);
        else if (name.rfind("optimizer.", 0) == 0) optimizer_state.insert(name.substr(10), t);
    }
    trainer.model().load_state_dict(model_state, strict);
    trainer.optimizer().load_state_dict(optimizer_state);
    trainer.optimizer().set_lr(lr);
    trainer.set_epoch(epoch);
    trainer.set_step(step);
    default_generator().set_state(rng);
    if (trainer.scheduler()) {
        std::map<std::string, std::string> s;
        for (const auto& [k, v] : meta)
            if (k.rfind("scheduler.", 0) == 0) s[k.substr(10)] = v;
        try {
            trainer.scheduler()->load_state_dict(s);
        } catch (const ValueError& e) {
            throw DataError(fmt("load_checkpoint: '", path, "': ", e.what()));
        }
    }
    // END SOLUTION
    restore_point.release();
}

}  // namespace tinytorch::train
