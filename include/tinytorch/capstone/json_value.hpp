// include/tinytorch/capstone/json_value.hpp
// Module 20 · Capstone — lesson: modules/20_capstone/README.md §1 (JSON in, JSON out)
//
// A submission report is JSON the student's program writes and the instructor's grader reads
// back. json::Value is that JSON as a tree: null, true/false, numbers, strings, arrays and
// objects (members kept in the order written). Build one with the constructors and set(), print
// it with dump(), read a file with json::parse_file — a strict reader (RFC 8259): anything that
// is not JSON, a duplicate key, a number that does not fit a double is a DataError naming the
// file and the byte. Provided code: nothing to implement, read it once.
//
//   json::Value v = json::Value::object();
//   v.set("accuracy", 0.981).set("size_bytes", int64_t{27044}).set("name", "int8");
//   std::string text = v.dump();                 // {"accuracy": 0.981, "size_bytes": 27044, ...}
//   json::Value back = json::parse(text, "report.json");
//   double a = back["accuracy"].as_number();
#pragma once
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tinytorch/profiling/json_writer.hpp"

namespace tinytorch::json {

/// The six kinds of JSON value.
enum class Type { null, boolean, number, string, array, object };

inline const char* type_name(Type t) {
    switch (t) {
        case Type::null: return "null";
        case Type::boolean: return "a boolean";
        case Type::number: return "a number";
        case Type::string: return "a string";
        case Type::array: return "an array";
        case Type::object: return "an object";
    }
    return "?";
}

/// One JSON value (a tree: arrays and objects hold Values).
class Value {
public:
    Value() = default;  // null
    Value(std::nullptr_t) {}
    Value(bool b) : type_(Type::boolean), b_(b) {}
    Value(double x) : type_(Type::number), num_(x) {}
    Value(int x) : type_(Type::number), num_(x) {}
    Value(int64_t x) : type_(Type::number), num_(static_cast<double>(x)) {}
    Value(const char* s) : type_(Type::string), str_(s) {}
    Value(std::string s) : type_(Type::string), str_(std::move(s)) {}
    Value(const std::vector<std::string>& items) : type_(Type::array) {
        for (const std::string& s : items) items_.emplace_back(s);
    }
    Value(const std::vector<double>& items) : type_(Type::array) {
        for (double x : items) items_.emplace_back(x);
    }

    static Value object() { Value v; v.type_ = Type::object; return v; }
    static Value array(std::vector<Value> items = {}) { Value v; v.type_ = Type::array; v.items_ = std::move(items); return v; }

    Type type() const { return type_; }
    bool is_null() const { return type_ == Type::null; }
    bool is_bool() const { return type_ == Type::boolean; }
    bool is_number() const { return type_ == Type::number; }
    /// A number with no fractional part (JSON has one number type; 3 and 3.0 are both integers).
    bool is_integer() const { return type_ == Type::number && std::isfinite(num_) && std::floor(num_) == num_; }
    bool is_string() const { return type_ == Type::string; }
    bool is_array() const { return type_ == Type::array; }
    bool is_object() const { return type_ == Type::object; }

    bool as_bool() const { expect(Type::boolean); return b_; }
    double as_number() const { expect(Type::number); return num_; }
    int64_t as_int() const {
        if (!is_integer()) throw ValueError(fmt("json: expected a whole number, got ", describe(), "; hint: check is_integer() first"));
        return static_cast<int64_t>(num_);
    }
    const std::string& as_string() const { expect(Type::string); return str_; }
    const std::vector<Value>& items() const { expect(Type::array); return items_; }
    const std::vector<std::pair<std::string, Value>>& members() const { expect(Type::object); return members_; }

    /// Number of items (array) or members (object); 0 otherwise.
    size_t size() const { return type_ == Type::array ? items_.size() : type_ == Type::object ? members_.size() : 0; }
    bool has(const std::string& key) const { return find(key) != nullptr; }
    /// The member `key` or nullptr (also for a value that is not an object).
    const Value* find(const std::string& key) const {
        if (type_ != Type::object) return nullptr;
        for (const auto& [k, v] : members_)
            if (k == key) return &v;
        return nullptr;
    }
    /// The member `key`; ValueError naming it when absent.
    const Value& operator[](const std::string& key) const {
        const Value* v = find(key);
        if (!v) throw ValueError(fmt("json: no member \"", key, "\" in ", describe(), "; hint: check has(key) first"));
        return *v;
    }
    const Value& operator[](size_t i) const {
        expect(Type::array);
        if (i >= items_.size())
            throw IndexError(fmt("json: index ", i, " in an array of ", items_.size(), "; hint: check size() first"));
        return items_[i];
    }

