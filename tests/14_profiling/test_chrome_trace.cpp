// tests/14_profiling/test_chrome_trace.cpp — the trace is valid trace-event JSON whose complete
// events nest (checked by parsing our own output), and it carries what the events recorded.
#include "support/catch.hpp"
#include "support/json_reader.hpp"
#include "support/temp_dir.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/profiling/profiling.hpp"
#include "helpers.hpp"

using namespace tinytorch;
using namespace tinytorch::profiler;
using namespace profiling_test;

TEST_CASE("the Chrome trace of a training step parses and its events nest", "[14_profiling]") {
    auto net = small_mlp();
    Tensor x = randn({6, 4});
    Profiler prof;
    for (int step = 0; step < 2; ++step) {
        RecordFunction r("step");
        net->zero_grad();
        Tensor loss = (*net)(x).pow(2.0f).mean();
        loss.backward();
    }
    prof.stop();
    const test_json::Value doc = test_json::parse(prof.chrome_trace());
    size_t complete = 0;
    CHECK(test_json::check_chrome_trace(doc, &complete) == "");
    CHECK(complete == prof.events().size());
    CHECK(doc["displayTimeUnit"].str == "ms");
    // the X events are the profiler's events, in order, with their times in microseconds
    size_t k = 0;
    for (const test_json::Value& e : doc["traceEvents"].items) {
        if (e["ph"].str != "X") continue;
        const Event& ev = prof.events()[k++];
        CHECK(e["name"].str == ev.name);
        CHECK(e["cat"].str == kind_name(ev.kind));
        CHECK(e["ts"].num == Approx(ev.start_ns / 1000.0).margin(1e-3));
        CHECK(e["dur"].num == Approx(ev.duration_ns / 1000.0).margin(1e-3));
        CHECK(e["args"]["FLOPs"].num == double(ev.flops));
        CHECK(e["args"]["Input Dims"].size() == ev.input_shapes.size());
        if (!ev.module.empty()) CHECK(e["args"]["Module"].str == ev.module);
    }
}

TEST_CASE("the nesting check rejects overlapping events", "[14_profiling][provided]") {
    // guards the test above: a checker that accepts anything proves nothing
    const char* bad = R"({"traceEvents": [
        {"name": "a", "cat": "op", "ph": "X", "ts": 0, "dur": 10, "pid": 1, "tid": 1, "args": {}},
        {"name": "b", "cat": "op", "ph": "X", "ts": 5, "dur": 10, "pid": 1, "tid": 1, "args": {}}],
        "displayTimeUnit": "ms"})";
    CHECK(test_json::check_chrome_trace(test_json::parse(bad)) != "");
    const char* good = R"({"traceEvents": [
        {"name": "a", "cat": "op", "ph": "X", "ts": 0, "dur": 10, "pid": 1, "tid": 1, "args": {}},
        {"name": "b", "cat": "op", "ph": "X", "ts": 2, "dur": 8, "pid": 1, "tid": 1, "args": {}},
        {"name": "c", "cat": "op", "ph": "X", "ts": 10, "dur": 0, "pid": 1, "tid": 1, "args": {}},
        {"name": "d", "cat": "op", "ph": "X", "ts": 10, "dur": 5, "pid": 1, "tid": 1, "args": {}}],
        "displayTimeUnit": "ms"})";
    CHECK(test_json::check_chrome_trace(test_json::parse(good)) == "");
    CHECK_THROWS(test_json::parse("{\"traceEvents\": [}"));
}

TEST_CASE("export_chrome_trace writes the file and RecordProfile writes one at scope exit", "[14_profiling]") {
    tinytorch_test::TempDir dir;
    Tensor a = ones({2, 2});
    {
        Profiler prof;
        Tensor b = relu(a.matmul(a));
        prof.stop();
        prof.export_chrome_trace(dir.file("trace.json"));
        const test_json::Value doc = test_json::parse_file(dir.file("trace.json"));
        CHECK(test_json::check_chrome_trace(doc) == "");
        bool saw_matmul = false;
        for (const auto& e : doc["traceEvents"].items) saw_matmul = saw_matmul || e["name"].str == "matmul";
        CHECK(saw_matmul);
    }
    {
        RecordProfile guard(dir.file("guard.json"));
        Tensor b = a + a;
    }
    size_t complete = 0;
    CHECK(test_json::check_chrome_trace(test_json::parse_file(dir.file("guard.json")), &complete) == "");
    CHECK(complete == 1);
}

TEST_CASE("export_chrome_trace reports a file it cannot write", "[14_profiling]") {
    Profiler prof;
    Tensor b = ones({2}) + ones({2});
    prof.stop();
    CHECK_THROWS_AS(prof.export_chrome_trace("/nonexistent-folder/trace.json"), DataError);
    CHECK_THROWS_WITH(prof.export_chrome_trace("/nonexistent-folder/trace.json"),
                      Contains("/nonexistent-folder/trace.json") && Contains("hint"));
}

TEST_CASE("json quote escapes what JSON forbids", "[14_profiling][provided]") {
    CHECK(json::quote("a\"b\\c\nd\x01") == "\"a\\\"b\\\\c\\nd\\u0001\"");
    CHECK(json::number(1.5) == "1.5");
    CHECK(json::number(std::nan("")) == "null");
    CHECK(json::microseconds(1234567) == "1234.567");
    CHECK(json::microseconds(5) == "0.005");
    CHECK(test_json::parse(json::quote("tab\there")).str == "tab\there");
}
