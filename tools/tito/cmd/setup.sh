# tools/tito/cmd/setup.sh — ./tito setup: install what the course needs.

# libopenblas-dev: the optional fast GEMM backend (TINYTORCH_USE_OPENBLAS, used when found; Eigen otherwise)
# bubblewrap: the sandbox ./tito grade runs submissions in; python3: checks the grader's JSON (tests/tito)
# clang, libomp-dev, ninja-build, lld: how a student release builds (preset "student": clang++ -O0
# compiles a module's tests in half the time of g++, Ninja starts a second sooner than make, lld
# links in a third of ld's time; docs/student-guide.md)
TITO_APT_PACKAGES="cmake g++ make git libeigen3-dev catch2 zlib1g-dev libopenblas-dev bubblewrap python3 clang libomp-dev ninja-build lld"

usage_setup() {
    cat <<EOF
usage: ./tito setup [--check]

Installs the build tools and libraries (CMake >= 3.21, g++ >= 12, Eigen 3, Catch2, zlib,
OpenBLAS for fast matrix products, clang, Ninja and lld for fast student builds, bubblewrap for ./tito grade's
sandbox, python3 for a test):
  * Debian/Ubuntu: the packages that are missing among
      $TITO_APT_PACKAGES
    with apt-get (apt-get update first; through sudo when you are not root);
  * macOS and other systems: prints the Homebrew or vcpkg command to run.
Then run ./tito doctor to see the result.

options:
  --check   only list what is missing (exit 1 if something is)
EOF
}

# apt_missing — the packages of TITO_APT_PACKAGES that dpkg does not have installed.
apt_missing() {
    local p
    for p in $TITO_APT_PACKAGES; do
        [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = 'install ok installed' ] || printf '%s ' "$p"
    done
}

# apt_install_missing — apt-get install the missing packages of TITO_APT_PACKAGES (apt-get update
# first; through sudo when not root). Used by ./tito setup, and by every command that builds
# (tito_build -> ensure_configured -> setup_auto) before the first configure.
apt_install_missing() {
    local missing sudo=""
    missing=$(apt_missing)
    if [ -z "$missing" ]; then
        ok "all packages are installed: $TITO_APT_PACKAGES"
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die 2 "not root and no sudo: install as root: apt-get install -y $missing"
        sudo="sudo"
    fi
    info "installing: $missing"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update
    # shellcheck disable=SC2086
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
    missing=$(apt_missing)
    [ -z "$missing" ] || die 2 "still missing after apt-get: $missing"
    ok "installed"
}

# setup_auto — what `./tito demo`, `./tito test` and the other build commands do before they
# configure a build for the first time, so that cloning and running one of them is the whole
# set-up: on Debian/Ubuntu, install whatever is missing (as ./tito setup would); elsewhere, stop
# with the install commands when CMake or a compiler is missing. TITO_NO_INSTALL=1 turns the
# installing off (then a missing library is reported by CMake, with a hint).
setup_auto() {
    if [ "${TITO_NO_INSTALL:-0}" = "1" ]; then return 0; fi
    if is_debian_like; then
        [ -n "$(apt_missing)" ] || return 0
        info "first build: installing the packages the course needs (./tito setup; TITO_NO_INSTALL=1 skips this)"
        apt_install_missing
    elif ! command -v cmake >/dev/null 2>&1 || ! command -v c++ >/dev/null 2>&1; then
        err "CMake or a C++ compiler is missing; install them first:"
        run_setup >&2 || true
        exit 2
    fi
}

is_debian_like() {
    [ -f /etc/os-release ] || return 1
    command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1 || return 1
    # shellcheck disable=SC1091
    (. /etc/os-release && case " ${ID:-} ${ID_LIKE:-} " in *" debian "* | *" ubuntu "*) exit 0 ;; *) exit 1 ;; esac)
}

run_setup() {
    local check=0
    while [ $# -gt 0 ]; do
        case "$1" in
            --check) check=1; shift ;;
            *) die 2 "setup: unknown argument '$1' (see ./tito setup --help)" ;;
        esac
    done

    if is_debian_like; then
        if [ "$check" -eq 1 ]; then
            local missing
            missing=$(apt_missing)
            [ -z "$missing" ] || { say "missing packages: $missing"; exit 1; }
            ok "all packages are installed: $TITO_APT_PACKAGES"
        else
            apt_install_missing
        fi
        local v
        v=$(g++ -dumpfullversion 2>/dev/null || g++ -dumpversion 2>/dev/null || echo 0)
        if [ "${v%%.*}" -lt 12 ] 2>/dev/null; then
            warn "g++ $v is older than 12 (C++20 needs g++ >= 12). On Ubuntu 22.04: sudo apt-get install g++-12, then CXX=g++-12 ./tito test"
        fi
        v=$(cmake --version 2>/dev/null | awk 'NR == 1 { print $3 }')
        case "$v" in
            3.2[1-9]* | 3.[3-9][0-9]* | [4-9].*) ;;
            *) warn "cmake $v is older than 3.21: install a newer one (pip install cmake, or the Kitware apt repository)" ;;
        esac
    elif [ "$(uname -s)" = "Darwin" ]; then
        say "macOS: install the tools with Homebrew (https://brew.sh) and the Xcode command line tools:"
        say "  xcode-select --install"
        say "  brew install bash cmake eigen catch2 libomp"
        say "Then: ./tito doctor"
        [ "$check" -eq 0 ] || exit 1
    else
        say "This system is not Debian/Ubuntu: install a C++20 compiler (g++ >= 12 or clang >= 14), CMake >= 3.21,"
        say "Eigen 3, Catch2 (v2 or v3) and zlib with your package manager, for example:"
        say "  Homebrew:  brew install bash cmake eigen catch2"
        say "  vcpkg:     vcpkg install eigen3 catch2 zlib     (then configure with -DCMAKE_TOOLCHAIN_FILE=<vcpkg>/scripts/buildsystems/vcpkg.cmake)"
        say "  Fedora:    sudo dnf install cmake gcc-c++ eigen3-devel catch2-devel zlib-devel"
        say "Then: ./tito doctor"
        [ "$check" -eq 0 ] || exit 1
    fi
    say "next: ./tito doctor   then   ./tito demo   or   ./tito test 01"
}
