// include/tinytorch/profiling/profiler.hpp
// Module 14 · Profiling — lesson: modules/14_profiling/README.md §1 (recording), §3, §4
//
// A profiler scope, like torch.profiler.profile / libtorch's RecordProfile:
//
//     {
//         profiler::Profiler prof;              // recording starts
//         Tensor loss = loss_fn(model(x), y);
//         loss.backward();
//     }                                         // ... and stops here (or at prof.stop())
//     std::cout << prof.key_averages().table();
//     prof.export_chrome_trace("trace.json");   // open in https://ui.perfetto.dev or chrome://tracing
//
// While it is active, every op, backward rule, module call and user range opens a scope
// (tensor/record_scope.hpp); the profiler keeps them on a stack, so when a scope closes it
// knows its parent, and each event gets its total time (measured) and its self time (total
// minus the children). The same stack turns FLOP formulas (flop_counter.hpp) and allocator
// counts (memory_stats()) into self and total values.
//
// One profiler at a time; it records the thread that created it (TinyTorch's worker threads
// only run pieces of one op, which that op's scope already covers).
#pragma once
#include <atomic>
#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tinytorch/layers/module.hpp"
#include "tinytorch/profiling/chrome_trace.hpp"
#include "tinytorch/profiling/event.hpp"
#include "tinytorch/profiling/flop_counter.hpp"
#include "tinytorch/profiling/key_averages.hpp"

namespace tinytorch::profiler {

/// What to record (torch.profiler.profile's switches of the same names).
struct ProfilerOptions {
    bool record_shapes = true;   ///< keep each op's input shapes in its event (grouping by shape needs them)
    bool profile_memory = true;  ///< bytes allocated per scope, from the allocator's counters
    bool with_flops = true;      ///< FLOPs by formula (flop_counter.hpp)
    bool with_modules = true;    ///< scopes for nn::Module calls, and each event's module path
    size_t max_events = 0;       ///< keep at most this many events (0: no limit); later scopes are not
                                 ///< recorded and their time counts in the enclosing recorded one
};

class Profiler;

namespace detail {

/// The observer module 01's hooks call. One for the whole program, never destroyed, so a scope
/// that outlives a profiler still finds a live object to report its end to; it forwards to the
/// active Profiler when the call comes from that profiler's thread and session.
class Recorder final : public ScopeObserver {
public:
    static Recorder& instance() {
        static Recorder* recorder = new Recorder;  // intentionally leaked: see above
        return *recorder;
    }
    void attach(Profiler* p);
    void detach(Profiler* p);
    Profiler* active() const { return active_.load(std::memory_order_acquire); }

    uint64_t enter(const ScopeInfo& scope) override;
    void output(uint64_t handle, const Tensor& out, const std::vector<int64_t>& attributes) override;
    void exit(uint64_t handle) override;
    uint32_t current_tag() override;

private:
    std::atomic<Profiler*> active_{nullptr};
    std::atomic<std::thread::id> owner_{};
    std::atomic<uint32_t> session_{0};
    bool mine() const { return std::this_thread::get_id() == owner_.load(std::memory_order_relaxed); }
    /// handle = session in the high 32 bits, event index + 1 in the low ones
    bool current(uint64_t handle) const { return (handle >> 32) == session_.load(std::memory_order_relaxed); }
};

}  // namespace detail

/// Records every scope of its thread from construction until stop() or destruction.
class Profiler {
public:
    explicit Profiler(ProfilerOptions options = {}) : options_(options) {
        if (detail::Recorder::instance().active())
            throw ValueError("Profiler: another profiler is already active; hint: profilers do not nest — stop() the "
                             "first one, or use profiler::RecordFunction to mark a range inside it");
        start_ = Clock::now();
        alloc_at_start_ = memory_stats().allocated_bytes;
        detail::Recorder::instance().attach(this);
    }
    ~Profiler() {
        try {
            stop();
        } catch (...) {  // a destructor must not throw; stop() explicitly to see the error
        }
    }
    Profiler(const Profiler&) = delete;
    Profiler& operator=(const Profiler&) = delete;

