// include/tinytorch/tensor/errors.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §9 (errors)
//
// One exception hierarchy for the whole framework. Every message says what was expected,
// what came, and a hint — so a failing test tells a student what to fix.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace tinytorch {

/// Base of every TinyTorch exception: catch this to catch them all.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Shapes that do not fit together: matmul inner dims, broadcasting, reshape sizes.
class ShapeError : public Error {
public:
    using Error::Error;
};

/// An index or dimension outside its range.
class IndexError : public Error {
public:
    using Error::Error;
};

/// A value outside what an operation accepts (negative probability, empty input, ...).
class ValueError : public Error {
public:
    using Error::Error;
};

/// A file or dataset that is missing, truncated or malformed.
class DataError : public Error {
public:
    using Error::Error;
};

/// A NaN or infinity that an operation produced, found by anomaly detection
/// (autograd::DetectAnomalyGuard) or by the Trainer's check of the loss.
class AnomalyError : public Error {
public:
    using Error::Error;
};

/// Thrown by every stub in the student release: names the module, the function and the
/// lesson section to read.
class NotImplemented : public Error {
public:
    /// `file` and `line` (TINYTORCH_TODO passes __FILE__ and __LINE__) name where the stub is.
    NotImplemented(const std::string& module, const std::string& function, const std::string& section,
                   const std::string& file = "", int line = 0)
        : Error("NotImplemented: " + function + " (module " + module + ") is yours to write; read modules/" +
                module + "/README.md " + section + ", then fill in its body in " + where(file, line)),
          module_(module),
          function_(function),
          section_(section) {}
    const std::string& module() const { return module_; }
    const std::string& function() const { return function_; }
    const std::string& section() const { return section_; }

private:
    // "include/tinytorch/tensor/shape.hpp:38" from the compiler's path of the header
    static std::string where(const std::string& file, int line) {
        std::string::size_type at = file.rfind("include/tinytorch/");
        std::string f = at == std::string::npos ? (file.empty() ? std::string("include/tinytorch/") : file)
                                                : file.substr(at);
        return line > 0 ? f + ":" + std::to_string(line) : f;
    }
    std::string module_, function_, section_;
};

/// Concatenate anything printable into one string: fmt("got ", 3, " dims").
template <typename... Args>
std::string fmt(Args&&... args) {
    std::ostringstream out;
    (out << ... << std::forward<Args>(args));
    return out.str();
}

}  // namespace tinytorch

/// The one-line stub that replaces a solution region in the student release.
#define TINYTORCH_TODO(module, function, section) \
    throw ::tinytorch::NotImplemented(module, function, section, __FILE__, __LINE__)
