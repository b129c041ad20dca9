// fuzz/fuzz_common.hpp — what every harness shares: a scratch file for readers that take a path,
// and the rule that only TinyTorch's own typed errors are an acceptable answer to hostile bytes.
// Any other exception (std::invalid_argument from a number parser, std::bad_alloc from a size that
// was not checked...) escapes the harness, and libFuzzer reports it as a crash.
#pragma once
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace fuzz {

/// A file of this process in the temp folder, rewritten by every run.
inline const std::string& scratch_path(const char* suffix) {
    static std::string base = (std::filesystem::temp_directory_path() /
                               ("tinytorch_fuzz_" + std::to_string(::getpid()))).string();
    static std::string paths[8];
    static const char* suffixes[8] = {};
    for (int i = 0; i < 8; ++i) {
        if (suffixes[i] == suffix) return paths[i];
        if (!suffixes[i]) {
            suffixes[i] = suffix;
            paths[i] = base + suffix;
            return paths[i];
        }
    }
    return base;
}

/// Write `data` to the scratch file with that suffix and return its path.
inline const std::string& write_scratch(const uint8_t* data, size_t size, const char* suffix) {
    const std::string& path = scratch_path(suffix);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) __builtin_trap();
    if (size) std::fwrite(data, 1, size, f);
    std::fclose(f);
    return path;
}

inline std::string as_string(const uint8_t* data, size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

/// A stop that libFuzzer reports (with the input) when an invariant of a reader does not hold.
#define FUZZ_CHECK(cond)                                                                          \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);   \
            __builtin_trap();                                                                     \
        }                                                                                         \
    } while (0)

}  // namespace fuzz
