// fuzz/fuzz_readers.hpp — harnesses for the dataset readers (module 05): IDX raw and gzipped,
// CIFAR-10 binary batches raw and gzipped.
#pragma once
#include "fuzz_common.hpp"
#include "tinytorch/dataloader/dataloader.hpp"

namespace fuzz {

/// IDX as raw bytes: either a DataError or a tensor whose size matches the header exactly.
inline int idx_raw(const uint8_t* data, size_t size) {
    std::vector<uint8_t> bytes(data, data + size);
    try {
        tinytorch::Tensor t = tinytorch::data::parse_idx(bytes, "fuzz.idx");
        FUZZ_CHECK(size >= 4);
        const size_t elem = tinytorch::data::detail::idx_element_size(bytes[2]);
        FUZZ_CHECK(static_cast<uint64_t>(t.numel()) * elem + 4 + 4 * size_t(bytes[3]) == size);
        volatile float sum = 0;  // touch every element: a wrong size would read out of bounds
        for (int64_t k = 0; k < t.numel(); ++k) sum = sum + t.data_ptr()[k];
    } catch (const tinytorch::DataError&) {
    }
    return 0;
}

/// `bytes` as a gzip stream (zlib, fastest level, smallest window and memory: the fuzzer's inputs
/// are a few kilobytes, and the default 256 KB of deflate state per input showed in the profile).
inline std::vector<uint8_t> gzip(const std::vector<uint8_t>& bytes) {
    z_stream zs{};
    deflateInit2(&zs, 1, Z_DEFLATED, 9 + 16, 1, Z_DEFAULT_STRATEGY);
    std::vector<uint8_t> out(deflateBound(&zs, static_cast<uLong>(bytes.size())) + 32);
    zs.next_in = const_cast<Bytef*>(bytes.data());
    zs.avail_in = static_cast<uInt>(bytes.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

/// IDX through the file decoder's gzip path: an input that starts with the gzip magic is taken
/// as it is (damaged streams, bombs: see the seeds), any other is gzipped first, so the fuzzer
/// also explores lying headers inside well-formed streams.
inline int idx_gz(const uint8_t* data, size_t size) {
    std::vector<uint8_t> bytes(data, data + size);
    if (bytes.size() < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) bytes = gzip(bytes);
    try {
        tinytorch::Tensor t = tinytorch::data::decode_idx_file(bytes, "fuzz.idx.gz");
        volatile float sum = 0;
        for (int64_t k = 0; k < t.numel(); ++k) sum = sum + t.data_ptr()[k];
    } catch (const tinytorch::DataError&) {
    }
    return 0;
}

/// A CIFAR-10 batch file (raw or gzip) of any number of records, and of exactly 2 records.
inline int cifar10(const uint8_t* data, size_t size) {
    const std::string& path = write_scratch(data, size, ".bin");
    for (std::optional<size_t> records : {std::optional<size_t>(), std::optional<size_t>(2)}) {
        try {
            tinytorch::data::Example e = tinytorch::data::read_cifar10_batch(path, records);
            FUZZ_CHECK(e.data.size(0) == e.target.size(0));
            FUZZ_CHECK(e.data.numel() == e.data.size(0) * 3 * 32 * 32 && e.data.is_contiguous());
            const float* labels = e.target.data_ptr();  // read in place: copies of megabytes are slow under ASan
            for (int64_t k = 0; k < e.target.numel(); ++k) FUZZ_CHECK(labels[k] >= 0 && labels[k] <= 9);
            const float* pixels = e.data.data_ptr();
            for (int64_t k = 0; k < e.data.numel(); ++k) FUZZ_CHECK(pixels[k] >= 0.0f && pixels[k] <= 1.0f);
        } catch (const tinytorch::DataError&) {
        }
    }
    return 0;
}

}  // namespace fuzz
