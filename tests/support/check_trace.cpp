// tests/support/check_trace.cpp — `check_trace FILE`: exits 0 when FILE is valid Chrome
// trace-event JSON whose complete events nest, and which shows a training run: module calls,
// a backward pass with backward rules, and ops with FLOPs. Used by the milestone trace tests.
#include <cstdio>
#include <string>

#include "support/json_reader.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: check_trace FILE\n");
        return 2;
    }
    try {
        const test_json::Value doc = test_json::parse_file(argv[1]);
        size_t complete = 0;
        const std::string problem = test_json::check_chrome_trace(doc, &complete);
        if (!problem.empty()) {
            std::fprintf(stderr, "check_trace: %s: %s\n", argv[1], problem.c_str());
            return 1;
        }
        size_t modules = 0, backward_passes = 0, rules = 0, with_flops = 0;
        for (const test_json::Value& e : doc["traceEvents"].items) {
            if (e["ph"].str != "X") continue;
            const std::string& cat = e["cat"].str;
            modules += cat == "module";
            backward_passes += cat == "user" && e["name"].str == "backward";
            rules += cat == "backward";
            with_flops += e["args"].has("FLOPs") && e["args"]["FLOPs"].num > 0;
        }
        std::printf("check_trace: %s: %zu complete events, nested; %zu module calls, %zu backward passes, "
                    "%zu backward rules, %zu events with FLOPs\n",
                    argv[1], complete, modules, backward_passes, rules, with_flops);
        if (!modules || !backward_passes || !rules || !with_flops) {
            std::fprintf(stderr, "check_trace: the trace does not show a training run (modules, backward, FLOPs)\n");
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "check_trace: %s: %s\n", argv[1], e.what());
        return 1;
    }
}
