// include/tinytorch/training/safetensors.hpp
// Module 08 · Training — lesson: modules/08_training/README.md §4 (checkpoints)
//
// The safetensors file format (the one Hugging Face and PyTorch users share):
//   bytes 0..7   N, the header length, unsigned 64-bit little-endian
//   bytes 8..8+N a JSON object: {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
//                 "__metadata__": {"key": "value", ...}}   (offsets relative to the data section)
//   the rest     the raw little-endian tensor bytes, one tensor after another.
// Unlike pickle, loading it runs no code: it is only a table of contents and numbers.
//
// Reading: load_safetensors_raw is the one place that parses a file (header, offsets, bytes) and
// returns each tensor's dtype, shape and raw bytes (module 15 keeps I8 bytes as they are);
// load_safetensors converts F32, F16, BF16, F64, I64, I32, I16, I8, U8 and BOOL to float32
// (BOOL tagged kBool). Writing: F32 by default, BOOL for kBool tensors, and any tensor named in
// `dtypes` as I64 (PyTorch's int64 buffers, e.g. BatchNorm2d's num_batches_tracked: pytorch_dtypes).
#pragma once
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tinytorch/layers/state_dict.hpp"
#include "tinytorch/tensor/checked_size.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::train {

/// String key -> string value pairs stored beside the tensors (epoch, scheduler state, ...).
using Metadata = std::map<std::string, std::string>;

namespace detail {

/// Where `s` stops being well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
/// above U+10FFFF), or std::string::npos when all of it is. A safetensors header is UTF-8 JSON.
inline size_t utf8_error_at(const std::string& s) {
    size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) { ++i; continue; }
        size_t len;
        uint32_t cp, smallest;  // smallest: below it the same code point has a shorter form (overlong)
        if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1Fu; smallest = 0x80; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0Fu; smallest = 0x800; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07u; smallest = 0x10000; }
        else return i;
        if (len > s.size() - i) return i;
        for (size_t k = 1; k < len; ++k) {
            const unsigned char d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (d & 0x3Fu);
        }
        if (cp < smallest || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += len;
    }
    return std::string::npos;
}

