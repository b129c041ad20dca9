// include/tinytorch/layers/module.hpp
// Module 03 · Layers — lesson: modules/03_layers/README.md §1, §2, §7
//
// nn::Module is the base of every layer and every model: it owns named parameters
// (tensors an optimizer trains), buffers (tensors saved with the model but not trained,
// e.g. BatchNorm's running statistics) and child modules, and walks that tree to list
// them with dotted names ("fc1.weight", "0.bias", ...).
//
// Like libtorch's C++ frontend but without the Impl/ModuleHolder pair: a module is a
// plain class, children are held by std::shared_ptr, and you write
//
//     struct Net : nn::Module {
//         std::shared_ptr<nn::Linear> fc1, fc2;
//         Net() {
//             fc1 = register_module("fc1", std::make_shared<nn::Linear>(784, 128));
//             fc2 = register_module("fc2", std::make_shared<nn::Linear>(128, 10));
//         }
//         Tensor forward(const Tensor& x) override { return fc2->forward(relu(fc1->forward(x))); }
//     };
//
// Modules are movable but not copyable (a copy would silently share parameters).
#pragma once
#include <cstdlib>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <unordered_set>
#include <utility>
#include <vector>

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#define TINYTORCH_HAS_CXXABI 1
#endif

#include "tinytorch/layers/state_dict.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::nn {

/// An ordered list of (dotted name, tensor) pairs, e.g. {"fc1.weight", W}, {"fc1.bias", b}.
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

/// What load_state_dict(dict, strict = false) could not match (strict loading throws instead).
struct LoadResult {
    std::vector<std::string> missing_keys;     ///< the model has them, the dictionary does not
    std::vector<std::string> unexpected_keys;  ///< the dictionary has them, the model does not
};

namespace detail {
/// "tinytorch::nn::Linear" -> "Linear": the class name a module prints by default.
inline std::string short_type_name(const std::type_info& type) {
    std::string full = type.name();
#ifdef TINYTORCH_HAS_CXXABI
    int status = 0;
    char* demangled = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
    if (status == 0 && demangled) full = demangled;
    std::free(demangled);
#endif
    size_t end = full.find('<');
    size_t cut = full.rfind("::", end == std::string::npos ? std::string::npos : end);
    return cut == std::string::npos ? full : full.substr(cut + 2);
}
}  // namespace detail

/// Base class of layers and models: parameters, buffers, child modules, train/eval, state dicts.
class Module {
public:
    Module() = default;
    /// `name` is what name() and to_string() print; empty means "the class name".
    explicit Module(std::string name) : name_(std::move(name)) {}
    virtual ~Module() = default;
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;
    Module(Module&&) = default;
    Module& operator=(Module&&) = default;

    // ---- the computation ------------------------------------------------------------------
    /// y = module(x). Layers override this; containers chain their children.
    virtual Tensor forward(const Tensor& x);
    /// forward(x) — and, while a profiler runs (module 14), a scope that attributes every op
    /// inside to this module. Call children as (*child)(x), not child->forward(x), to be seen.
    Tensor operator()(const Tensor& x) {
        RecordScope scope(RecordScope::ModuleTag{}, this, x);  // one relaxed load when nobody profiles
        Tensor y = forward(x);
        scope.set_output(y);
        return y;
    }

