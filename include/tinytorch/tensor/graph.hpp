// include/tinytorch/tensor/graph.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §10 (the hooks autograd uses)
//
// Every differentiable operation in modules 01–05 records what it did in a Node attached
// to its output — *if* some input requires a gradient and recording is on. This file only
// holds that bookkeeping. The backward rules (what each Node means for gradients) and the
// engine that walks the graph live in module 06 (include/tinytorch/autograd/), which
// registers them here; so modules 01–05 compile and run while module 06 is still a stub.
#pragma once
#include <atomic>
#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tinytorch/tensor/core.hpp"

namespace tinytorch::autograd {

struct Node;

/// A backward rule: given the Node and dL/d(output), return dL/d(input) for each input
/// (same order as node.inputs; an undefined Tensor where an input needs no gradient).
using BackwardRule = std::vector<Tensor> (*)(const Node& node, const Tensor& grad_output);

/// One recorded operation: the edge list of the graph plus what backward needs.
struct Node {
    std::string name;               ///< the op, e.g. "mul", "sum", "relu" — selects the rule
    std::vector<Tensor> inputs;     ///< operands; gradients flow back to them
    std::vector<Tensor> saved;      ///< extra tensors the rule needs (stored detached: no cycles)
    std::vector<int64_t> ints;      ///< integer attributes: dims, keepdim flags, ...
    std::vector<double> scalars;    ///< real attributes: exponents, bounds, ...
    Shape output_shape;             ///< shape of the tensor this node produced
    bool released = false;          ///< true once backward freed inputs/saved (no retain_graph)