    /// Stop recording: scopes still open are closed now. Events stay readable.
    void stop() {
        if (active_) {
            const int64_t now = now_ns();
            while (!stack_.empty()) close(stack_.size() - 1, now);
            total_ns_ = now;
            active_ = false;
            detail::Recorder::instance().detach(this);
        }
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }
    bool is_active() const { return active_; }
    const ProfilerOptions& options() const { return options_; }

    /// Every recorded scope, in the order they opened (so a parent comes before its children).
    const std::vector<Event>& events() const {
        if (error_) std::rethrow_exception(error_);
        return events_;
    }
    /// Scopes not recorded because max_events was reached.
    int64_t dropped_events() const { return dropped_; }
    /// Nanoseconds from start to stop (to now while active).
    int64_t elapsed_ns() const { return active_ ? now_ns() : total_ns_; }

    /// Events grouped by name (and input shapes), as torch.profiler's key_averages().
    KeyAverages key_averages(bool group_by_input_shape = false) const {
        return profiler::key_averages(events(), group_by_input_shape);
    }
    /// The Chrome trace-event JSON of the events (see chrome_trace.hpp).
    std::string chrome_trace() const { return profiler::chrome_trace(events()); }
    /// Write it to `path`; open it in https://ui.perfetto.dev or chrome://tracing.
    void export_chrome_trace(const std::string& path) const { profiler::export_chrome_trace(events(), path); }

private:
    friend class detail::Recorder;
    using Clock = std::chrono::steady_clock;

    /// A scope that has opened and not yet closed.
    struct Open {
        size_t index = 0;             ///< its event in events_
        int64_t start_ns = 0;
        int64_t alloc_at_start = 0;   ///< memory_stats().allocated_bytes when it opened
        int64_t child_ns = 0, child_flops = 0, child_bytes = 0;  ///< what its closed children took
        OpShapes shapes;              ///< for its FLOP formula
        Shape output;
        bool module_scope = false;
    };
    /// A module on the call stack: its tag (index into paths_) and the module itself.
    struct ModuleFrame {
        uint32_t tag = 0;
        const nn::Module* module = nullptr;
    };

    ProfilerOptions options_;
    bool active_ = true;
    Clock::time_point start_;
    int64_t total_ns_ = 0, alloc_at_start_ = 0, dropped_ = 0;
    std::vector<Event> events_;
    std::vector<Open> stack_;
    std::vector<std::string> paths_{""};  ///< module path of each tag; tag 0 is "no module"
    std::vector<ModuleFrame> modules_;
    std::map<std::pair<uint32_t, const void*>, uint32_t> path_tags_;  ///< (parent tag, module) -> tag
    std::exception_ptr error_;

    int64_t now_ns() const {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
    }
    int64_t allocated() const { return options_.profile_memory ? memory_stats().allocated_bytes : 0; }
    uint32_t current_tag() const { return modules_.empty() ? 0 : modules_.back().tag; }

    /// The tag of `module` called inside the module of `parent_tag`: "Net" for the outermost call,
    /// then "Net.fc1" (the name its parent registered it under, else its class name).
    uint32_t module_tag(uint32_t parent_tag, const nn::Module* parent, const nn::Module* module) {
        auto key = std::make_pair(parent_tag, static_cast<const void*>(module));
        auto it = path_tags_.find(key);
        if (it != path_tags_.end()) return it->second;
        std::string label;
        if (parent)
            for (const auto& [name, child] : parent->named_children())
                if (child.get() == module) label = name;
        if (label.empty()) label = module->name();
        std::string path = parent_tag == 0 ? label : paths_[parent_tag] + "." + label;
        paths_.push_back(std::move(path));
        const uint32_t tag = static_cast<uint32_t>(paths_.size() - 1);
        path_tags_.emplace(key, tag);
        return tag;
    }

