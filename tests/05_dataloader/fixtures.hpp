// tests/05_dataloader/fixtures.hpp — small data files written at test time into a temp folder
// (IDX, gzipped IDX, CIFAR-10 records), so the suite needs nothing downloaded.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include "support/temp_dir.hpp"

#if defined(TINYTORCH_HAS_ZLIB) && TINYTORCH_HAS_ZLIB
#include <zlib.h>
#endif

namespace fixtures {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

/// A fresh folder under the system temp dir, removed with everything in it at scope exit.
using TempDir = tinytorch_test::TempDir;

inline void write_file(const std::string& path, const Bytes& bytes) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline void put_be32(Bytes& b, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<uint8_t>(v >> shift));
}

/// An IDX file: magic 0x0000TTDD, big-endian dims, then the payload as given.
inline Bytes idx_file(uint8_t type, const std::vector<uint32_t>& dims, const Bytes& payload) {
    Bytes b{0, 0, type, static_cast<uint8_t>(dims.size())};
    for (uint32_t d : dims) put_be32(b, d);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

/// A ubyte IDX file whose payload is 0, 1, 2, ... (mod 256) times `scale`.
inline Bytes idx_ubyte(const std::vector<uint32_t>& dims, uint32_t scale = 1) {
    size_t n = 1;
    for (uint32_t d : dims) n *= d;
    Bytes payload(n);
    for (size_t k = 0; k < n; ++k) payload[k] = static_cast<uint8_t>((k * scale) % 256);
    return idx_file(0x08, dims, payload);
}

inline constexpr bool have_zlib() {
#if defined(TINYTORCH_HAS_ZLIB) && TINYTORCH_HAS_ZLIB
    return true;
#else
    return false;
#endif
}

/// The gzip file (RFC 1952) of `bytes`; needs zlib.
inline Bytes gzip(const Bytes& bytes) {
#if defined(TINYTORCH_HAS_ZLIB) && TINYTORCH_HAS_ZLIB
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // +16: gzip wrapper
    Bytes out(deflateBound(&zs, static_cast<uLong>(bytes.size())) + 32);
    zs.next_in = const_cast<Bytef*>(bytes.data());
    zs.avail_in = static_cast<uInt>(bytes.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
#else
    return bytes;
#endif
}

/// CIFAR-10 records: label labels[r], then pixel byte k = (r * 7 + k) % 256.
inline Bytes cifar_records(const std::vector<uint8_t>& labels) {
    Bytes b;
    for (size_t r = 0; r < labels.size(); ++r) {
        b.push_back(labels[r]);
        for (size_t k = 0; k < 3072; ++k) b.push_back(static_cast<uint8_t>((r * 7 + k) % 256));
    }
    return b;
}

/// Sets an environment variable for one scope, then restores it.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) ::setenv(name, value->c_str(), 1);
        else ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace fixtures
