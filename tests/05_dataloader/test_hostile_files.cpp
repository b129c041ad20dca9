// tests/05_dataloader/test_hostile_files.cpp — IDX and CIFAR-10 files built to hurt the reader:
// sizes that overflow, gzip bombs, headers that lie (issue 15; the fuzzers in fuzz/ found or
// confirmed each class). Every one must end in a DataError, quickly and without a big allocation.
#include <chrono>

#include "fixtures.hpp"
#include "support/catch.hpp"
#include "tinytorch/dataloader/dataloader.hpp"

using namespace tinytorch;
using fixtures::Bytes;
using fixtures::TempDir;

namespace test_hostile_files {
/// Bytes of a gzip stream that unpacks to `header` followed by `zeros` zero bytes (made in pieces,
/// so the test never holds the unpacked size in memory).
Bytes gzip_bomb(const Bytes& header, size_t zeros) {
#if defined(TINYTORCH_HAS_ZLIB) && TINYTORCH_HAS_ZLIB
    z_stream zs{};
    deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
    Bytes out, chunk(1 << 16), zero(1 << 20, 0);
    auto pump = [&](const uint8_t* data, size_t n, int flush) {
        zs.next_in = const_cast<Bytef*>(data);
        zs.avail_in = static_cast<uInt>(n);
        do {
            zs.next_out = chunk.data();
            zs.avail_out = static_cast<uInt>(chunk.size());
            deflate(&zs, flush);
            out.insert(out.end(), chunk.data(), chunk.data() + (chunk.size() - zs.avail_out));
        } while (zs.avail_out == 0);
    };
    pump(header.data(), header.size(), Z_NO_FLUSH);
    for (size_t left = zeros; left > 0;) {
        size_t n = std::min(left, zero.size());
        left -= n;
        pump(zero.data(), n, left == 0 ? Z_FINISH : Z_NO_FLUSH);
    }
    deflateEnd(&zs);
    return out;
#else
    (void)zeros;
    return header;
#endif
}
double seconds(const std::function<void()>& f) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace test_hostile_files

TEST_CASE("IDX dims whose product wraps around 2^64 are a DataError not a tiny tensor", "[05_dataloader]") {
    // 2^32-1 cubed and more: multiplied naively in 64 bits this wraps; checked, it is refused.
    Bytes b = fixtures::idx_file(0x08, {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0x10u}, Bytes(64));
    CHECK_THROWS_AS(data::parse_idx(b, "wrap.idx"), DataError);
    CHECK_THROWS_WITH(data::parse_idx(b, "wrap.idx"), Contains("wrap.idx") && Contains("implausible IDX dims") &&
                                                          Contains("2^48") && Contains("hint"));
}

TEST_CASE("A leading zero IDX dim cannot hide an overflow in the strides of the dims after it", "[05_dataloader]") {
    // [0, 2^32-1, 2^32-1, 2^32-1] holds 0 elements, so the size check passes with no payload, but
    // the stride of dim 0 would be (2^32-1)^3: refused before any tensor is made.
    Bytes b = fixtures::idx_file(0x08, {0u, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}, Bytes{});
    CHECK_THROWS_AS(data::parse_idx(b, "zero.idx"), DataError);
    CHECK_THROWS_WITH(data::parse_idx(b, "zero.idx"), Contains("zero dims counted as 1"));
    // a zero dim with modest dims after it is a valid empty tensor
    Tensor t = data::parse_idx(fixtures::idx_file(0x08, {0u, 28u, 28u}, Bytes{}), "empty.idx");
    CHECK(t.shape() == Shape{0, 28, 28});
}

TEST_CASE("A gzip bomb with a lying IDX header stops after the bytes the header promises", "[05_dataloader]") {
    if (!fixtures::have_zlib()) {
        WARN("zlib not available: gzip bombs not tested");
        return;
    }
    TempDir dir;
    // a header promising 10x4x4 bytes, then 64 MB of zeros (~64 KB packed): the reader must unpack
    // at most header + 160 + 1 bytes and say the file is oversized.
    Bytes header = fixtures::idx_file(0x08, {10, 4, 4}, Bytes{});
    fixtures::write_file(dir.file("bomb.gz"), test_hostile_files::gzip_bomb(header, size_t(64) << 20));
    double s = test_hostile_files::seconds([&] {
        CHECK_THROWS_AS(data::read_idx(dir.file("bomb.gz")), DataError);
    });
    CHECK(s < 2.0);  // unpacking all 64 MB takes ~0.1 s here; the point is memory, checked below
    CHECK_THROWS_WITH(data::read_idx(dir.file("bomb.gz")), Contains("bomb.gz") && Contains("oversized IDX file") &&
                                                               Contains("need 176 bytes, got 177"));
    // not an IDX header at all: refused after the first kilobyte
    Bytes junk{'P', 'K', 3, 4};
    fixtures::write_file(dir.file("junk.gz"), test_hostile_files::gzip_bomb(junk, size_t(64) << 20));
    CHECK_THROWS_WITH(data::read_idx(dir.file("junk.gz")), Contains("junk.gz") && Contains("not an IDX file"));
}

TEST_CASE("A gzipped IDX header that promises more than the stream can unpack to is refused up front", "[05_dataloader]") {
    if (!fixtures::have_zlib()) return;
    // dims 2^24-1 x 2^16-1 promise ~1.1e12 bytes; ~1 KB of gzip can unpack to ~1 MB at most
    // (deflate: 1032 bytes per packed byte), so the reader says so before unpacking the zeros.
    Bytes header = fixtures::idx_file(0x08, {0xFFFFFFu, 0xFFFFu}, Bytes{});
    Bytes packed = test_hostile_files::gzip_bomb(header, size_t(1) << 20);
    CHECK_THROWS_AS(data::decode_idx_file(packed, "huge.gz"), DataError);
    CHECK_THROWS_WITH(data::decode_idx_file(packed, "huge.gz"),
                      Contains("huge.gz (gunzipped): truncated IDX file") && Contains("promises 1099494785037 bytes") &&
                          Contains(fmt("more than ", packed.size(), " gzip bytes can unpack to")) && Contains("hint"));
    // a header that the stream could fill is unpacked and judged by its size as before
    Bytes small = test_hostile_files::gzip_bomb(fixtures::idx_file(0x08, {1000u}, Bytes{}), 999);
    CHECK_THROWS_WITH(data::decode_idx_file(small, "short.gz"), Contains("need 1008 bytes, got 1007"));
    CHECK(data::decode_idx_file(test_hostile_files::gzip_bomb(fixtures::idx_file(0x08, {1000u}, Bytes{}), 1000),
                                "full.gz").shape() == Shape{1000});
}

TEST_CASE("gunzip never keeps more than its limit in memory and says so", "[05_dataloader][provided]") {
    if (!fixtures::have_zlib()) return;
    Bytes bomb = test_hostile_files::gzip_bomb(Bytes{1, 2, 3}, size_t(8) << 20);
    CHECK_THROWS_AS(data::detail::gunzip(bomb, "b.gz", 1000), DataError);
    CHECK_THROWS_WITH(data::detail::gunzip(bomb, "b.gz", 1000), Contains("b.gz") && Contains("more than 1000 bytes"));
    bool ended = true;
    Bytes head = data::detail::gunzip(bomb, "b.gz", 5, true, &ended);
    CHECK(head == Bytes{1, 2, 3, 0, 0});
    CHECK_FALSE(ended);
    Bytes whole = data::detail::gunzip(fixtures::gzip(Bytes{9, 8}), "s.gz", 5, true, &ended);
    CHECK(whole == Bytes{9, 8});
    CHECK(ended);
}

TEST_CASE("A gzipped CIFAR-10 batch is unpacked only up to the records it must hold", "[05_dataloader][provided]") {
    if (!fixtures::have_zlib()) return;
    TempDir dir;
    fixtures::write_file(dir.file("big.bin.gz"), test_hostile_files::gzip_bomb(Bytes{}, size_t(40) << 20));
    CHECK_THROWS_AS(data::read_cifar10_batch(dir.file("big.bin.gz"), 2), DataError);
    CHECK_THROWS_WITH(data::read_cifar10_batch(dir.file("big.bin.gz"), 2),
                      Contains("big.bin.gz") && Contains("more than 6147 bytes"));
}
