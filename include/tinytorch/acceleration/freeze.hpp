// include/tinytorch/acceleration/freeze.hpp
// Module 17 · Acceleration — lesson: modules/17_acceleration/README.md §8 (an inference path)
//
//   net->eval();
//   accel::FrozenSequential frozen = accel::freeze(*net);   // after training, once
//   Tensor logits = frozen(x);                               // as net->forward(x), faster
//
// A trained model answers many inference calls with the same weights, so work that depends only
// on the weights can be done once. freeze() turns an nn::Sequential in eval mode into a
// FrozenSequential that
//   1. pre-packs each Linear's weight into the GEMM kernel's panels (gemm_kernel.hpp's PackedB):
//      no call packs it again;
//   2. fuses each Linear with the bias and the activation after it into one GEMM epilogue:
//      no pass over memory for "+ bias", none for ReLU/GELU/Sigmoid/Tanh, no temporaries;
//   3. reuses two scratch buffers per thread for the activations between layers (ping-pong):
//      only the output is a new tensor;
//   4. splits big batches into one block of rows per thread, each block running through every
//      layer on its own (no meeting point between layers).
// Safe against later writes to the model: the frozen model owns *copies* of the weights (the
// packed panels and the bias), taken when freeze() runs, as torch.jit.freeze folds parameters into
// constants. Training the model further or writing its weights in place leaves the frozen model
// as it was; freeze again to pick the new weights up. Inference only: no autograd.
// Understood layers: nn::Linear, nn::ReLU, nn::GELU, nn::Sigmoid, nn::Tanh, nn::Identity,
// nn::Dropout (the identity in eval mode) and nested nn::Sequential; anything else is a ValueError.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tinytorch/acceleration/fusion.hpp"
#include "tinytorch/layers/layers.hpp"

namespace tinytorch::accel {

/// The deepest pass over k a frozen weight is packed for. gemm() splits K into passes of at most KC
/// (512 on AVX-512) so that a panel of B stays near L1 for big products; each later pass reads, adds
/// to and stores the output again. Inference batches are small and the weight is packed once, so a
/// frozen Linear with in_features <= 1024 runs in one pass over k (W1's 784 -> 256: one pass instead
/// of two of 392: that layer 1-4% faster on Zen 5): each tile of the output is stored once, with its epilogue.
constexpr int64_t kFrozenDepth = 1024;

/// What freeze() may do (each can be switched off, to measure what it brings).
struct FreezeOptions {
    bool prepack = true;       ///< pack each weight once (else: a contiguous copy, packed per call)
    bool fuse = true;          ///< bias + activation in the GEMM epilogue (else: separate passes)
    bool reuse_memory = true;  ///< ping-pong scratch buffers (else: a new tensor per step)
};

/// One step of a frozen model: a Linear (with the activation fused into it, if any) or a lone activation.
struct FrozenStep {
    bool linear = false;
    int64_t in = 0, out = 0;                                          ///< a Linear's features
    std::shared_ptr<const tinytorch::detail::gemm::PackedB<>> packed; ///< the packed weight (prepack)
    std::vector<float> weight;                                        ///< [out, in] copy (no prepack)
    std::vector<float> bias;                                          ///< empty: no bias
    Activation act = Activation::none;                                ///< fused (linear) or alone
    std::string label;                                                ///< "Linear(784 -> 256) + ReLU"
};

class FrozenSequential {
public:
    FrozenSequential() = default;
    FrozenSequential(std::vector<FrozenStep> steps, FreezeOptions options)
        : steps_(std::move(steps)), options_(options) {}

    /// y = the model's forward(x), from the weights as they were when frozen. x: [..., in].
    Tensor forward(const Tensor& x) const;
    Tensor operator()(const Tensor& x) const { return forward(x); }

    const std::vector<FrozenStep>& steps() const { return steps_; }
    const FreezeOptions& options() const { return options_; }
    /// Bytes of weights the frozen model holds (packed panels, bias, copies).
    int64_t weight_bytes() const;
    /// Bytes the last forward() on this thread allocated for tensors and scratch (the output included).
    static int64_t& last_forward_allocated_bytes() {
        thread_local int64_t bytes = 0;
        return bytes;
    }
    /// "FrozenSequential(\n  (0): Linear(784 -> 256) + ReLU [packed, fused]\n ...)"
    std::string to_string() const;

private:
    std::vector<FrozenStep> steps_;
    FreezeOptions options_;

