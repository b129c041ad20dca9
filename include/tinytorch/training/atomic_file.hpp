// include/tinytorch/training/atomic_file.hpp
// Module 08 · Training — lesson: modules/08_training/README.md §4 (checkpoints) — given, not yours to write
//
// Writing a file so that a crash, a kill or a full disk in the middle of it never destroys the
// previous version: the bytes go to a temporary file beside the target, are flushed to the disk,
// and only then is the temporary renamed over the target. rename() within one folder is atomic
// on POSIX file systems, so whoever opens the target sees the old file or the complete new one.
//   detail::AtomicFileWriter file("run/ckpt.safetensors");
//   save_safetensors(file.temp_path(), tensors);   // a failure here leaves run/ckpt.safetensors as it was
//   file.commit();                                  // now it is the new file
#pragma once
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <unistd.h>
#endif

#include "tinytorch/tensor/errors.hpp"

namespace tinytorch::train::detail {

class AtomicFileWriter {
public:
    explicit AtomicFileWriter(std::string path) : path_(std::move(path)) {
        static std::atomic<unsigned> counter{0};
#if defined(__unix__) || defined(__APPLE__)
        const long pid = static_cast<long>(::getpid());
#else
        const long pid = 0;
#endif
        temp_ = fmt(path_, ".tmp-", pid, "-", counter++);
    }
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
    /// Not committed (an exception on the way): the temporary goes, the target stays as it was.
    ~AtomicFileWriter() {
        if (!committed_) {
            std::error_code ec;
            std::filesystem::remove(temp_, ec);
        }
    }

    /// Where to write the new contents.
    const std::string& temp_path() const { return temp_; }

    /// Flush the temporary to the disk and rename it over the target. DataError when it cannot.
    void commit() {
#if defined(__unix__) || defined(__APPLE__)
        int fd = ::open(temp_.c_str(), O_RDONLY);
        if (fd < 0 || ::fsync(fd) != 0) {
            const int err = errno;
            if (fd >= 0) ::close(fd);
            throw DataError(fmt("saving ", path_, ": cannot flush the temporary file ", temp_, " (",
                                std::strerror(err), "); hint: is the disk full or the folder read-only? the previous "
                                "file, if any, is unchanged"));
        }
        ::close(fd);
#endif
        if (std::rename(temp_.c_str(), path_.c_str()) != 0)
            throw DataError(fmt("saving ", path_, ": cannot rename ", temp_, " over it (", std::strerror(errno),
                                "); hint: check that the folder is writable and that ", path_, " is not a folder; "
                                "the previous file, if any, is unchanged"));
        committed_ = true;
    }

private:
    std::string path_, temp_;
    bool committed_ = false;
};

}  // namespace tinytorch::train::detail
