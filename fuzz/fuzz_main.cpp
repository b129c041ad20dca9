// fuzz/fuzz_main.cpp — one libFuzzer program for every reader of outside bytes; the harness is
// chosen by the environment variable TINYTORCH_FUZZ_TARGET (one program compiles the framework
// once instead of once per harness). Build and run: fuzz/README.md.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fuzz_flags.hpp"
#include "fuzz_readers.hpp"
#include "fuzz_text.hpp"
#include "fuzz_training.hpp"

namespace {
struct Target {
    const char* name;
    int (*run)(const uint8_t*, size_t);
};
constexpr Target kTargets[] = {
    {"idx_raw", fuzz::idx_raw},
    {"idx_gz", fuzz::idx_gz},
    {"cifar10", fuzz::cifar10},
    {"safetensors", fuzz::safetensors},
    {"checkpoint", fuzz::checkpoint},
    {"generator_state", fuzz::generator_state},
    {"bpe_file", fuzz::bpe_file},
    {"char_file", fuzz::char_file},
    {"tokenizer_codec", fuzz::tokenizer_codec},
    {"milestone_flags", fuzz::milestone_flags},
};
int (*g_run)(const uint8_t*, size_t) = nullptr;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const char* name = std::getenv("TINYTORCH_FUZZ_TARGET");
    for (const Target& t : kTargets)
        if (name && std::strcmp(name, t.name) == 0) g_run = t.run;
    if (!g_run) {
        std::fprintf(stderr, "set TINYTORCH_FUZZ_TARGET to one of:");
        for (const Target& t : kTargets) std::fprintf(stderr, " %s", t.name);
        std::fprintf(stderr, "\n");
        std::exit(2);
    }
    fuzz::start_scratch_cleaner();  // before any thread starts (it forks)
    tinytorch::set_num_threads(1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return g_run(data, size); }