/// Code point -> its UTF-8 bytes (cp <= U+10FFFF, not a surrogate).
inline void append_utf8(std::string& out, uint32_t cp) {
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

/// `s` as the inside of a JSON string: quotes, backslashes and control characters escaped,
/// other UTF-8 kept as it is. ValueError when `s` is not UTF-8 (no reader would accept it).
inline std::string json_escape(const std::string& s) {
    if (const size_t bad = utf8_error_at(s); bad != std::string::npos)
        throw ValueError(fmt("save_safetensors: the name or metadata text '", s, "' is not valid UTF-8 (byte ", bad,
                             "); hint: safetensors headers are UTF-8 JSON and PyTorch refuses any other bytes"));
    std::string out;
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out;
}

/// The most bytes a header may have: PyTorch's reader (the safetensors library) refuses more.
inline constexpr uint64_t kMaxHeaderBytes = 100'000'000;

/// A strict JSON reader for the safetensors header — exactly what the format allows, no more:
/// one object that begins at the first byte, whose values are tensor entries
/// {"dtype": "...", "shape": [...], "data_offsets": [begin, end]} or, under "__metadata__", an
/// object of strings; then only whitespace padding (writers pad with spaces to 8 bytes).
/// Strings are UTF-8 with JSON escapes (\uXXXX decoded to UTF-8, surrogate pairs joined);
/// integers are whole numbers within 64 bits; a duplicate key, a lone surrogate, a control
/// character, a number that does not fit or a shape of more than 2^48 elements is a DataError
/// naming the file and the byte — never a std:: exception, never a wrapped size.
class HeaderParser {
public:
    HeaderParser(const std::string& text, const std::string& path) : s_(text), path_(path) {}

    struct Entry {
        std::vector<int64_t> shape;
        uint64_t begin = 0, end = 0;
        std::string dtype;
    };

    void parse(std::vector<std::pair<std::string, Entry>>& entries, Metadata& metadata) {
        if (const size_t bad = utf8_error_at(s_); bad != std::string::npos) {
            i_ = bad;
            fail("the header is not valid UTF-8");
        }
        if (s_.empty() || s_[0] != '{') fail("the header must begin with '{'");
        ++i_;
        std::set<std::string> names;
        bool has_metadata = false;
        if (peek() == '}') {
            ++i_;
        } else {
            while (true) {
                std::string key = string();
                expect(':');
                if (key == "__metadata__") {
                    if (has_metadata) fail("\"__metadata__\" appears twice");
                    has_metadata = true;
                    metadata_object(metadata);
                } else {
                    if (!names.insert(key).second) fail(fmt("the tensor name '", key, "' appears twice"));
                    entries.emplace_back(key, entry(key));
                }
                if (peek() == ',') { ++i_; continue; }
                expect('}');
                break;
            }
        }
        if (peek() != '\0' || i_ != s_.size())
            fail("bytes after the JSON object (only whitespace may pad the header)");
    }

private:
    const std::string& s_;
    const std::string& path_;
    size_t i_ = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw DataError(fmt("safetensors: malformed header in '", path_, "' at byte ", i_ + 8, ": ", what,
                            "; hint: the file is corrupt or not a safetensors file"));
    }
    /// The next character after JSON whitespace, '\0' at the end.
    char peek() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
        return i_ < s_.size() ? s_[i_] : '\0';
    }
    void expect(char c) {
        if (peek() != c || i_ >= s_.size()) fail(fmt("expected '", c, "'"));
        ++i_;
    }
    /// Four hex digits of a \u escape.
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
        expect('"');
        std::string out;
        while (true) {
            if (i_ >= s_.size()) fail("a string is not closed");
            const unsigned char c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') { ++i_; return out; }
            if (c < 0x20) fail("a control character inside a string (JSON writes it as an escape)");
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
                    // \uXXXX is a UTF-16 unit: U+D800..DBFF must be followed by \uDC00..DFFF (the pair
                    // is one code point above U+FFFF); either half alone is not a character.
                    uint32_t cp = hex4();
                    if (cp >= 0xDC00 && cp <= 0xDFFF) fail("a \\u escape is a lone low surrogate");
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        if (s_.compare(i_, 2, "\\u") != 0) fail("a \\u high surrogate is not followed by a low one");
                        i_ += 2;
                        const uint32_t low = hex4();
                        if (low < 0xDC00 || low > 0xDFFF) fail("a \\u high surrogate is not followed by a low one");
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
    /// A JSON whole number >= 0 that fits in 64 bits (no sign, fraction, exponent or leading zero).
    uint64_t integer(const std::string& what) {
        peek();
        const size_t start = i_;
        uint64_t v = 0;
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
            const uint64_t digit = static_cast<uint64_t>(s_[i_] - '0');
            if (!tinytorch::detail::checked_mul(v, 10, v) || !tinytorch::detail::checked_add(v, digit, v))
                fail(fmt(what, " does not fit in 64 bits"));
            ++i_;
        }
        if (start == i_) fail(fmt(what, " must be a whole number >= 0"));
        if (i_ - start > 1 && s_[start] == '0') fail(fmt(what, " has a leading zero"));
        if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E'))
            fail(fmt(what, " must be a whole number, not a fraction"));
        return v;
    }
    std::vector<uint64_t> int_array(const std::string& what) {
        std::vector<uint64_t> out;
        expect('[');
        if (peek() == ']') { ++i_; return out; }
        while (true) {
            out.push_back(integer(what));
            if (out.size() > 64) fail(fmt(what, " has more than 64 numbers"));
            if (peek() == ',') { ++i_; continue; }
            expect(']');
            return out;
        }
    }
    void metadata_object(Metadata& metadata) {
        expect('{');
        if (peek() == '}') { ++i_; return; }
        while (true) {
            std::string k = string();
            expect(':');
            if (peek() != '"') fail(fmt("the metadata value of '", k, "' must be a string"));
            if (!metadata.emplace(k, string()).second) fail(fmt("the metadata key '", k, "' appears twice"));
            if (peek() == ',') { ++i_; continue; }
            expect('}');
            return;
        }
    }
    Entry entry(const std::string& name) {
        Entry e;
        bool has_offsets = false, has_shape = false, has_dtype = false;
        expect('{');
        while (true) {
            std::string key = string();
            expect(':');
            bool& seen = key == "dtype" ? has_dtype : key == "shape" ? has_shape : has_offsets;
            if (key != "dtype" && key != "shape" && key != "data_offsets")
                fail(fmt("unknown field '", key, "' in entry '", name, "'"));
            if (seen) fail(fmt("the field '", key, "' of entry '", name, "' appears twice"));
            seen = true;
            if (key == "dtype") {
                e.dtype = string();
            } else if (key == "shape") {
                for (uint64_t d : int_array(fmt("a dim of '", name, "'"))) {
                    if (d > static_cast<uint64_t>(kMaxNumel)) fail(fmt("the shape of '", name, "' has a dim of ", d, " (more than 2^48)"));
                    e.shape.push_back(static_cast<int64_t>(d));
                }
                if (!try_numel(e.shape))
                    fail(fmt("the shape ", shape_str(e.shape), " of '", name, "' has more than 2^48 elements "
                             "(zero dims counted as 1)"));
            } else {
                auto o = int_array(fmt("data_offsets of '", name, "'"));
                if (o.size() != 2) fail(fmt("data_offsets of '", name, "' must have 2 numbers"));
                e.begin = o[0];
                e.end = o[1];
            }
            if (peek() == ',') { ++i_; continue; }
            expect('}');
            break;
        }
        if (!has_offsets || !has_shape || !has_dtype) fail(fmt("entry '", name, "' lacks dtype, shape or data_offsets"));
        return e;
    }
};

}  // namespace detail

