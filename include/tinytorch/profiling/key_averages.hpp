// include/tinytorch/profiling/key_averages.hpp
// Module 14 · Profiling — lesson: modules/14_profiling/README.md §3
//
// key_averages(): the events grouped by name (optionally by name and input shapes), with the
// columns of torch.profiler's table — Self CPU %, Self CPU, CPU total %, CPU total, CPU time avg,
// # of Calls — plus FLOPs and the bytes allocated, sorted by self time. Percentages are of the
// sum of all self times, which is the time the recorded thread spent inside any scope.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tinytorch/profiling/event.hpp"

namespace tinytorch::profiler {

/// One row of the table: every event with the same key.
struct EventAverage {
    std::string name;
    EventKind kind = EventKind::op;
    std::string input_shapes;  ///< "[[64, 784], [784, 256]]" when grouped by input shape, else ""
    int64_t count = 0;
    int64_t self_ns = 0, total_ns = 0;
    int64_t flops = 0, self_flops = 0;
    int64_t bytes_allocated = 0, self_bytes_allocated = 0;
    double average_ns() const { return count ? static_cast<double>(total_ns) / static_cast<double>(count) : 0.0; }
};

/// "[[64, 784], [256, 784]]"
inline std::string shapes_str(const std::vector<Shape>& shapes) {
    std::string s = "[";
    for (size_t i = 0; i < shapes.size(); ++i) s += (i ? ", " : "") + shape_str(shapes[i]);
    return s + "]";
}

namespace detail {
inline std::string format_time(double ns) {
    char buf[32];
    if (ns >= 1e9) std::snprintf(buf, sizeof buf, "%.3fs", ns / 1e9);
    else if (ns >= 1e6) std::snprintf(buf, sizeof buf, "%.3fms", ns / 1e6);
    else std::snprintf(buf, sizeof buf, "%.3fus", ns / 1e3);
    return buf;
}
inline std::string format_count(double v) {  // 1.23G, 456.00M, 7.10K
    char buf[32];
    if (v >= 1e9) std::snprintf(buf, sizeof buf, "%.2fG", v / 1e9);
    else if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
    else if (v >= 1e3) std::snprintf(buf, sizeof buf, "%.2fK", v / 1e3);
    else std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
}
inline std::string format_bytes(double b) {
    char buf[32];
    if (b >= 1024.0 * 1024 * 1024) std::snprintf(buf, sizeof buf, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    else if (b >= 1024.0 * 1024) std::snprintf(buf, sizeof buf, "%.2f MiB", b / (1024.0 * 1024));
    else if (b >= 1024.0) std::snprintf(buf, sizeof buf, "%.2f KiB", b / 1024.0);
    else std::snprintf(buf, sizeof buf, "%.0f B", b);
    return buf;
}
inline std::string format_percent(double part, double whole) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f%%", whole > 0 ? 100.0 * part / whole : 0.0);
    return buf;
}
}  // namespace detail

/// The grouped events and the table they print as.
class KeyAverages {
public:
    std::vector<EventAverage> rows;  ///< sorted by self time, largest first
    int64_t self_ns_total = 0;       ///< sum of every event's self time: 100% of the percentages
    bool grouped_by_input_shape = false;

    /// The row of `name` (the first, if grouped by shape), or nullptr.
    const EventAverage* find(const std::string& name) const {
        for (const EventAverage& r : rows)
            if (r.name == name) return &r;
        return nullptr;
    }

