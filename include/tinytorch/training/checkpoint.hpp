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
#pragma once
#include <string>

#include "tinytorch/training/safetensors.hpp"
#include "tinytorch/training/trainer.hpp"

namespace tinytorch::train {

/// A number as text that reads back bit-exactly.
inline std::string exact_float(double v) {  // %.17g: a double reads back bit-exactly
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

/// Save the model's state_dict with PyTorch's dtypes (num_batches_tracked as I64), so that
/// torch's safetensors loader gives back exactly the state_dict PyTorch would have.
inline void save_weights(const nn::Module& model, const std::string& path) {
    const StateDict sd = model.state_dict();
    save_safetensors(path, sd, {{"format", "tinytorch-weights"}}, pytorch_dtypes(sd));
}

/// Load weights into `model`. strict: missing, unexpected and shape-mismatched keys are an
/// error that names them all.
inline void load_weights(nn::Module& model, const std::string& path, bool strict = true) {
    model.load_state_dict(load_safetensors(path), strict);
}

/// Everything the trainer needs to resume.
inline void save_checkpoint(Trainer& trainer, const std::string& path) {
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
    save_safetensors(path, all, meta, pytorch_dtypes(all));
    // END SOLUTION
}

/// Restore a checkpoint written by save_checkpoint into a trainer built the same way.
inline void load_checkpoint(Trainer& trainer, const std::string& path, bool strict = true) {
    // BEGIN SOLUTION: load_checkpoint (§4)
    Metadata meta;
    StateDict all = load_safetensors(path, &meta);
    if (meta["format"] != "tinytorch-checkpoint")
        throw DataError(fmt("load_checkpoint: '", path, "' is not a training checkpoint (format '", meta["format"],
                            "'); hint: weights-only files load with load_weights"));
    StateDict model_state, optimizer_state;
    for (const auto& [name, t] : all) {
        if (name.rfind("model.", 0) == 0) model_state.insert(name.substr(6), t);
        else if (name.rfind("optimizer.", 0) == 0) optimizer_state.insert(name.substr(10), t);
    }
    trainer.model().load_state_dict(model_state, strict);
    trainer.optimizer().load_state_dict(optimizer_state);
    trainer.optimizer().set_lr(std::stod(meta["lr"]));
    trainer.set_epoch(std::stoll(meta["epoch"]));
    trainer.set_step(std::stoll(meta["step"]));
    default_generator().set_state(meta["rng"]);
    if (trainer.scheduler()) {
        std::map<std::string, std::string> s;
        for (const auto& [k, v] : meta)
            if (k.rfind("scheduler.", 0) == 0) s[k.substr(10)] = v;
        trainer.scheduler()->load_state_dict(s);
    }
    // END SOLUTION
}

}  // namespace tinytorch::train