    // ---- registration (§1) ----------------------------------------------------------------
    /// Make `tensor` a trainable parameter called `name`; returns the registered handle
    /// (the tensor itself if it is a leaf, else a detached leaf sharing its storage).
    Tensor register_parameter(const std::string& name, Tensor tensor, bool requires_grad = true);
    /// Make `tensor` a buffer: saved in state_dict(), never trained (requires_grad off).
    Tensor register_buffer(const std::string& name, Tensor tensor);
    /// Attach a child module; its parameters are listed as "<name>.<param>". Returns `module`.
    template <typename M>
    std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module);
    /// Put `module` in place of the registered child `name` (libtorch's replace_module) and return
    /// it: parameters(), state_dict() and printing see the new child at once. A class that keeps
    /// its own pointer to the child assigns it too — fc1 = replace_module("fc1", new_fc1) — or
    /// overrides on_module_replaced; Sequential updates the list its forward() runs.
    /// ValueError when no child has that name.
    template <typename M>
    std::shared_ptr<M> replace_module(const std::string& name, std::shared_ptr<M> module);

    // ---- traversal (§1) -------------------------------------------------------------------
    /// Parameters of this module (and, if recurse, of every descendant), in registration
    /// order, each listed once. Handles: updating them in place updates the model.
    std::vector<Tensor> parameters(bool recurse = true) const;
    NamedTensors named_parameters(bool recurse = true) const;
    std::vector<Tensor> buffers(bool recurse = true) const;
    NamedTensors named_buffers(bool recurse = true) const;
    /// Direct children, in registration order.
    std::vector<std::shared_ptr<Module>> children() const;
    std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_children() const { return children_; }
    /// This module (name "") and every descendant ("fc1", "blocks.0.attn", ...), depth first.
    std::vector<std::pair<std::string, Module*>> named_modules();
    /// Call fn on every descendant, then on this module (as PyTorch's Module.apply).
    void apply(const std::function<void(Module&)>& fn);

    // ---- modes and gradients (§2) ---------------------------------------------------------
    /// Training mode on (or off), for this module and all descendants. Dropout and
    /// BatchNorm behave differently in the two modes.
    virtual void train(bool on = true);
    void eval() { train(false); }
    bool is_training() const { return training_; }
    /// Drop every parameter's gradient (set it undefined), as PyTorch's zero_grad(set_to_none=True).
    void zero_grad();

    // ---- saving and loading (§7) ----------------------------------------------------------
    /// Every parameter and buffer under its dotted name (this module's parameters, then its
    /// buffers, then each child's, depth first). The tensors share storage with the model.
    StateDict state_dict() const;
    /// Copy the dictionary's values into the model's tensors, in place (so optimizers that
    /// hold the parameters see the new values). strict: every key must match, else one
    /// ValueError lists the missing and unexpected keys; a shape mismatch is always an error
    /// (ShapeError when it is the only problem). Nothing is copied unless everything fits.
    LoadResult load_state_dict(const StateDict& dict, bool strict = true);

    // ---- printing -------------------------------------------------------------------------
    /// The class name ("Linear"), or the name given to the constructor.
    virtual std::string name() const;
    /// What goes between the parentheses when printed: "in_features=3, out_features=2, bias=true".
    virtual std::string extra_repr() const { return ""; }
    /// The module tree, like PyTorch's repr:
    ///   Sequential(
    ///     (0): Linear(in_features=2, out_features=3, bias=true)
    ///     (1): ReLU()
    ///   )
    std::string to_string() const;

protected:
    /// Called by replace_module after the child `name` was replaced: a container that keeps its
    /// own list of children (Sequential) updates it here.
    virtual void on_module_replaced(const std::string& name, const std::shared_ptr<Module>& module) {
        (void)name;
        (void)module;
    }

private:
    std::string name_;
    bool training_ = true;
    NamedTensors params_, buffers_;
    std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;

    void check_new_name(const std::string& name, const char* op) const;
    /// Gather the tensors stored in `slot` (params_ or buffers_) of this module and, if
    /// recurse, of its descendants, under dotted names; a tensor reached twice is listed once.
    NamedTensors collect(NamedTensors Module::*slot, bool recurse) const;
    void collect_into(NamedTensors Module::*slot, bool recurse, const std::string& prefix, NamedTensors& out,
                      std::unordered_set<const TensorImpl*>& seen) const;
    void named_modules_into(const std::string& prefix, std::vector<std::pair<std::string, Module*>>& out);
    void state_dict_into(const std::string& prefix, StateDict& out) const;
};

inline std::ostream& operator<<(std::ostream& out, const Module& m) { return out << m.to_string(); }

// ================================================================================================
// definitions
// ================================================================================================

inline Tensor Module::forward(const Tensor&) {
    throw Error(fmt(name(), "::forward: this module does not define forward(const Tensor&); hint: override ",
                    "'Tensor forward(const Tensor& x) override' in your class, or call the forward it does define"));
}

inline void Module::check_new_name(const std::string& name, const char* op) const {
    if (name.empty())
        throw ValueError(fmt(op, ": the name is empty; hint: give every parameter, buffer and child a name such as ",
                             "\"weight\" or \"fc1\""));
    if (name.find('.') != std::string::npos)
        throw ValueError(fmt(op, ": the name '", name, "' contains a dot; hint: dots separate the levels of ",
                             "named_parameters() (\"fc1.weight\"), so use '_' inside a name"));
    auto taken = [&](const auto& list) {
        for (const auto& item : list)
            if (item.first == name) return true;
        return false;
    };
    if (taken(params_) || taken(buffers_) || taken(children_))
        throw ValueError(fmt(op, ": ", this->name(), " already has a parameter, buffer or child named '", name,
                             "'; hint: every name in a module must be unique"));
}

