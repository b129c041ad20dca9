// milestones/common/soak.hpp — what the long runs of issue 15 share (soak_04_cnn, soak_05_gpt):
// the process's resident memory, a progress row every 1,000 steps, and a checksum of every weight
// bit so that two runs with the same seed at 1 thread can be compared (they must match).
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "common/milestone.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace soak {

/// The flags every soak program takes: --steps N (default 10000), --threads T (default 1, set
/// here), --batch B (the program's default), and the milestone flags (--seed ...).
struct RunFlags {
    int64_t steps = 0, batch = 0;
    uint64_t seed = 0;
};
inline RunFlags parse_run_flags(int argc, char** argv, const char* name, const char* what, int64_t default_batch) {
    const std::string usage = std::string(name) + ": " + what + "\n  --steps N (default 10000)  --threads T (default 1)" +
                              "  --batch B (default " + std::to_string(default_batch) + ")";
    milestone::Flags flags = milestone::parse_flags(argc, argv, name, usage, {"steps", "threads", "batch"});
    RunFlags run;
    run.steps = flags.get_int("steps", 10000, 1, 100000000);
    run.batch = flags.get_int("batch", default_batch, 1, 4096);
    run.seed = flags.seed;
    tinytorch::set_num_threads(static_cast<int>(flags.get_int("threads", 1, 1, 256)));
    return run;
}

/// "VmRSS" (resident now) or "VmHWM" (peak resident) of this process, in MiB (-1 off Linux).
inline double proc_status_mib(const char* key) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key, 0) == 0) return std::strtod(line.c_str() + std::strlen(key) + 1, nullptr) / 1024.0;
    return -1.0;
}

inline void print_header() { std::printf("%8s %10s %12s %12s %10s\n", "step", "loss", "RSS MiB", "peak MiB", "seconds"); }

/// One row: the step, the mean loss since the last row, resident and peak memory, seconds so far.
inline void print_row(int64_t step, double mean_loss, double seconds) {
    std::printf("%8lld %10.4f %12.1f %12.1f %10.1f\n", static_cast<long long>(step), mean_loss,
                proc_status_mib("VmRSS"), proc_status_mib("VmHWM"), seconds);
    std::fflush(stdout);
}

/// FNV-1a over the bits of every value of `params`, in order.
inline uint64_t weights_checksum(const std::vector<tinytorch::Tensor>& params) {
    uint64_t checksum = 1469598103934665603ull;
    for (const tinytorch::Tensor& p : params)
        for (float v : p.to_vector()) {
            uint32_t bits;
            std::memcpy(&bits, &v, 4);
            checksum = (checksum ^ bits) * 1099511628211ull;
        }
    return checksum;
}

}  // namespace soak
