// tests/support/judge_gradcheck.hpp — judge::gradcheck: the tests' finite-difference check of a
// backward rule, written so that nothing a student writes decides the expected gradient.
//
//     CHECK(judge::gradcheck([](const Tensor& x) { return x.exp(); }, leaf({3, 4}, 1)));
//     CHECK(judge::gradcheck([](const std::vector<Tensor>& x) { return x[0].matmul(x[1]); }, {a, b}));
//
// Same contract as tinytorch::autograd::gradcheck (module 06 §6, which students write and use),
// but the numerical side is the instructor's:
//   * the inputs' values are copied once into plain vectors (read from raw storage);
//   * the central differences  dL/dx_j ≈ (L(x + h·e_j) − L(x − h·e_j)) / (x_j⁺ − x_j⁻)  are
//     computed FIRST, before any backward() runs, each evaluation on freshly built input tensors
//     that do not require grad — so no .grad(), graph or cache that backward leaves behind can
//     reach them;
//   * L = Σ_k w_k·f(x)_k with fixed pseudo-random weights (this file's generator), summed in
//     double; the step is the difference of the two float inputs actually used;
//   * then one backward() with gradient w on fresh leaves gives the analytic side, and the
//     comparison |analytic − numeric| <= atol + rtol·|numeric| runs here.
// The only student code called is the function under test, f (and backward()).
#pragma once
#include <cmath>
#include <cstdint>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "support/judge.hpp"
#include "tinytorch/autograd/autograd.hpp"

