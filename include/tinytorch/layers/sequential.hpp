// include/tinytorch/layers/sequential.hpp
// Module 03 · Layers — lesson: modules/03_layers/README.md §5
//
//   nn::Sequential net(nn::Linear(784, 128), nn::ReLU(), nn::Dropout(0.2), nn::Linear(128, 10));
//   Tensor logits = net(x);          // x -> Linear -> ReLU -> Dropout -> Linear
//
// Children are named "0", "1", ... so parameters read "0.weight", "3.bias". Anything with
// `Tensor forward(const Tensor&)` or callable as Tensor(const Tensor&) may go in: modules
// are stored as they are, other functors (module 02's nn::ReLU, ...) and lambdas are
// wrapped in an nn::Functional module.
#pragma once
#include <any>
#include <concepts>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tinytorch/layers/module.hpp"

namespace tinytorch::nn {

/// A module around any Tensor -> Tensor function; it has no parameters.
class Functional : public Module {
public:
    using Function = std::function<Tensor(const Tensor&)>;
    /// `name` is what prints: "Functional", "ReLU", or "Softmax(dim=1)" (the part in
    /// parentheses becomes extra_repr()).
    explicit Functional(Function fn, std::string name = "Functional");
    Tensor forward(const Tensor& x) override { return fn_(x); }
    std::string name() const override { return label_; }
    std::string extra_repr() const override { return extra_; }

    /// The functor this module wraps when it was added to a Sequential as one (nn::ReLU,
    /// nn::GELU, ...), as its own type; nullptr for another type or a plain callable. Lets code
    /// that rewrites a model (module 17's freeze) recognise layers by type, not by name.
    template <typename T>
    const T* target() const {
        return std::any_cast<T>(&functor_);
    }
    /// Keep a copy of the functor behind this module (Sequential::push_back does it).
    void set_target(std::any functor) { functor_ = std::move(functor); }

private:
    Function fn_;
    std::string label_, extra_;
    std::any functor_;
};

inline Functional::Functional(Function fn, std::string name) : fn_(std::move(fn)) {
    if (!fn_)
        throw ValueError("Functional: the function is empty; hint: pass a callable Tensor(const Tensor&), e.g. "
                         "[](const Tensor& x) { return x * 2.0f; }");
    size_t open = name.find('(');
    if (open != std::string::npos && !name.empty() && name.back() == ')') {
        label_ = name.substr(0, open);
        extra_ = name.substr(open + 1, name.size() - open - 2);
    } else {
        label_ = std::move(name);
    }
}

namespace detail {
template <typename T>
concept ModulePointer = requires(const T& p) {
    typename T::element_type;
    requires std::is_same_v<T, std::shared_ptr<typename T::element_type>>;
    requires std::is_base_of_v<Module, typename T::element_type>;
};
template <typename T>
concept HasForward = requires(T& f, const Tensor& x) {
    { f.forward(x) } -> std::convertible_to<Tensor>;
};
template <typename T>
concept TensorFunction = requires(T& f, const Tensor& x) {
    { f(x) } -> std::convertible_to<Tensor>;
};
template <typename T>
concept HasName = requires(const T& f) {
    { f.name() } -> std::convertible_to<std::string>;
};
template <typename>
inline constexpr bool always_false = false;
}  // namespace detail

/// Runs its children one after another: y = m_{n-1}(... m_1(m_0(x))). Empty: y = x.
class Sequential : public Module {
public:
    Sequential() = default;
    /// Sequential(nn::Linear(2, 3), nn::ReLU(), std::make_shared<nn::Linear>(3, 1), lambda, ...)
    /// Reproducibility: C++ evaluates a call's arguments in an order the compiler picks (g++ right
    /// to left, clang++ left to right; libtorch has the same trap), so with parentheses the layers
    /// draw their random weights in a different order on each compiler. Braces fix it — a braced
    /// list is evaluated left to right, as PyTorch does: Sequential{nn::Linear(2, 3), nn::ReLU(), ...}
    template <typename... Items>
        requires(sizeof...(Items) > 0)
    explicit Sequential(Items&&... items) {
        (push_back(std::forward<Items>(items)), ...);
    }

