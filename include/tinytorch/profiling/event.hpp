// include/tinytorch/profiling/event.hpp
// Module 14 · Profiling — lesson: modules/14_profiling/README.md §1
//
// One recorded scope: an op, a backward rule, a module call or a range the user named.
// Times are measured (steady clock, nanoseconds since the profiler started), FLOPs come from
// a formula of the real shapes (flop_counter.hpp), bytes from the allocator's counters.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::profiler {

/// What a recorded scope was (the same four kinds the hooks of module 01 report).
using EventKind = ScopeKind;

/// "op", "backward", "module", "user" — the trace's category names.
inline const char* kind_name(EventKind kind) {
    switch (kind) {
        case EventKind::op: return "op";
        case EventKind::backward: return "backward";
        case EventKind::module: return "module";
        case EventKind::user: return "user";
    }
    return "?";
}

/// One recorded scope. "Total" quantities include the scopes nested inside it (its children);
/// "self" ones exclude them, so the self values of all events add up to the roots' totals.
struct Event {
    std::string name;                ///< "matmul", "matmul_backward", "nn.Module: Linear", a user name
    EventKind kind = EventKind::op;
    std::string module;              ///< dotted path of the module that ran it ("Net.fc1"); "" if none
    std::vector<Shape> input_shapes; ///< shapes of the defined tensor operands (record_shapes)
    Shape output_shape;              ///< when the op reported its result (has_output)
    bool has_output = false;
    int64_t start_ns = 0;            ///< since the profiler started
    int64_t duration_ns = 0;         ///< total time, children included
    int64_t self_ns = 0;             ///< duration minus the children's durations
    int64_t flops = 0;               ///< floating-point operations, children included
    int64_t self_flops = 0;          ///< the formula's count minus what the children already count
    int64_t bytes_allocated = 0;     ///< allocated while it ran, children included (profile_memory)
    int64_t self_bytes_allocated = 0;
    int depth = 0;                   ///< 0 for a root, parent's depth + 1 otherwise
    int64_t parent = -1;             ///< index of the enclosing event in Profiler::events(), or -1
    int64_t end_ns() const { return start_ns + duration_ns; }
};

}  // namespace tinytorch::profiler
