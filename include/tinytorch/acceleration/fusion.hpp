// include/tinytorch/acceleration/fusion.hpp
// Module 17 · Acceleration — lesson: modules/17_acceleration/README.md §7 (operator fusion)
//
// Element-wise operations are memory-bound: y = x + b reads 8 bytes and writes 4 for 1 flop. A
// chain of them (matmul, + bias, ReLU) makes one pass over memory per op and one temporary
// tensor per op. Fusing the chain into one kernel does the arithmetic while the data is in
// registers or L1: one pass, no temporaries.
//   fused_gelu  vs  unfused_gelu         GELU as one loop vs seven tensor ops
//   linear_act  vs  linear_act_unfused   act(x @ Wᵀ + b) as one GEMM with an epilogue vs three passes
// Both fused functions are inference kernels: they record no autograd node and refuse inputs that
// want a gradient (use nn::Linear / nn::GELU to train).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "tinytorch/activations/activations.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::accel {

/// What the GEMM epilogue can apply: none, relu, gelu_tanh, gelu_erf, sigmoid, tanh.
using Activation = tinytorch::detail::gemm::Activation;

/// "none", "relu", "gelu" (erf), "gelu_tanh", "sigmoid", "tanh".
inline std::string activation_name(Activation act) {
    switch (act) {
        case Activation::none: return "none";
        case Activation::relu: return "relu";
        case Activation::gelu_erf: return "gelu";
        case Activation::gelu_tanh: return "gelu_tanh";
        case Activation::sigmoid: return "sigmoid";
        case Activation::tanh: return "tanh";
    }
    return "?";
}

namespace detail {
inline void check_inference(const char* op, std::initializer_list<Tensor> tensors) {
    for (const Tensor& t : tensors)
        if (t.defined() && autograd::wants_grad(t))
            throw ValueError(fmt(op, ": an input requires grad, but this fused kernel records no backward; hint: run "
                                     "inference under NoGradGuard, or use the nn layers to train"));
}
}  // namespace detail

/// gelu(x) in one pass over memory (shape: any -> same): "none" = 0.5·x·(1 + erf(x/√2)),
/// "tanh" = 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) = x·σ(2u). Inference only.
inline Tensor fused_gelu(const Tensor& x, std::string_view approximate = "none") {
    tinytorch::detail::gelu_mode(approximate, "fused_gelu");  // "none" or "tanh", else a ValueError
    detail::check_inference("fused_gelu", {x});
    const Tensor src = x.contiguous();
    Tensor out = tinytorch::detail::empty_uninitialized(x.shape());
    // BEGIN SOLUTION: fused_gelu (§7)
    using tinytorch::detail::gemm::erf_approx;
    using tinytorch::detail::gemm::exp_approx;
    const bool tanh_form = approximate == "tanh";
    const float* in = src.data_ptr();
    float* o = out.data_ptr();
    tinytorch::detail::parallel_for(x.numel(), [&](int64_t lo, int64_t hi) {
        if (!tanh_form) {
            TINYTORCH_VECTORIZE
            for (int64_t i = lo; i < hi; ++i) o[i] = 0.5f * in[i] * (1.0f + erf_approx(in[i] * 0.70710678118654752f));
        } else {
            TINYTORCH_VECTORIZE
            for (int64_t i = lo; i < hi; ++i) {
                const float v = in[i], u = 0.79788456080286535588f * (v + 0.044715f * v * v * v);
                o[i] = v / (1.0f + exp_approx(-2.0f * u));
            }
        }
    });
    // END SOLUTION
    return out;
}

/// GELU's tanh form written as tensor ops, as on paper: seven temporaries, a pass over memory each.
/// (Given: the reference fused_gelu is measured against.)
inline Tensor unfused_gelu(const Tensor& x) {
    const Tensor cube = x * x * x;                       // 2 temporaries
    const Tensor inner = (x + cube * 0.044715f) * 0.79788456080286535588f;  // 3
    return x * 0.5f * (tinytorch::tanh(inner) + 1.0f);  // 4
}

/// y = act(x @ weightᵀ + bias) — x: [..., in], weight: [out, in], bias: [out] or undefined ->
/// y: [..., out]. One GEMM (TinyTorch's kernel) whose epilogue adds the bias and applies `act`
/// to each tile as it is stored. Inference only.
inline Tensor linear_act(const Tensor& x, const Tensor& weight, const Tensor& bias, Activation act = Activation::none) {
    if (!weight.defined() || weight.dim() != 2 || !x.defined() || x.dim() == 0 || x.size(-1) != weight.size(1) ||
        (bias.defined() && (bias.dim() != 1 || bias.size(0) != weight.size(0))))
        throw ShapeError(fmt("linear_act: expects x [..., in], weight [out, in], bias [out]; got x ",
                             x.defined() ? shape_str(x.shape()) : std::string("undefined"), ", weight ",
                             weight.defined() ? shape_str(weight.shape()) : std::string("undefined"), ", bias ",
                             bias.defined() ? shape_str(bias.shape()) : std::string("undefined"),
                             "; hint: weight is laid out like nn::Linear's, [out_features, in_features]"));
    detail::check_inference("linear_act", {x, weight, bias});
    Shape shape = x.shape();
    shape.back() = weight.size(0);
    Tensor y = tinytorch::detail::empty_uninitialized(shape);
    if (y.numel() == 0) return y;
    // BEGIN SOLUTION: linear_act (§7)
    const Tensor xc = x.contiguous(), wc = weight.contiguous(), bc = bias.defined() ? bias.contiguous() : Tensor();
    const int64_t in = weight.size(1), outf = weight.size(0), rows = x.numel() / std::max<int64_t>(in, 1);
    // B = weightᵀ without a copy: B[k, j] = weight[j, k] has strides (1, in).
    const tinytorch::detail::gemm::Epilogue ep{bc.defined() ? bc.data_ptr() : nullptr, act};
    const float* pa = xc.data_ptr();
    const float* pw = wc.data_ptr();
    float* py = y.data_ptr();
    const int64_t threads = get_num_threads();
    const int64_t chunk = threads > 1 && rows * in * outf >= (int64_t(1) << 22) ? ((rows + threads - 1) / threads + 15) / 16 * 16 : rows;
    tinytorch::detail::parallel_for((rows + chunk - 1) / chunk, 1, [&](int64_t lo, int64_t hi) {
        for (int64_t p = lo; p < hi; ++p) {
            const int64_t r0 = p * chunk, n = std::min(chunk, rows - r0);
            tinytorch::detail::gemm::gemm(pa + r0 * in, in, 1, pw, 1, in, py + r0 * outf, outf, n, in, outf, false, ep);
        }
    });
    // END SOLUTION
    return y;
}

/// The same three steps unfused (given): matmul, + bias (a new tensor), the activation (another).
inline Tensor linear_act_unfused(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                 Activation act = Activation::none) {
    Tensor y = x.matmul(weight.t());
    if (bias.defined()) y = y + bias;
    switch (act) {
        case Activation::none: return y;
        case Activation::relu: return tinytorch::relu(y);
        case Activation::gelu_erf: return tinytorch::gelu(y, "none");
        case Activation::gelu_tanh: return tinytorch::gelu(y, "tanh");
        case Activation::sigmoid: return tinytorch::sigmoid(y);
        case Activation::tanh: return tinytorch::tanh(y);
    }
    return y;
}

}  // namespace tinytorch::accel
