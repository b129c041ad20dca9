// include/tinytorch/profiling/json_writer.hpp
// Module 14 · Profiling — lesson: modules/14_profiling/README.md §4
//
// The two things every JSON writer needs: a quoted, escaped string and a number that is valid
// JSON (no NaN or infinity — those become null). Used by the Chrome trace (§4) and by module 19.
#pragma once
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::json {

/// "text" with quotes, backslashes and control characters escaped (RFC 8259 §7).
inline std::string quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

/// A number with up to `digits` significant digits; null for NaN and infinities.
inline std::string number(double v, int digits = 10) {
    if (!std::isfinite(v)) return "null";
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}
inline std::string number(int64_t v) { return std::to_string(v); }
inline std::string number(int v) { return std::to_string(v); }

/// Microseconds with exactly three decimals from nanoseconds: exact, so nested ranges stay nested.
inline std::string microseconds(int64_t ns) {
    char buf[48];
    const int64_t whole = ns / 1000, frac = ns % 1000;
    std::snprintf(buf, sizeof buf, "%s%lld.%03lld", ns < 0 ? "-" : "", static_cast<long long>(whole < 0 ? -whole : whole),
                  static_cast<long long>(frac < 0 ? -frac : frac));
    return buf;
}

/// [2, 3] as a JSON array.
inline std::string shape(const Shape& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

/// [1.5, 2, null]
inline std::string array(const std::vector<double>& values, int digits = 10) {
    std::string out = "[";
    for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + number(values[i], digits);
    return out + "]";
}

}  // namespace tinytorch::json
