// include/tinytorch/autograd/gradcheck.hpp
// Module 06 · Autograd — lesson: modules/06_autograd/README.md §6 (checking gradients numerically)
//
// gradcheck compares the gradients backward() computes (analytic) with finite differences
// (numeric) of the same function:
//     dL/dx_j ≈ (L(x + h·e_j) − L(x − h·e_j)) / 2h          (central difference, error O(h²))
// L = Σ_k w_k·f(x)_k with fixed random weights w, so a non-scalar f is checked through one
// vector–Jacobian product — and a wrong rule cannot hide behind a symmetric loss (softmax
// summed with w = 1 has gradient 0 whatever the rule says).
// Everything is float32, so: h ~ 1e-3, L accumulated in double, the step measured as the
// difference of the two float inputs actually used, and tolerances atol + rtol·|numeric|.
#pragma once
#include <cmath>
#include <concepts>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "tinytorch/autograd/engine.hpp"
#include "tinytorch/autograd/no_grad.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::autograd {

/// What gradcheck found. Converts to bool, and prints its message, so in a Catch2 test
/// `CHECK(gradcheck(f, {x}))` shows the worst element when it fails.
struct GradcheckResult {
    bool ok = false;
    double max_error = 0.0;  ///< largest |analytic − numeric| over all checked elements
    std::string message;     ///< "gradcheck passed ..." or where and by how much it failed
    explicit operator bool() const { return ok; }
};
inline std::ostream& operator<<(std::ostream& out, const GradcheckResult& r) { return out << r.message; }

/// "[2, 0]": the multi-index of flat position `flat` in a row-major tensor of `shape`.
inline std::string index_str(const Shape& shape, int64_t flat) {
    Shape idx(shape.size());
    for (size_t d = shape.size(); d-- > 0;) {
        idx[d] = shape[d] ? flat % shape[d] : 0;
        flat = shape[d] ? flat / shape[d] : 0;
    }
    return shape_str(idx);
}

/// L = Σ_k w_k · out_k, accumulated in double.
inline double weighted_sum(const Tensor& out, const std::vector<double>& w) {
    const std::vector<float> v = out.to_vector();
    double total = 0.0;
    for (size_t k = 0; k < v.size(); ++k) total += w[k] * static_cast<double>(v[k]);
    return total;
}

/// Central differences of L(xs) = weighted_sum(f(xs), w) with respect to every element of
/// xs[i] (contiguous; perturbed in place and restored). gradcheck calls it before any backward,
/// with grad mode off, on copies of the inputs that do not require grad.
template <typename F>
std::vector<double> numerical_gradient(F& f, std::vector<Tensor>& xs, size_t i, const std::vector<double>& w,
                                       double eps) {
    std::vector<double> grad(static_cast<size_t>(xs[i].numel()));
    // BEGIN SOLUTION: numerical_gradient (§6)
    float* p = xs[i].data_ptr();
    for (size_t j = 0; j < grad.size(); ++j) {
        const float original = p[j];
        const float up = static_cast<float>(original + eps), down = static_cast<float>(original - eps);
        p[j] = up;
        const double plus = weighted_sum(f(xs), w);
        p[j] = down;
        const double minus = weighted_sum(f(xs), w);
        p[j] = original;
        // the step actually taken: x ± eps rounded to float is not exactly 2·eps apart
        grad[j] = (plus - minus) / (static_cast<double>(up) - static_cast<double>(down));
    }
    // END SOLUTION
    return grad;
}

/// Check backward() against finite differences for f at `inputs`. Inputs that require grad
/// are checked; the others are constants. The inputs themselves are not modified (f runs on
/// copies). The numeric side runs first, on its own copies. Pick points away from kinks (relu
/// at 0, ties of max, clamp bounds).
///   auto r = gradcheck([](const std::vector<Tensor>& x) { return x[0] * x[1]; }, {a, b});
template <typename F>
    requires std::is_invocable_r_v<Tensor, F&, const std::vector<Tensor>&>