    /// Set (or replace) the member `key` of an object; returns *this for chaining.
    Value& set(const std::string& key, Value v) {
        expect(Type::object);
        for (auto& [k, old] : members_)
            if (k == key) { old = std::move(v); return *this; }
        members_.emplace_back(key, std::move(v));
        return *this;
    }
    /// Append an item to an array; returns *this.
    Value& push_back(Value v) {
        expect(Type::array);
        items_.push_back(std::move(v));
        return *this;
    }

    /// A short description for error messages: `-5`, `"abc"`, `an array of 3`, `an object`, `null`.
    std::string describe() const {
        switch (type_) {
            case Type::null: return "null";
            case Type::boolean: return b_ ? "true" : "false";
            case Type::number: return number(num_, 10);
            case Type::string: return str_.size() > 40 ? quote(str_.substr(0, 40) + "...") : quote(str_);
            case Type::array: return fmt("an array of ", items_.size());
            case Type::object: return "an object";
        }
        return "?";
    }

    /// JSON text; indent > 0 puts each member and item on its own line.
    std::string dump(int indent = 2) const {
        std::string out;
        dump_to(out, indent, 0);
        return out;
    }

private:
    Type type_ = Type::null;
    bool b_ = false;
    double num_ = 0;
    std::string str_;
    std::vector<Value> items_;
    std::vector<std::pair<std::string, Value>> members_;

    void expect(Type t) const {
        if (type_ != t) throw ValueError(fmt("json: expected ", type_name(t), ", got ", describe()));
    }
    void dump_to(std::string& out, int indent, int depth) const {
        const std::string nl = indent > 0 ? "\n" + std::string(static_cast<size_t>(indent * (depth + 1)), ' ') : "";
        const std::string close = indent > 0 ? "\n" + std::string(static_cast<size_t>(indent * depth), ' ') : "";
        switch (type_) {
            case Type::null: out += "null"; return;
            case Type::boolean: out += b_ ? "true" : "false"; return;
            case Type::number: {  // the shortest text that reads back as exactly this double: 0.9767, not 0.97670000000000001
                if (!std::isfinite(num_)) { out += "null"; return; }
                char buf[40];
                const std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, num_);
                out.append(buf, r.ptr);
                return;
            }
            case Type::string: out += quote(str_); return;
            case Type::array:
                if (items_.empty()) { out += "[]"; return; }
                out += "[";
                for (size_t i = 0; i < items_.size(); ++i) {
                    out += (i ? "," : "") + nl;
                    items_[i].dump_to(out, indent, depth + 1);
                }
                out += close + "]";
                return;
            case Type::object:
                if (members_.empty()) { out += "{}"; return; }
                out += "{";
                for (size_t i = 0; i < members_.size(); ++i) {
                    out += (i ? "," : "") + nl + quote(members_[i].first) + ": ";
                    members_[i].second.dump_to(out, indent, depth + 1);
                }
                out += close + "}";
                return;
        }
    }
};

namespace detail {

/// The strict reader behind json::parse.
class Reader {
public:
    Reader(const std::string& text, const std::string& where) : s_(text), where_(where) {}
    Value document() {
        Value v = value(0);
        space();
        if (i_ != s_.size()) fail("text after the JSON value");
        return v;
    }

private:
    const std::string& s_;
    const std::string& where_;
    size_t i_ = 0;
    static constexpr int kMaxDepth = 200;