/// One tensor as a safetensors file stores it: dtype name ("F32", "I8", ...), shape, raw
/// little-endian bytes (numel × element size).
struct RawTensor {
    std::string dtype;
    Shape shape;
    std::vector<uint8_t> bytes;
};
/// The tensors of a file in file order.
using RawTensors = std::vector<std::pair<std::string, RawTensor>>;
/// name -> dtype to write ("F32", "I64" or "BOOL") for save_safetensors.
using DtypeMap = std::map<std::string, std::string>;

namespace detail {

static_assert(std::endian::native == std::endian::little,
              "safetensors.hpp copies little-endian bytes as they are; a big-endian CPU needs byte swaps");

/// Bytes per element of a safetensors dtype; 0 for one TinyTorch does not know.
inline size_t dtype_size(const std::string& dtype) {
    if (dtype == "F64" || dtype == "I64") return 8;
    if (dtype == "F32" || dtype == "I32") return 4;
    if (dtype == "F16" || dtype == "BF16" || dtype == "I16") return 2;
    if (dtype == "I8" || dtype == "U8" || dtype == "BOOL") return 1;
    return 0;
}
inline const char* known_dtypes() { return "F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL"; }

/// IEEE half (1 sign, 5 exponent, 10 mantissa bits) -> float, subnormals, inf and NaN included.
inline float half_to_float(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
    float magnitude;
    if (exponent == 0) magnitude = std::ldexp(static_cast<float>(mantissa), -24);           // subnormal or 0
    else if (exponent == 31) magnitude = mantissa ? std::nanf("") : std::numeric_limits<float>::infinity();
    else magnitude = std::ldexp(static_cast<float>(mantissa | 0x400u), static_cast<int>(exponent) - 25);
    return sign ? -magnitude : magnitude;
}
/// bfloat16 is the top half of a float32: shift it back.
inline float bfloat16_to_float(uint16_t h) { return std::bit_cast<float>(static_cast<uint32_t>(h) << 16); }

template <typename T>
T read_le(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

/// A RawTensor as float32 (BOOL -> 0/1 tagged kBool). Integers must be exact in float32 (|v| <= 2^24).
inline Tensor raw_to_float(const std::string& name, const RawTensor& raw, const std::string& path) {
    const int64_t n = numel_of(raw.shape);
    Tensor t = empty(raw.shape);
    float* out = t.data_ptr();
    const uint8_t* p = raw.bytes.data();
    const std::string& d = raw.dtype;
    auto exact = [&](auto v, int64_t i) {
        const double x = static_cast<double>(v);
        if (std::fabs(x) > 16777216.0)
            throw DataError(fmt("load_safetensors: tensor '", name, "' in '", path, "' (", d, ") holds ", v,
                                " at position ", i, ", which float32 cannot hold exactly; hint: TinyTorch stores "
                                "float32, exact for integers up to 2^24"));
        return static_cast<float>(x);
    };
    for (int64_t i = 0; i < n; ++i) {
        if (d == "F32") out[i] = read_le<float>(p + 4 * i);
        else if (d == "F64") out[i] = static_cast<float>(read_le<double>(p + 8 * i));
        else if (d == "F16") out[i] = half_to_float(read_le<uint16_t>(p + 2 * i));
        else if (d == "BF16") out[i] = bfloat16_to_float(read_le<uint16_t>(p + 2 * i));
        else if (d == "I64") out[i] = exact(read_le<int64_t>(p + 8 * i), i);
        else if (d == "I32") out[i] = exact(read_le<int32_t>(p + 4 * i), i);
        else if (d == "I16") out[i] = static_cast<float>(read_le<int16_t>(p + 2 * i));
        else if (d == "I8") out[i] = static_cast<float>(static_cast<int8_t>(p[i]));
        else if (d == "U8") out[i] = static_cast<float>(p[i]);
        else if (d == "BOOL") out[i] = p[i] != 0 ? 1.0f : 0.0f;
        else throw DataError(fmt("load_safetensors: tensor '", name, "' in '", path, "' has dtype ", d,
                                 "; hint: TinyTorch reads ", known_dtypes()));
    }
    if (d == "BOOL") t.impl()->dtype = ScalarType::Bool;
    return t;
}

/// The bytes of tensor `t` written as `dtype` (F32, I64 or BOOL).
inline std::vector<uint8_t> float_to_raw(const std::string& name, const Tensor& t, const std::string& dtype) {
    const std::vector<float> v = t.to_vector();  // our floats are little-endian on every supported CPU
    std::vector<uint8_t> out(v.size() * dtype_size(dtype));
    for (size_t i = 0; i < v.size(); ++i) {
        if (dtype == "F32") {
            std::memcpy(out.data() + 4 * i, &v[i], 4);
        } else if (dtype == "I64") {
            if (!(v[i] == std::floor(v[i])))
                throw ValueError(fmt("save_safetensors: tensor '", name, "' holds ", v[i], " at position ", i,
                                     ", which is not an integer, so it cannot be written as I64; hint: write it as F32"));
            const int64_t x = static_cast<int64_t>(v[i]);
            std::memcpy(out.data() + 8 * i, &x, 8);
        } else if (dtype == "BOOL") {
            out[i] = v[i] != 0.0f ? 1 : 0;
        } else {
            throw ValueError(fmt("save_safetensors: cannot write tensor '", name, "' as ", dtype,
                                 "; hint: TinyTorch writes F32, I64 and BOOL"));
        }
    }
    return out;
}

/// The dtype a tensor is written as: `dtypes[name]` if given, BOOL for a kBool tensor, else F32.
inline std::string dtype_to_write(const std::string& name, const Tensor& t, const DtypeMap& dtypes) {
    auto it = dtypes.find(name);
    if (it != dtypes.end()) return it->second;
    return t.dtype() == ScalarType::Bool ? "BOOL" : "F32";
}

}  // namespace detail

/// The dtypes PyTorch gives a state_dict's tensors: I64 for BatchNorm's `num_batches_tracked`
/// (any name ending in it), the rest float32. Pass to save_safetensors so PyTorch reads the file
/// back with its own dtypes (see docs/pytorch-interop.md).
inline DtypeMap pytorch_dtypes(const StateDict& tensors) {
    DtypeMap out;
    const std::string suffix = "num_batches_tracked";
    for (const auto& [name, t] : tensors)
        if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            out[name] = "I64";
    return out;
}

/// Write tensors (and string metadata) to a .safetensors file: F32, or the dtype `dtypes` names
/// (I64 / BOOL; kBool tensors are BOOL).
inline void save_safetensors(const std::string& path, const StateDict& tensors, const Metadata& metadata = {},
                             const DtypeMap& dtypes = {}) {
    // BEGIN SOLUTION: save_safetensors (§4)
    std::vector<std::vector<uint8_t>> data;  // each tensor's bytes, in the dtype it is written as
    std::string header = "{";
    uint64_t offset = 0;
    bool first = true;
    if (!metadata.empty()) {
        header += "\"__metadata__\":{";
        for (auto it = metadata.begin(); it != metadata.end(); ++it) {
            if (it != metadata.begin()) header += ",";
            header += "\"" + detail::json_escape(it->first) + "\":\"" + detail::json_escape(it->second) + "\"";
        }
        header += "}";
        first = false;
    }
    for (const auto& [name, t] : tensors) {
        const std::string dtype = detail::dtype_to_write(name, t, dtypes);
        data.push_back(detail::float_to_raw(name, t, dtype));
        if (!first) header += ",";
        first = false;
        header += "\"" + detail::json_escape(name) + "\":{\"dtype\":\"" + dtype + "\",\"shape\":[";
        for (int64_t d = 0; d < t.dim(); ++d) {
            if (d) header += ',';  // (not `(d ? "," : "") + to_string(..)`: GCC 12 -O3 warns -Wrestrict on that, falsely)
            header += std::to_string(t.size(d));
        }
        const uint64_t bytes = data.back().size();
        header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
        offset += bytes;
    }
    header += "}";
    while (header.size() % 8 != 0) header += ' ';  // the format pads the header to 8 bytes with spaces

    std::ofstream out(path, std::ios::binary);
    if (!out)
        throw DataError(fmt("save_safetensors: cannot open '", path, "' for writing; hint: does the directory exist?"));
    uint64_t n = header.size();
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));  // little-endian
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    for (const std::vector<uint8_t>& bytes : data)
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw DataError(fmt("save_safetensors: writing '", path, "' failed; hint: is the disk full?"));
    // END SOLUTION
}

