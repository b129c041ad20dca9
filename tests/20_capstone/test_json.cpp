// tests/20_capstone/test_json.cpp — §1: the JSON reader and writer the reports use (provided code).
#include "support/catch.hpp"
#include "capstone_test_support.hpp"

using namespace tinytorch;

TEST_CASE("json values dump and parse back to the same tree", "[20_capstone][provided]") {
    json::Value v = json::Value::object();
    v.set("name", "int8 \"q\"\n").set("size", int64_t{27044}).set("acc", 0.1 + 0.2).set("ok", true);
    v.set("list", json::Value::array({json::Value(1), json::Value(), json::Value("x")}));
    v.set("size", int64_t{27045});  // set replaces
    for (int indent : {0, 2}) {
        const json::Value back = json::parse(v.dump(indent));
        CHECK(back["name"].as_string() == "int8 \"q\"\n");
        CHECK(back["size"].as_int() == 27045);
        CHECK(back["acc"].as_number() == 0.1 + 0.2);  // 17 digits: the double comes back exactly
        CHECK(back["ok"].as_bool());
        CHECK(back["list"].size() == 3);
        CHECK(back["list"][1].is_null());
        CHECK(back.size() == 5);
    }
    // numbers are written in the shortest form that reads back exactly
    CHECK(json::Value(0.9767).dump() == "0.9767");
    CHECK(json::Value(int64_t{1066936}).dump() == "1066936");
    CHECK(json::Value(2.1582e-05).dump() == "2.1582e-05");
    CHECK(json::Value(std::nan("")).dump() == "null");
    // the test's own strict reader agrees with the dump
    const test_json::Value t = test_json::parse(v.dump());
    CHECK(t["size"].num == 27045);
    CHECK(t["name"].str == "int8 \"q\"\n");
}

TEST_CASE("json integers are numbers without a fraction", "[20_capstone][provided]") {
    CHECK(json::parse("3").is_integer());
    CHECK(json::parse("3.0").is_integer());
    CHECK(json::parse("-2e3").is_integer());
    CHECK_FALSE(json::parse("3.5").is_integer());
    CHECK_FALSE(json::parse("\"3\"").is_integer());
    CHECK_THROWS_AS(json::parse("3.5").as_int(), ValueError);
    CHECK_THROWS_AS(json::parse("\"x\"").as_number(), ValueError);
    CHECK(json::parse("\"\\u00e9\\ud83d\\ude00\"").as_string() == "\xc3\xa9\xf0\x9f\x98\x80");
}

TEST_CASE("malformed json is a DataError naming the source and the byte", "[20_capstone][provided]") {
    CHECK_THROWS_WITH(json::parse("{\"a\": 1,}", "r.json"), Contains("'r.json'") && Contains("byte 8"));
    CHECK_THROWS_AS(json::parse("{\"a\": 1, \"a\": 2}"), DataError);
    CHECK_THROWS_WITH(json::parse("{\"a\": 1, \"a\": 2}"), Contains("appears twice"));
    CHECK_THROWS_AS(json::parse("[1, 2"), DataError);
    CHECK_THROWS_AS(json::parse("01"), DataError);
    CHECK_THROWS_AS(json::parse("1e999"), DataError);
    CHECK_THROWS_AS(json::parse("nul"), DataError);
    CHECK_THROWS_AS(json::parse("{} x"), DataError);
    CHECK_THROWS_AS(json::parse("\"a\tb\""), DataError);
    CHECK_THROWS_AS(json::parse(std::string(300, '[') + std::string(300, ']')), DataError);
    CHECK_THROWS_WITH(json::parse_file("/nonexistent/submission.json"), Contains("/nonexistent/submission.json"));
    CHECK_THROWS_AS(json::Value::object()["missing"], ValueError);
    CHECK_THROWS_AS(json::Value::array()[0], IndexError);
}
