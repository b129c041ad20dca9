// include/tinytorch/dataloader/file_io.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §6 (file formats and endianness)
//
// Reading a whole data file into memory, gunzipping it on the way when it is a gzip stream
// (recognised by its magic bytes 1f 8b, not by its name). zlib is used when the build found it
// (TINYTORCH_HAS_ZLIB=1); without it a .gz file is a DataError that says how to unpack it.
#pragma once
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#if defined(TINYTORCH_HAS_ZLIB) && TINYTORCH_HAS_ZLIB
#include <zlib.h>
#endif

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::data {

/// True when TinyTorch was built with zlib and reads .gz files itself.
inline constexpr bool has_zlib() {
#if defined(TINYTORCH_HAS_ZLIB) && TINYTORCH_HAS_ZLIB
    return true;
#else
    return false;
#endif
}

/// uint32 from 4 big-endian bytes (most significant first), whatever the CPU's byte order.
///   {0x00, 0x00, 0x08, 0x03} -> 0x00000803 = 2051
inline uint32_t read_be32(const uint8_t* p) {
    // BEGIN SOLUTION: read_be32 (§6)
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
    // END SOLUTION
}

namespace detail {
inline std::vector<uint8_t> read_raw_file(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw DataError(fmt("cannot open ", path, ": no such file; hint: check the path, or set TINYTORCH_DATA_DIR "
                            "to the folder that holds the data (see datasets/README.md)"));
    if (fs::is_directory(path, ec))
        throw DataError(fmt("cannot read ", path, ": it is a directory; hint: pass the path of a data file"));
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f)
        throw DataError(fmt("cannot open ", path, ": ", std::strerror(errno), "; hint: check the file's permissions"));
    std::vector<uint8_t> bytes;
    auto size = fs::file_size(path, ec);
    if (!ec) bytes.reserve(static_cast<size_t>(size));
    uint8_t chunk[1 << 16];
    size_t got;
    while ((got = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.insert(bytes.end(), chunk, chunk + got);
    bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) throw DataError(fmt("cannot read ", path, ": I/O error; hint: is the disk or network share healthy?"));
    return bytes;
}

inline bool is_gzip(const std::vector<uint8_t>& bytes) { return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b; }

/// Unpacking stops here unless the caller knows a smaller size: 1 GiB, more than any data file
/// this course reads (the CIFAR-10 training batches unpack to 154 MB). A gzip stream can unpack
/// to ~1000x its size, so without a cap a 2 MB file can ask for gigabytes.
inline constexpr size_t kMaxUnpackedBytes = size_t(1) << 30;

/// The unpacked bytes of the gzip (or zlib) stream `packed`, at most `limit` of them.
/// prefix_only = false: more than `limit` bytes, a corrupt or a truncated stream is a DataError.
/// prefix_only = true: returns the first min(limit, all) bytes and stops there without looking
/// further (to read a header first and learn how big the whole may be); a stream that breaks
/// before `limit` bytes gives what came before the break; *ended (if given) tells whether the
/// stream ended cleanly within the bytes returned.
inline std::vector<uint8_t> gunzip(const std::vector<uint8_t>& packed, const std::string& path,
                                   size_t limit = kMaxUnpackedBytes, bool prefix_only = false, bool* ended = nullptr) {
#if defined(TINYTORCH_HAS_ZLIB) && TINYTORCH_HAS_ZLIB
    if (packed.size() > 0xFFFFFFFFu)
        throw DataError(fmt(path, ": ", packed.size(), " compressed bytes, more than the 4 GiB this reader takes "
                            "in one piece; hint: unpack it with gunzip first"));
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK)  // 15 window bits, +32: gzip or zlib header
        throw DataError(fmt("cannot unpack ", path, ": zlib failed to initialise"));
    std::vector<uint8_t> out;
    out.reserve(std::min(limit, packed.size() * 4));
    uint8_t chunk[1 << 16];
    zs.next_in = const_cast<Bytef*>(packed.data());
    zs.avail_in = static_cast<uInt>(packed.size());
    int rc = Z_OK;
    bool over = false;  // more than `limit` bytes came out
    while (true) {
        zs.next_out = chunk;
        zs.avail_out = sizeof chunk;
        rc = inflate(&zs, Z_NO_FLUSH);
        const size_t got = sizeof chunk - zs.avail_out;
        if (got > limit - out.size()) {  // keep at most `limit` bytes in memory, whatever the stream says
            out.insert(out.end(), chunk, chunk + (limit - out.size()));
            over = true;
            break;
        }
        out.insert(out.end(), chunk, chunk + got);
        if (prefix_only && out.size() == limit) break;
        if (rc == Z_STREAM_END) {
            // concatenated gzip members (gzip a b > c) continue the same stream
            if (zs.avail_in >= 2 && zs.next_in[0] == 0x1f && zs.next_in[1] == 0x8b) { inflateReset(&zs); continue; }
            break;
        }
        if (rc == Z_OK) continue;
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // input ended before the stream did
        break;                                            // Z_DATA_ERROR, Z_MEM_ERROR, ...
    }
    std::string msg = zs.msg ? zs.msg : "";
    inflateEnd(&zs);
    if (ended) *ended = rc == Z_STREAM_END && !over;
    if (prefix_only) return out;
    if (over)
        throw DataError(fmt(path, ": unpacks to more than ", limit, " bytes, the most this file may hold; hint: the "
                            "file is damaged or not the dataset file it is named after, fetch it again and compare "
                            "its checksum (datasets/README.md)"));
    if (rc != Z_STREAM_END) {
        if (rc == Z_OK || rc == Z_BUF_ERROR)
            throw DataError(fmt(path, ": truncated gzip file: the compressed stream ends early (", packed.size(),
                                " compressed bytes, ", out.size(), " unpacked so far); hint: the download is "
                                "incomplete, fetch it again and compare its checksum (datasets/README.md)"));
        throw DataError(fmt(path, ": corrupt gzip data (zlib: ", msg.empty() ? "error " + std::to_string(rc) : msg,
                            "); hint: the file is damaged, fetch it again and compare its checksum "
                            "(datasets/README.md)"));
    }
    return out;
#else
    (void)packed;
    (void)limit;
    (void)prefix_only;
    (void)ended;
    throw DataError(fmt(path, " is gzip-compressed but this TinyTorch was built without zlib; hint: unpack it with "
                        "'gunzip -k ", path, "' and pass the unpacked file, or install zlib (e.g. apt install "
                        "zlib1g-dev) and re-run cmake"));
#endif
}
}  // namespace detail

/// The bytes of a file, gunzipped when the file is a gzip stream. DataError when the file is
/// missing, unreadable or a damaged gzip stream. `max_unpacked`: a gzip stream that unpacks to
/// more is a DataError (callers that know the size pass it; see detail::kMaxUnpackedBytes).
inline std::vector<uint8_t> read_file_bytes(const std::string& path, size_t max_unpacked = detail::kMaxUnpackedBytes) {
    std::vector<uint8_t> bytes = detail::read_raw_file(path);
    return detail::is_gzip(bytes) ? detail::gunzip(bytes, path, max_unpacked) : bytes;
}

/// `dir/name` if it exists, else `dir/name.gz` if that exists, else a DataError naming both.
inline std::string find_data_file(const std::string& dir, const std::string& name, const char* what) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::string raw = (fs::path(dir) / name).string(), gz = raw + ".gz";
    if (fs::is_regular_file(raw, ec)) return raw;
    if (fs::is_regular_file(gz, ec)) return gz;
    throw DataError(fmt(what, ": neither ", raw, " nor ", gz, " exists; hint: pass the folder that holds the ", what,
                        " files, or set TINYTORCH_DATA_DIR (see datasets/README.md)"));
}

}  // namespace tinytorch::data
