// include/tinytorch/training/safetensors.hpp
// Module 08 · Training — lesson: modules/08_training/README.md §4 (checkpoints)
//
// The safetensors file format (the one Hugging Face uses), float32 only:
//   bytes 0..7   N, the header length, unsigned 64-bit little-endian
//   bytes 8..8+N a JSON object: {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
//                 "__metadata__": {"key": "value", ...}}   (offsets relative to the data section)
//   the rest     the raw little-endian tensor bytes, one tensor after another.
// Unlike pickle, loading it runs no code: it is only a table of contents and numbers.
#pragma once
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tinytorch/layers/state_dict.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::train {

/// String key -> string value pairs stored beside the tensors (epoch, scheduler state, ...).
using Metadata = std::map<std::string, std::string>;

namespace detail {

inline std::string json_escape(const std::string& s) {
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
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out;
}

/// A small JSON reader for the safetensors header: objects, arrays, strings, integers.
class HeaderParser {
public:
    HeaderParser(const std::string& text, const std::string& path) : s_(text), path_(path) {}

    struct Entry {
        std::vector<int64_t> shape;
        uint64_t begin = 0, end = 0;
        std::string dtype;
    };

    void parse(std::vector<std::pair<std::string, Entry>>& entries, Metadata& metadata) {
        expect('{');
        if (peek() == '}') { ++i_; return; }
        while (true) {
            std::string key = string();
            expect(':');
            if (key == "__metadata__") {
                expect('{');
                if (peek() == '}') ++i_;
                else
                    while (true) {
                        std::string k = string();
                        expect(':');
                        metadata[k] = string();
                        if (peek() == ',') { ++i_; continue; }
                        expect('}');
                        break;
                    }
            } else {
                entries.emplace_back(key, entry(key));
            }
            if (peek() == ',') { ++i_; continue; }
            expect('}');
            break;
        }
    }

private:
    const std::string& s_;
    const std::string& path_;
    size_t i_ = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw DataError(fmt("safetensors: malformed header in '", path_, "' at byte ", i_ + 8, ": ", what,
                            "; hint: the file is corrupt or not a safetensors file"));
    }
    char peek() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
        return i_ < s_.size() ? s_[i_] : '\0';
    }
    void expect(char c) {
        if (peek() != c) fail(fmt("expected '", c, "'"));
        ++i_;
    }
    std::string string() {
        expect('"');
        std::string out;
        while (i_ < s_.size() && s_[i_] != '"') {
            char c = s_[i_++];
            if (c == '\\' && i_ < s_.size()) {
                char e = s_[i_++];
                if (e == 'n') out += '\n';
                else if (e == 't') out += '\t';
                else if (e == 'r') out += '\r';
                else if (e == 'u' && i_ + 4 <= s_.size()) {
                    out += static_cast<char>(std::stoi(s_.substr(i_, 4), nullptr, 16));
                    i_ += 4;
                } else out += e;
            } else {
                out += c;
            }
        }
        expect('"');
        return out;
    }
    uint64_t integer() {
        peek();
        size_t start = i_;
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
        if (start == i_) fail("expected a non-negative integer");
        return std::stoull(s_.substr(start, i_ - start));
    }
    std::vector<uint64_t> int_array() {
        std::vector<uint64_t> out;
        expect('[');
        if (peek() == ']') { ++i_; return out; }
        while (true) {
            out.push_back(integer());
            if (peek() == ',') { ++i_; continue; }
            expect(']');
            return out;
        }
    }
    Entry entry(const std::string& name) {
        Entry e;
        bool has_offsets = false, has_shape = false;
        expect('{');
        while (true) {
            std::string key = string();
            expect(':');
            if (key == "dtype") e.dtype = string();
            else if (key == "shape") {
                for (uint64_t d : int_array()) e.shape.push_back(static_cast<int64_t>(d));
                has_shape = true;
            } else if (key == "data_offsets") {
                auto o = int_array();
                if (o.size() != 2) fail(fmt("data_offsets of '", name, "' must have 2 numbers"));
                e.begin = o[0];
                e.end = o[1];
                has_offsets = true;
            } else fail(fmt("unknown field '", key, "' in entry '", name, "'"));
            if (peek() == ',') { ++i_; continue; }
            expect('}');
            break;
        }
        if (!has_offsets || !has_shape || e.dtype.empty()) fail(fmt("entry '", name, "' lacks dtype, shape or data_offsets"));
        return e;
    }
};

}  // namespace detail

