// include/tinytorch/benchmarking/environment.hpp
// Module 19 · Benchmarking — lesson: modules/19_benchmarking/README.md §5 (the environment record)
//
// A number without its machine is not a result. capture_environment() records what changes a
// measurement: the CPU and which vector instructions it has (AVX2, AVX-512 ...) against which
// ones this build uses, the compiler and its flags, TinyTorch's thread count and GEMM backend,
// the variables that steer OpenBLAS and OpenMP (OPENBLAS_CORETYPE picks OpenBLAS's kernels,
// OPENBLAS_L2_SIZE its blocking), and the load average — how busy the machine was.
// Provided code: reading it is the lesson; nothing to implement.
//
// with_environment(argv, settings) goes further and *controls* such variables: OpenBLAS reads
// them when it loads, before main(), so the program sets them and starts itself again.
#pragma once
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/utsname.h>
#include <unistd.h>
#endif

#include "tinytorch/profiling/json_writer.hpp"
#include "tinytorch/tensor/tensor.hpp"

#if defined(__unix__) || defined(__APPLE__)
extern char** environ;
#endif

namespace tinytorch::benchmark {

struct Environment {
    std::string date;              ///< UTC, ISO 8601
    std::string host, kernel;
    std::string cpu_model;
    int logical_cpus = 0;
    std::vector<std::string> cpu_isa;       ///< vector extensions the CPU reports (/proc/cpuinfo)
    std::vector<std::string> compiled_isa;  ///< the ones this build may use (-march)
    std::string compiler, cxx_flags;
    int threads = 1;               ///< TinyTorch's thread count (set_num_threads / OMP_NUM_THREADS)
    std::string gemm_backend;      ///< OpenBLAS, TinyTorch's own kernel or Eigen
    std::vector<std::pair<std::string, std::string>> variables;  ///< OPENBLAS_*, OMP_*, GOMP_*, MKL_*
    std::string openblas_coretype, openblas_l2_size;             ///< their values, "unset" if absent
    double load_1min = -1, load_5min = -1, load_15min = -1;      ///< -1: unknown

    std::string to_json(int indent = 2) const;
    std::string to_string() const;  ///< a few human-readable lines
};

namespace detail {
inline std::string cpuinfo_field(const std::string& key) {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key, 0) == 0) {
            const size_t colon = line.find(':');
            if (colon == std::string::npos) return "";
            const size_t start = line.find_first_not_of(" \t", colon + 1);
            return start == std::string::npos ? "" : line.substr(start);
        }
    return "";
}
inline std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v ? v : fallback;
}
}  // namespace detail

/// The vector ISA extensions worth knowing for this course, as /proc/cpuinfo spells them.
inline const std::vector<std::string>& isa_of_interest() {
    static const std::vector<std::string> names = {"sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512dq",
                                                   "avx512cd", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
                                                   "avx_vnni", "amx_tile", "amx_bf16", "amx_int8", "neon", "asimd"};
    return names;
}

/// The ISA extensions this translation unit was compiled to use.
inline std::vector<std::string> compiled_isa() {
    std::vector<std::string> out;
#ifdef __SSE4_2__
    out.push_back("sse4_2");
#endif
#ifdef __AVX__
    out.push_back("avx");
#endif
#ifdef __AVX2__
    out.push_back("avx2");
#endif
#ifdef __FMA__
    out.push_back("fma");
#endif
#ifdef __AVX512F__
    out.push_back("avx512f");
#endif
#ifdef __AVX512BW__
    out.push_back("avx512bw");
#endif
#ifdef __AVX512VL__
    out.push_back("avx512vl");
#endif
#ifdef __AVX512VNNI__
    out.push_back("avx512_vnni");
#endif
#ifdef __AVX512BF16__
    out.push_back("avx512_bf16");
#endif
#ifdef __ARM_NEON
    out.push_back("neon");
#endif
    return out;
}

inline std::string compiler_version() {
#if defined(__clang__)
    return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
    return std::string("g++ ") + __VERSION__;
#else
    return "unknown compiler";
#endif
}

/// The current load average (1, 5, 15 minutes); -1 where the system does not tell.
inline std::vector<double> load_average() {
    double l[3] = {-1, -1, -1};
#if defined(__unix__) || defined(__APPLE__)
    if (getloadavg(l, 3) != 3) l[0] = l[1] = l[2] = -1;
#endif
    return {l[0], l[1], l[2]};
}

