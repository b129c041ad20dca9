// fuzz/fuzz_common.hpp — what every harness shares: a scratch file for readers that take a path,
// and the rule that only TinyTorch's own typed errors are an acceptable answer to hostile bytes.
// Any other exception (std::invalid_argument from a number parser, std::bad_alloc from a size that
// was not checked...) escapes the harness, and libFuzzer reports it as a crash.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace fuzz {

/// The folder for scratch files: $TINYTORCH_FUZZ_SCRATCH, else /dev/shm (memory) when there is
/// one, else the temp folder. Why not simply /tmp: on ext4, a file truncated to zero and written
/// again is flushed to the disk when it is closed (the auto_da_alloc rule) — 3-5 ms per input on
/// the course VM, 20x the time the readers themselves take.
inline std::filesystem::path scratch_dir() {
    std::error_code ec;
    if (const char* dir = std::getenv("TINYTORCH_FUZZ_SCRATCH"); dir && *dir) return dir;
    if (std::filesystem::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0) return "/dev/shm";
    return std::filesystem::temp_directory_path();
}

/// A file of this process in the scratch folder, rewritten by every run (removed at exit).
inline const std::string& scratch_path(const char* suffix) {
    static const std::string base = (scratch_dir() / ("tinytorch_fuzz_" + std::to_string(::getpid()))).string();
    struct Files {
        std::string paths[8];
        const char* suffixes[8] = {};
        ~Files() {
            for (const std::string& p : paths)
                if (!p.empty()) std::remove(p.c_str());
        }
    };
    static Files files;
    for (int i = 0; i < 8; ++i) {
        if (files.suffixes[i] == suffix) return files.paths[i];
        if (!files.suffixes[i]) {
            files.suffixes[i] = suffix;
            files.paths[i] = base + suffix;
            return files.paths[i];
        }
    }
    __builtin_trap();  // more than 8 suffixes: raise the count
}

/// Write `data` to the scratch file with that suffix and return its path. The file is
/// overwritten in place and then cut to length (no truncation to zero first: see scratch_dir).
inline const std::string& write_scratch(const uint8_t* data, size_t size, const char* suffix) {
    const std::string& path = scratch_path(suffix);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0600);
    if (fd < 0) __builtin_trap();
    for (size_t done = 0; done < size;) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n <= 0) __builtin_trap();
        done += static_cast<size_t>(n);
    }
    if (::ftruncate(fd, static_cast<off_t>(size)) != 0) __builtin_trap();
    ::close(fd);
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
