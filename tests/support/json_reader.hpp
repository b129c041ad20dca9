// tests/support/json_reader.hpp — a small, strict JSON parser for tests (RFC 8259): the
// profiler's Chrome traces and the benchmark harness's reports are checked by reading them back.
// Not part of the framework; throws std::runtime_error naming the offset on malformed input.
#pragma once
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace test_json {

struct Value {
    enum class Type { null, boolean, number, string, array, object } type = Type::null;
    bool b = false;
    double num = 0;
    std::string str;
    std::vector<Value> items;                            // array
    // An object's members in file order, as two parallel lists: a std::pair<std::string, Value>
    // member would need Value complete here: g++ accepts it, clang++ does not.
    std::vector<std::string> keys;
    std::vector<Value> values;

    bool is_object() const { return type == Type::object; }
    bool is_array() const { return type == Type::array; }
    bool is_number() const { return type == Type::number; }
    bool is_string() const { return type == Type::string; }
    bool has(const std::string& key) const {
        return std::find(keys.begin(), keys.end(), key) != keys.end();
    }
    const Value& operator[](const std::string& key) const {
        for (size_t i = 0; i < keys.size(); ++i)
            if (keys[i] == key) return values[i];
        throw std::runtime_error("json: no member '" + key + "'");
    }
    const Value& operator[](size_t i) const {
        if (i >= items.size()) throw std::runtime_error("json: index out of range");
        return items[i];
    }
    size_t size() const { return type == Type::array ? items.size() : keys.size(); }
};

class Parser {
public:
    explicit Parser(const std::string& text) : s_(text) {}
    Value parse() {
        Value v = value();
        space();
        if (i_ != s_.size()) fail("trailing characters");
        return v;
    }

private:
    const std::string& s_;
    size_t i_ = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error("json: " + what + " at offset " + std::to_string(i_));
    }
    void space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }
    bool take(char c) {
        space();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!take(c)) fail(std::string("expected '") + c + "'");
    }
    Value value() {
        space();
        if (i_ >= s_.size()) fail("unexpected end");
        const char c = s_[i_];
        Value v;
        if (c == '{') {
            ++i_;
            v.type = Value::Type::object;
            if (take('}')) return v;
            do {
                space();
                if (i_ >= s_.size() || s_[i_] != '"') fail("expected a key");
                std::string key = string();
                expect(':');
                v.keys.push_back(std::move(key));
                v.values.push_back(value());
            } while (take(','));
            expect('}');
        } else if (c == '[') {
            ++i_;
            v.type = Value::Type::array;
            if (take(']')) return v;
            do v.items.push_back(value());
            while (take(','));
            expect(']');
        } else if (c == '"') {
            v.type = Value::Type::string;
            v.str = string();
        } else if (s_.compare(i_, 4, "true") == 0) {
            i_ += 4;
            v.type = Value::Type::boolean;
            v.b = true;
        } else if (s_.compare(i_, 5, "false") == 0) {
            i_ += 5;
            v.type = Value::Type::boolean;
        } else if (s_.compare(i_, 4, "null") == 0) {
            i_ += 4;
        } else {
            v.type = Value::Type::number;
            v.num = number();
        }
        return v;
    }
    std::string string() {
        ++i_;  // opening quote
        std::string out;
        while (true) {
            if (i_ >= s_.size()) fail("unterminated string");
            const char c = s_[i_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= s_.size()) fail("unterminated escape");
            const char e = s_[i_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    if (i_ + 4 > s_.size()) fail("short \\u escape");
                    const unsigned code = static_cast<unsigned>(std::stoul(s_.substr(i_, 4), nullptr, 16));
                    i_ += 4;
                    if (code < 0x80) out += static_cast<char>(code);
                    else out += '?';  // tests only need ASCII back
                    break;
                }
                default: fail("bad escape");
            }
        }
    }
    double number() {
        const size_t start = i_;
        if (i_ < s_.size() && s_[i_] == '-') ++i_;
        if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) fail("expected a value");
        if (s_[i_] == '0') ++i_;
        else
            while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
        if (i_ < s_.size() && s_[i_] == '.') {
            ++i_;
            if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) fail("digit expected after '.'");
            while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
        }
        if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
            ++i_;
            if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
            if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) fail("digit expected in exponent");
            while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
        }
        return std::strtod(s_.substr(start, i_ - start).c_str(), nullptr);
    }
};

inline Value parse(const std::string& text) { return Parser(text).parse(); }

inline Value parse_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("json: cannot open " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return parse(ss.str());
}

/// Checks a Chrome trace-event document: the object with "traceEvents" (an array) and
/// "displayTimeUnit"; every "X" event has name, cat, ts >= 0, dur >= 0, pid, tid, args; and on
/// each (pid, tid) the complete events nest — sorted by start (longer first on ties), each
/// event lies inside the innermost open one or starts after it ends. Returns "" when valid,
/// else what is wrong. `complete_events` receives the number of "X" events.
inline std::string check_chrome_trace(const Value& doc, size_t* complete_events = nullptr) {
    if (!doc.is_object() || !doc.has("traceEvents") || !doc["traceEvents"].is_array())
        return "not an object with a traceEvents array";
    if (!doc.has("displayTimeUnit") || !doc["displayTimeUnit"].is_string()) return "no displayTimeUnit";
    struct Span {
        double ts, end;
        size_t index;
    };
    std::map<std::pair<double, double>, std::vector<Span>> by_thread;
    size_t count = 0;
    const auto& evs = doc["traceEvents"].items;
    for (size_t i = 0; i < evs.size(); ++i) {
        const Value& e = evs[i];
        if (!e.is_object() || !e.has("ph") || !e["ph"].is_string()) return "event " + std::to_string(i) + " has no ph";
        if (e["ph"].str != "X") continue;
        for (const char* key : {"name", "cat", "ts", "dur", "pid", "tid", "args"})
            if (!e.has(key)) return "event " + std::to_string(i) + " has no " + key;
        if (!e["name"].is_string() || !e["ts"].is_number() || !e["dur"].is_number() || !e["pid"].is_number() ||
            !e["tid"].is_number() || !e["args"].is_object())
            return "event " + std::to_string(i) + " has a field of the wrong type";
        if (e["ts"].num < 0 || e["dur"].num < 0) return "event " + std::to_string(i) + " has a negative time";
        by_thread[{e["pid"].num, e["tid"].num}].push_back({e["ts"].num, e["ts"].num + e["dur"].num, i});
        ++count;
    }
    for (auto& [thread, spans] : by_thread) {
        std::stable_sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
            return a.ts != b.ts ? a.ts < b.ts : a.end > b.end;
        });
        std::vector<Span> open;
        const double eps = 1e-6;  // microseconds printed with 3 decimals: compare exactly, allowing rounding noise
        for (const Span& s : spans) {
            while (!open.empty() && s.ts >= open.back().end - eps && !(s.end <= open.back().end + eps)) open.pop_back();
            while (!open.empty() && s.ts >= open.back().end + eps) open.pop_back();
            if (!open.empty() && s.end > open.back().end + eps)
                return "event " + std::to_string(s.index) + " overlaps event " + std::to_string(open.back().index) +
                       " without nesting in it";
            open.push_back(s);
        }
    }
    if (complete_events) *complete_events = count;
    return "";
}

}  // namespace test_json