/// Record the machine and software now. TINYTORCH_BUILD_FLAGS (a compile definition the build
/// sets for this project's programs) names the compiler flags.
inline Environment capture_environment() {
    Environment e;
    std::time_t now = std::time(nullptr);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    e.date = date;
#if defined(__unix__) || defined(__APPLE__)
    utsname u{};
    if (uname(&u) == 0) {
        e.host = u.nodename;
        e.kernel = std::string(u.sysname) + " " + u.release + " " + u.machine;
    }
#endif
    e.cpu_model = detail::cpuinfo_field("model name");
    if (e.cpu_model.empty()) e.cpu_model = "unknown (no /proc/cpuinfo)";
    e.logical_cpus = static_cast<int>(std::thread::hardware_concurrency());
    std::istringstream flags(" " + detail::cpuinfo_field("flags") + " " + detail::cpuinfo_field("Features") + " ");
    std::set<std::string> have;
    for (std::string f; flags >> f;) have.insert(f);
    for (const std::string& f : isa_of_interest())
        if (have.count(f)) e.cpu_isa.push_back(f);
    e.compiled_isa = compiled_isa();
    e.compiler = compiler_version();
#ifdef TINYTORCH_BUILD_FLAGS
    e.cxx_flags = TINYTORCH_BUILD_FLAGS;
#else
    e.cxx_flags = "(unknown: compiled without TINYTORCH_BUILD_FLAGS)";
#endif
    e.threads = get_num_threads();
    e.gemm_backend = tinytorch::detail::gemm_backend_name();
#if defined(__unix__) || defined(__APPLE__)
    for (char** v = environ; v && *v; ++v) {
        const std::string kv = *v;
        for (const char* prefix : {"OPENBLAS_", "OMP_", "GOMP_", "GOTO_", "MKL_"})
            if (kv.rfind(prefix, 0) == 0) {
                const size_t eq = kv.find('=');
                e.variables.emplace_back(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
            }
    }
    std::sort(e.variables.begin(), e.variables.end());
#endif
    e.openblas_coretype = detail::env_or("OPENBLAS_CORETYPE", "unset");
    e.openblas_l2_size = detail::env_or("OPENBLAS_L2_SIZE", "unset");
    const std::vector<double> load = load_average();
    e.load_1min = load[0];
    e.load_5min = load[1];
    e.load_15min = load[2];
    return e;
}

inline std::string Environment::to_json(int indent) const {
    const std::string in(static_cast<size_t>(indent), ' '), in2 = in + "  ";
    auto list = [](const std::vector<std::string>& v) {
        std::string s = "[";
        for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + json::quote(v[i]);
        return s + "]";
    };
    std::string vars = "{";
    for (size_t i = 0; i < variables.size(); ++i)
        vars += (i ? ", " : "") + json::quote(variables[i].first) + ": " + json::quote(variables[i].second);
    vars += "}";
    std::string s = "{\n";
    s += in2 + "\"date\": " + json::quote(date) + ",\n";
    s += in2 + "\"host\": " + json::quote(host) + ",\n";
    s += in2 + "\"kernel\": " + json::quote(kernel) + ",\n";
    s += in2 + "\"cpu_model\": " + json::quote(cpu_model) + ",\n";
    s += in2 + "\"logical_cpus\": " + std::to_string(logical_cpus) + ",\n";
    s += in2 + "\"cpu_isa\": " + list(cpu_isa) + ",\n";
    s += in2 + "\"compiled_isa\": " + list(compiled_isa) + ",\n";
    s += in2 + "\"compiler\": " + json::quote(compiler) + ",\n";
    s += in2 + "\"cxx_flags\": " + json::quote(cxx_flags) + ",\n";
    s += in2 + "\"threads\": " + std::to_string(threads) + ",\n";
    s += in2 + "\"gemm_backend\": " + json::quote(gemm_backend) + ",\n";
    s += in2 + "\"openblas_coretype\": " + json::quote(openblas_coretype) + ",\n";
    s += in2 + "\"openblas_l2_size\": " + json::quote(openblas_l2_size) + ",\n";
    s += in2 + "\"variables\": " + vars + ",\n";
    s += in2 + "\"load_average\": " + json::array({load_1min, load_5min, load_15min}, 4) + "\n";
    return s + in + "}";
}

inline std::string Environment::to_string() const {
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
        return s.empty() ? std::string("-") : s;
    };
    char load[64];
    std::snprintf(load, sizeof load, "%.2f %.2f %.2f", load_1min, load_5min, load_15min);
    std::string s;
    s += "  cpu            " + cpu_model + " (" + std::to_string(logical_cpus) + " logical CPUs)\n";
    s += "  isa            cpu: " + join(cpu_isa) + "; this build uses: " + join(compiled_isa) + "\n";
    s += "  compiler       " + compiler + "  " + cxx_flags + "\n";
    s += "  tinytorch      " + std::to_string(threads) + " thread(s), GEMM: " + gemm_backend + "\n";
    s += "  openblas env   OPENBLAS_CORETYPE=" + openblas_coretype + " OPENBLAS_L2_SIZE=" + openblas_l2_size + "\n";
    s += "  load average   " + std::string(load) + "  (" + date + ", " + host + ")\n";
    return s;
}

/// Make sure the process runs with `settings` (name -> value, or std::nullopt to unset): if the
/// environment differs, set it and re-execute this program (Linux: /proc/self/exe) with the
/// same arguments — libraries such as OpenBLAS read their variables before main() runs.
/// Returns true when the environment already matched; false when it could not be made to (not
/// Linux, or already re-executed once — TINYTORCH_REEXEC marks the second start — or execv failed).
inline bool with_environment(char** argv, const std::vector<std::pair<std::string, std::optional<std::string>>>& settings) {
    bool differs = false;
    for (const auto& [name, value] : settings) {
        const char* cur = std::getenv(name.c_str());
        differs = differs || (value ? (!cur || *value != cur) : cur != nullptr);
    }
    if (!differs) return true;
#if defined(__linux__)
    if (std::getenv("TINYTORCH_REEXEC")) return false;
    for (const auto& [name, value] : settings) {
        if (value) setenv(name.c_str(), value->c_str(), 1);
        else unsetenv(name.c_str());
    }
    setenv("TINYTORCH_REEXEC", "1", 1);
    execv("/proc/self/exe", argv);
    std::perror("with_environment: re-executing failed; continuing as started");
#else
    (void)argv;
#endif
    return false;
}

}  // namespace tinytorch::benchmark
