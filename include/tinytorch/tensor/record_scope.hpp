// include/tinytorch/tensor/record_scope.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §10 (the hooks autograd and the profiler use)
//
// The profiler's hook. Every op opens a RecordScope on entry and closes it on exit:
//
//     inline Tensor Tensor::add(const Tensor& other) const {
//         TINYTORCH_RECORD_OP("add", *this, other);
//         ...
//
// Module 14 (profiling) installs a ScopeObserver while a profiler is active; the scope then
// tells it "op `add` with these inputs starts" and, when it goes out of scope, "it ended", and
// the observer reads the clock, the shapes and the allocator's counters. With no profiler
// active the scope costs one relaxed atomic load of a pointer and a branch that is never taken
// — nothing you can measure next to the op itself (modules/14_profiling/README.md shows the
// measurement). Build with -DTINYTORCH_PROFILER_HOOKS=0 to compile the hooks out altogether.
//
// Besides ops, scopes mark: nn::Module calls (module 03), backward-rule calls and the backward
// pass itself (graph.hpp, run by module 06's engine), and scopes a user names (module 14).
#pragma once
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#ifndef TINYTORCH_PROFILER_HOOKS
#define TINYTORCH_PROFILER_HOOKS 1
#endif

namespace tinytorch {

class Tensor;

/// What a scope stands for.
enum class ScopeKind : uint8_t {
    op,        ///< a tensor operation ("add", "matmul", "conv2d", ...)
    backward,  ///< one backward rule run by the autograd engine ("matmul" -> "matmul_backward")
    module,    ///< a call of an nn::Module (its operator())
    user,      ///< a range the user names (profiler::RecordFunction), and the backward pass itself
};

/// Everything an observer learns when a scope opens.
struct ScopeInfo {
    ScopeKind kind = ScopeKind::op;
    std::string_view name;                  ///< op or rule name; empty for modules
    std::vector<const Tensor*> inputs;      ///< operands (a backward rule: the output gradient first)
    const void* module = nullptr;           ///< kind == module: the nn::Module being called
    uint32_t tag = 0;                       ///< kind == backward: the tag its forward Node carries
    std::vector<int64_t> attributes;        ///< kind == backward: the Node's ints (kernel sizes, ...)
};

/// Implemented by the profiler (module 14). Called only on the thread that runs the op.
class ScopeObserver {
public:
    virtual ~ScopeObserver() = default;
    /// A scope opens. Returns a handle for the calls below; 0 means "not recording this one".
    virtual uint64_t enter(const ScopeInfo& scope) = 0;
    /// The op's result is known (optional: ops whose cost formula needs the output shape, and
    /// integer attributes such as a pooling window that the shapes alone do not tell).
    virtual void output(uint64_t handle, const Tensor& out, const std::vector<int64_t>& attributes) = 0;
    /// The scope closes (normally or by an exception).
    virtual void exit(uint64_t handle) = 0;
    /// A tag for a Node recorded now, so that its backward rule can later be attributed to the
    /// module that ran the forward op (0: none).
    virtual uint32_t current_tag() = 0;
};

namespace detail {
/// The observer in charge, or nullptr (almost always). Constant-initialised: no guard, no lock.
inline std::atomic<ScopeObserver*> g_scope_observer{nullptr};
}  // namespace detail

/// The active observer, or nullptr: one relaxed load, the whole cost of a hook while nobody profiles.
inline ScopeObserver* scope_observer() noexcept {
#if TINYTORCH_PROFILER_HOOKS
    return detail::g_scope_observer.load(std::memory_order_relaxed);
#else
    return nullptr;
#endif
}
/// Install (or, with nullptr, remove) the observer. Module 14's profiler does this.
inline void set_scope_observer(ScopeObserver* observer) noexcept {
    detail::g_scope_observer.store(observer, std::memory_order_release);
}

/// RAII: opens a scope in the constructor (if someone observes), closes it in the destructor.
class RecordScope {
public:
    struct ModuleTag {};
    struct BackwardTag {};
    struct UserTag {};

