// The prebuilt main shared by every module's test program (compiled once).
//
// Unit tests run one thread each by default: ctest already runs two test programs at once on
// two cores, and OpenMP threads that wait for a busy core make small ops thousands of times
// slower. Set TINYTORCH_TEST_THREADS=N to test with N threads.
//
// Where a crash or a hang happened (for ./tito test, which turns this into file:line):
//   * a fatal signal (SIGSEGV, SIGFPE, SIGILL, SIGBUS, SIGABRT) prints, after Catch2's own
//     report, the line "tinytorch-crash: <signal>" and the call stack as
//     "tinytorch-frame: <address relative to the program's start>" lines;
//   * TINYTORCH_TEST_WATCHDOG=S (CTest sets it a second under each test's TIMEOUT): a test case
//     still running S seconds after it started prints "tinytorch-watchdog: ..." and the main
//     thread's stack the same way, then exits with status 124 — so a hang names the loop it is
//     stuck in.
//   * TINYTORCH_TEST_MARKERS=1 (./tito test runs a module's whole suite in one process, not one
//     process per test case as CTest does): each test case is framed by the lines
//     "tinytorch-case: <name>" and "tinytorch-case-end: passed|failed <seconds>", so that tools/tito can
//     split the output per test case and, after a crash or a hang, go on with the tests after it.
// In a sanitizer build the sanitizers report crashes themselves (symbolized); the watchdog then
// prints the stack through the sanitizer runtime.
//
// Under ./tito grade (TINYTORCH_GRADE_FD and TINYTORCH_GRADE_NONCE set) main writes one line,
// "tinytorch-grade <nonce> <exit code>", to that file descriptor after Catch2 has run the test. The
// grader counts a test as passed only with that line and exit code 0, so a submission that ends the
// process early (exit(0) inside a test) or prints "passed" does not pass. main reads both
// variables first and wipes them from the environment.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#ifdef _OPENMP
#include <omp.h>
#endif
#if defined(__linux__) || defined(__APPLE__)
#include <execinfo.h>
#include <pthread.h>
#include <ucontext.h>
#include <unistd.h>
#define TINYTORCH_TEST_BACKTRACE 1
#endif

#include <iostream>
#if TINYTORCH_CATCH_MAJOR == 2
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#else
#include <catch2/catch_session.hpp>
#include <catch2/catch_test_case_info.hpp>
#include <catch2/reporters/catch_reporter_event_listener.hpp>
#include <catch2/reporters/catch_reporter_registrars.hpp>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define TINYTORCH_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TINYTORCH_TEST_SANITIZED 1
#endif
#endif

#ifdef TINYTORCH_TEST_BACKTRACE
#ifdef TINYTORCH_TEST_SANITIZED
extern "C" void __sanitizer_print_stack_trace();
#endif
#if defined(__linux__)
extern "C" char __executable_start;  // first byte of the program's image (set by the linker)
#endif