    uint64_t on_enter(const ScopeInfo& info, uint32_t session);
    void on_output(size_t index, const Tensor& out, const std::vector<int64_t>& attributes);
    void on_exit(size_t index);
    void close(size_t stack_pos, int64_t end_ns);
};

// ================================================================================================
// recording (§1)
// ================================================================================================

inline uint64_t Profiler::on_enter(const ScopeInfo& info, uint32_t session) {
    if (info.kind == ScopeKind::module && !options_.with_modules) return 0;
    if (options_.max_events && events_.size() >= options_.max_events) {
        ++dropped_;
        return 0;
    }
    Event e;
    e.kind = info.kind;
    const auto* module = static_cast<const nn::Module*>(info.module);
    switch (info.kind) {
        case ScopeKind::op: e.name = std::string(info.name); break;
        case ScopeKind::backward: e.name = std::string(info.name) + "_backward"; break;
        case ScopeKind::user: e.name = std::string(info.name); break;
        case ScopeKind::module: e.name = "nn.Module: " + module->name(); break;
    }
    bool is_module = false;
    if (options_.with_modules) {
        if (info.kind == ScopeKind::module) {
            const ModuleFrame parent = modules_.empty() ? ModuleFrame{} : modules_.back();
            const uint32_t tag = module_tag(parent.tag, parent.module, module);
            modules_.push_back({tag, module});
            e.module = paths_[tag];
            is_module = true;
        } else if (info.kind == ScopeKind::backward) {
            e.module = info.tag < paths_.size() ? paths_[info.tag] : "";  // the module of the forward op
        } else {
            e.module = paths_[current_tag()];
        }
    }
    Open open;
    open.module_scope = is_module;
    if (options_.with_flops || options_.record_shapes) {
        open.shapes.kind = info.kind;
        open.shapes.attributes = info.attributes;
        for (const Tensor* t : info.inputs)
            if (t && t->defined()) {
                open.shapes.inputs.push_back(t->shape());
                open.shapes.requires_grad.push_back(t->requires_grad());
            }
        if (options_.record_shapes) e.input_shapes = open.shapes.inputs;
    }
    // BEGIN SOLUTION: Profiler::on_enter (§1)
    open.index = events_.size();
    e.depth = static_cast<int>(stack_.size());
    e.parent = stack_.empty() ? -1 : static_cast<int64_t>(stack_.back().index);
    events_.push_back(std::move(e));
    open.alloc_at_start = allocated();
    open.start_ns = now_ns();  // last: the bookkeeping above is not the op's time
    events_[open.index].start_ns = open.start_ns;
    stack_.push_back(std::move(open));
    // END SOLUTION
    return (static_cast<uint64_t>(session) << 32) | static_cast<uint64_t>(events_.size());  // index + 1
}

inline void Profiler::on_output(size_t index, const Tensor& out, const std::vector<int64_t>& attributes) {
    for (size_t k = stack_.size(); k-- > 0;)
        if (stack_[k].index == index) {
            stack_[k].output = out.shape();
            stack_[k].shapes.attributes = attributes;
            events_[index].output_shape = out.shape();
            events_[index].has_output = true;
            return;
        }
}

inline void Profiler::on_exit(size_t index) {
    const int64_t end = now_ns();  // first: the bookkeeping below is not the op's time
    // Scopes close in reverse order of opening; should one be missing (a scope opened before
    // stop() closed it), close everything above it too.
    for (size_t k = stack_.size(); k-- > 0;)
        if (stack_[k].index == index) {
            while (stack_.size() > k) close(stack_.size() - 1, end);
            return;
        }
}

/// Close the scope at stack_[pos] (the top) at `end_ns`: its total, self and the parent's share.
inline void Profiler::close(size_t pos, int64_t end_ns) {
    Open& open = stack_[pos];
    Event& e = events_[open.index];
    int64_t formula = -1;
    if (options_.with_flops) {
        open.shapes.name = e.kind == ScopeKind::backward ? std::string_view(e.name).substr(0, e.name.size() - 9)
                                                         : std::string_view(e.name);
        open.shapes.output = e.has_output ? &open.output : nullptr;
        try {
            formula = op_flops(open.shapes);
        } catch (const Error&) {  // shapes an op rejected (it threw): no count
            formula = -1;
        }
    }
    const int64_t bytes = options_.profile_memory ? allocated() - open.alloc_at_start : 0;
    // BEGIN SOLUTION: Profiler::close (§1)
    e.duration_ns = end_ns - open.start_ns;
    e.self_ns = std::max<int64_t>(0, e.duration_ns - open.child_ns);
    e.self_flops = formula >= 0 ? std::max<int64_t>(0, formula - open.child_flops) : 0;
    e.flops = e.self_flops + open.child_flops;
    e.bytes_allocated = bytes;
    e.self_bytes_allocated = std::max<int64_t>(0, bytes - open.child_bytes);
    if (pos > 0) {  // the parent learns what this child took
        Open& parent = stack_[pos - 1];
        parent.child_ns += e.duration_ns;
        parent.child_flops += e.flops;
        parent.child_bytes += e.bytes_allocated;
    }
    // END SOLUTION
    if (open.module_scope && !modules_.empty()) modules_.pop_back();
    stack_.pop_back();
}

// ================================================================================================
// the observer glue (provided)
// ================================================================================================

namespace detail {

inline void Recorder::attach(Profiler* p) {
    owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    session_.fetch_add(1, std::memory_order_relaxed);
    active_.store(p, std::memory_order_release);
    set_scope_observer(this);
}
inline void Recorder::detach(Profiler* p) {
    if (active_.load(std::memory_order_acquire) != p) return;
    set_scope_observer(nullptr);
    active_.store(nullptr, std::memory_order_release);
    session_.fetch_add(1, std::memory_order_relaxed);  // handles of this session are now stale
}
inline uint64_t Recorder::enter(const ScopeInfo& scope) {
    Profiler* p = active();
    if (!p || !mine() || !p->active_ || p->error_) return 0;
    try {
        return p->on_enter(scope, session_.load(std::memory_order_relaxed));
    } catch (...) {  // keep the op running; stop() reports the failure
        p->error_ = std::current_exception();
        return 0;
    }
}
inline void Recorder::output(uint64_t handle, const Tensor& out, const std::vector<int64_t>& attributes) {
    Profiler* p = active();
    if (!p || !mine() || !current(handle) || p->error_) return;
    try {
        p->on_output(static_cast<size_t>(handle & 0xffffffffu) - 1, out, attributes);
    } catch (...) {
        p->error_ = std::current_exception();
    }
}
inline void Recorder::exit(uint64_t handle) {  // called from destructors: never throws
    Profiler* p = active();
    if (!p || !mine() || !current(handle) || p->error_) return;
    try {
        p->on_exit(static_cast<size_t>(handle & 0xffffffffu) - 1);
    } catch (...) {
        p->error_ = std::current_exception();
    }
}
inline uint32_t Recorder::current_tag() {
    Profiler* p = active();
    return p && mine() ? p->current_tag() : 0;
}

}  // namespace detail

/// A range you name, shown like an op (torch.autograd.profiler.record_function):
///     { profiler::RecordFunction r("data loading"); batch = next(loader); }
class RecordFunction {
public:
    explicit RecordFunction(std::string name) : name_(std::move(name)), scope_(RecordScope::UserTag{}, name_) {}

private:
    std::string name_;   // declared before scope_: the scope opens after the name exists
    RecordScope scope_;
};

/// Profiles from construction to destruction and then writes a Chrome trace to `path`
/// (libtorch's torch::autograd::profiler::RecordProfile).
class RecordProfile {
public:
    explicit RecordProfile(std::string path, ProfilerOptions options = {})
        : path_(std::move(path)), profiler_(options) {}
    ~RecordProfile() {
        try {
            profiler_.stop();
            profiler_.export_chrome_trace(path_);
        } catch (...) {  // a destructor must not throw
        }
    }
    Profiler& profiler() { return profiler_; }

private:
    std::string path_;
    Profiler profiler_;
};

}  // namespace tinytorch::profiler