    /// The table. sort_by: "self_cpu_time_total" (default), "cpu_time_total", "cpu_time" (average),
    /// "count", "flops", "self_cpu_memory_usage", "cpu_memory_usage"; row_limit < 0: all rows.
    std::string table(const std::string& sort_by = "self_cpu_time_total", int row_limit = -1) const;
};

/// Group `events` by name (and, if asked, input shapes); rows sorted by self time, largest first.
inline KeyAverages key_averages(const std::vector<Event>& events, bool group_by_input_shape = false) {
    KeyAverages out;
    out.grouped_by_input_shape = group_by_input_shape;
    // BEGIN SOLUTION: key_averages (§3)
    std::map<std::pair<std::string, std::string>, size_t> where;  // (name, shapes) -> row
    for (const Event& e : events) {
        std::string shapes = group_by_input_shape ? shapes_str(e.input_shapes) : "";
        auto key = std::make_pair(e.name, shapes);
        auto it = where.find(key);
        if (it == where.end()) {
            it = where.emplace(key, out.rows.size()).first;
            EventAverage row;
            row.name = e.name;
            row.kind = e.kind;
            row.input_shapes = shapes;
            out.rows.push_back(row);
        }
        EventAverage& r = out.rows[it->second];
        r.count += 1;
        r.self_ns += e.self_ns;
        r.total_ns += e.duration_ns;
        r.flops += e.flops;
        r.self_flops += e.self_flops;
        r.bytes_allocated += e.bytes_allocated;
        r.self_bytes_allocated += e.self_bytes_allocated;
        out.self_ns_total += e.self_ns;
    }
    std::stable_sort(out.rows.begin(), out.rows.end(),
                     [](const EventAverage& a, const EventAverage& b) { return a.self_ns > b.self_ns; });
    // END SOLUTION
    return out;
}

inline std::string KeyAverages::table(const std::string& sort_by, int row_limit) const {
    std::vector<EventAverage> sorted = rows;
    auto by = [&](auto key) {
        std::stable_sort(sorted.begin(), sorted.end(), [&](const EventAverage& a, const EventAverage& b) {
            return key(a) > key(b);
        });
    };
    if (sort_by == "self_cpu_time_total") by([](const EventAverage& r) { return double(r.self_ns); });
    else if (sort_by == "cpu_time_total") by([](const EventAverage& r) { return double(r.total_ns); });
    else if (sort_by == "cpu_time") by([](const EventAverage& r) { return r.average_ns(); });
    else if (sort_by == "count") by([](const EventAverage& r) { return double(r.count); });
    else if (sort_by == "flops") by([](const EventAverage& r) { return double(r.flops); });
    else if (sort_by == "self_cpu_memory_usage") by([](const EventAverage& r) { return double(r.self_bytes_allocated); });
    else if (sort_by == "cpu_memory_usage") by([](const EventAverage& r) { return double(r.bytes_allocated); });
    else
        throw ValueError(fmt("KeyAverages::table: unknown sort key '", sort_by, "'; hint: use self_cpu_time_total, ",
                             "cpu_time_total, cpu_time, count, flops, self_cpu_memory_usage or cpu_memory_usage"));
    if (row_limit >= 0 && sorted.size() > static_cast<size_t>(row_limit)) sorted.resize(static_cast<size_t>(row_limit));

    std::vector<std::string> header = {"Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
                                       "# of Calls", "FLOPs", "Self Alloc", "Alloc"};
    if (grouped_by_input_shape) header.push_back("Input Shapes");
    std::vector<std::vector<std::string>> cells;
    const double whole = static_cast<double>(self_ns_total);
    for (const EventAverage& r : sorted) {
        std::vector<std::string> c = {r.name,
                                      detail::format_percent(double(r.self_ns), whole),
                                      detail::format_time(double(r.self_ns)),
                                      detail::format_percent(double(r.total_ns), whole),
                                      detail::format_time(double(r.total_ns)),
                                      detail::format_time(r.average_ns()),
                                      std::to_string(r.count),
                                      r.flops ? detail::format_count(double(r.flops)) : "-",
                                      detail::format_bytes(double(r.self_bytes_allocated)),
                                      detail::format_bytes(double(r.bytes_allocated))};
        if (grouped_by_input_shape) c.push_back(r.input_shapes);
        cells.push_back(std::move(c));
    }
    std::vector<size_t> width(header.size());
    for (size_t j = 0; j < header.size(); ++j) width[j] = header[j].size();
    for (const auto& c : cells)
        for (size_t j = 0; j < c.size(); ++j) width[j] = std::max(width[j], c[j].size());
    width[0] = std::min<size_t>(width[0], 48);
    auto line = [&] {
        std::string s;
        for (size_t j = 0; j < width.size(); ++j) s += std::string(width[j], '-') + (j + 1 < width.size() ? "  " : "");
        return s + "\n";
    };
    auto row = [&](const std::vector<std::string>& c) {
        std::string s;
        for (size_t j = 0; j < c.size(); ++j) {
            std::string v = c[j].size() > width[j] ? c[j].substr(0, width[j] - 3) + "..." : c[j];
            const std::string pad(width[j] - v.size(), ' ');
            const bool text = j == 0 || (j + 1 == c.size() && grouped_by_input_shape);  // the shapes column is text too
            s += text ? v + pad : pad + v;  // names left, numbers right
            if (j + 1 < c.size()) s += "  ";
        }
        return s + "\n";
    };
    std::string out = line() + row(header) + line();
    for (const auto& c : cells) out += row(c);
    out += line();
    out += "Self CPU time total: " + detail::format_time(whole) + "\n";
    return out;
}

}  // namespace tinytorch::profiler