    /// An op: name + its tensor operands (Tensors or std::vector<Tensor>s; undefined ones allowed).
    template <typename... Inputs>
    explicit RecordScope(std::string_view name, const Inputs&... inputs) {
        if (ScopeObserver* o = scope_observer()) [[unlikely]] {
            ScopeInfo info;
            info.name = name;
            (add_input(info.inputs, inputs), ...);
            open(o, info);
        }
    }
    /// A module call: `module` is the nn::Module, `input` what it was called with.
    RecordScope(ModuleTag, const void* module, const Tensor& input) {
        if (ScopeObserver* o = scope_observer()) [[unlikely]] {
            ScopeInfo info;
            info.kind = ScopeKind::module;
            info.module = module;
            info.inputs.push_back(&input);
            open(o, info);
        }
    }
    /// A backward rule of the op `name` (its Node's tag and ints), given the output gradient and
    /// the op's inputs.
    template <typename TensorList>  // std::vector<Tensor> (a template: Tensor is incomplete here)
    RecordScope(BackwardTag, std::string_view name, uint32_t tag, const std::vector<int64_t>& ints,
                const Tensor& grad_output, const TensorList& inputs) {
        if (ScopeObserver* o = scope_observer()) [[unlikely]] {
            ScopeInfo info;
            info.kind = ScopeKind::backward;
            info.name = name;
            info.tag = tag;
            info.attributes = ints;
            info.inputs.push_back(&grad_output);
            add_input(info.inputs, inputs);
            open(o, info);
        }
    }
    /// A named range (no tensors).
    RecordScope(UserTag, std::string_view name) {
        if (ScopeObserver* o = scope_observer()) [[unlikely]] {
            ScopeInfo info;
            info.kind = ScopeKind::user;
            info.name = name;
            open(o, info);
        }
    }
    ~RecordScope() {
        if (observer_) [[unlikely]] observer_->exit(handle_);
    }
    RecordScope(const RecordScope&) = delete;
    RecordScope& operator=(const RecordScope&) = delete;

    /// True while an observer records this scope.
    bool active() const noexcept { return observer_ != nullptr; }
    /// Report the op's result and attributes the shapes do not tell (a pooling window, a mode),
    /// for the profiler's cost formulas. Free when nobody records.
    void set_output(const Tensor& out, std::initializer_list<int64_t> attributes = {}) {
        if (observer_) [[unlikely]] observer_->output(handle_, out, std::vector<int64_t>(attributes));
    }

private:
    ScopeObserver* observer_ = nullptr;
    uint64_t handle_ = 0;

    static void add_input(std::vector<const Tensor*>& list, const Tensor& t) { list.push_back(&t); }
    template <typename T>
    static void add_input(std::vector<const Tensor*>& list, const std::vector<T>& ts) {
        for (const T& t : ts) list.push_back(&t);
    }
    void open(ScopeObserver* o, const ScopeInfo& info) {
        handle_ = o->enter(info);
        if (handle_ != 0) observer_ = o;
    }
};

/// The tag a Node recorded now should carry (0 unless a profiler is active).
inline uint32_t current_scope_tag() {
    if (ScopeObserver* o = scope_observer()) [[unlikely]] return o->current_tag();
    return 0;
}

}  // namespace tinytorch

#define TINYTORCH_RECORD_CONCAT2(a, b) a##b
#define TINYTORCH_RECORD_CONCAT(a, b) TINYTORCH_RECORD_CONCAT2(a, b)
/// Open a profiler scope for the op `name` until the end of the enclosing block.
#define TINYTORCH_RECORD_OP(...) \
    ::tinytorch::RecordScope TINYTORCH_RECORD_CONCAT(tinytorch_record_scope_, __LINE__)(__VA_ARGS__)