namespace tinytorch_test_main {

pthread_t main_thread;
int watchdog_seconds = 0;

// Async-signal-safe output: write(2) of fixed strings and hex numbers only.
void put(const char* s) {
    ssize_t ignored = ::write(2, s, std::strlen(s));
    (void)ignored;
}

void put_hex(unsigned long v) {
    char buf[2 + 2 * sizeof(v) + 1];
    int n = 0;
    char digits[2 * sizeof(v)];
    do {
        digits[n++] = "0123456789abcdef"[v & 15u];
        v >>= 4;
    } while (v != 0);
    int k = 0;
    buf[k++] = '0';
    buf[k++] = 'x';
    while (n > 0) buf[k++] = digits[--n];
    buf[k] = '\0';
    put(buf);
}

void put_dec(int v) {
    char buf[16];
    int n = 0;
    char digits[12];
    unsigned u = v < 0 ? 0u : static_cast<unsigned>(v);
    do {
        digits[n++] = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u != 0);
    int k = 0;
    while (n > 0) buf[k++] = digits[--n];
    buf[k] = '\0';
    put(buf);
}

#if defined(__linux__)
const unsigned long image_base = reinterpret_cast<unsigned long>(&__executable_start);
#else
const unsigned long image_base = 0;
#endif

void put_frame(unsigned long address) {
    put("tinytorch-frame: ");
    put_hex(address >= image_base ? address - image_base : address);
    put("\n");
}

// The current thread's stack as "tinytorch-frame: <offset>" lines (offsets from the start of
// the program's image; ./tito adds the link-time address and asks addr2line for file:line).
// fault_pc, when known, is the instruction that faulted: it is printed first, before the unwinder
// runs. A write that ran wild through the heap can have destroyed what backtrace() needs (it then
// crashes inside this handler and the process dies mid-report); the faulting instruction, read
// from the saved registers, is already out by then — and it is the line that did the damage.
void print_frames(unsigned long fault_pc = 0) {
#if defined(__linux__)
    char exe[4096];
    ssize_t len = ::readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len > 0) {
        exe[len] = '\0';
        put("tinytorch-exe: ");
        put(exe);
        put("\n");
    }
#endif
    // +1: ./tito looks up the byte before each address (return addresses point after the call)
    if (fault_pc != 0) put_frame(fault_pc + 1);
#ifdef TINYTORCH_TEST_SANITIZED
    __sanitizer_print_stack_trace();
#else
    void* frames[64];
    int n = ::backtrace(frames, 64);
    for (int i = 0; i < n; ++i) put_frame(reinterpret_cast<unsigned long>(frames[i]));
#endif
}

// The program counter saved when the signal arrived (0 where this file does not know the layout).
unsigned long faulting_pc(void* context) {
#if defined(__linux__) && defined(__x86_64__)
    return static_cast<unsigned long>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]);
#elif defined(__linux__) && defined(__aarch64__)
    return static_cast<unsigned long>(static_cast<ucontext_t*>(context)->uc_mcontext.pc);
#else
    (void)context;
    return 0;
#endif
}

const char* signal_name(int sig) {
    switch (sig) {
        case SIGSEGV: return "SIGSEGV (segmentation fault: a read or write outside the memory the program owns)";
        case SIGFPE: return "SIGFPE (arithmetic error: an integer division by zero?)";
        case SIGILL: return "SIGILL (illegal instruction)";
        case SIGBUS: return "SIGBUS (bus error: a misaligned or unmapped address)";
        case SIGABRT: return "SIGABRT (abort: a failed assert() or std::terminate)";
        default: return "a fatal signal";
    }
}

extern "C" void on_fatal_signal(int sig, siginfo_t*, void* context) {
    put("\ntinytorch-crash: ");
    put(signal_name(sig));
    put("\n");
    // (SIGABRT is raised by abort() inside the C library: there the saved PC is in the library and
    // ./tito skips it; the unwound stack names the caller)
    print_frames(faulting_pc(context));
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

extern "C" void on_watchdog_signal(int) {
    put("\ntinytorch-watchdog: this test was still running after ");
    put_dec(watchdog_seconds);
    put(" s and was stopped (an endless loop?); where it was:\n");
    print_frames();
    ::_exit(124);
}

void install_crash_handlers() {
    static char alt_stack[1 << 16];  // so a stack overflow can still be reported
    stack_t ss{};
    ss.ss_sp = alt_stack;
    ss.ss_size = sizeof(alt_stack);
    ::sigaltstack(&ss, nullptr);
    struct sigaction sa {};
    sa.sa_sigaction = on_fatal_signal;
    sa.sa_flags = SA_ONSTACK | SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
#ifndef TINYTORCH_TEST_SANITIZED  // the sanitizers report crashes better themselves
    for (int sig : {SIGSEGV, SIGFPE, SIGILL, SIGBUS, SIGABRT}) ::sigaction(sig, &sa, nullptr);
#endif
    struct sigaction wd {};
    wd.sa_handler = on_watchdog_signal;
    wd.sa_flags = SA_ONSTACK;
    sigemptyset(&wd.sa_mask);
    ::sigaction(SIGUSR2, &wd, nullptr);
}

// The watchdog's deadline (steady clock, ms); each test case moves it (arm_watchdog).
std::atomic<long long> watchdog_deadline_ms{0};

long long steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void arm_watchdog() {
    if (watchdog_seconds > 0) watchdog_deadline_ms = steady_ms() + 1000LL * watchdog_seconds;
}

void start_watchdog() {
    const char* s = std::getenv("TINYTORCH_TEST_WATCHDOG");
    watchdog_seconds = s && *s ? std::atoi(s) : 0;
    if (watchdog_seconds <= 0) return;
    arm_watchdog();
    std::thread([] {
        for (;;) {  // sleeps until the deadline, which a new test case may have moved meanwhile
            const long long left = watchdog_deadline_ms.load() - steady_ms();
            if (left <= 0) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(left));
        }
        ::pthread_kill(main_thread, SIGUSR2);  // the handler runs on the stuck thread
    }).detach();
}

}  // namespace tinytorch_test_main
#endif  // TINYTORCH_TEST_BACKTRACE

