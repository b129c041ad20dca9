// fuzz/fuzz_common.hpp — what every harness shares: a scratch file for readers that take a path,
// and the rule that only TinyTorch's own typed errors are an acceptable answer to hostile bytes.
// Any other exception (std::invalid_argument from a number parser, std::bad_alloc from a size that
// was not checked...) escapes the harness, and libFuzzer reports it as a crash.
#pragma once
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
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

/// The name every scratch file of this process starts with: <scratch folder>/tinytorch_fuzz_<pid>.
inline const std::string& scratch_base() {
    static const std::string base = (scratch_dir() / ("tinytorch_fuzz_" + std::to_string(::getpid()))).string();
    return base;
}

/// A file of this process in the scratch folder, rewritten by every run. Removed at exit: by the
/// destructor below when the fuzzer ends normally, and by the cleaner (start_scratch_cleaner) when
/// it does not — libFuzzer ends a crash, a time-out, an RSS-limit hit and Ctrl-C with _Exit, which
/// runs no destructors, so those runs used to leave their files in /dev/shm.
inline const std::string& scratch_path(const char* suffix) {
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
            files.paths[i] = scratch_base() + suffix;
            return files.paths[i];
        }
    }
    __builtin_trap();  // more than 8 suffixes: raise the count
}

/// Fork a small cleaner process that waits for this one to end — however it ends, SIGKILL
/// included — and then removes its scratch files (every `tinytorch_fuzz_<pid>*` in the scratch
/// folder). It learns of the end from a pipe: only this process holds the write end, and the
/// kernel closes it when the process dies, so the cleaner's read() returns. Call it once, before
/// any thread starts (LLVMFuzzerInitialize).
inline void start_scratch_cleaner() {
    const std::string dir = scratch_dir().string();
    const std::string prefix = std::filesystem::path(scratch_base()).filename().string();
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;  // no cleaner: files stay only after an abnormal end
    const pid_t pid = ::fork();
    if (pid != 0) {  // the fuzzer (or a failed fork)
        ::close(fds[0]);
        return;      // keeps fds[1] open until it dies
    }
    // The cleaner: ignore the signals a terminal or a `kill` of the process group sends, let go of
    // the caller's stdout/stderr (CTest waits until every holder of its pipes is gone) and wait.
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) std::signal(sig, SIG_IGN);
    const int null = ::open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
    for (int fd = 3; fd < 1024; ++fd)
        if (fd != fds[0]) ::close(fd);
    char byte;
    while (::read(fds[0], &byte, 1) != 0) {
    }
    if (DIR* d = ::opendir(dir.c_str())) {
        while (const dirent* e = ::readdir(d)) {
            // tinytorch_fuzz_<pid> followed by a suffix that does not start with a digit (pid 12 is not pid 123)
            if (std::strncmp(e->d_name, prefix.c_str(), prefix.size()) == 0 &&
                (e->d_name[prefix.size()] < '0' || e->d_name[prefix.size()] > '9'))
                ::unlinkat(::dirfd(d), e->d_name, 0);
        }
        ::closedir(d);
    }
    ::_exit(0);  // no destructors, no leak check: this copy owns nothing
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
