// tests/20_capstone/test_schema.cpp — §3: check_value and validate on small schemas worked by hand.
#include "support/catch.hpp"
#include "capstone_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::capstone;

namespace schema_test {
Schema file_schema() {
    return Schema{{
        Field::string("name").not_empty(),
        Field::integer("size_bytes").at_least(1).hint("measure the written file"),
        Field::number("accuracy").between(0, 1).hint("a fraction"),
        Field::number("p50_s").above(0),
        Field::string("storage").one_of({"float32", "int8"}),
        Field::boolean("quantized").optional(),
        Field::array_of("tags", Kind::string),
    }};
}
json::Value parse(const std::string& text) { return json::parse(text, "test"); }
const char* kGood = R"({"name": "m", "size_bytes": 12, "accuracy": 0.5, "p50_s": 0.001, "storage": "int8",
                        "tags": ["a", "b"], "extra": {"anything": [1, 2]}})";
/// The SchemaError validate throws for `text` (fails the test when there is none).
SchemaError error_of(const std::string& text, const Schema& schema) {
    try {
        validate(parse(text), schema);
    } catch (const SchemaError& e) {
        return e;
    }
    FAIL("validate accepted " << text);
    return SchemaError("", "", "", "");
}
std::string with(const std::string& from, const std::string& to) {
    std::string s = kGood;
    s.replace(s.find(from), from.size(), to);
    return s;
}
}  // namespace schema_test

TEST_CASE("expectation words each kind of field and SchemaError keeps path expected and got", "[20_capstone][provided]") {
    CHECK(expectation(Field::integer("n").at_least(1)) == "an integer >= 1");
    CHECK(expectation(Field::number("a").between(0, 1)) == "a number in [0, 1]");
    CHECK(expectation(Field::number("t").above(0)) == "a number > 0");
    CHECK(expectation(Field::string("s").one_of({"a", "b"})) == "one of \"a\", \"b\"");
    CHECK(expectation(Field::string("s").not_empty()) == "a non-empty string");
    CHECK(expectation(Field::array_of("v", Schema{}).items_at_least(1)) == "an array of at least 1 object");
    CHECK(expectation(Field::array_of("v", Kind::integer)) == "an array of integers");
    SchemaError e("$.a", "a number", "\"x\"", "h");
    CHECK(e.path() == "$.a");
    CHECK(std::string(e.what()) == "submission report: $.a: expected a number, got \"x\"; hint: h");
    const DataError& as_data = e;  // a DataError, so callers that catch bad files catch it too
    CHECK_THAT(as_data.what(), Contains("$.a"));
}

TEST_CASE("validate accepts a report that fits its schema with extra members", "[20_capstone]") {
    CHECK_NOTHROW(validate(schema_test::parse(schema_test::kGood), schema_test::file_schema()));
    // the optional field may be there too, if it has its kind
    CHECK_NOTHROW(validate(schema_test::parse(schema_test::with("\"tags\"", "\"quantized\": true, \"tags\"")),
                           schema_test::file_schema()));
}

TEST_CASE("a missing required field names its path and says it is missing", "[20_capstone]") {
    const SchemaError e = schema_test::error_of(schema_test::with("\"size_bytes\": 12, ", ""), schema_test::file_schema());
    CHECK(e.path() == "$.size_bytes");
    CHECK(e.expected() == "an integer >= 1");
    CHECK(e.got() == "nothing (the field is missing)");
    CHECK_THAT(e.what(), Contains("hint: measure the written file"));
}

TEST_CASE("a negative size is refused with expected got and hint", "[20_capstone]") {
    const SchemaError e = schema_test::error_of(schema_test::with("12", "-5"), schema_test::file_schema());
    CHECK(std::string(e.what()) ==
          "submission report: $.size_bytes: expected an integer >= 1, got -5; hint: measure the written file");
}

