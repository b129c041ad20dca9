// include/tinytorch/dataloader/idx.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §6 (the IDX format)
//
// IDX (LeCun's format for MNIST and Fashion-MNIST), all integers big-endian:
//   magic: byte 0 = 0, byte 1 = 0, byte 2 = element type, byte 3 = number of dims D
//   D x uint32 dim sizes, then prod(dims) elements in row-major order
//   types: 0x08 ubyte, 0x09 sbyte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
// MNIST images are 0x00000803 (ubyte, 3 dims: N, rows, cols), labels 0x00000801 (ubyte, N).
#pragma once
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "tinytorch/dataloader/file_io.hpp"

namespace tinytorch::data {

inline constexpr uint32_t kIdxLabelsMagic = 0x00000801;  ///< ubyte, 1 dim
inline constexpr uint32_t kIdxImagesMagic = 0x00000803;  ///< ubyte, 3 dims

namespace detail {
/// Bytes per element of IDX type code `type` (third magic byte), 0 for an unknown code.
inline size_t idx_element_size(uint8_t type) {
    switch (type) {
        case 0x08: case 0x09: return 1;
        case 0x0B: return 2;
        case 0x0C: case 0x0D: return 4;
        case 0x0E: return 8;
        default: return 0;
    }
}
inline std::string hex32(uint32_t v) {
    static const char* digits = "0123456789abcdef";
    std::string s = "0x";
    for (int shift = 28; shift >= 0; shift -= 4) s += digits[(v >> shift) & 0xF];
    return s;
}
/// Element k of an IDX payload as float (big-endian multi-byte types).
/// The longest IDX header: the magic number and 255 dims.
inline constexpr size_t kIdxMaxHeaderBytes = 4 + 4 * 255;

/// The total size in bytes of the IDX file whose first bytes are `head` (the magic, then the
/// dims), or nullopt when `head` does not start with a whole, valid IDX header.
inline std::optional<uint64_t> idx_file_size(const std::vector<uint8_t>& head) {
    if (head.size() < 4 || head[0] != 0 || head[1] != 0 || head[3] == 0) return std::nullopt;
    const size_t elem = idx_element_size(head[2]), header = 4 + 4 * size_t(head[3]);
    if (elem == 0 || head.size() < header) return std::nullopt;
    Shape dims;
    for (size_t d = 0; d < head[3]; ++d) dims.push_back(static_cast<int64_t>(read_be32(head.data() + 4 + 4 * d)));
    const std::optional<int64_t> numel = try_numel(dims);
    if (!numel) return std::nullopt;
    return header + static_cast<uint64_t>(*numel) * elem;
}
inline float idx_value(const uint8_t* p, uint8_t type) {
    switch (type) {
        case 0x08: return static_cast<float>(p[0]);
        case 0x09: return static_cast<float>(static_cast<int8_t>(p[0]));
        case 0x0B: return static_cast<float>(static_cast<int16_t>(uint16_t((p[0] << 8) | p[1])));
        case 0x0C: return static_cast<float>(static_cast<int32_t>(read_be32(p)));
        case 0x0D: { uint32_t u = read_be32(p); float f; std::memcpy(&f, &u, 4); return f; }
        default: {  // 0x0E
            uint64_t u = (uint64_t(read_be32(p)) << 32) | read_be32(p + 4);
            double d;
            std::memcpy(&d, &u, 8);
            return static_cast<float>(d);
        }
    }
}
}  // namespace detail

/// Decode an IDX file already in memory; `name` is used in error messages. Values are kept as
/// stored (ubyte pixels stay 0..255).   header dims [d0, d1, ...] -> Tensor [d0, d1, ...]
inline Tensor parse_idx(const std::vector<uint8_t>& bytes, const std::string& name,
                        std::optional<uint32_t> expected_magic = std::nullopt) {
    // BEGIN SOLUTION: parse_idx (§6)
    const char* hint_damaged = "; hint: the file is incomplete or damaged, fetch it again and compare its checksum "
                               "(datasets/README.md)";
    if (bytes.size() < 4)
        throw DataError(fmt(name, ": too short for an IDX file: ", bytes.size(),
                            " bytes, expected at least the 4-byte magic number", hint_damaged));
    const uint32_t magic = read_be32(bytes.data());
    if (expected_magic && magic != *expected_magic)
        throw DataError(fmt(name, ": wrong magic number ", detail::hex32(magic), ", expected ",
                            detail::hex32(*expected_magic), " (type ", detail::hex32(*expected_magic >> 8 & 0xFF),
                            ", ", (*expected_magic & 0xFF), " dims); hint: is this the right file? images are ",
                            detail::hex32(kIdxImagesMagic), ", labels ", detail::hex32(kIdxLabelsMagic)));
    const uint8_t type = bytes[2], ndim = bytes[3];
    const size_t elem = detail::idx_element_size(type);
    if (bytes[0] != 0 || bytes[1] != 0 || elem == 0 || ndim == 0)
        throw DataError(fmt(name, ": not an IDX file: magic number ", detail::hex32(magic),
                            ", expected 0x0000TTDD with type TT one of 08 09 0b 0c 0d 0e and DD >= 1 dims",
                            "; hint: MNIST files start with 0x00000803 (images) or 0x00000801 (labels)"));
    const size_t header = 4 + 4 * size_t(ndim);
    if (bytes.size() < header)
        throw DataError(fmt(name, ": truncated IDX header: ", int(ndim), " dims need ", header, " bytes, got ",
                            bytes.size(), hint_damaged));
    Shape dims;
    for (size_t d = 0; d < ndim; ++d) dims.push_back(static_cast<int64_t>(read_be32(bytes.data() + 4 + 4 * d)));
    const std::optional<int64_t> numel = try_numel(dims);  // checked: no wrap-around, even behind a zero dim
    if (!numel)
        throw DataError(fmt(name, ": implausible IDX dims ", shape_str(dims), " (more than 2^48 elements, zero dims "
                            "counted as 1); hint: the header is damaged or this is not an IDX file"));
    const uint64_t count = static_cast<uint64_t>(*numel);
    const uint64_t expected = header + count * elem;  // <= 2^48 * 8 + header: no overflow
    if (bytes.size() != expected)
        throw DataError(fmt(name, ": ", bytes.size() < expected ? "truncated" : "oversized", " IDX file: dims ",
                            shape_str(dims), " of ", elem, "-byte elements need ", expected, " bytes, got ",
                            bytes.size(), bytes.size() < expected ? hint_damaged
                                                                  : "; hint: extra bytes after the data mean a "
                                                                    "damaged file or a wrong header"));
    Tensor out = empty(dims);
    float* dst = out.data_ptr();
    const uint8_t* src = bytes.data() + header;
    if (type == 0x08)
        for (uint64_t k = 0; k < count; ++k) dst[k] = static_cast<float>(src[k]);  // the common case, vectorised
    else
        for (uint64_t k = 0; k < count; ++k) dst[k] = detail::idx_value(src + k * elem, type);
    return out;
    // END SOLUTION
}

/// read_idx on the bytes of a file already in memory (raw or gzip); `path` names it in errors.
/// A gzip stream is unpacked in two steps: first its header, which says how many bytes the whole
/// file has, then at most one byte more than that — a small damaged or hostile .gz can never
/// make the reader unpack gigabytes before it finds out. A header that promises more than the
/// stream could ever unpack to (kMaxDeflateRatio) is refused before the second step.
inline Tensor decode_idx_file(const std::vector<uint8_t>& bytes, const std::string& path,
                              std::optional<uint32_t> expected_magic = std::nullopt) {
    if (!detail::is_gzip(bytes)) return parse_idx(bytes, path, expected_magic);
    const std::string name = path + " (gunzipped)";
    bool ended = false;
    std::vector<uint8_t> head = detail::gunzip(bytes, path, detail::kIdxMaxHeaderBytes, /*prefix_only=*/true, &ended);
    const std::optional<uint64_t> total = detail::idx_file_size(head);
    if (!total) {  // not a whole, valid header
        if (!ended && head.size() < detail::kIdxMaxHeaderBytes)
            detail::gunzip(bytes, path, detail::kIdxMaxHeaderBytes);  // the stream broke first: throws how
        parse_idx(head, name, expected_magic);                        // else parse_idx says what is wrong
        throw DataError(fmt(name, ": not a valid IDX header; hint: the file is damaged, fetch it again"));
    }
    if (*total > bytes.size() * detail::kMaxDeflateRatio)  // no need to unpack megabytes to know
        throw DataError(fmt(name, ": truncated IDX file: its header promises ", *total, " bytes, more than ",
                            bytes.size(), " gzip bytes can unpack to (deflate packs at most ",
                            detail::kMaxDeflateRatio, " bytes into one); hint: the file is incomplete or damaged, "
                            "fetch it again and compare its checksum (datasets/README.md)"));
    // One byte more than the header promises, so that parse_idx can tell an oversized file.
    std::vector<uint8_t> all = detail::gunzip(bytes, path, static_cast<size_t>(*total) + 1, /*prefix_only=*/true, &ended);
    if (all.size() <= *total && !ended) detail::gunzip(bytes, path, static_cast<size_t>(*total));  // throws: how it broke
    return parse_idx(all, name, expected_magic);
}

/// Read an IDX file (raw or .gz) into a float tensor with the file's dims, values as stored.
/// `expected_magic` (e.g. kIdxImagesMagic) rejects the wrong kind of file up front.
inline Tensor read_idx(const std::string& path, std::optional<uint32_t> expected_magic = std::nullopt) {
    return decode_idx_file(detail::read_raw_file(path), path, expected_magic);
}

}  // namespace tinytorch::data
