// include/tinytorch/profiling/chrome_trace.hpp
// Module 14 · Profiling — lesson: modules/14_profiling/README.md §4
//
// The Chrome trace-event format, which https://ui.perfetto.dev and chrome://tracing open:
//
//   {"traceEvents": [
//      {"name": "matmul", "cat": "op", "ph": "X", "ts": 12.345, "dur": 3.210,
//       "pid": 4242, "tid": 1, "args": {"Input Dims": [[64, 784], [784, 256]], ...}},
//      ...],
//    "displayTimeUnit": "ms"}
//
// "X" is a complete event: a start (ts) and a duration (dur), both in microseconds. Events on
// one thread nest by time: a child starts no earlier and ends no later than its parent. Our
// times are whole nanoseconds printed as microseconds with three decimals — exact — so the
// nesting the profiler measured is the nesting the viewer draws.
#pragma once
#include <fstream>
#include <string>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

#include "tinytorch/profiling/event.hpp"
#include "tinytorch/profiling/json_writer.hpp"

namespace tinytorch::profiler {

namespace detail {
inline long process_id() {
#if defined(__unix__) || defined(__APPLE__)
    return static_cast<long>(::getpid());
#else
    return 1;
#endif
}
}  // namespace detail

/// The trace of `events` as one JSON document.
inline std::string chrome_trace(const std::vector<Event>& events) {
    const std::string pid = std::to_string(detail::process_id());
    std::string out = "{\"traceEvents\": [\n";
    out += "  {\"name\": \"process_name\", \"ph\": \"M\", \"pid\": " + pid +
           ", \"tid\": 1, \"args\": {\"name\": \"TinyTorch\"}}";
    // BEGIN SOLUTION: chrome_trace (§4)
    for (const Event& e : events) {
        std::string args = "\"Input Dims\": [";
        for (size_t i = 0; i < e.input_shapes.size(); ++i) args += (i ? ", " : "") + json::shape(e.input_shapes[i]);
        args += "]";
        if (e.has_output) args += ", \"Output Dims\": " + json::shape(e.output_shape);
        if (!e.module.empty()) args += ", \"Module\": " + json::quote(e.module);
        args += ", \"FLOPs\": " + json::number(e.flops) + ", \"Self FLOPs\": " + json::number(e.self_flops);
        args += ", \"Bytes allocated\": " + json::number(e.bytes_allocated);
        args += ", \"Self time (us)\": " + json::microseconds(e.self_ns);
        out += ",\n  {\"name\": " + json::quote(e.name) + ", \"cat\": " + json::quote(kind_name(e.kind)) +
               ", \"ph\": \"X\", \"ts\": " + json::microseconds(e.start_ns) + ", \"dur\": " +
               json::microseconds(e.duration_ns) + ", \"pid\": " + pid + ", \"tid\": 1, \"args\": {" + args + "}}";
    }
    // END SOLUTION
    out += "\n], \"displayTimeUnit\": \"ms\"}\n";
    return out;
}

/// Write chrome_trace(events) to `path` (DataError if the file cannot be written).
inline void export_chrome_trace(const std::vector<Event>& events, const std::string& path) {
    const std::string text = chrome_trace(events);
    std::ofstream file(path, std::ios::binary);
    if (!file)
        throw DataError(fmt("export_chrome_trace: cannot open '", path, "' for writing; hint: check that the folder ",
                            "exists and is writable"));
    file << text;
    file.flush();
    if (!file)
        throw DataError(fmt("export_chrome_trace: writing '", path, "' failed (disk full?); hint: choose another place"));
}

}  // namespace tinytorch::profiler