TEST_CASE("wrong kinds are refused: strings for numbers fractions for integers numbers for strings", "[20_capstone]") {
    using schema_test::error_of;
    using schema_test::with;
    const Schema s = schema_test::file_schema();
    SchemaError a = error_of(with("\"accuracy\": 0.5", "\"accuracy\": \"0.5\""), s);
    CHECK(a.path() == "$.accuracy");
    CHECK(a.expected() == "a number in [0, 1]");
    CHECK(a.got() == "\"0.5\"");
    SchemaError b = error_of(with("12", "12.5"), s);
    CHECK(b.path() == "$.size_bytes");
    CHECK_THAT(b.got(), Contains("12.5"));
    SchemaError c = error_of(with("\"name\": \"m\"", "\"name\": 3"), s);
    CHECK(c.path() == "$.name");
    CHECK(c.got() == "3");
    SchemaError d = error_of(with("\"name\": \"m\"", "\"name\": \"\""), s);
    CHECK(d.expected() == "a non-empty string");
    SchemaError q = error_of(with("\"tags\"", "\"quantized\": 1, \"tags\""), s);
    CHECK(q.path() == "$.quantized");
    CHECK(q.expected() == "a boolean");
    SchemaError top = error_of("[1, 2]", s);
    CHECK(top.path() == "$");
    CHECK(top.expected() == "an object");
}

TEST_CASE("bounds are checked: a percentage for a fraction zero latency an unknown storage", "[20_capstone]") {
    using schema_test::error_of;
    using schema_test::with;
    const Schema s = schema_test::file_schema();
    SchemaError pct = error_of(with("0.5", "98.1"), s);
    CHECK(pct.path() == "$.accuracy");
    CHECK_THAT(pct.what(), Contains("hint: a fraction"));
    CHECK(error_of(with("0.001", "0"), s).expected() == "a number > 0");  // above(0) excludes 0
    CHECK_NOTHROW(validate(schema_test::parse(with("0.5", "1")), s));    // between includes its ends
    SchemaError st = error_of(with("\"int8\"", "\"int4\""), s);
    CHECK(st.path() == "$.storage");
    CHECK(st.got() == "\"int4\"");
    CHECK(st.expected() == "one of \"float32\", \"int8\"");
}

TEST_CASE("array items and nested objects are checked with their full path", "[20_capstone]") {
    using schema_test::error_of;
    SchemaError tag = error_of(schema_test::with("[\"a\", \"b\"]", "[\"a\", 7]"), schema_test::file_schema());
    CHECK(tag.path() == "$.tags[1]");
    CHECK(tag.expected() == "a string");
    const Schema nested{{Field::array_of("variants", schema_test::file_schema()).items_at_least(1),
                         Field::object("model", Schema{{Field::integer("parameters").at_least(1)}})}};
    const std::string good = std::string("{\"variants\": [") + schema_test::kGood + ", " + schema_test::kGood +
                             "], \"model\": {\"parameters\": 10}}";
    CHECK_NOTHROW(validate(schema_test::parse(good), nested));
    std::string bad = good;
    bad.replace(bad.rfind("\"size_bytes\": 12"), 16, "\"size_bytes\": -1");  // in the second variant
    SchemaError e = error_of(bad, nested);
    CHECK(e.path() == "$.variants[1].size_bytes");
    CHECK(e.got() == "-1");
    SchemaError empty = error_of("{\"variants\": [], \"model\": {\"parameters\": 10}}", nested);
    CHECK(empty.path() == "$.variants");
    CHECK(empty.expected() == "an array of at least 1 object");
    SchemaError inner = error_of(std::string("{\"variants\": [") + schema_test::kGood + "], \"model\": {}}", nested);
    CHECK(inner.path() == "$.model.parameters");
    SchemaError kind = error_of(std::string("{\"variants\": [") + schema_test::kGood + "], \"model\": [1]}", nested);
    CHECK(kind.path() == "$.model");
    CHECK(kind.expected() == "an object");
}