/// Read every tensor of a .safetensors file as stored (dtype, shape, raw bytes), in file order.
/// The one place a file is parsed. It accepts what PyTorch's reader (the safetensors library)
/// accepts: a header of at most 100 MB that fits the file, and tensors that tile the data section —
/// sorted by offset, each begins where the previous one ended and the last ends at the end of the
/// file (no overlap, no gap, nothing after). Anything else is a DataError naming the file.
inline RawTensors load_safetensors_raw(const std::string& path, Metadata* metadata = nullptr) {
    // BEGIN SOLUTION: load_safetensors_raw (§4)
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw DataError(fmt("load_safetensors: cannot open '", path, "'; hint: check the path"));
    const std::streamoff end_of_file = in.tellg();
    if (end_of_file < 0)
        throw DataError(fmt("load_safetensors: cannot read '", path, "'; hint: is it a directory?"));
    const uint64_t file_size = static_cast<uint64_t>(end_of_file);
    in.seekg(0);
    if (file_size < 8)
        throw DataError(fmt("load_safetensors: '", path, "' has ", file_size,
                            " bytes, fewer than the 8-byte header length; hint: the file is truncated"));
    unsigned char len[8];
    in.read(reinterpret_cast<char*>(len), 8);
    if (!in) throw DataError(fmt("load_safetensors: cannot read '", path, "'; hint: is it a directory?"));
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(len[i]) << (8 * i);
    if (n > file_size - 8)
        throw DataError(fmt("load_safetensors: '", path, "' declares a ", n, "-byte header but only ", file_size - 8,
                            " bytes follow; hint: the file is truncated or not safetensors"));
    if (n > detail::kMaxHeaderBytes)
        throw DataError(fmt("load_safetensors: '", path, "' declares a ", n, "-byte header, more than the ",
                            detail::kMaxHeaderBytes, " bytes safetensors allows; hint: the file is not safetensors"));
    std::string header(n, '\0');
    in.read(header.data(), static_cast<std::streamsize>(n));
    if (!in) throw DataError(fmt("load_safetensors: reading the header of '", path, "' failed"));
    std::vector<std::pair<std::string, detail::HeaderParser::Entry>> entries;
    Metadata meta;
    detail::HeaderParser(header, path).parse(entries, meta);
    const uint64_t data_size = file_size - 8 - n;

    // Each tensor's byte count (shape x element size, checked), then the layout in offset order.
    std::vector<size_t> order(entries.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return std::pair(entries[a].second.begin, entries[a].second.end) <
               std::pair(entries[b].second.begin, entries[b].second.end);
    });
    uint64_t covered = 0;  // where the tensors so far end
    for (size_t k : order) {
        const auto& [name, e] = entries[k];
        const size_t element = detail::dtype_size(e.dtype);
        if (element == 0)
            throw DataError(fmt("load_safetensors: tensor '", name, "' in '", path, "' has dtype ", e.dtype,
                                "; hint: TinyTorch reads ", detail::known_dtypes()));
        const std::optional<uint64_t> bytes = try_nbytes(numel_of(e.shape), element);
        if (!bytes || e.end < e.begin || e.end - e.begin != *bytes)
            throw DataError(fmt("load_safetensors: tensor '", name, "' in '", path, "' has offsets [", e.begin, ", ",
                                e.end, ") but shape ", shape_str(e.shape), " of ", e.dtype, " needs ",
                                bytes ? *bytes : 0, " bytes; hint: the file is corrupt"));
        if (e.begin != covered)
            throw DataError(fmt("load_safetensors: tensor '", name, "' in '", path, "' begins at byte ", e.begin,
                                " of the data section, but the tensors before it end at byte ", covered,
                                e.begin < covered ? " (their bytes overlap)" : " (a gap no tensor owns)",
                                "; hint: in a safetensors file each tensor begins where the previous one ends — "
                                "the file is corrupt or crafted"));
        covered = e.end;
    }
    if (covered != data_size)
        throw DataError(fmt("load_safetensors: the tensors of '", path, "' cover ", covered,
                            " bytes but its data section has ", data_size, " bytes",
                            covered > data_size ? "; hint: the file is truncated"
                                                : " (bytes after the last tensor); hint: the file is corrupt or "
                                                  "something was appended to it"));
    RawTensors out;
    for (const auto& [name, e] : entries) {
        RawTensor raw{e.dtype, e.shape, std::vector<uint8_t>(e.end - e.begin)};
        in.seekg(static_cast<std::streamoff>(8 + n + e.begin));
        in.read(reinterpret_cast<char*>(raw.bytes.data()), static_cast<std::streamsize>(raw.bytes.size()));
        if (!in) throw DataError(fmt("load_safetensors: reading '", name, "' from '", path, "' failed"));
        out.emplace_back(name, std::move(raw));
    }
    if (metadata) *metadata = meta;
    return out;
    // END SOLUTION
}

