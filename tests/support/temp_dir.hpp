// tests/support/temp_dir.hpp — a scratch folder for tests that write files (fixtures, saved
// tokenizers, checkpoints): a fresh folder under the system temp dir, named after the test
// program, the process and a counter, removed with everything in it at scope exit.
#pragma once
#include <atomic>
#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

namespace tinytorch_test {

class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
#if defined(TINYTORCH_TEST_MODULE)
        const std::string tag = TINYTORCH_TEST_MODULE;
#else
        const std::string tag = "test";
#endif
        path_ = std::filesystem::temp_directory_path() /
                ("tinytorch_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    /// The path of `name` inside the folder.
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    std::string str() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

}  // namespace tinytorch_test
