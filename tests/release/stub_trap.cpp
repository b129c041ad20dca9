// tests/release/stub_trap.cpp — an LD_PRELOAD library for the release check: it ends the process
// (exit status 86, message on stderr) the moment a stub of the release throws its
// tinytorch::NotImplemented.
//
// [provided] tests run in the fully stubbed release with it, so a [provided] test that reaches a
// stub fails even when it catches the exception — e.g. CHECK_THROWS_AS(f(), Error) passes with a
// stub only because NotImplemented is an Error. It interposes the C++ runtime's __cxa_throw (every
// `throw` calls it) and forwards every other exception to the real one. "A stub" is a
// (module, function) pair listed in the file named by TINYTORCH_STUB_TRAP_NAMES (one
// "module<TAB>function" per line; the release check writes it from the release's TINYTORCH_TODO
// lines), so a test may still throw a NotImplemented of its own (with a made-up function name);
// without the variable every NotImplemented counts. Built against the release's errors.hpp:
//   g++ -shared -fPIC -O1 -I<release>/include stub_trap.cpp -o stub_trap.so -ldl
#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <typeinfo>

#include "tinytorch/tensor/errors.hpp"

namespace {
using ThrowFn = void (*)(void*, std::type_info*, void (*)(void*));
void say(const char* s) {
    ssize_t ignored = write(2, s, std::strlen(s));
    (void)ignored;
}
/// "\n" + the names file + "\n", read once (empty when the variable is not set).
const std::string& stub_names() {
    static const std::string names = [] {
        std::string text;
        const char* path = std::getenv("TINYTORCH_STUB_TRAP_NAMES");
        if (path == nullptr || *path == '\0') return text;
        text = "\n";
        if (FILE* f = std::fopen(path, "rb")) {
            char buf[4096];
            for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
            std::fclose(f);
        }
        text += "\n";
        return text;
    }();
    return names;
}
bool is_stub(const tinytorch::NotImplemented& e) {
    const std::string& names = stub_names();
    if (names.empty()) return true;
    return names.find("\n" + e.module() + "\t" + e.function() + "\n") != std::string::npos;
}
}  // namespace

extern "C" [[noreturn]] void __cxa_throw(void* object, std::type_info* type, void (*destroy)(void*)) {
    static ThrowFn real = reinterpret_cast<ThrowFn>(dlsym(RTLD_NEXT, "__cxa_throw"));
    if (type != nullptr && *type == typeid(tinytorch::NotImplemented)) {
        const auto& e = *static_cast<const tinytorch::NotImplemented*>(object);
        if (is_stub(e)) {
            say("\nrelease check: this test reached a stub: ");
            say(e.what());
            say("\n  a [provided] test must not call code a student writes (tinytorch::NotImplemented thrown)\n");
            _exit(86);
        }
    }
    real(object, type, destroy);
    __builtin_unreachable();
}
