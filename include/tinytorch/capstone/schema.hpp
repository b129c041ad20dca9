// include/tinytorch/capstone/schema.hpp
// Module 20 · Capstone — lesson: modules/20_capstone/README.md §3 (a schema written in code)
//
// A schema says what a valid report holds: which fields, of which kind, within which bounds. It
// is written here as C++ values, so the compiler checks it and the grader and the student's
// program share one definition:
//
//   Schema latency{{Field::integer("batch").at_least(1),
//                   Field::number("p50_s").above(0).hint("seconds per call, module 19's harness")}};
//   validate(report, latency);     // SchemaError: $.p50_s: expected a number > 0, got -3; hint: ...
//
// A field is required unless marked optional(); members the schema does not name are allowed
// (a later version of the report may add some). An array field checks every item, and an
// array of objects validates each item against its own schema. Every failure is a SchemaError
// (a DataError) that names the path of the value ($.variants[1].size_bytes), what was expected,
// what came and a hint.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tinytorch/capstone/json_value.hpp"

namespace tinytorch::capstone {

/// A report that does not fit its schema: path ("$.variants[0].accuracy"), expected, got, hint.
class SchemaError : public DataError {
public:
    SchemaError(std::string path, std::string expected, std::string got, const std::string& hint)
        : DataError(fmt("submission report: ", path, ": expected ", expected, ", got ", got, "; hint: ", hint)),
          path_(std::move(path)),
          expected_(std::move(expected)),
          got_(std::move(got)) {}
    const std::string& path() const { return path_; }
    const std::string& expected() const { return expected_; }
    const std::string& got() const { return got_; }

private:
    std::string path_, expected_, got_;
};

/// What a field's value must be. `integer` is a number without a fraction.
enum class Kind { boolean, number, integer, string, array, object };

struct Schema;

/// One field of an object: its name, kind, bounds and a hint for the error message.
struct Field {
    std::string name;
    Kind kind = Kind::number;
    bool required = true;
    std::optional<double> min, max;  ///< numbers and integers: value >= min (> min if min_exclusive), value <= max
    bool min_exclusive = false;
    bool non_empty = false;                ///< strings: at least one character
    std::vector<std::string> allowed;      ///< strings: one of these (empty: any)
    Kind item_kind = Kind::string;         ///< arrays: the kind of every item
    size_t min_items = 0;                  ///< arrays: at least this many items
    std::shared_ptr<const Schema> schema;  ///< objects, and arrays whose items are objects
    std::string hint_text;

    static Field number(std::string name) { return make(std::move(name), Kind::number); }
    static Field integer(std::string name) { return make(std::move(name), Kind::integer); }
    static Field string(std::string name) { return make(std::move(name), Kind::string); }
    static Field boolean(std::string name) { return make(std::move(name), Kind::boolean); }
    static Field object(std::string name, Schema fields);
    static Field array_of(std::string name, Kind item) {
        Field f = make(std::move(name), Kind::array);
        f.item_kind = item;
        return f;
    }
    static Field array_of(std::string name, Schema items);

