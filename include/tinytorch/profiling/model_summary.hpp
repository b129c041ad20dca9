// include/tinytorch/profiling/model_summary.hpp
// Module 14 · Profiling — lesson: modules/14_profiling/README.md §5 (memory), §7 (the summary)
//
// summary(model, example_input): what a model costs, measured on a real forward pass —
//   * parameters and their bytes, per layer and in total;
//   * FLOPs per layer: the ops each layer really ran, each counted by its formula from the
//     shapes it saw (flop_counter.hpp) — a Linear, a Conv2d, a pooling layer, an attention
//     block, a LayerNorm or an Embedding is counted from its own geometry whatever its class
//     is called, and a layer nobody wrote a case for is still counted;
//   * peak activation memory, from the allocator's counters (memory_stats()): the highest live
//     bytes during an inference forward minus what was live before, and the bytes a training
//     forward keeps alive for backward;
//   * latency after warm-up: median and 90th percentile.
// The model is run as it is (call eval() first for inference behaviour of Dropout/BatchNorm).
#pragma once
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tinytorch/layers/module.hpp"
#include "tinytorch/profiling/latency.hpp"
#include "tinytorch/profiling/profiler.hpp"

namespace tinytorch::profiler {

/// One module of the model, as the summary saw it.
struct LayerSummary {
    std::string path;         ///< "Net.fc1" (the root is its class name)
    std::string type;         ///< the module's name(): "Linear", "Conv2d", ...
    int depth = 0;            ///< 0 for the root
    int64_t calls = 0;        ///< how often the forward pass called it (0: never)
    Shape input_shape, output_shape;  ///< of its first call
    int64_t parameters = 0;   ///< its own parameters (children excluded)
    int64_t parameter_bytes = 0;
    int64_t flops = 0;        ///< FLOPs of all its calls, the ops of its children included
};

/// The model's costs (see the top of this file).
struct ModelSummary {
    std::string model;                  ///< the root's name()
    Shape input_shape;
    std::vector<LayerSummary> layers;   ///< every module, depth first (named_modules order)
    int64_t parameters = 0, trainable_parameters = 0, parameter_bytes = 0, buffer_bytes = 0;
    int64_t forward_flops = 0;          ///< one forward pass on the example input
    int64_t peak_activation_bytes = 0;  ///< inference forward: peak live bytes above the start
    int64_t graph_activation_bytes = 0; ///< training forward: bytes still alive after it (what backward needs)
    LatencyStats latency;               ///< inference forward, after warm-up
    std::string to_string() const;
};

struct SummaryOptions {
    int warmup = 3;          ///< untimed forward passes before the latency is measured
    int iterations = 20;     ///< timed forward passes (0: skip the latency)
    bool training_memory = true;  ///< also run one forward with autograd on to measure the graph's memory
};

namespace detail {
/// Turns autograd recording off (or on) for a scope, restoring the previous mode.
struct GradMode {
    bool saved;
    explicit GradMode(bool on) : saved(autograd::is_grad_enabled()) { autograd::set_grad_enabled(on); }
    ~GradMode() { autograd::set_grad_enabled(saved); }
};
}  // namespace detail

/// Run `model` on `example_input` and report what it costs.
inline ModelSummary summary(nn::Module& model, const Tensor& example_input, SummaryOptions options = {}) {
    if (!example_input.defined())
        throw ValueError("summary: the example input is undefined; hint: pass a tensor of the shape the model "
                         "expects, e.g. zeros({1, 784})");
    if (detail::Recorder::instance().active())
        throw ValueError("summary: a profiler is already active; hint: call summary() outside of a Profiler scope");
    ModelSummary s;
    s.model = model.name();
    s.input_shape = example_input.shape();

    // 1. parameters and buffers
    for (const auto& [name, p] : model.named_parameters()) {
        s.parameters += p.numel();
        if (p.requires_grad()) s.trainable_parameters += p.numel();
        s.parameter_bytes += static_cast<int64_t>(p.nbytes());
    }
    for (const auto& [name, b] : model.named_buffers()) s.buffer_bytes += static_cast<int64_t>(b.nbytes());

    // 2. one profiled inference forward: per-module calls, shapes and FLOPs
    std::vector<Event> events;
    {
        detail::GradMode no_grad(false);
        Profiler prof(ProfilerOptions{true, false, true, true});
        (void)model(example_input);
        prof.stop();
        events = prof.events();
    }
    std::map<std::string, LayerSummary> seen;  // by path
    for (const Event& e : events) {
        if (e.kind != EventKind::module) continue;
        LayerSummary& l = seen[e.module];
        if (l.calls == 0) {
            l.input_shape = e.input_shapes.empty() ? Shape{} : e.input_shapes[0];
            l.output_shape = e.output_shape;
        }
        l.calls += 1;
        l.flops += e.flops;
        if (e.depth == 0) s.forward_flops += e.flops;
    }
    const std::string root = model.name();
    for (const auto& [name, m] : model.named_modules()) {
        const std::string path = name.empty() ? root : root + "." + name;
        LayerSummary l = seen.count(path) ? seen[path] : LayerSummary{};
        l.path = path;
        l.type = m->name();
        l.depth = name.empty() ? 0 : 1 + static_cast<int>(std::count(name.begin(), name.end(), '.'));
        for (const Tensor& p : m->parameters(false)) {
            l.parameters += p.numel();
            l.parameter_bytes += static_cast<int64_t>(p.nbytes());
        }
        s.layers.push_back(l);
    }

    // 3. memory, measured from the allocator (§5)
    {
        detail::GradMode no_grad(false);
        // BEGIN SOLUTION: summary memory (§5)
        const int64_t before = memory_stats().live_bytes;
        reset_peak_memory_stats();
        {
            Tensor y = model(example_input);
        }
        s.peak_activation_bytes = memory_stats().peak_bytes - before;
        // END SOLUTION
    }
    if (options.training_memory) {
        detail::GradMode grad(true);
        const int64_t before = memory_stats().live_bytes;
        Tensor y = model(example_input);
        s.graph_activation_bytes = memory_stats().live_bytes - before;  // y and everything its graph holds
    }

    // 4. latency of an inference forward (§6)
    if (options.iterations > 0) {
        detail::GradMode no_grad(false);
        s.latency = measure_latency([&] { (void)model(example_input); }, options.warmup, options.iterations);
    }
    return s;
}

inline std::string ModelSummary::to_string() const {
    std::string out = fmt("Summary of ", model, " on input ", shape_str(input_shape), "\n");
    size_t w_path = 5, w_type = 4, w_shape = 6;
    for (const LayerSummary& l : layers) {
        w_path = std::max(w_path, l.path.size() + 2 * static_cast<size_t>(l.depth));
        w_type = std::max(w_type, l.type.size());
        w_shape = std::max(w_shape, shape_str(l.output_shape).size());
    }
    w_path = std::min<size_t>(w_path, 40);
    auto pad = [](std::string s, size_t w, bool right) {
        if (s.size() > w) s = s.substr(0, w);
        const std::string fill(w - s.size(), ' ');
        return right ? fill + s : s + fill;
    };
    out += pad("Layer", w_path, false) + "  " + pad("Type", w_type, false) + "  " + pad("Output", w_shape, false) +
           "  " + pad("Params", 10, true) + "  " + pad("FLOPs", 10, true) + "  " + pad("Calls", 5, true) + "\n";
    out += std::string(w_path + w_type + w_shape + 39, '-') + "\n";
    for (const LayerSummary& l : layers) {
        out += pad(std::string(2 * static_cast<size_t>(l.depth), ' ') + l.path, w_path, false) + "  " +
               pad(l.type, w_type, false) + "  " + pad(l.calls ? shape_str(l.output_shape) : "-", w_shape, false) +
               "  " + pad(std::to_string(l.parameters), 10, true) + "  " +
               pad(l.calls ? detail::format_count(double(l.flops)) : "-", 10, true) + "  " +
               pad(std::to_string(l.calls), 5, true) + "\n";
    }
    out += std::string(w_path + w_type + w_shape + 39, '-') + "\n";
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "parameters           %lld (%lld trainable), %s; buffers %s\n"
                  "forward FLOPs        %s per call (batch %lld)\n"
                  "activation memory    peak %s (inference forward), %s kept for backward (training forward)\n",
                  static_cast<long long>(parameters), static_cast<long long>(trainable_parameters),
                  detail::format_bytes(double(parameter_bytes)).c_str(), detail::format_bytes(double(buffer_bytes)).c_str(),
                  detail::format_count(double(forward_flops)).c_str(),
                  static_cast<long long>(input_shape.empty() ? 1 : input_shape[0]),
                  detail::format_bytes(double(peak_activation_bytes)).c_str(),
                  detail::format_bytes(double(graph_activation_bytes)).c_str());
    out += buf;
    if (!latency.samples_ms.empty()) {
        std::snprintf(buf, sizeof buf, "latency              median %.3f ms, p90 %.3f ms (%zu calls after %lld warm-up)\n",
                      latency.median_ms, latency.p90_ms, latency.samples_ms.size(),
                      static_cast<long long>(latency.warmup));
        out += buf;
    }
    return out;
}

}  // namespace tinytorch::profiler
