// fuzz/fuzz_training.hpp — harnesses for the files module 08 reads: safetensors, weights and
// training checkpoints (model + optimizer + scheduler + generator state), and generator state
// strings on their own.
#pragma once
#include <cmath>
#include <memory>

#include "fuzz_common.hpp"
#include "tinytorch/training/training.hpp"

namespace fuzz {

/// safetensors: a DataError, or tensors whose sizes fit the file (every element is read).
inline int safetensors(const uint8_t* data, size_t size) {
    const std::string& path = write_scratch(data, size, ".safetensors");
    try {
        tinytorch::train::Metadata meta;
        tinytorch::StateDict dict = tinytorch::train::load_safetensors(path, &meta);
        uint64_t bytes = 0;
        for (const auto& [name, t] : dict) {
            volatile float sum = 0;
            for (float v : t.to_vector()) sum = sum + v;
            bytes += static_cast<uint64_t>(t.numel()) * 4;
        }
        FUZZ_CHECK(bytes <= size);
    } catch (const tinytorch::DataError&) {
    }
    return 0;
}

/// A trainer built once: Linear(3, 4) -> ReLU -> Linear(4, 2), Adam, StepLR. `state` is the
/// fingerprint of everything a load may change, taken again only after a load succeeded (an input
/// that fails must leave it exactly as it is, so it is compared, not retaken).
struct CheckpointRig {
    std::shared_ptr<tinytorch::nn::Sequential> net;
    std::unique_ptr<tinytorch::optim::Adam> adam;
    std::unique_ptr<tinytorch::optim::StepLR> sched;
    std::unique_ptr<tinytorch::train::Trainer> trainer;
    std::string state, weights;
    CheckpointRig() {
        using namespace tinytorch;
        manual_seed(1);
        net = std::make_shared<nn::Sequential>(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2));
        adam = std::make_unique<optim::Adam>(net->parameters(), optim::AdamOptions(0.01));
        sched = std::make_unique<optim::StepLR>(*adam, 1, 0.5);
        train::TrainerOptions o;
        o.progress = false;
        trainer = std::make_unique<train::Trainer>(*net, *adam, [](const Tensor& y, const Tensor&) { return y.sum(); }, o);
        trainer->set_scheduler(sched.get());
        state = fingerprint();
        weights = fingerprint_of(net->state_dict());
    }
    /// Everything a load may change: counters, learning rate, generator state, and the names,
    /// shapes and exact bits of every model and optimizer tensor.
    std::string fingerprint() const {
        return tinytorch::fmt(trainer->epoch(), "/", trainer->step(), "/", adam->lr(), "/", sched->last_step(), "/",
                              tinytorch::default_generator().state(), "/") +
               fingerprint_of(net->state_dict()) + fingerprint_of(adam->state_dict());
    }
    static std::string fingerprint_of(const tinytorch::StateDict& dict) {
        std::string s;
        for (const auto& [k, t] : dict) {
            s += k + tinytorch::shape_str(t.shape()) + ":";
            const tinytorch::Tensor c = t.contiguous();
            s.append(reinterpret_cast<const char*>(c.data_ptr()), static_cast<size_t>(c.numel()) * sizeof(float));
        }
        return s;
    }
};

/// A checkpoint: either it loads (and then a training step stays finite), or it throws a typed
/// error and the trainer is exactly as before. Also loaded as weights-only into the model: a
/// typed error leaves that unchanged too.
inline int checkpoint(const uint8_t* data, size_t size) {
    static CheckpointRig rig;
    const std::string& path = write_scratch(data, size, ".ckpt");
    bool changed = false;
    try {
        tinytorch::train::load_checkpoint(*rig.trainer, path);
        changed = true;
        // A loaded state of modest values must train without NaN (a step count of 1e30 once
        // became INT64_MIN here and every weight NaN): one Adam step on a fixed input.
        // (A file may hold NaN or inf weights: they load as stored, and count as not modest.)
        float largest = 0.0f;
        auto note = [&largest](float v) { largest = std::isfinite(v) ? std::max(largest, std::fabs(v)) : INFINITY; };
        note(static_cast<float>(rig.adam->lr()));
        for (const auto& [k, t] : rig.net->state_dict())
            for (float v : t.to_vector()) note(v);
        for (const auto& [k, t] : rig.adam->state_dict())
            if (k.size() < 5 || k.substr(k.size() - 5) != ".step")
                for (float v : t.to_vector()) note(v);
        rig.adam->zero_grad();
        rig.net->forward(tinytorch::full({2, 3}, 0.5f)).sum().backward();
        rig.adam->step();
        if (largest < 1000.0f)
            for (const auto& [k, t] : rig.net->state_dict())
                for (float v : t.to_vector()) FUZZ_CHECK(std::isfinite(v));
    } catch (const tinytorch::Error&) {
        FUZZ_CHECK(!changed);                    // the error came from the load, not from training after it
        FUZZ_CHECK(rig.fingerprint() == rig.state);  // all or nothing
    }
    const std::string weights_before = changed ? CheckpointRig::fingerprint_of(rig.net->state_dict()) : rig.weights;
    try {
        tinytorch::train::load_weights(*rig.net, path, false);
        changed = true;
    } catch (const tinytorch::Error&) {
        FUZZ_CHECK(CheckpointRig::fingerprint_of(rig.net->state_dict()) == weights_before);  // a failed load changes nothing
    }
    if (changed) {
        rig.state = rig.fingerprint();
        rig.weights = CheckpointRig::fingerprint_of(rig.net->state_dict());
    }
    return 0;
}

/// Generator::set_state on any text: a ValueError that leaves the generator unchanged, or a
/// state that round-trips through state().
inline int generator_state(const uint8_t* data, size_t size) {
    tinytorch::Generator g(3);
    const std::string before = g.state();
    try {
        g.set_state(as_string(data, size));
        const std::string s = g.state();
        tinytorch::Generator h;
        h.set_state(s);
        FUZZ_CHECK(h.state() == s);
        FUZZ_CHECK(h.next_u64() == g.next_u64());
        (void)g.normal();
        (void)g.uniform();
    } catch (const tinytorch::ValueError&) {
        FUZZ_CHECK(g.state() == before);
    }
    return 0;
}

}  // namespace fuzz