namespace tinytorch_test_main {
// The value of an environment variable, then the variable wiped (its text overwritten too, so
// /proc/self/environ no longer shows it).
std::string take_env(const char* name) {
    char* v = std::getenv(name);
    if (v == nullptr) return std::string();
    std::string value(v);
    std::memset(v, 0, value.size());
    ::unsetenv(name);
    return value;
}
bool markers = false;  // TINYTORCH_TEST_MARKERS=1: frame each test case's output (see the top)

#if TINYTORCH_CATCH_MAJOR == 2
using ListenerBase = Catch::TestEventListenerBase;
#else
using ListenerBase = Catch::EventListenerBase;
#endif

struct CaseMarkers : ListenerBase {
    using ListenerBase::ListenerBase;
    void testCaseStarting(Catch::TestCaseInfo const& info) override {
#ifdef TINYTORCH_TEST_BACKTRACE
        arm_watchdog();  // the time limit counts from the start of each test case
#endif
        started = std::chrono::steady_clock::now();
        if (markers) std::cout << "\ntinytorch-case: " << info.name << std::endl;
    }
    void testCaseEnded(Catch::TestCaseStats const& stats) override {
        if (!markers) return;
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        std::cout << "\ntinytorch-case-end: " << (stats.totals.assertions.allOk() ? "passed " : "failed ")
                  << took.count() << std::endl;
    }
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};
CATCH_REGISTER_LISTENER(CaseMarkers)
}  // namespace tinytorch_test_main

int main(int argc, char* argv[]) {
    const std::string grade_fd = tinytorch_test_main::take_env("TINYTORCH_GRADE_FD"),
                      grade_nonce = tinytorch_test_main::take_env("TINYTORCH_GRADE_NONCE");
#ifdef _OPENMP
    const char* threads = std::getenv("TINYTORCH_TEST_THREADS");
    omp_set_num_threads(threads && *threads ? std::atoi(threads) : 1);
#endif
#ifdef TINYTORCH_TEST_BACKTRACE
    {
        void* warm[4];
        ::backtrace(warm, 4);  // loads the unwinder now, not inside a signal handler
    }
    tinytorch_test_main::main_thread = ::pthread_self();
    tinytorch_test_main::install_crash_handlers();
    tinytorch_test_main::start_watchdog();
#endif
    {
        const char* m = std::getenv("TINYTORCH_TEST_MARKERS");
        tinytorch_test_main::markers = m && std::string(m) == "1" && grade_fd.empty();
    }
    // Catch2 returns the number of failed assertions, capped at 255. A status of 128 or more reads
    // as "killed by a signal" to a shell and to ./tito's runner (tools/tito/run_split.awk), so a
    // run with 200 failed checks would look like a crash: any failure is status 1.
    const int result = Catch::Session().run(argc, argv) == 0 ? 0 : 1;
    if (!grade_fd.empty() && !grade_nonce.empty()) {
        const std::string line = "tinytorch-grade " + grade_nonce + " " + std::to_string(result) + "\n";
        const ssize_t written = ::write(std::atoi(grade_fd.c_str()), line.data(), line.size());
        (void)written;
    }
    return result;
}