inline Tensor Module::register_parameter(const std::string& name, Tensor tensor, bool requires_grad) {
    check_new_name(name, "register_parameter");
    if (!tensor.defined())
        throw ValueError(fmt("register_parameter: the tensor for '", name, "' is undefined; hint: create it first, ",
                             "e.g. register_parameter(\"", name, "\", zeros({3}))"));
    // BEGIN SOLUTION: Module::register_parameter (§1)
    Tensor param = tensor.is_leaf() ? tensor : tensor.detach();  // a parameter is always a leaf
    param.requires_grad_(requires_grad);
    params_.emplace_back(name, param);
    return param;
    // END SOLUTION
}

inline Tensor Module::register_buffer(const std::string& name, Tensor tensor) {
    check_new_name(name, "register_buffer");
    if (!tensor.defined())
        throw ValueError(fmt("register_buffer: the tensor for '", name, "' is undefined; hint: create it first, ",
                             "e.g. register_buffer(\"", name, "\", zeros({3}))"));
    Tensor buffer = tensor.is_leaf() ? tensor : tensor.detach();
    buffer.requires_grad_(false);
    buffers_.emplace_back(name, buffer);
    return buffer;
}

template <typename M>
std::shared_ptr<M> Module::register_module(const std::string& name, std::shared_ptr<M> module) {
    static_assert(std::is_base_of_v<Module, M>, "register_module: the child must derive from nn::Module");
    check_new_name(name, "register_module");
    if (!module)
        throw ValueError(fmt("register_module: the module for '", name, "' is a null pointer; hint: create it with ",
                             "std::make_shared<nn::Linear>(...)"));
    if (static_cast<const Module*>(module.get()) == this)
        throw ValueError(fmt("register_module: '", name, "' would make ", this->name(),
                             " its own child; hint: a module tree has no cycles"));
    children_.emplace_back(name, module);
    return module;
}

template <typename M>
std::shared_ptr<M> Module::replace_module(const std::string& name, std::shared_ptr<M> module) {
    static_assert(std::is_base_of_v<Module, M>, "replace_module: the child must derive from nn::Module");
    if (!module)
        throw ValueError(fmt("replace_module: the module for '", name, "' is a null pointer; hint: create it with ",
                             "std::make_shared<...>(...)"));
    for (auto& [child_name, child] : children_)
        if (child_name == name) {
            child = module;
            on_module_replaced(name, child);
            return module;
        }
    std::string known;
    for (const auto& item : children_) known += (known.empty() ? "" : ", ") + item.first;
    throw ValueError(fmt("replace_module: ", this->name(), " has no child named '", name, "' (children: [", known,
                         "]); hint: replace_module swaps a registered child; use register_module for a new one"));
}

inline void Module::collect_into(NamedTensors Module::*slot, bool recurse, const std::string& prefix,
                                 NamedTensors& out, std::unordered_set<const TensorImpl*>& seen) const {
    // BEGIN SOLUTION: Module::collect (§1)
    for (const auto& [name, t] : this->*slot)
        if (seen.insert(t.impl()).second) out.emplace_back(prefix + name, t);  // shared tensors once
    if (!recurse) return;
    for (const auto& [name, child] : children_) child->collect_into(slot, true, prefix + name + ".", out, seen);
    // END SOLUTION
}

inline NamedTensors Module::collect(NamedTensors Module::*slot, bool recurse) const {
    NamedTensors out;
    std::unordered_set<const TensorImpl*> seen;
    collect_into(slot, recurse, "", out, seen);
    return out;
}

inline NamedTensors Module::named_parameters(bool recurse) const { return collect(&Module::params_, recurse); }
inline NamedTensors Module::named_buffers(bool recurse) const { return collect(&Module::buffers_, recurse); }

inline std::vector<Tensor> Module::parameters(bool recurse) const {
    std::vector<Tensor> out;
    for (auto& item : named_parameters(recurse)) out.push_back(std::move(item.second));
    return out;
}
inline std::vector<Tensor> Module::buffers(bool recurse) const {
    std::vector<Tensor> out;
    for (auto& item : named_buffers(recurse)) out.push_back(std::move(item.second));
    return out;
}

inline std::vector<std::shared_ptr<Module>> Module::children() const {
    std::vector<std::shared_ptr<Module>> out;
    out.reserve(children_.size());
    for (const auto& item : children_) out.push_back(item.second);
    return out;
}

