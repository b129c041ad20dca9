# tools/tito/cmd/doctor.sh — ./tito doctor: what this machine has.

usage_doctor() {
    cat <<EOF
usage: ./tito doctor

Shows what the build needs and what it finds: CMake, the C++ compiler and its version, Eigen,
Catch2, zlib, OpenMP; the CPU, its cores and threads; thread settings in the environment
(OMP_NUM_THREADS, OPENBLAS_*, TINYTORCH_*); the data folder; the state of the build folders.
Nothing is changed. Exit status 1 when something required is missing.
EOF
}

doctor_row() { printf '  %-16s %s\n' "$1" "$2"; }
doctor_ok()  { doctor_row "$1" "${C_GREEN}$2${C_OFF}"; }
doctor_bad() { doctor_row "$1" "${C_RED}$2${C_OFF}"; DOCTOR_PROBLEMS=$((DOCTOR_PROBLEMS + 1)); }
doctor_meh() { doctor_row "$1" "${C_YELLOW}$2${C_OFF}"; }

# First existing file among candidates.
first_file() {
    local f
    for f in "$@"; do [ -f "$f" ] && { printf '%s\n' "$f"; return 0; }; done
    return 1
}

header_dirs() {
    printf '%s\n' /usr/include /usr/local/include /opt/homebrew/include /opt/local/include
    [ -z "${CONDA_PREFIX:-}" ] || printf '%s\n' "$CONDA_PREFIX/include"
    local p all="${CMAKE_PREFIX_PATH:-}:${CPATH:-}"
    for p in ${all//:/ }; do printf '%s\n' "${p%/include}/include"; done
}

run_doctor() {
    [ $# -eq 0 ] || die 2 "doctor takes no arguments"
    DOCTOR_PROBLEMS=0
    local v d f cxx

    say "$(bold "tools")"
    if command -v cmake >/dev/null 2>&1; then
        v=$(cmake --version | awk 'NR == 1 { print $3 }')
        case "$v" in
            3.2[1-9]* | 3.[3-9][0-9]* | [4-9].*) doctor_ok cmake "$v ($(command -v cmake))" ;;
            *) doctor_bad cmake "$v — need >= 3.21" ;;
        esac
    else
        doctor_bad cmake "not found — ./tito setup"
    fi
    command -v ctest >/dev/null 2>&1 || doctor_bad ctest "not found (comes with cmake)"
    cxx=${CXX:-}
    if [ -z "$cxx" ]; then
        for c in c++ g++ clang++; do command -v "$c" >/dev/null 2>&1 && { cxx=$c; break; }; done
    fi
    if [ -n "$cxx" ] && command -v "$cxx" >/dev/null 2>&1; then
        local line major
        line=$("$cxx" --version 2>/dev/null | sed -n 1p)
        v=$("$cxx" -dumpfullversion 2>/dev/null || "$cxx" -dumpversion 2>/dev/null || echo "?")
        major=${v%%.*}
        case "$line" in
            *clang*) if [ "${major:-0}" -ge 14 ] 2>/dev/null || case "$line" in *Apple*) true ;; *) false ;; esac; then
                         doctor_ok compiler "$cxx: $line"; else doctor_bad compiler "$cxx: $line — need clang >= 14"; fi ;;
            *) if [ "${major:-0}" -ge 12 ] 2>/dev/null; then doctor_ok compiler "$cxx: $line"
               else doctor_bad compiler "$cxx: $line — need g++ >= 12"; fi ;;
        esac
    else
        doctor_bad compiler "no C++ compiler found — ./tito setup"
    fi
    # the student preset's compiler (CMakeLists.txt: TINYTORCH_PREFER_CLANG)
    if command -v clang++ >/dev/null 2>&1; then
        doctor_ok "student builds" "$(clang++ --version 2>/dev/null | sed -n 1p) — the preset 'student' compiles tests with it at -O0"
    else
        doctor_meh "student builds" "clang++ not found: a student release builds with g++ -Og, about twice as slow per edit (./tito setup installs clang)"
    fi
    if command -v make >/dev/null 2>&1 || command -v ninja >/dev/null 2>&1; then
        doctor_ok "build tool" "$(command -v ninja >/dev/null 2>&1 && echo "ninja $(ninja --version), ")$(make --version 2>/dev/null | sed -n 1p)"
    else
        doctor_bad "build tool" "neither make nor ninja found"
    fi
    command -v git >/dev/null 2>&1 && doctor_ok git "$(git --version | awk '{ print $3 }')" || doctor_meh git "not found (only needed to clone and for ./tito release)"
    if ! command -v bwrap >/dev/null 2>&1; then
        doctor_meh sandbox "bubblewrap (bwrap) not found: ./tito grade would run submissions unisolated (instructors only; ./tito setup)"
    elif bwrap --die-with-parent --unshare-all --ro-bind / / true >/dev/null 2>&1; then
        doctor_ok sandbox "bubblewrap $(bwrap --version 2>/dev/null | awk '{ print $2 }') works (./tito grade isolates submissions)"
    else
        doctor_meh sandbox "bubblewrap is installed but cannot create a sandbox here (user namespaces off?): ./tito grade runs unisolated"
    fi

    say ""
    say "$(bold "libraries")"
    f=""
    while IFS= read -r d; do
        f=$(first_file "$d/eigen3/Eigen/src/Core/util/Macros.h" "$d/Eigen/src/Core/util/Macros.h") && break
    done < <(header_dirs)
    if [ -n "$f" ]; then
        v=$(awk '/#define EIGEN_WORLD_VERSION/ { w = $3 } /#define EIGEN_MAJOR_VERSION/ { ma = $3 } /#define EIGEN_MINOR_VERSION/ { mi = $3 }
                 END { print w "." ma "." mi }' "$f")
        doctor_ok Eigen "$v (${f%/Eigen/src/Core/util/Macros.h})"
    else
        doctor_bad Eigen "not found — ./tito setup (Debian: libeigen3-dev, Homebrew: eigen)"
    fi
    f=""
    while IFS= read -r d; do
        f=$(first_file "$d/catch2/catch_version_macros.hpp" "$d/catch2/catch.hpp") && break
    done < <(header_dirs)
    if [ -n "$f" ]; then
        v=$(awk '/#define CATCH_VERSION_MAJOR/ { a = $3 } /#define CATCH_VERSION_MINOR/ { b = $3 } /#define CATCH_VERSION_PATCH/ { c = $3 }
                 END { print a "." b "." c }' "$f")
        doctor_ok Catch2 "$v ($f)"
    else
        doctor_bad Catch2 "not found — ./tito setup (Debian: catch2, Homebrew: catch2)"
    fi
    f=""
    while IFS= read -r d; do f=$(first_file "$d/zlib.h") && break; done < <(header_dirs)
    if [ -n "$f" ]; then
        doctor_ok zlib "$(awk -F'"' '/#define ZLIB_VERSION/ { print $2; exit }' "$f") ($f)"
    else
        doctor_meh zlib "not found — .gz datasets must be unpacked by hand (Debian: zlib1g-dev)"
    fi
    if [ -n "$cxx" ] && command -v "$cxx" >/dev/null 2>&1; then
        local tmp
        tmp=$(mktemp -d "${TMPDIR:-/tmp}/tito-omp.XXXXXX")
        printf '#include <omp.h>\nint main() { return omp_get_max_threads() > 0 ? 0 : 1; }\n' >"$tmp/omp.cpp"
        if "$cxx" -fopenmp "$tmp/omp.cpp" -o "$tmp/omp" >/dev/null 2>&1 && "$tmp/omp"; then
            doctor_ok OpenMP "yes ($cxx -fopenmp)"
        else
            doctor_meh OpenMP "not available — kernels run single-threaded (macOS: brew install libomp)"
        fi
        rm -rf "$tmp"
    fi

    say ""
    say "$(bold "machine")"
    local model="" threads cores=""
    if [ -r /proc/cpuinfo ]; then
        model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
        [ -n "$model" ] || model=$(awk -F': *' '/^(Hardware|Processor|cpu model)/ { print $2; exit }' /proc/cpuinfo)
        cores=$(awk -F': *' '/^physical id/ { p = $2 } /^core id/ { seen[p "/" $2] = 1 } END { n = 0; for (k in seen) n++; if (n) print n }' /proc/cpuinfo)
    elif command -v sysctl >/dev/null 2>&1; then
        model=$(sysctl -n machdep.cpu.brand_string 2>/dev/null || true)
        cores=$(sysctl -n hw.physicalcpu 2>/dev/null || true)
    fi
    threads=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo "?")
    doctor_row CPU "${model:-unknown} ($(uname -m))"
    doctor_row "cores/threads" "${cores:-?} cores, $threads hardware threads online"
    doctor_row OS "$( (. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") || uname -sr)"
    local envs
    envs=$(env | grep -E '^(OMP_|OPENBLAS_|GOMP_|KMP_|MKL_|EIGEN_|TINYTORCH_|CXX=|CC=|CMAKE_)' | sort || true)
    if [ -n "$envs" ]; then
        printf '%s\n' "$envs" | while IFS= read -r line; do doctor_row "env" "$line"; done
    else
        doctor_row "env" "no OMP_*/OPENBLAS_*/TINYTORCH_* variables set (OpenMP uses all $threads threads)"
    fi

    say ""
    say "$(bold "data")"
    if [ -n "${TINYTORCH_DATA_DIR:-}" ]; then
        d=$TINYTORCH_DATA_DIR
        doctor_row "data folder" "$d (TINYTORCH_DATA_DIR)"
    else
        d="$TITO_ROOT/datasets"
        doctor_row "data folder" "$(relpath "$d")/ (set TINYTORCH_DATA_DIR to use another)"
    fi
    if [ -d "$d" ]; then
        local listing
        listing=$(cd "$d" && ls -1 2>/dev/null | sed -n '1,12p' | tr '\n' ' ')
        doctor_row "" "contains: ${listing:-nothing yet}"
    else
        doctor_meh "" "does not exist"
    fi
    local shared
    shared=$(cd "$TITO_ROOT/.." && pwd)/shared/datasets
    if [ -d "$shared" ]; then
        doctor_row "shared copy" "$shared: $(cd "$shared" && ls -1 | grep -v -E 'SUMS$|README' | tr '\n' ' ')"
        [ -n "${TINYTORCH_DATA_DIR:-}" ] || doctor_row "" "use it with: export TINYTORCH_DATA_DIR=$shared"
    fi
    doctor_row "datasets" "./tito data verify checks them (checksums); ./tito data fetch NAME downloads one"

    say ""
    say "$(bold "builds")   (preset used by ./tito here: $TITO_PRESET)"
    [ ! -f "$TITO_ROOT/tools/tito/RELEASE" ] || doctor_row "this tree" "a student release ($(awk -F': ' '/^source:/ { print $2 }' "$TITO_ROOT/tools/tito/RELEASE"))"
    local p found=0 cache
    for p in dev release sanitize student; do
        cache="$TITO_ROOT/build/$p/CMakeCache.txt"
        [ -f "$cache" ] || continue
        found=1
        local bt gen tests inc
        bt=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$cache")
        gen=$(awk -F= '/^CMAKE_GENERATOR:/ { print $2 }' "$cache")
        inc=$(awk -F= '/^TINYTORCH_INCLUDE_DIR:/ { print $2 }' "$cache")
        tests=$(find "$TITO_ROOT/build/$p" -maxdepth 3 -type f -name 'test_[0-9][0-9]_*' -perm -u+x 2>/dev/null | wc -l | tr -d ' ')
        doctor_row "build/$p" "configured ($gen, ${bt:-no build type}); $tests test program(s) built; headers: $(relpath "$inc")"
    done
    [ "$found" -eq 1 ] || doctor_row "build/" "nothing configured yet (./tito test configures build/$TITO_PRESET)"

    say ""
    if [ "$DOCTOR_PROBLEMS" -eq 0 ]; then
        ok "ready: ./tito demo, ./tito test 01"
    else
        err "$DOCTOR_PROBLEMS problem(s) above; ./tito setup installs what is missing"
        exit 1
    fi
}