    [[noreturn]] void fail(const std::string& what) const {
        throw DataError(fmt("json: '", where_, "' is not valid JSON at byte ", i_, ": ", what,
                            "; hint: write reports with json::Value::dump, and check the file was not cut short"));
    }
    void space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
    }
    bool literal(const char* word) {
        const size_t n = std::char_traits<char>::length(word);
        if (s_.compare(i_, n, word) != 0) return false;
        i_ += n;
        return true;
    }
    Value value(int depth) {
        if (depth > kMaxDepth) fail("nested deeper than 200 levels");
        space();
        if (i_ >= s_.size()) fail("a value is missing (the text ends)");
        const char c = s_[i_];
        if (c == '{') return object(depth);
        if (c == '[') return array(depth);
        if (c == '"') return Value(string());
        if (c == '-' || (c >= '0' && c <= '9')) return Value(number_value());
        if (literal("true")) return Value(true);
        if (literal("false")) return Value(false);
        if (literal("null")) return Value();
        fail(fmt("unexpected character '", c, "'"));
    }
    Value object(int depth) {
        Value v = Value::object();
        ++i_;  // {
        space();
        if (i_ < s_.size() && s_[i_] == '}') { ++i_; return v; }
        while (true) {
            space();
            if (i_ >= s_.size() || s_[i_] != '"') fail("expected a member name in quotes");
            std::string key = string();
            if (v.has(key)) fail(fmt("the member \"", key, "\" appears twice"));
            space();
            if (i_ >= s_.size() || s_[i_] != ':') fail("expected ':' after a member name");
            ++i_;
            v.set(key, value(depth + 1));
            space();
            if (i_ < s_.size() && s_[i_] == ',') { ++i_; continue; }
            if (i_ < s_.size() && s_[i_] == '}') { ++i_; return v; }
            fail("expected ',' or '}' in an object");
        }
    }
    Value array(int depth) {
        Value v = Value::array();
        ++i_;  // [
        space();
        if (i_ < s_.size() && s_[i_] == ']') { ++i_; return v; }
        while (true) {
            v.push_back(value(depth + 1));
            space();
            if (i_ < s_.size() && s_[i_] == ',') { ++i_; continue; }
            if (i_ < s_.size() && s_[i_] == ']') { ++i_; return v; }
            fail("expected ',' or ']' in an array");
        }
    }
    double number_value() {
        const size_t start = i_;
        if (s_[i_] == '-') ++i_;
        auto digits = [&] {
            const size_t d = i_;
            while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
            return i_ - d;
        };
        const size_t first = i_;
        const size_t whole = digits();
        if (whole == 0) fail("a number needs digits");
        if (whole > 1 && s_[first] == '0') fail("a number has a leading zero");
        if (i_ < s_.size() && s_[i_] == '.') {
            ++i_;
            if (digits() == 0) fail("a number needs digits after '.'");
        }
        if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
            ++i_;
            if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
            if (digits() == 0) fail("a number needs digits in its exponent");
        }
        const std::string text = s_.substr(start, i_ - start);
        const double x = std::strtod(text.c_str(), nullptr);
        if (!std::isfinite(x)) fail(fmt("the number ", text, " does not fit a double"));
        return x;
    }
    static void append_utf8(std::string& out, uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    uint32_t hex4() {
        uint32_t v = 0;
        for (int k = 0; k < 4; ++k, ++i_) {
            const char h = i_ < s_.size() ? s_[i_] : '\0';
            uint32_t d;
            if (h >= '0' && h <= '9') d = static_cast<uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f') d = static_cast<uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') d = static_cast<uint32_t>(h - 'A' + 10);
            else fail("\\u must be followed by four hex digits");
            v = v * 16 + d;
        }
        return v;
    }
    std::string string() {
        ++i_;  // "
        std::string out;
        while (true) {
            if (i_ >= s_.size()) fail("a string is not closed");
            const unsigned char c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') { ++i_; return out; }
            if (c < 0x20) fail("a control character inside a string");
            ++i_;
            if (c != '\\') { out += static_cast<char>(c); continue; }
            const char e = i_ < s_.size() ? s_[i_] : '\0';
            ++i_;
            switch (e) {
                case '"': case '\\': case '/': out += e; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    uint32_t cp = hex4();
                    if (cp >= 0xDC00 && cp <= 0xDFFF) fail("a lone low surrogate");
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        if (s_.compare(i_, 2, "\\u") != 0) fail("a high surrogate without its low half");
                        i_ += 2;
                        const uint32_t low = hex4();
                        if (low < 0xDC00 || low > 0xDFFF) fail("a high surrogate without its low half");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    }
                    append_utf8(out, cp);
                    break;
                }
                default:
                    --i_;
                    fail("an unknown escape after '\\'");
            }
        }
    }
};

}  // namespace detail

/// Parse JSON text; `where` (a file name) goes into the DataError of malformed input.
inline Value parse(const std::string& text, const std::string& where = "<text>") {
    return detail::Reader(text, where).document();
}

/// Read and parse a file (DataError when it cannot be read or is not JSON).
inline Value parse_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(fmt("json: cannot open '", path, "'; hint: check the path (is the report written yet?)"));
    std::ostringstream text;
    text << in.rdbuf();
    return parse(text.str(), path);
}

}  // namespace tinytorch::json