    Field& optional() { required = false; return *this; }
    Field& at_least(double v) { min = v; min_exclusive = false; return *this; }
    Field& above(double v) { min = v; min_exclusive = true; return *this; }
    Field& at_most(double v) { max = v; return *this; }
    Field& between(double lo, double hi) { return at_least(lo).at_most(hi); }
    Field& one_of(std::vector<std::string> values) { allowed = std::move(values); return *this; }
    Field& not_empty() { non_empty = true; return *this; }
    Field& items_at_least(size_t n) { min_items = n; return *this; }
    Field& hint(std::string text) { hint_text = std::move(text); return *this; }

private:
    static Field make(std::string name, Kind kind) {
        Field f;
        f.name = std::move(name);
        f.kind = kind;
        return f;
    }
};

/// The fields of one JSON object.
struct Schema {
    std::vector<Field> fields;
};

inline Field Field::object(std::string name, Schema fields) {
    Field f = make(std::move(name), Kind::object);
    f.schema = std::make_shared<const Schema>(std::move(fields));
    return f;
}
inline Field Field::array_of(std::string name, Schema items) {
    Field f = make(std::move(name), Kind::array);
    f.item_kind = Kind::object;
    f.schema = std::make_shared<const Schema>(std::move(items));
    return f;
}

inline const char* kind_name(Kind k) {
    switch (k) {
        case Kind::boolean: return "a boolean";
        case Kind::number: return "a number";
        case Kind::integer: return "an integer";
        case Kind::string: return "a string";
        case Kind::array: return "an array";
        case Kind::object: return "an object";
    }
    return "?";
}

/// What `f` asks for, in words, for the "expected ..." part of a SchemaError:
/// "an integer >= 1", "a number in [0, 1]", "a number > 0", "one of \"float32\", \"int8\"",
/// "a non-empty string", "an array of at least 1 object".
inline std::string expectation(const Field& f) {
    if (f.kind == Kind::string && !f.allowed.empty()) {
        std::string s = "one of ";
        for (size_t i = 0; i < f.allowed.size(); ++i) s += (i ? ", " : "") + json::quote(f.allowed[i]);
        return s;
    }
    if (f.kind == Kind::string) return f.non_empty ? "a non-empty string" : "a string";
    if (f.kind == Kind::array) {
        std::string item = kind_name(f.item_kind);
        item = item.substr(item.find(' ') + 1);  // "an integer" -> "integer"
        if (f.min_items > 0) return fmt("an array of at least ", f.min_items, " ", item, f.min_items > 1 ? "s" : "");
        return fmt("an array of ", item, "s");
    }
    std::string s = kind_name(f.kind);
    if ((f.kind == Kind::number || f.kind == Kind::integer) && f.min && f.max && !f.min_exclusive)
        return fmt(s, " in [", json::number(*f.min), ", ", json::number(*f.max), "]");
    if ((f.kind == Kind::number || f.kind == Kind::integer) && f.min)
        s += fmt(f.min_exclusive ? " > " : " >= ", json::number(*f.min));
    if ((f.kind == Kind::number || f.kind == Kind::integer) && f.max) s += fmt(f.min ? " and <= " : " <= ", json::number(*f.max));
    return s;
}

/// Check one value against its field: the kind (an integer is a number without a fraction), the
/// bounds of numbers, the allowed values and emptiness of strings, the item count and item kind of
/// arrays (items that are objects are left to validate()). SchemaError at `path` otherwise, with
/// expectation(f), v.describe() and the field's hint. Objects are not looked into here.
inline void check_value(const json::Value& v, const Field& f, const std::string& path) {
    const std::string hint = f.hint_text.empty() ? std::string("see submission_schema() in include/tinytorch/capstone/")
                                                 : f.hint_text;
    // BEGIN SOLUTION: check_value (§3)
    auto fail = [&](const std::string& got) { throw SchemaError(path, expectation(f), got, hint); };
    switch (f.kind) {
        case Kind::boolean:
            if (!v.is_bool()) fail(v.describe());
            break;
        case Kind::number:
        case Kind::integer: {
            if (!v.is_number()) fail(v.describe());
            if (f.kind == Kind::integer && !v.is_integer()) fail(v.describe() + " (not a whole number)");
            const double x = v.as_number();
            if (f.min && (f.min_exclusive ? !(x > *f.min) : !(x >= *f.min))) fail(v.describe());
            if (f.max && !(x <= *f.max)) fail(v.describe());
            break;
        }
        case Kind::string:
            if (!v.is_string()) fail(v.describe());
            if (f.non_empty && v.as_string().empty()) fail("an empty string");
            if (!f.allowed.empty()) {
                bool found = false;
                for (const std::string& a : f.allowed) found = found || a == v.as_string();
                if (!found) fail(v.describe());
            }
            break;
        case Kind::array: {
            if (!v.is_array()) fail(v.describe());
            if (v.size() < f.min_items) fail(v.describe());
            if (f.item_kind == Kind::object) break;  // validate() checks each object item
            Field item;
            item.kind = f.item_kind;
            item.hint_text = hint;
            for (size_t i = 0; i < v.size(); ++i) check_value(v[i], item, fmt(path, "[", i, "]"));
            break;
        }
        case Kind::object:
            if (!v.is_object()) fail(v.describe());
            break;
    }
    // END SOLUTION
}

/// Validate the object `v` against `schema`: `v` must be an object; every required field must be
/// there (a missing one: SchemaError at path.name, got "nothing (the field is missing)"); every
/// present field passes check_value; an object field is validated against its schema at
/// "path.name", each object item of an array at "path.name[i]". Fields the schema does not name
/// are allowed. Throws the first SchemaError found, in schema order.
inline void validate(const json::Value& v, const Schema& schema, const std::string& path = "$") {
    // BEGIN SOLUTION: validate (§3)
    if (!v.is_object()) throw SchemaError(path, "an object", v.describe(), "a report is one JSON object {...}");
    for (const Field& f : schema.fields) {
        const std::string at = path + "." + f.name;
        const json::Value* member = v.find(f.name);
        if (!member) {
            if (f.required)
                throw SchemaError(at, expectation(f), "nothing (the field is missing)",
                                  f.hint_text.empty() ? std::string("the field is required") : f.hint_text);
            continue;
        }
        check_value(*member, f, at);
        if (f.kind == Kind::object && f.schema) validate(*member, *f.schema, at);
        if (f.kind == Kind::array && f.item_kind == Kind::object && f.schema)
            for (size_t i = 0; i < member->size(); ++i) validate((*member)[i], *f.schema, fmt(at, "[", i, "]"));
    }
    // END SOLUTION
}

}  // namespace tinytorch::capstone