    /// Append a module (by value or std::shared_ptr), a functor with forward(), or a callable.
    template <typename Item>
    void push_back(Item&& item);

    Tensor forward(const Tensor& x) override;

    size_t size() const { return modules_.size(); }
    bool empty() const { return modules_.empty(); }
    /// The i-th module; negative i counts from the end.
    std::shared_ptr<Module> operator[](int64_t index) const { return modules_[normalize(index)]; }
    /// The i-th module as its concrete type: net.at<nn::Linear>(0).weight
    template <typename M>
    M& at(int64_t index) const;
    const std::vector<std::shared_ptr<Module>>& modules() const { return modules_; }
    auto begin() const { return modules_.begin(); }
    auto end() const { return modules_.end(); }

protected:
    /// replace_module("2", m) makes forward() run m as the third step.
    void on_module_replaced(const std::string& name, const std::shared_ptr<Module>& module) override {
        for (size_t i = 0; i < modules_.size(); ++i)
            if (std::to_string(i) == name) modules_[i] = module;
    }

private:
    std::vector<std::shared_ptr<Module>> modules_;

    size_t normalize(int64_t index) const {
        const int64_t n = static_cast<int64_t>(modules_.size());
        if (index < -n || index >= n)
            throw IndexError(fmt("Sequential: index ", index, " is out of range for ", n, " modules; hint: valid ",
                                 "indices are ", -n, "..", n - 1));
        return static_cast<size_t>(index < 0 ? index + n : index);
    }
};

template <typename Item>
void Sequential::push_back(Item&& item) {
    using T = std::remove_cvref_t<Item>;
    std::shared_ptr<Module> module;
    if constexpr (detail::ModulePointer<T>) {
        if (!item)
            throw ValueError(fmt("Sequential::push_back: module ", modules_.size(), " is a null pointer; hint: ",
                                 "create it with std::make_shared<nn::Linear>(...)"));
        module = item;
    } else if constexpr (std::is_base_of_v<Module, T>) {
        static_assert(!std::is_lvalue_reference_v<Item>,
                      "Sequential::push_back: modules cannot be copied; pass a temporary (nn::Linear(2, 3)), "
                      "std::move(module), or a std::shared_ptr to share it");
        module = std::make_shared<T>(std::move(item));
    } else if constexpr (detail::HasForward<T>) {
        std::string label = "Functional";
        if constexpr (detail::HasName<T>) label = item.name();
        std::any target;
        if constexpr (std::is_copy_constructible_v<T>) target = T(item);
        auto functional = std::make_shared<Functional>(
            [f = T(std::forward<Item>(item))](const Tensor& x) mutable -> Tensor { return f.forward(x); }, label);
        functional->set_target(std::move(target));
        module = std::move(functional);
    } else if constexpr (detail::TensorFunction<T>) {
        module = std::make_shared<Functional>(Functional::Function(std::forward<Item>(item)));
    } else {
        static_assert(detail::always_false<T>,
                      "Sequential: each item must be an nn::Module, a std::shared_ptr to one, a functor with "
                      "Tensor forward(const Tensor&), or a callable Tensor(const Tensor&)");
    }
    register_module(std::to_string(modules_.size()), module);
    modules_.push_back(std::move(module));
}

inline Tensor Sequential::forward(const Tensor& x) {
    // BEGIN SOLUTION: Sequential::forward (§5)
    Tensor out = x;
    for (const auto& module : modules_) out = (*module)(out);  // operator(): a profiler sees each layer
    return out;
    // END SOLUTION
}

template <typename M>
M& Sequential::at(int64_t index) const {
    const std::shared_ptr<Module>& module = modules_[normalize(index)];
    M* typed = dynamic_cast<M*>(module.get());
    if (!typed)
        throw ValueError(fmt("Sequential::at: module ", index, " is a ", module->name(), ", not a ",
                             detail::short_type_name(typeid(M)), "; hint: print the Sequential to see its modules"));
    return *typed;
}

}  // namespace tinytorch::nn
