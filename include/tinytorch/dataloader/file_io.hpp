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

/// Deflate (the compression inside gzip) unpacks to at most 1032 bytes per packed byte: its
/// longest copy, 258 bytes, costs at least 2 bits (a 1-bit length code and a 1-bit distance
/// code). A header that promises more than packed_size * 1032 bytes is lying, whatever follows.
inline constexpr uint64_t kMaxDeflateRatio = 1032;

#if defined(TINYTORCH_HAS_ZLIB) && TINYTORCH_HAS_ZLIB
/// zlib's inflate over a whole gzip (or zlib) stream, member after member (gzip a b > c is one
/// stream), handing out the unpacked bytes in pieces of the caller's choosing.
class Inflater {
public:
    Inflater(const std::vector<uint8_t>& packed, const std::string& path) {
        if (packed.size() > 0xFFFFFFFFu)
            throw DataError(fmt(path, ": ", packed.size(), " compressed bytes, more than the 4 GiB this reader "
                                "takes in one piece; hint: unpack it with gunzip first"));
        if (inflateInit2(&zs_, 15 + 32) != Z_OK)  // 15 window bits, +32: gzip or zlib header
            throw DataError(fmt("cannot unpack ", path, ": zlib failed to initialise"));
        zs_.next_in = const_cast<Bytef*>(packed.data());
        zs_.avail_in = static_cast<uInt>(packed.size());
    }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;
    ~Inflater() { inflateEnd(&zs_); }

    /// Unpack up to `n` more bytes into `dst`; fewer only when the stream is over (done()).
    size_t read(uint8_t* dst, size_t n) {
        size_t produced = 0;
        while (produced < n && !done_) {
            zs_.next_out = dst + produced;
            zs_.avail_out = static_cast<uInt>(std::min<size_t>(n - produced, size_t(1) << 30));
            const uInt avail = zs_.avail_out;
            rc_ = inflate(&zs_, Z_NO_FLUSH);
            produced += avail - zs_.avail_out;
            if (rc_ == Z_STREAM_END) {
                // concatenated gzip members continue the same stream
                if (zs_.avail_in >= 2 && zs_.next_in[0] == 0x1f && zs_.next_in[1] == 0x8b) inflateReset(&zs_);
                else done_ = true;
            } else if (rc_ != Z_OK) {
                done_ = true;  // Z_BUF_ERROR: the input ended before the stream did; Z_DATA_ERROR ...
            }
        }
        return produced;
    }
    bool done() const { return done_; }
    /// True when the stream ended cleanly (done() and no error).
    bool ended() const { return rc_ == Z_STREAM_END && done_; }
    /// DataError when done() but not ended(): how the stream broke; `unpacked` bytes came before.
    void throw_if_broken(const std::string& path, size_t packed_size, size_t unpacked) const {
        if (!done_ || rc_ == Z_STREAM_END) return;
        if (rc_ == Z_OK || rc_ == Z_BUF_ERROR)
            throw DataError(fmt(path, ": truncated gzip file: the compressed stream ends early (", packed_size,
                                " compressed bytes, ", unpacked, " unpacked so far); hint: the download is "
                                "incomplete, fetch it again and compare its checksum (datasets/README.md)"));
        throw DataError(fmt(path, ": corrupt gzip data (zlib: ", zs_.msg ? zs_.msg : "error " + std::to_string(rc_),
                            "); hint: the file is damaged, fetch it again and compare its checksum "
                            "(datasets/README.md)"));
    }

private:
    z_stream zs_{};
    int rc_ = Z_OK;
    bool done_ = false;
};
#endif

inline std::vector<uint8_t> gunzip(const std::vector<uint8_t>& packed, const std::string& path, size_t limit,
                                   bool prefix_only, bool* ended);  // below

/// How many bytes the gzip stream `packed` unpacks to, found by unpacking it into a 64 KB window
/// and counting: nothing is kept, so a damaged or oversized stream costs time, never memory.
/// DataError when it unpacks to more than `limit` bytes, or is corrupt or truncated.
inline size_t gunzipped_size(const std::vector<uint8_t>& packed, const std::string& path, size_t limit) {
#if !(defined(TINYTORCH_HAS_ZLIB) && TINYTORCH_HAS_ZLIB)
    return gunzip(packed, path, limit, false, nullptr).size();  // throws: built without zlib
#else
    Inflater counter(packed, path);
    std::vector<uint8_t> window(size_t(1) << 16);
    size_t total = 0;
    while (total <= limit && !counter.done()) {  // one byte more than `limit` tells "too big"
        const size_t room = limit - total;
        total += counter.read(window.data(), room < window.size() ? room + 1 : window.size());
    }
    if (total > limit)
        throw DataError(fmt(path, ": unpacks to more than ", limit, " bytes, the most this file may hold; hint: the "
                            "file is damaged or not the dataset file it is named after, fetch it again and compare "
                            "its checksum (datasets/README.md)"));
    counter.throw_if_broken(path, packed.size(), total);
    return total;
#endif
}

/// The `size` unpacked bytes of a stream that gunzipped_size measured: one buffer of exactly
/// that size, filled in place (a buffer grown as it fills copies its bytes again and again).
inline std::vector<uint8_t> gunzip_sized(const std::vector<uint8_t>& packed, const std::string& path, size_t size) {
#if !(defined(TINYTORCH_HAS_ZLIB) && TINYTORCH_HAS_ZLIB)
    (void)size;
    return gunzip(packed, path, kMaxUnpackedBytes, false, nullptr);  // throws: built without zlib
#else
    std::vector<uint8_t> out(size);
    Inflater in(packed, path);
    if (in.read(out.data(), size) != size)
        throw DataError(fmt("cannot unpack ", path, ": the stream gave fewer than the ", size, " bytes it had"));
    return out;
#endif
}

/// The unpacked bytes of the gzip (or zlib) stream `packed`, at most `limit` of them.
/// prefix_only = false: more than `limit` bytes, a corrupt or a truncated stream is a DataError.
///   The stream is unpacked twice: gunzipped_size counts its bytes and checks it whole, then
///   gunzip_sized fills a buffer of exactly that size.
/// prefix_only = true: returns the first min(limit, all) bytes and stops there without looking
/// further (to read a header first and learn how big the whole may be); a stream that breaks
/// before `limit` bytes gives what came before the break; *ended (if given) tells whether the
/// stream ended cleanly within the bytes returned.
inline std::vector<uint8_t> gunzip(const std::vector<uint8_t>& packed, const std::string& path,
                                   size_t limit = kMaxUnpackedBytes, bool prefix_only = false, bool* ended = nullptr) {
#if defined(TINYTORCH_HAS_ZLIB) && TINYTORCH_HAS_ZLIB
    if (prefix_only) {
        // `out` grows by doubling as it fills, up to `limit` bytes
        Inflater in(packed, path);
        std::vector<uint8_t> out(std::min(limit, std::max<size_t>(packed.size() * 4, size_t(1) << 12)));
        size_t produced = 0;
        while (produced < limit && !in.done()) {
            if (produced == out.size()) out.resize(std::min(limit, out.size() * 2));
            produced += in.read(out.data() + produced, out.size() - produced);
        }
        out.resize(produced);
        if (ended) *ended = in.ended();
        return out;
    }
    return gunzip_sized(packed, path, gunzipped_size(packed, path, limit));
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