inline void Module::named_modules_into(const std::string& prefix, std::vector<std::pair<std::string, Module*>>& out) {
    for (const auto& entry : out)
        if (entry.second == this) return;  // a module shared by two parents is listed once
    out.emplace_back(prefix, this);
    for (const auto& [name, child] : children_)
        child->named_modules_into(prefix.empty() ? name : prefix + "." + name, out);
}

inline std::vector<std::pair<std::string, Module*>> Module::named_modules() {
    std::vector<std::pair<std::string, Module*>> out;
    named_modules_into("", out);
    return out;
}

inline void Module::apply(const std::function<void(Module&)>& fn) {
    for (const auto& item : children_) item.second->apply(fn);
    fn(*this);
}

inline void Module::train(bool on) {
    // BEGIN SOLUTION: Module::train (§2)
    training_ = on;
    for (const auto& item : children_) item.second->train(on);
    // END SOLUTION
}

inline void Module::zero_grad() {
    // BEGIN SOLUTION: Module::zero_grad (§2)
    for (Tensor& p : parameters()) p.zero_grad();  // handles: this clears the model's own grads
    // END SOLUTION
}

inline void Module::state_dict_into(const std::string& prefix, StateDict& out) const {
    // BEGIN SOLUTION: Module::state_dict (§7)
    for (const auto& [name, t] : params_) out.insert(prefix + name, t.detach());  // detach: same storage, no graph
    for (const auto& [name, t] : buffers_) out.insert(prefix + name, t.detach());
    for (const auto& [name, child] : children_) child->state_dict_into(prefix + name + ".", out);
    // END SOLUTION
}

inline StateDict Module::state_dict() const {
    StateDict out;
    state_dict_into("", out);
    return out;
}

inline LoadResult Module::load_state_dict(const StateDict& dict, bool strict) {
    StateDict own = state_dict();
    LoadResult result;
    std::vector<std::string> mismatched;
    // BEGIN SOLUTION: Module::load_state_dict (§7)
    // 1. check everything first, so that a failed load leaves the model untouched
    for (const auto& [key, target] : own) {
        const Tensor* source = dict.find(key);
        if (!source) result.missing_keys.push_back(key);
        else if (!source->defined()) mismatched.push_back(fmt(key, ": the tensor is undefined"));
        else if (source->shape() != target.shape())
            mismatched.push_back(fmt(key, ": model ", shape_str(target.shape()), " vs dictionary ",
                                     shape_str(source->shape())));
    }
    for (const auto& [key, source] : dict)
        if (!own.contains(key)) result.unexpected_keys.push_back(key);
    // END SOLUTION
    const bool key_problem = strict && (!result.missing_keys.empty() || !result.unexpected_keys.empty());
    if (key_problem || !mismatched.empty()) {
        auto list = [](const std::vector<std::string>& items) {
            std::string s = "[";
            for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
            return s + "]";
        };
        std::string message = fmt("load_state_dict: the dictionary does not fit ", name(), ": ");
        if (strict) message += fmt("missing keys ", list(result.missing_keys), ", unexpected keys ",
                                   list(result.unexpected_keys), ", ");
        message += fmt("shape mismatches ", list(mismatched),
                       "; hint: load a dictionary saved from the same architecture (compare keys() with ",
                       "named_parameters()), or pass strict=false to load only the keys both share");
        if (key_problem) throw ValueError(message);
        throw ShapeError(message);
    }
    // 2. copy the values into the model's own storage
    for (const auto& [key, target] : own)
        if (const Tensor* source = dict.find(key)) {
            Tensor t = target;
            t.copy_(*source);
        }
    return result;
}

inline std::string Module::name() const {
    return name_.empty() ? detail::short_type_name(typeid(*this)) : name_;
}

inline std::string Module::to_string() const {
    std::string head = name() + "(";
    std::string extra = extra_repr();
    if (children_.empty()) return head + extra + ")";
    std::string out = head + "\n";
    auto indent = [](const std::string& text) {  // indent every line after the first
        std::string r;
        for (char c : text) {
            r += c;
            if (c == '\n') r += "  ";
        }
        return r;
    };
    if (!extra.empty()) out += "  " + indent(extra) + "\n";
    for (const auto& [name, child] : children_) out += "  (" + name + "): " + indent(child->to_string()) + "\n";
    return out + ")";
}

}  // namespace tinytorch::nn