    Node() = default;
    /// Frees a long chain iteratively: dropping a 100k-op graph must not run 100k nested
    /// destructors (stack overflow). An input whose node only we keep alive is unhooked and
    /// its node freed by the loop, with its own inputs unhooked first.
    ~Node() {
        std::vector<std::shared_ptr<Node>> doomed;
        auto unhook = [&doomed](std::vector<Tensor>& tensors) {
            for (Tensor& t : tensors) {
                if (!t.defined()) continue;
                std::shared_ptr<Node> producer = t.impl()->grad_fn;  // a second owner, for a moment
                t = Tensor();  // the tensor may die here; its node survives in `producer`
                if (producer && producer.use_count() == 1) doomed.push_back(std::move(producer));
            }
            tensors.clear();
        };
        unhook(inputs);
        while (!doomed.empty()) {
            std::shared_ptr<Node> node = std::move(doomed.back());
            doomed.pop_back();
            unhook(node->inputs);  // `node` then dies here with no inputs left: no recursion
        }
    }
};

// ---- grad mode: is recording on? (NoGradGuard in module 06 switches it off) ----------------
inline bool& grad_mode_flag() {
    thread_local bool enabled = true;
    return enabled;
}
inline bool is_grad_enabled() { return grad_mode_flag(); }
inline void set_grad_enabled(bool enabled) { grad_mode_flag() = enabled; }

/// True when an op with these inputs must record a Node.
template <typename... Ts>
bool wants_grad(const Ts&... inputs) {
    return is_grad_enabled() && ((inputs.defined() && inputs.requires_grad()) || ...);
}
inline bool wants_grad_list(const std::vector<Tensor>& inputs) {
    if (!is_grad_enabled()) return false;
    for (const Tensor& t : inputs)
        if (t.defined() && t.requires_grad()) return true;
    return false;
}

// ---- anomaly detection (like torch.autograd.detect_anomaly) ------------------------------------
/// Off by default. On, every recorded op checks its output for NaN/Inf, and backward checks every
/// gradient a rule returns: the first op that *produced* a non-finite value is named, with its
/// shapes, in an AnomalyError. Off, the cost is one relaxed load and branch per recorded op.
inline std::atomic<bool>& anomaly_flag() {
    static std::atomic<bool> enabled{false};
    return enabled;
}
/// (-DTINYTORCH_NO_ANOMALY_MODE compiles the checks out: only for measuring what "off" costs.)
inline bool is_anomaly_enabled() {
#if defined(TINYTORCH_NO_ANOMALY_MODE)
    return false;
#else
    return anomaly_flag().load(std::memory_order_relaxed);
#endif
}
inline void set_detect_anomaly(bool enabled) { anomaly_flag().store(enabled, std::memory_order_relaxed); }

/// Anomaly detection on for a scope, then back to what it was.
///   { autograd::DetectAnomalyGuard guard; loss = model(x) ...; loss.backward(); }
class DetectAnomalyGuard {
public:
    DetectAnomalyGuard() : previous_(is_anomaly_enabled()) { set_detect_anomaly(true); }
    ~DetectAnomalyGuard() { set_detect_anomaly(previous_); }
    DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
    DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;

private:
    bool previous_;
};

namespace detail {
/// "nan" or "inf" for the first non-finite element of `t` (any layout), "" when all are finite.
inline std::string first_nonfinite(const Tensor& t) {
    if (!t.defined()) return "";
    for (float v : t.to_vector())
        if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
    return "";
}
/// "[2, 3] and [3]": the shapes of `tensors`.
inline std::string shapes_of(const std::vector<Tensor>& tensors) {
    std::string s;
    for (size_t i = 0; i < tensors.size(); ++i)
        s += (i ? (i + 1 == tensors.size() ? " and " : ", ") : "") +
             (tensors[i].defined() ? shape_str(tensors[i].shape()) : std::string("(none)"));
    return s;
}
/// Anomaly mode: throw if the forward of op `name` produced a NaN/Inf in `out`.
inline void check_forward_anomaly(const Tensor& out, const std::string& name, const std::vector<Tensor>& inputs) {
    const std::string bad = first_nonfinite(out);
    if (bad.empty()) return;
    for (size_t i = 0; i < inputs.size(); ++i) {
        const std::string in = first_nonfinite(inputs[i]);
        if (!in.empty())
            throw AnomalyError(fmt("anomaly detected: the forward of '", name, "' (inputs ", shapes_of(inputs),
                                   ", output ", shape_str(out.shape()), ") received a ", in, " in input ", i,
                                   " that no recorded op produced; hint: check the data and the parameters for "
                                   "NaN/Inf before the forward (a weight loaded from a file, an input batch)"));
    }
    throw AnomalyError(fmt("anomaly detected: the forward of '", name, "' produced ", bad, " (inputs ",
                           shapes_of(inputs), ", output ", shape_str(out.shape()), ") from finite inputs; hint: ",
                           "look for log/sqrt/division of values <= 0, exp of large values, or a learning rate "
                           "that drove the weights too far"));
}
}  // namespace detail

/// Attach a Node to `out` (the op's result) and mark it as requiring grad.
inline void record(Tensor& out, std::string name, std::vector<Tensor> inputs, std::vector<Tensor> saved = {},
                   std::vector<int64_t> ints = {}, std::vector<double> scalars = {}) {
    auto node = std::make_shared<Node>();
    node->name = std::move(name);
    node->inputs = std::move(inputs);
    node->saved.reserve(saved.size());
    for (const Tensor& s : saved) node->saved.push_back(s.defined() ? s.detach() : s);
    node->ints = std::move(ints);
    node->scalars = std::move(scalars);
    node->output_shape = out.shape();
    if (is_anomaly_enabled()) [[unlikely]]
        detail::check_forward_anomaly(out, node->name, node->inputs);
    out.impl()->grad_fn = std::move(node);
    out.impl()->requires_grad = true;
}

// ---- the registry module 06 fills: rule per op name, and the engine -------------------------
inline std::unordered_map<std::string, BackwardRule>& rule_registry() {
    static std::unordered_map<std::string, BackwardRule> rules;
    return rules;
}
inline bool register_rule(const std::string& name, BackwardRule rule) {
    rule_registry()[name] = rule;
    return true;
}
namespace detail {
/// Anomaly mode's stand-in for every rule: runs the op's own rule, then throws if it turned a
/// finite gradient into NaN/Inf, naming the op and its shapes.
inline std::vector<Tensor> checked_rule(const Node& node, const Tensor& grad_output) {
    std::vector<Tensor> grads = rule_registry().at(node.name)(node, grad_output);
    const std::string incoming = first_nonfinite(grad_output);
    for (size_t i = 0; i < grads.size(); ++i) {
        const std::string bad = first_nonfinite(grads[i]);
        if (bad.empty() || !incoming.empty()) continue;
        throw AnomalyError(fmt("anomaly detected: the backward of '", node.name, "' (inputs ", shapes_of(node.inputs),
                               ", output ", shape_str(node.output_shape), ") returned ", bad, " in the gradient of "
                               "input ", i, " from a finite gradient; hint: the forward was finite but its derivative "
                               "is not here (sqrt or log at 0, pow with a negative base, division by a tiny value)"));
    }
    return grads;
}
}  // namespace detail

/// The rule for `name`, or an Error that says where rules come from. With anomaly detection on,
/// the rule is wrapped by detail::checked_rule.
inline BackwardRule find_rule(const std::string& name) {
    auto it = rule_registry().find(name);
    if (it == rule_registry().end())
        throw Error(fmt("backward: no backward rule is registered for op '", name,
                        "'; hint: include \"tinytorch/autograd/autograd.hpp\" (module 06), which registers the "
                        "rules of every op in modules 01-05"));
    if (is_anomaly_enabled()) [[unlikely]]
        return &detail::checked_rule;
    return it->second;
}

using BackwardEngine = void (*)(const Tensor& root, const Tensor& gradient, bool retain_graph);
inline BackwardEngine& engine_hook() {
    static BackwardEngine engine = nullptr;
    return engine;
}

}  // namespace tinytorch::autograd