    /// One step on `rows` rows: src [rows, width] -> dst [rows, the step's output width]; `fuse`:
    /// bias and activation in the GEMM epilogue, else as two passes after it.
    static void run_step(const FrozenStep& s, const float* src, int64_t rows, int64_t width, float* dst, bool fuse);
    /// Every step on `rows` rows: src [rows, width] -> dst [rows, final width], the activations in
    /// between in this thread's two scratch buffers (ping-pong).
    void run_rows(const float* src, int64_t rows, int64_t width, float* dst) const;
};

namespace detail {

/// The activation a module computes, if it is one freeze() understands (nullptr-safe).
inline bool activation_of(const nn::Module& m, Activation& act) {
    const auto* f = dynamic_cast<const nn::Functional*>(&m);
    if (!f) return false;
    if (f->target<nn::ReLU>()) return act = Activation::relu, true;
    if (f->target<nn::Sigmoid>()) return act = Activation::sigmoid, true;
    if (f->target<nn::Tanh>()) return act = Activation::tanh, true;
    if (const auto* g = f->target<nn::GELU>())
        return act = g->approximate() == "tanh" ? Activation::gelu_tanh : Activation::gelu_erf, true;
    return false;
}

/// The modules of `seq` in order, nested Sequentials opened up; `where` names each ("2.0").
inline void flatten_sequential(const nn::Sequential& seq, const std::string& prefix,
                               std::vector<std::pair<std::string, const nn::Module*>>& out) {
    for (size_t i = 0; i < seq.size(); ++i) {
        const nn::Module* m = seq.modules()[i].get();
        const std::string where = prefix + std::to_string(i);
        if (const auto* inner = dynamic_cast<const nn::Sequential*>(m)) flatten_sequential(*inner, where + ".", out);
        else out.emplace_back(where, m);
    }
}

/// Scratch buffers of a thread, reused from call to call (slot 0 and 1: the ping-pong pair).
inline float* frozen_scratch(int slot, int64_t floats) {
    thread_local std::vector<float> buffers[2];
    std::vector<float>& b = buffers[slot];
    if (static_cast<int64_t>(b.size()) < floats) {
        b.resize(static_cast<size_t>(floats));
        FrozenSequential::last_forward_allocated_bytes() += floats * 4;
    }
    return b.data();
}

}  // namespace detail

/// Freeze an nn::Sequential in eval mode for inference (see the top of this file).
/// ValueError when the model is still in training mode or holds a layer freeze does not know.
inline FrozenSequential freeze(const nn::Sequential& model, FreezeOptions options = {}) {
    if (model.is_training())
        throw ValueError("freeze: the model is in training mode; hint: call model.eval() first (freezing fixes "
                         "eval-mode behaviour: Dropout off, weights as they are now)");
    std::vector<std::pair<std::string, const nn::Module*>> modules;
    detail::flatten_sequential(model, "", modules);
    std::vector<FrozenStep> steps;
    // BEGIN SOLUTION: freeze (§8)
    for (size_t i = 0; i < modules.size(); ++i) {
        const auto& [where, m] = modules[i];
        Activation act = Activation::none;
        if (const auto* lin = dynamic_cast<const nn::Linear*>(m)) {
            FrozenStep s;
            s.linear = true;
            s.in = lin->in_features();
            s.out = lin->out_features();
            const Tensor w = lin->weight.contiguous();  // [out, in]
            if (options.prepack)  // B = weightᵀ: strides (1, in), packed once, one pass over k (kFrozenDepth)
                s.packed = std::make_shared<const tinytorch::detail::gemm::PackedB<>>(
                    tinytorch::detail::gemm::pack_weight(w.data_ptr(), 1, s.in, s.in, s.out, kFrozenDepth));
            else
                s.weight.assign(w.data_ptr(), w.data_ptr() + w.numel());
            if (lin->has_bias()) {
                const Tensor b = lin->bias.contiguous();
                s.bias.assign(b.data_ptr(), b.data_ptr() + b.numel());
            }
            s.label = fmt("Linear(", s.in, " -> ", s.out, ")", s.bias.empty() ? " no bias" : "");
            Activation next = Activation::none;
            if (options.fuse && i + 1 < modules.size() && detail::activation_of(*modules[i + 1].second, next)) {
                s.act = next;
                s.label += " + " + activation_name(next);
                ++i;  // the activation is part of this step now
            }
            steps.push_back(std::move(s));
        } else if (detail::activation_of(*m, act)) {
            FrozenStep s;
            s.act = act;
            s.label = activation_name(act);
            steps.push_back(std::move(s));
        } else if (dynamic_cast<const nn::Dropout*>(m) || dynamic_cast<const nn::Identity*>(m)) {
            continue;  // the identity in eval mode
        } else {
            throw ValueError(fmt("freeze: module ", where, " (", m->name(), ") is not a layer freeze understands; ",
                                 "hint: freeze handles Linear, ReLU, GELU, Sigmoid, Tanh, Dropout, Identity and "
                                 "nested Sequential - run other models with forward() under NoGradGuard"));
        }
    }
    // END SOLUTION
    return FrozenSequential(std::move(steps), options);
}

inline void FrozenSequential::run_step(const FrozenStep& s, const float* src, int64_t rows, int64_t width, float* dst,
                                       bool fuse) {
    // BEGIN SOLUTION: FrozenSequential::run_step (§8)
    namespace g = tinytorch::detail::gemm;
    if (!s.linear) {  // a lone activation
        if (dst != src) std::copy(src, src + rows * width, dst);
        g::apply_activation(s.act, dst, rows * width);
        return;
    }
    const float* bias = s.bias.empty() ? nullptr : s.bias.data();
    const g::Epilogue ep{fuse ? bias : nullptr, fuse ? s.act : Activation::none};
    if (s.packed) g::gemm_packed(src, s.in, 1, *s.packed, dst, s.out, rows, false, ep);
    else g::gemm(src, s.in, 1, s.weight.data(), 1, s.in, dst, s.out, rows, s.in, s.out, false, ep);
    if (!fuse) g::epilogue_rows(dst, s.out, rows, s.out, bias, s.act);  // two more passes over dst
    // END SOLUTION
}

inline void FrozenSequential::run_rows(const float* src, int64_t rows, int64_t width, float* dst) const {
    // BEGIN SOLUTION: FrozenSequential::run_rows (§8)
    int64_t widest = 0, w = width;
    for (const FrozenStep& s : steps_) w = s.linear ? s.out : w, widest = std::max(widest, w);
    float* scratch[2] = {detail::frozen_scratch(0, rows * widest), detail::frozen_scratch(1, rows * widest)};
    const float* cur = src;
    int next = 0;  // the scratch buffer the next step writes
    for (size_t i = 0; i < steps_.size(); ++i) {
        const FrozenStep& s = steps_[i];
        float* out = i + 1 == steps_.size() ? dst : scratch[next];
        if (!s.linear && cur != src && out != dst) out = const_cast<float*>(cur);  // in place in scratch
        else if (out != dst) next ^= 1;
        run_step(s, cur, rows, width, out, options_.fuse);
        cur = out;
        width = s.linear ? s.out : width;
    }
    // END SOLUTION
}

inline Tensor FrozenSequential::forward(const Tensor& x) const {
    if (!x.defined() || x.dim() == 0)
        throw ShapeError(fmt("FrozenSequential: expected an input [..., features], got ",
                             x.defined() ? shape_str(x.shape()) : std::string("an undefined tensor"),
                             "; hint: a batch of vectors, e.g. [batch, in_features]"));
    int64_t in = x.size(-1), out_width = in;
    for (const FrozenStep& s : steps_)
        if (s.linear) {
            if (out_width != s.in)
                throw ShapeError(fmt("FrozenSequential: expected input [..., ", s.in, "], got ", shape_str(x.shape()),
                                     "; hint: the last dim of the input must equal the first Linear's in_features (",
                                     s.in, ")"));
            break;
        }
    for (const FrozenStep& s : steps_) out_width = s.linear ? s.out : out_width;
    last_forward_allocated_bytes() = 0;
    if (steps_.empty()) return x.clone();
    const Tensor xc = x.contiguous();
    Shape shape = x.shape();
    shape.back() = out_width;
    Tensor y = tinytorch::detail::empty_uninitialized(shape);
    last_forward_allocated_bytes() += y.numel() * 4;
    const int64_t rows = in > 0 ? x.numel() / in : 0;
    if (rows == 0 || y.numel() == 0) return y;
    if (!options_.reuse_memory) {
        // Eager-style: every step writes a new tensor (what reuse_memory saves; kept to measure it).
        Tensor cur = xc.reshape({rows, in});
        for (const FrozenStep& s : steps_) {
            const int64_t w = s.linear ? s.out : cur.size(1);
            Tensor next = tinytorch::detail::empty_uninitialized({rows, w});
            last_forward_allocated_bytes() += rows * w * 4;
            run_step(s, cur.data_ptr(), rows, cur.size(1), next.data_ptr(), options_.fuse);
            cur = next;
        }
        std::copy(cur.data_ptr(), cur.data_ptr() + cur.numel(), y.data_ptr());
        return y;
    }
    // One block of rows per thread when the batch is big enough to pay for the threads; each block
    // runs through every layer with its own scratch buffers.
    int64_t work = 0;
    for (const FrozenStep& s : steps_) work += s.linear ? s.in * s.out : 0;
    const int64_t threads = get_num_threads();
    const int64_t block = threads > 1 && rows >= 32 && rows * work >= (int64_t(1) << 22)
                              ? ((rows + threads - 1) / threads + 15) / 16 * 16
                              : rows;
    const float* px = xc.data_ptr();
    float* py = y.data_ptr();
    tinytorch::detail::parallel_for((rows + block - 1) / block, 1, [&](int64_t lo, int64_t hi) {
        for (int64_t p = lo; p < hi; ++p) {
            const int64_t r0 = p * block, n = std::min(block, rows - r0);
            run_rows(px + r0 * in, n, in, py + r0 * out_width);
        }
    });
    return y;
}

inline int64_t FrozenSequential::weight_bytes() const {
    int64_t bytes = 0;
    for (const FrozenStep& s : steps_)
        bytes += 4 * (static_cast<int64_t>(s.bias.size() + s.weight.size()) + (s.packed ? s.packed->floats : 0));
    return bytes;
}

inline std::string FrozenSequential::to_string() const {
    std::string s = "FrozenSequential(\n";
    for (size_t i = 0; i < steps_.size(); ++i)
        s += fmt("  (", i, "): ", steps_[i].label,
                 steps_[i].linear ? (steps_[i].packed ? " [weight packed]" : " [weight copied]") : "", "\n");
    return s + ")";
}

}  // namespace tinytorch::accel
