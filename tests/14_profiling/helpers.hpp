// tests/14_profiling/helpers.hpp — small models and event queries shared by the module's tests.
#pragma once
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "tinytorch/profiling/profiling.hpp"

namespace profiling_test {
using namespace tinytorch;
using namespace tinytorch::profiler;

/// Linear(4, 8) -> ReLU -> Linear(8, 2), seeded.
inline std::shared_ptr<nn::Sequential> small_mlp() {
    manual_seed(7);
    return std::make_shared<nn::Sequential>(std::make_shared<nn::Linear>(4, 8), nn::ReLU(),
                                            std::make_shared<nn::Linear>(8, 2));
}

inline std::vector<const Event*> named(const std::vector<Event>& events, const std::string& name) {
    std::vector<const Event*> out;
    for (const Event& e : events)
        if (e.name == name) out.push_back(&e);
    return out;
}
inline const Event* module_event(const std::vector<Event>& events, const std::string& path) {
    for (const Event& e : events)
        if (e.kind == EventKind::module && e.module == path) return &e;
    return nullptr;
}

/// Every event: self <= total, inside its parent, depth = parent's + 1; the self times add up
/// to the roots' totals (and the same for FLOPs and bytes). Returns "" or the first problem.
inline std::string check_consistency(const std::vector<Event>& events) {
    int64_t self_sum = 0, root_sum = 0, self_flops = 0, root_flops = 0, self_bytes = 0, root_bytes = 0;
    for (size_t i = 0; i < events.size(); ++i) {
        const Event& e = events[i];
        if (e.self_ns > e.duration_ns || e.self_ns < 0) return "self > total at " + e.name;
        if (e.self_flops > e.flops) return "self FLOPs > FLOPs at " + e.name;
        self_sum += e.self_ns;
        self_flops += e.self_flops;
        self_bytes += e.self_bytes_allocated;
        if (e.parent < 0) {
            if (e.depth != 0) return "root with depth " + std::to_string(e.depth);
            root_sum += e.duration_ns;
            root_flops += e.flops;
            root_bytes += e.bytes_allocated;
            continue;
        }
        if (e.parent >= static_cast<int64_t>(i)) return "parent after child at " + e.name;
        const Event& p = events[static_cast<size_t>(e.parent)];
        if (e.depth != p.depth + 1) return "depth mismatch at " + e.name;
        if (e.start_ns < p.start_ns || e.end_ns() > p.end_ns()) return e.name + " is not inside " + p.name;
    }
    if (self_sum != root_sum) return "sum of self times " + std::to_string(self_sum) + " != roots " + std::to_string(root_sum);
    if (self_flops != root_flops) return "sum of self FLOPs != roots";
    if (self_bytes > root_bytes) return "sum of self bytes > roots";
    return "";
}

}  // namespace profiling_test