namespace tinytorch {

// ---- Tensor's autograd slots ------------------------------------------------------------------
inline bool Tensor::requires_grad() const { check_defined("requires_grad"); return impl_->requires_grad; }
inline Tensor& Tensor::requires_grad_(bool on) {
    check_defined("requires_grad_");
    if (impl_->grad_fn)
        throw ValueError("requires_grad_: only leaf tensors (ones you created, not results of operations) can "
                         "change requires_grad; hint: use .detach().requires_grad_() for a new leaf");
    if (on && impl_->dtype != ScalarType::Float)
        throw ValueError(fmt("requires_grad_: only Float tensors can require gradients, got dtype ",
                             dtype_name(impl_->dtype), "; hint: convert with .to(kFloat) first"));
    impl_->requires_grad = on;
    return *this;
}
inline const Tensor& Tensor::grad() const { check_defined("grad"); return impl_->grad; }
inline Tensor& Tensor::mutable_grad() { check_defined("mutable_grad"); return impl_->grad; }
inline void Tensor::set_grad(const Tensor& g) {
    check_defined("set_grad");
    if (g.defined() && g.shape() != shape())
        throw ShapeError(fmt("set_grad: gradient shape ", shape_str(g.shape()), " differs from tensor shape ",
                             shape_str(shape()), "; hint: a gradient has the shape of its tensor"));
    impl_->grad = g;
}
inline void Tensor::zero_grad() { check_defined("zero_grad"); impl_->grad = Tensor(); }
inline const std::shared_ptr<autograd::Node>& Tensor::grad_fn() const { check_defined("grad_fn"); return impl_->grad_fn; }
inline bool Tensor::is_leaf() const { return grad_fn() == nullptr; }
inline void Tensor::retain_grad() {
    check_defined("retain_grad");
    if (!impl_->requires_grad)
        throw ValueError("retain_grad: the tensor does not require grad; hint: call requires_grad_() on the "
                         "leaves it is computed from");
    impl_->retains_grad = true;
}
inline bool Tensor::retains_grad() const { check_defined("retains_grad"); return impl_->retains_grad; }

inline void Tensor::backward(const Tensor& gradient, bool retain_graph) const {
    check_defined("backward");
    if (!requires_grad())
        throw ValueError("backward: this tensor does not require grad, so there is no graph to walk; hint: "
                         "call requires_grad_() on the parameters/inputs before computing it");
    auto engine = autograd::engine_hook();
    if (!engine)
        throw Error("backward: no autograd engine is installed; hint: include \"tinytorch/autograd/autograd.hpp\" "
                    "(module 06)");
    engine(*this, gradient, retain_graph);
}

}  // namespace tinytorch
