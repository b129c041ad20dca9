// tests/05_dataloader/fixtures.hpp — small data files written at test time into a temp folder
// (IDX, gzipped IDX, CIFAR-10 records), so the suite needs nothing downloaded.
#pragma once
#include <algorithm>
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
    // Without zlib: a valid gzip file all the same, its data in deflate "stored" blocks
    // (RFC 1951 §3.2.4: no compression) — so the no-zlib build still gets real .gz input.
    Bytes out{0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff};  // magic, deflate, no flags, mtime, xfl, OS
    size_t pos = 0;
    do {
        const size_t len = std::min<size_t>(bytes.size() - pos, 65535);
        const bool last = pos + len == bytes.size();
        out.push_back(last ? 1 : 0);  // BFINAL, BTYPE = 00 (stored)
        out.push_back(static_cast<uint8_t>(len & 0xff));
        out.push_back(static_cast<uint8_t>(len >> 8));
        out.push_back(static_cast<uint8_t>(~len & 0xff));
        out.push_back(static_cast<uint8_t>((~len >> 8) & 0xff));
        out.insert(out.end(), bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                   bytes.begin() + static_cast<std::ptrdiff_t>(pos + len));
        pos += len;
    } while (pos < bytes.size());
    uint32_t crc = 0xffffffffu;  // CRC-32 (IEEE), bit by bit
    for (uint8_t b : bytes) {
        crc ^= b;
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    crc = ~crc;
    const uint32_t size = static_cast<uint32_t>(bytes.size());
    for (uint32_t v : {crc, size})
        for (int k = 0; k < 4; ++k) out.push_back(static_cast<uint8_t>(v >> (8 * k)));
    return out;
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