/// Write tensors (and string metadata) to a .safetensors file.
inline void save_safetensors(const std::string& path, const StateDict& tensors, const Metadata& metadata = {}) {
    // BEGIN SOLUTION: save_safetensors (§4)
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
        if (!first) header += ",";
        first = false;
        header += "\"" + detail::json_escape(name) + "\":{\"dtype\":\"F32\",\"shape\":[";
        for (int64_t d = 0; d < t.dim(); ++d) header += (d ? "," : "") + std::to_string(t.size(d));
        uint64_t bytes = static_cast<uint64_t>(t.numel()) * 4;
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
    for (const auto& [name, t] : tensors) {
        std::vector<float> v = t.to_vector();  // our floats are little-endian on every supported CPU
        out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
    }
    if (!out) throw DataError(fmt("save_safetensors: writing '", path, "' failed; hint: is the disk full?"));
    // END SOLUTION
}

/// Read every tensor of a .safetensors file (float32 only), in file order.
inline StateDict load_safetensors(const std::string& path, Metadata* metadata = nullptr) {
    // BEGIN SOLUTION: load_safetensors (§4)
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw DataError(fmt("load_safetensors: cannot open '", path, "'; hint: check the path"));
    const uint64_t file_size = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    if (file_size < 8)
        throw DataError(fmt("load_safetensors: '", path, "' has ", file_size,
                            " bytes, fewer than the 8-byte header length; hint: the file is truncated"));
    unsigned char len[8];
    in.read(reinterpret_cast<char*>(len), 8);
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(len[i]) << (8 * i);
    if (n > file_size - 8)
        throw DataError(fmt("load_safetensors: '", path, "' declares a ", n, "-byte header but only ", file_size - 8,
                            " bytes follow; hint: the file is truncated or not safetensors"));
    std::string header(n, '\0');
    in.read(header.data(), static_cast<std::streamsize>(n));
    std::vector<std::pair<std::string, detail::HeaderParser::Entry>> entries;
    Metadata meta;
    detail::HeaderParser(header, path).parse(entries, meta);
    const uint64_t data_size = file_size - 8 - n;
    StateDict out;
    for (const auto& [name, e] : entries) {
        if (e.dtype != "F32")
            throw DataError(fmt("load_safetensors: tensor '", name, "' in '", path, "' has dtype ", e.dtype,
                                "; hint: TinyTorch reads F32 only"));
        uint64_t bytes = static_cast<uint64_t>(numel_of(e.shape)) * 4;
        if (e.end < e.begin || e.end - e.begin != bytes || e.end > data_size)
            throw DataError(fmt("load_safetensors: tensor '", name, "' in '", path, "' has offsets [", e.begin, ", ",
                                e.end, ") but shape ", shape_str(e.shape), " needs ", bytes, " bytes within ",
                                data_size, "; hint: the file is truncated or corrupt"));
        Tensor t = empty(e.shape);
        in.seekg(static_cast<std::streamoff>(8 + n + e.begin));
        in.read(reinterpret_cast<char*>(t.data_ptr()), static_cast<std::streamsize>(bytes));
        if (!in) throw DataError(fmt("load_safetensors: reading '", name, "' from '", path, "' failed"));
        out.insert(name, t);
    }
    if (metadata) *metadata = meta;
    return out;
    // END SOLUTION
}

}  // namespace tinytorch::train
