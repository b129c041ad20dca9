// tests/golden/golden.hpp — reads PyTorch reference values written by tests/golden/gen_*.py
// (through tests/golden/golden_io.py, the writer of this format).
//
// File format (text, one record per line, '#' starts a comment line):
//   case <name> [key=value ...]                   starts a case; attributes such as op=softmax dim=1
//   tensor <name> <ndim> <d0> .. <dn-1> <values>  a float32 tensor in row-major order (%.9g, inf, nan)
// Include it as "golden/golden.hpp" (tests/ is on every test program's include path).
// Tensors are built with judge::tensor (tests/support/judge.hpp), not with a constructor a
// student writes: an expected value must not pass through the code it judges.
#pragma once
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/judge.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace golden {

struct Case {
    std::string name;
    std::map<std::string, std::string> attrs;
    std::map<std::string, tinytorch::Tensor> tensors;

    bool has(const std::string& key) const { return attrs.count(key) > 0; }
    std::string attr(const std::string& key) const {
        auto it = attrs.find(key);
        if (it == attrs.end()) throw tinytorch::DataError("golden case " + name + " has no attribute " + key);
        return it->second;
    }
    int64_t int_attr(const std::string& key) const { return std::stoll(attr(key)); }
    float float_attr(const std::string& key) const { return std::strtof(attr(key).c_str(), nullptr); }
    const tinytorch::Tensor& tensor(const std::string& key) const {
        auto it = tensors.find(key);
        if (it == tensors.end()) throw tinytorch::DataError("golden case " + name + " has no tensor " + key);
        return it->second;
    }
};

/// The path of tests/golden/<file> in the source tree (TINYTORCH_SOURCE_DIR).
inline std::string path_of(const std::string& file) { return std::string(TINYTORCH_SOURCE_DIR) + "/tests/golden/" + file; }

/// All cases of tests/golden/<file>; throws DataError if it is missing.
inline std::vector<Case> load(const std::string& file) {
    const std::string path = path_of(file);
    std::ifstream in(path);
    if (!in)
        throw tinytorch::DataError("cannot open " + path + "; hint: regenerate it with /usr/bin/python3 tests/golden/gen_*.py");
    std::vector<Case> cases;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream words(line);
        std::string kind;
        words >> kind;
        if (kind == "case") {
            Case c;
            words >> c.name;
            std::string kv;
            while (words >> kv) {
                auto eq = kv.find('=');
                c.attrs[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
            }
            cases.push_back(std::move(c));
        } else if (kind == "tensor") {
            if (cases.empty()) throw tinytorch::DataError(path + ": a tensor line before the first case line");
            std::string name, token;
            int64_t ndim = 0;
            words >> name >> ndim;
            tinytorch::Shape shape(static_cast<size_t>(ndim));
            for (auto& d : shape) words >> d;
            std::vector<float> values;
            while (words >> token) values.push_back(std::strtof(token.c_str(), nullptr));
            cases.back().tensors[name] = judge::tensor(values, shape);
        } else {
            throw tinytorch::DataError(path + ": unknown record '" + kind + "'");
        }
    }
    return cases;
}

/// The case called `name` of tests/golden/<file> (read once per file); a DataError naming the file if
/// there is none.
inline const Case& case_named(const std::string& file, const std::string& name) {
    static std::map<std::string, std::vector<Case>> files;
    auto it = files.find(file);
    if (it == files.end()) it = files.emplace(file, load(file)).first;
    for (const Case& c : it->second)
        if (c.name == name) return c;
    throw tinytorch::DataError("tests/golden/" + file + " has no case " + name +
                               "; hint: rerun its generator, /usr/bin/python3 tests/golden/gen_*.py");
}

/// The cases whose attribute op equals `op`.
inline std::vector<Case> with_op(const std::vector<Case>& cases, const std::string& op) {
    std::vector<Case> out;
    for (const Case& c : cases)
        if (c.has("op") && c.attr("op") == op) out.push_back(c);
    return out;
}

}  // namespace golden