GradcheckResult gradcheck(F&& f, const std::vector<Tensor>& inputs, double eps = 1e-3, double atol = 1e-3,
                          double rtol = 1e-2) {
    bool any = false;
    for (const Tensor& x : inputs) any = any || (x.defined() && x.requires_grad());
    if (!any)
        throw ValueError(fmt("gradcheck: none of the ", inputs.size(), " inputs requires grad, so there is "
                             "nothing to check; hint: call requires_grad_() on the inputs to differentiate"));
    if (!(eps > 0.0))
        throw ValueError(fmt("gradcheck: eps must be positive, got ", eps, "; hint: 1e-3 suits float32"));

    // The leaves of the analytic side: new handles on the inputs' values, so the caller's
    // tensors get no gradient (f only reads them).
    std::vector<Tensor> xs;
    for (const Tensor& x : inputs) {
        Tensor leaf = x.detach();
        leaf.requires_grad_(x.requires_grad());
        xs.push_back(leaf);
    }

    // The analytic forward: it must have recorded a graph (checked before any finite difference).
    GradcheckResult result;
    Tensor out = f(xs);
    if (!out.requires_grad()) {
        result.message = "gradcheck: f's output does not require grad: no graph was recorded from the inputs; "
                         "hint: build the output from the inputs with recorded (differentiable) operations";
        return result;
    }
    const std::string op = out.grad_fn() ? out.grad_fn()->name : std::string("leaf");

    // Numeric, BEFORE backward, with no graph recording (faster, and f runs many times), on
    // contiguous copies that never require grad (the probes, perturbed in place): no gradient
    // that backward leaves behind can leak into it.
    std::vector<Tensor> probes;
    for (const Tensor& x : inputs) probes.push_back(x.detach().clone());
    Generator gen(20240601);
    std::vector<double> w(static_cast<size_t>(out.numel()));
    for (size_t k = 0; k < w.size(); ++k) w[k] = gen.uniform(-1.0f, 1.0f);
    std::vector<std::vector<double>> numeric(xs.size());
    {
        NoGradGuard no_grad;
        for (size_t i = 0; i < xs.size(); ++i)
            if (inputs[i].requires_grad()) numeric[i] = numerical_gradient(f, probes, i, w, eps);
    }

    // Analytic: one backward with gradient w.
    std::vector<float> wf(w.begin(), w.end());
    out.backward(Tensor(wf, out.shape()));
    out = Tensor();  // the graph is released; the leaves now hold the analytic gradients

    double worst_ratio = -1.0;
    int64_t checked = 0, failures = 0;
    std::string worst;
    for (size_t i = 0; i < xs.size(); ++i) {
        if (!inputs[i].requires_grad()) continue;
        const Tensor& ga = xs[i].grad();
        const std::vector<float> analytic =
            ga.defined() ? ga.to_vector() : std::vector<float>(numeric[i].size(), 0.0f);
        for (size_t j = 0; j < numeric[i].size(); ++j) {
            const double a = analytic[j], n = numeric[i][j], err = std::fabs(a - n), tol = atol + rtol * std::fabs(n);
            const bool bad = !(err <= tol);  // NaN counts as bad
            ++checked;
            failures += bad ? 1 : 0;
            if (std::isfinite(err)) result.max_error = std::max(result.max_error, err);
            const double ratio = std::isfinite(err) ? err / tol : 1e300;
            if (ratio > worst_ratio) {
                worst_ratio = ratio;
                worst = fmt("input ", i, " (shape ", shape_str(xs[i].shape()), ") element ",
                            index_str(xs[i].shape(), static_cast<int64_t>(j)), ": analytic ", a, " vs numeric ", n,
                            " (|diff| ", err, ", tolerance ", tol, ")",
                            ga.defined() ? "" : " [no gradient reached this input]");
            }
        }
    }
    result.ok = failures == 0;
    result.message = result.ok
        ? fmt("gradcheck passed for '", op, "': ", checked, " elements, max |analytic - numeric| = ",
              result.max_error, "; closest to the tolerance: ", worst)
        : fmt("gradcheck failed for '", op, "': ", failures, " of ", checked, " elements out of tolerance (atol ",
              atol, ", rtol ", rtol, ", eps ", eps, "); worst: ", worst,
              "; hint: the backward rule of an op in this graph is wrong, or a point sits on a kink");
    return result;
}

/// One-input form:  gradcheck([](const Tensor& x) { return x.exp(); }, x)
template <typename F>
    requires std::is_invocable_r_v<Tensor, F&, const Tensor&>
GradcheckResult gradcheck(F&& f, const Tensor& input, double eps = 1e-3, double atol = 1e-3, double rtol = 1e-2) {
    auto wrapped = [&f](const std::vector<Tensor>& xs) { return f(xs[0]); };
    return gradcheck(wrapped, std::vector<Tensor>{input}, eps, atol, rtol);
}

}  // namespace tinytorch::autograd