/// Read every tensor of a .safetensors file as float32 (BOOL as kBool), in file order.
inline StateDict load_safetensors(const std::string& path, Metadata* metadata = nullptr) {
    StateDict out;
    for (const auto& [name, raw] : load_safetensors_raw(path, metadata))
        out.insert(name, detail::raw_to_float(name, raw, path));
    return out;
}

/// Write tensors given as raw bytes (dtype name, shape, little-endian bytes — what
/// load_safetensors_raw returns) to a .safetensors file: any dtype TinyTorch knows (F32, I8, U8,
/// I32, ...), so module 15 can store int8 weights as I8, one byte per value. ValueError for an
/// unknown dtype or a byte count that does not match the shape. (Given code, not a solution.)
inline void save_safetensors_raw(const std::string& path, const RawTensors& tensors, const Metadata& metadata = {}) {
    // the JSON header: {"__metadata__":{...},"name":{"dtype":..,"shape":[..],"data_offsets":[begin,end]},...}
    std::vector<std::string> fields;
    if (!metadata.empty()) {
        std::string meta;
        for (const auto& [key, value] : metadata)
            meta += (meta.empty() ? "\"" : ",\"") + detail::json_escape(key) + "\":\"" + detail::json_escape(value) + "\"";
        fields.push_back("\"__metadata__\":{" + meta + "}");
    }
    uint64_t offset = 0;
    std::set<std::string> names;
    for (const auto& [name, raw] : tensors) {
        if (!names.insert(name).second || name == "__metadata__")
            throw ValueError(fmt("save_safetensors_raw: the name '", name, "' appears twice or is reserved; hint: ",
                                 "each tensor needs its own name, and __metadata__ holds the metadata"));
        const size_t element = detail::dtype_size(raw.dtype);
        if (element == 0)
            throw ValueError(fmt("save_safetensors_raw: tensor '", name, "' has dtype '", raw.dtype,
                                 "'; hint: use one of ", detail::known_dtypes()));
        const uint64_t expected = static_cast<uint64_t>(checked_numel(raw.shape, "save_safetensors_raw")) * element;
        if (raw.bytes.size() != expected)
            throw ValueError(fmt("save_safetensors_raw: tensor '", name, "' has ", raw.bytes.size(), " bytes but shape ",
                                 shape_str(raw.shape), " of ", raw.dtype, " needs ", expected,
                                 "; hint: numel x the dtype's size"));
        std::string shape;
        for (int64_t d : raw.shape) {
            if (!shape.empty()) shape += ',';
            shape += std::to_string(d);
        }
        fields.push_back("\"" + detail::json_escape(name) + "\":{\"dtype\":\"" + raw.dtype + "\",\"shape\":[" + shape +
                         "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + expected) + "]}");
        offset += expected;
    }
    std::string header = "{";
    for (size_t i = 0; i < fields.size(); ++i) header += (i ? "," : "") + fields[i];
    header += "}";
    header.append((8 - header.size() % 8) % 8, ' ');  // padded with spaces to a multiple of 8 bytes
    std::ofstream out(path, std::ios::binary);
    if (!out)
        throw DataError(fmt("save_safetensors_raw: cannot open '", path, "' for writing; hint: does the directory exist?"));
    const uint64_t n = header.size();
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    for (const auto& item : tensors)
        out.write(reinterpret_cast<const char*>(item.second.bytes.data()),
                  static_cast<std::streamsize>(item.second.bytes.size()));
    if (!out) throw DataError(fmt("save_safetensors_raw: writing '", path, "' failed; hint: is the disk full?"));
}

}  // namespace tinytorch::train