namespace judge {

/// What judge::gradcheck found: converts to bool and prints its message, so
/// CHECK(judge::gradcheck(f, {x})) shows the worst element when it fails.
struct GradcheckResult {
    bool ok = false;
    double max_error = 0.0;  ///< largest |analytic − numeric| over all checked elements
    std::string message;
    explicit operator bool() const { return ok; }
};
inline std::ostream& operator<<(std::ostream& out, const GradcheckResult& r) { return out << r.message; }

namespace detail {
/// splitmix64: the weights w_k in [-1, 1), the same for every run and every platform.
inline std::vector<double> gradcheck_weights(size_t n) {
    std::vector<double> w(n);
    uint64_t state = 0x9E3779B97F4A7C15ull ^ 20240601ull;
    for (size_t k = 0; k < n; ++k) {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        // 24 random bits -> a float-exact value in [-1, 1), so the float weights used by backward equal these
        w[k] = static_cast<double>(z >> 40) / static_cast<double>(1 << 23) - 1.0;
    }
    return w;
}
inline std::string index_text(const tinytorch::Shape& shape, int64_t flat) {
    std::vector<int64_t> idx(shape.size());
    for (size_t d = shape.size(); d-- > 0;) {
        idx[d] = shape[d] ? flat % shape[d] : 0;
        flat = shape[d] ? flat / shape[d] : 0;
    }
    return shape_text(idx);
}
}  // namespace detail

/// The function under test, type-erased: the check below is compiled once per test file, not once
/// per lambda (as a template it cost ~0.1 s of compile time per call site at -O0). A reference to
/// the caller's function and one small trampoline per lambda type — lighter to compile than
/// std::function, which would instantiate its manager and handler for every lambda.
class GradcheckFunction {
public:
    template <typename F>
    explicit GradcheckFunction(F& f)
        : callable_(const_cast<void*>(static_cast<const void*>(&f))), call_([](void* c, const std::vector<tinytorch::Tensor>& xs) {
              return tinytorch::Tensor((*static_cast<F*>(c))(xs));
          }) {}
    tinytorch::Tensor operator()(const std::vector<tinytorch::Tensor>& xs) const { return call_(callable_, xs); }

private:
    void* callable_;
    tinytorch::Tensor (*call_)(void*, const std::vector<tinytorch::Tensor>&);
};

namespace detail {
inline GradcheckResult run_gradcheck(const GradcheckFunction& f, const std::vector<tinytorch::Tensor>& inputs,
                                     double eps, double atol, double rtol) {
    using tinytorch::Tensor;
    if (!(eps > 0.0)) throw std::invalid_argument("judge::gradcheck: eps must be positive");
    // 1. the inputs as plain values: everything below starts from these
    struct Input {
        std::vector<float> vals;
        tinytorch::Shape shape;
        bool check;
    };
    std::vector<Input> in;
    bool any = false;
    for (const Tensor& x : inputs) {
        if (!x.defined()) throw std::invalid_argument("judge::gradcheck: an input is undefined");
        in.push_back({values(x), x.impl()->shape, x.impl()->requires_grad});
        any = any || in.back().check;
    }
    if (!any) throw std::invalid_argument("judge::gradcheck: no input requires grad; nothing to check");
    auto fresh = [&in]() {
        std::vector<Tensor> xs;
        for (const Input& x : in) xs.push_back(tensor(x.vals, x.shape));
        return xs;
    };
    auto output_values = [&f](const std::vector<Tensor>& xs) {
        Tensor out = f(xs);
        if (!out.defined()) throw std::invalid_argument("judge::gradcheck: f returned an undefined tensor");
        return values(out);
    };

    // 2. numeric, first: fresh inputs for every evaluation, nothing requires grad
    const std::vector<float> base = output_values(fresh());
    const std::vector<double> w = detail::gradcheck_weights(base.size());
    auto loss = [&w](const std::vector<float>& out) {
        if (out.size() != w.size())
            throw std::invalid_argument("judge::gradcheck: f's output changed size between calls");
        double total = 0.0;
        for (size_t k = 0; k < out.size(); ++k) total += w[k] * static_cast<double>(out[k]);
        return total;
    };
    std::vector<std::vector<double>> numeric(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        if (!in[i].check) continue;
        numeric[i].resize(in[i].vals.size());
        for (size_t j = 0; j < in[i].vals.size(); ++j) {
            const double x = in[i].vals[j];
            const float up = static_cast<float>(x + eps), down = static_cast<float>(x - eps);
            if (!(up > down)) throw std::invalid_argument("judge::gradcheck: eps is too small for an input value");
            std::vector<Tensor> xs = fresh();
            xs[i].impl()->storage->data()[j] = up;
            const double plus = loss(output_values(xs));
            xs = fresh();
            xs[i].impl()->storage->data()[j] = down;
            const double minus = loss(output_values(xs));
            numeric[i][j] = (plus - minus) / (static_cast<double>(up) - static_cast<double>(down));
        }
    }

    // 3. analytic: fresh leaves, one backward with gradient w
    GradcheckResult result;
    std::vector<Tensor> leaves = fresh();
    for (size_t i = 0; i < in.size(); ++i)
        if (in[i].check) leaves[i].requires_grad_(true);
    std::string op = "leaf";
    {
        Tensor out = f(leaves);
        if (!out.defined() || !out.requires_grad()) {
            result.message = "gradcheck: f's output does not require grad: no graph was recorded from the inputs";
            return result;
        }
        if (out.grad_fn()) op = out.grad_fn()->name;
        if (detail::numel(out.impl()->shape) != static_cast<int64_t>(w.size())) {
            result.message = "gradcheck: f's output has " + std::to_string(detail::numel(out.impl()->shape)) +
                             " elements with grad recording and " + std::to_string(w.size()) + " without";
            return result;
        }
        std::vector<float> wf(w.begin(), w.end());
        out.backward(tensor(wf, out.impl()->shape));
    }

    // 4. compare
    double worst_ratio = -1.0;
    int64_t checked = 0, failures = 0;
    std::string worst;
    for (size_t i = 0; i < in.size(); ++i) {
        if (!in[i].check) continue;
        const Tensor& g = leaves[i].grad();
        std::vector<float> analytic(in[i].vals.size(), 0.0f);
        if (g.defined()) {
            if (g.impl()->shape != in[i].shape) {
                result.ok = false;
                result.message = "gradcheck failed for '" + op + "': the gradient of input " + std::to_string(i) +
                                 " has shape " + detail::shape_text(g.impl()->shape) + ", the input " +
                                 detail::shape_text(in[i].shape);
                return result;
            }
            analytic = values(g);
        }
        for (size_t j = 0; j < analytic.size(); ++j) {
            const double a = analytic[j], n = numeric[i][j], err = std::fabs(a - n), tol = atol + rtol * std::fabs(n);
            const bool bad = !(err <= tol);  // NaN counts as bad
            ++checked;
            failures += bad ? 1 : 0;
            if (std::isfinite(err) && err > result.max_error) result.max_error = err;
            const double ratio = std::isfinite(err) ? err / tol : 1e300;
            if (ratio > worst_ratio) {
                worst_ratio = ratio;
                std::ostringstream s;
                s << "input " << i << " (shape " << detail::shape_text(in[i].shape) << ") element "
                  << detail::index_text(in[i].shape, static_cast<int64_t>(j)) << ": analytic " << a
                  << " vs numeric " << n << " (|diff| " << err << ", tolerance " << tol << ")"
                  << (g.defined() ? "" : " [no gradient reached this input]");
                worst = s.str();
            }
        }
    }
    result.ok = failures == 0;
    std::ostringstream s;
    if (result.ok)
        s << "gradcheck passed for '" << op << "': " << checked << " elements, max |analytic - numeric| = "
          << result.max_error << "; closest to the tolerance: " << worst;
    else
        s << "gradcheck failed for '" << op << "': " << failures << " of " << checked
          << " elements out of tolerance (atol " << atol << ", rtol " << rtol << ", eps " << eps
          << "); worst: " << worst;
    result.message = s.str();
    return result;
}
}  // namespace detail

struct GradcheckFn {
    template <typename F>
        requires std::is_invocable_r_v<tinytorch::Tensor, F&, const std::vector<tinytorch::Tensor>&>
    GradcheckResult operator()(F&& f, const std::vector<tinytorch::Tensor>& inputs, double eps = 1e-3,
                               double atol = 1e-3, double rtol = 1e-2) const {
        return detail::run_gradcheck(GradcheckFunction(f), inputs, eps, atol, rtol);
    }

    template <typename F>
        requires std::is_invocable_r_v<tinytorch::Tensor, F&, const tinytorch::Tensor&>
    GradcheckResult operator()(F&& f, const tinytorch::Tensor& input, double eps = 1e-3, double atol = 1e-3,
                               double rtol = 1e-2) const {
        auto wrapped = [&f](const std::vector<tinytorch::Tensor>& xs) { return tinytorch::Tensor(f(xs[0])); };
        return detail::run_gradcheck(GradcheckFunction(wrapped), std::vector<tinytorch::Tensor>{input}, eps, atol,
                                     rtol);
    }
};
inline constexpr GradcheckFn gradcheck{};

}  // namespace judge
