// tests/05_dataloader/test_readers.cpp — IDX and CIFAR-10 readers, data_dir, embedded digits (lesson
// §6, §7). Small fixture files are written at test time, or committed (tests/05_dataloader/data/);
// the checks against real MNIST/CIFAR-10 are hidden tests ([realdata]) run by hand.
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "fixtures.hpp"
#include "support/catch.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "golden/golden.hpp"
#include "support/judge.hpp"

using namespace tinytorch;
using fixtures::Bytes;
using fixtures::TempDir;

namespace {
std::vector<int> as_ints(const Tensor& t) {
    std::vector<int> out;
    for (float v : t.to_vector()) out.push_back(static_cast<int>(v));
    return out;
}
std::array<int, 10> class_counts(const Tensor& labels) {
    std::array<int, 10> c{};
    for (int v : as_ints(labels)) c.at(static_cast<size_t>(v))++;
    return c;
}
/// Mean of a contiguous tensor summed in double (a float sum drifts over 47 million pixels).
double mean_in_double(const Tensor& t) {
    double sum = 0.0;
    const float* p = t.data_ptr();
    for (int64_t k = 0; k < t.numel(); ++k) sum += p[k];
    return sum / static_cast<double>(t.numel());
}
/// A folder with MNIST-style files of `n` tiny 4x4 images (raw, or gzipped when gz is true).
void write_mnist_split(const TempDir& dir, const std::string& prefix, uint32_t n, bool gz) {
    Bytes images = fixtures::idx_ubyte({n, 4, 4}, 3), labels = fixtures::idx_ubyte({n}, 1);
    std::string suffix = gz ? ".gz" : "";
    fixtures::write_file(dir.file(prefix + "-images-idx3-ubyte" + suffix), gz ? fixtures::gzip(images) : images);
    fixtures::write_file(dir.file(prefix + "-labels-idx1-ubyte" + suffix), gz ? fixtures::gzip(labels) : labels);
}
}  // namespace

// ---- IDX ------------------------------------------------------------------------------------

TEST_CASE("read_be32 decodes big endian bytes whatever the CPU order", "[05_dataloader]") {
    const uint8_t images[4] = {0x00, 0x00, 0x08, 0x03}, mixed[4] = {0x12, 0x34, 0x56, 0x78}, top[4] = {0xff, 0, 0, 1};
    CHECK(data::read_be32(images) == 2051u);
    CHECK(data::read_be32(mixed) == 0x12345678u);
    CHECK(data::read_be32(top) == 0xff000001u);
}

TEST_CASE("read_idx reads a ubyte images file with its dims and values", "[05_dataloader]") {
    TempDir dir;
    fixtures::write_file(dir.file("img"), fixtures::idx_ubyte({3, 2, 2}, 20));
    Tensor t = data::read_idx(dir.file("img"), data::kIdxImagesMagic);
    REQUIRE(t.shape() == Shape{3, 2, 2});
    std::vector<float> expected;
    for (int k = 0; k < 12; ++k) expected.push_back(static_cast<float>((k * 20) % 256));
    CHECK(t.to_vector() == expected);
}

TEST_CASE("read_idx reads every IDX element type in big endian order", "[05_dataloader]") {
    TempDir dir;
    fixtures::write_file(dir.file("sbyte"), fixtures::idx_file(0x09, {2}, {0xfd, 0x05}));
    fixtures::write_file(dir.file("short"), fixtures::idx_file(0x0B, {2}, {0xfe, 0xd4, 0x01, 0x2c}));
    fixtures::write_file(dir.file("int"), fixtures::idx_file(0x0C, {1}, {0xff, 0xff, 0xff, 0x9c}));
    fixtures::write_file(dir.file("float"), fixtures::idx_file(0x0D, {1}, {0x3f, 0xc0, 0x00, 0x00}));
    fixtures::write_file(dir.file("double"), fixtures::idx_file(0x0E, {1}, {0xc0, 0x02, 0, 0, 0, 0, 0, 0}));
    CHECK(data::read_idx(dir.file("sbyte")).to_vector() == std::vector<float>{-3.f, 5.f});
    CHECK(data::read_idx(dir.file("short")).to_vector() == std::vector<float>{-300.f, 300.f});
    CHECK(data::read_idx(dir.file("int")).item() == -100.0f);
    CHECK(data::read_idx(dir.file("float")).item() == 1.5f);
    CHECK(data::read_idx(dir.file("double")).item() == -2.25f);
}

TEST_CASE("read_idx reads a gzipped file the same as the raw file", "[05_dataloader]") {
    TempDir dir;
    Bytes raw = fixtures::idx_ubyte({5, 3, 3}, 7);
    fixtures::write_file(dir.file("a-idx3-ubyte.gz"), fixtures::gzip(raw));
    if (!fixtures::have_zlib()) {  // a build without zlib refuses .gz files, naming the remedy
        CHECK_THROWS_WITH(data::read_idx(dir.file("a-idx3-ubyte.gz")), Contains("gunzip") && Contains("zlib"));
        return;
    }
    fixtures::write_file(dir.file("a-idx3-ubyte"), raw);
    // both must hold the bytes written: k·7 mod 256 for k = 0..44 (expected values computed here,
    // not by a second call of the reader under test)
    std::vector<float> expected(45);
    for (size_t k = 0; k < expected.size(); ++k) expected[k] = static_cast<float>((k * 7) % 256);
    CHECK(judge::equal(data::read_idx(dir.file("a-idx3-ubyte.gz")), judge::tensor(expected, {5, 3, 3})));
    CHECK(judge::equal(data::read_idx(dir.file("a-idx3-ubyte")), judge::tensor(expected, {5, 3, 3})));
}

TEST_CASE("A gzip file without zlib is a DataError saying to gunzip or install zlib", "[05_dataloader][provided]") {
    TempDir dir;
    Bytes fake_gz{0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4};  // gzip magic, enough to be recognised
    fixtures::write_file(dir.file("x.gz"), fake_gz);
    CHECK_THROWS_AS(data::read_idx(dir.file("x.gz")), DataError);
    if (!data::has_zlib()) CHECK_THROWS_WITH(data::read_idx(dir.file("x.gz")), Contains("gunzip") && Contains("zlib"));
    else CHECK_THROWS_WITH(data::read_idx(dir.file("x.gz")), Contains(dir.file("x.gz")) && Contains("gzip"));
}

TEST_CASE("read_idx rejects a wrong magic number naming the file and both magics", "[05_dataloader]") {
    TempDir dir;
    fixtures::write_file(dir.file("labels"), fixtures::idx_ubyte({4}));
    CHECK_THROWS_AS(data::read_idx(dir.file("labels"), data::kIdxImagesMagic), DataError);
    CHECK_THROWS_WITH(data::read_idx(dir.file("labels"), data::kIdxImagesMagic),
                      Contains(dir.file("labels")) && Contains("0x00000801") && Contains("0x00000803"));
    CHECK(data::read_idx(dir.file("labels"), data::kIdxLabelsMagic).shape() == Shape{4});
}

TEST_CASE("read_idx rejects a file that is not IDX", "[05_dataloader]") {
    TempDir dir;
    fixtures::write_file(dir.file("text"), Bytes{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'});
    fixtures::write_file(dir.file("badtype"), fixtures::idx_file(0x07, {1}, {0}));
    fixtures::write_file(dir.file("nodims"), Bytes{0, 0, 8, 0});
    fixtures::write_file(dir.file("tiny"), Bytes{0, 0});
    CHECK_THROWS_WITH(data::read_idx(dir.file("text")), Contains(dir.file("text")) && Contains("not an IDX file"));
    CHECK_THROWS_WITH(data::read_idx(dir.file("badtype")), Contains("0x00000701") && Contains("not an IDX file"));
    CHECK_THROWS_AS(data::read_idx(dir.file("nodims")), DataError);
    CHECK_THROWS_WITH(data::read_idx(dir.file("tiny")), Contains("too short") && Contains("2 bytes"));
}

TEST_CASE("read_idx reports a truncated file with the expected and actual sizes", "[05_dataloader]") {
    TempDir dir;
    Bytes b = fixtures::idx_ubyte({3, 2, 2});  // 16-byte header + 12 pixels = 28 bytes
    b.resize(b.size() - 5);
    fixtures::write_file(dir.file("cut"), b);
    CHECK_THROWS_AS(data::read_idx(dir.file("cut")), DataError);
    CHECK_THROWS_WITH(data::read_idx(dir.file("cut")), Contains(dir.file("cut")) && Contains("truncated") &&
                                                           Contains("need 28 bytes") && Contains("got 23") &&
                                                           Contains("[3, 2, 2]"));
}

TEST_CASE("read_idx reports dims that promise more data than the file holds", "[05_dataloader]") {
    TempDir dir;
    fixtures::write_file(dir.file("dims"), fixtures::idx_file(0x08, {1000, 28, 28}, Bytes(784, 0)));
    CHECK_THROWS_WITH(data::read_idx(dir.file("dims")),
                      Contains("[1000, 28, 28]") && Contains("784016") && Contains("got 800"));
    fixtures::write_file(dir.file("header"), Bytes{0, 0, 8, 3, 0, 0, 0, 1});
    CHECK_THROWS_WITH(data::read_idx(dir.file("header")), Contains("header") && Contains("16 bytes") && Contains("got 8"));
}

TEST_CASE("read_idx reports extra bytes after the data", "[05_dataloader]") {
    TempDir dir;
    Bytes b = fixtures::idx_ubyte({2, 2, 2});
    b.push_back(0);
    fixtures::write_file(dir.file("long"), b);
    CHECK_THROWS_WITH(data::read_idx(dir.file("long")), Contains("oversized") && Contains("need 24") && Contains("got 25"));
}

TEST_CASE("read_idx reports a missing file with its path and a hint", "[05_dataloader][provided]") {
    TempDir dir;
    CHECK_THROWS_AS(data::read_idx(dir.file("absent")), DataError);
    CHECK_THROWS_WITH(data::read_idx(dir.file("absent")),
                      Contains(dir.file("absent")) && Contains("no such file") && Contains("TINYTORCH_DATA_DIR"));
    CHECK_THROWS_WITH(data::read_idx(dir.str()), Contains("directory"));
}

// Graded, not [provided]: read_idx reads the IDX header (the student's read_be32) before the gzip
// layer reports a bad CRC-32 trailer, so the untouched release cannot pass it.
TEST_CASE("A truncated or corrupt gzip file is a DataError naming the file", "[05_dataloader]") {
    if (!fixtures::have_zlib()) {
        WARN("zlib not available: gzip error paths not tested");
        return;
    }
    TempDir dir;
    Bytes gz = fixtures::gzip(fixtures::idx_ubyte({50, 8, 8}, 13));
    Bytes cut(gz.begin(), gz.begin() + static_cast<std::ptrdiff_t>(gz.size() / 2));
    fixtures::write_file(dir.file("cut.gz"), cut);
    CHECK_THROWS_AS(data::read_idx(dir.file("cut.gz")), DataError);
    CHECK_THROWS_WITH(data::read_idx(dir.file("cut.gz")), Contains(dir.file("cut.gz")) && Contains("truncated gzip"));
    Bytes bad = gz;
    bad[bad.size() - 6] ^= 0xff;  // inside the CRC-32 trailer
    fixtures::write_file(dir.file("bad.gz"), bad);
    CHECK_THROWS_WITH(data::read_idx(dir.file("bad.gz")), Contains(dir.file("bad.gz")) && Contains("corrupt gzip"));
}

TEST_CASE("read_idx_dataset scales pixels to zero one and adds a channel dim", "[05_dataloader]") {
    TempDir dir;
    fixtures::write_file(dir.file("img"), fixtures::idx_file(0x08, {2, 2, 2}, {0, 255, 51, 102, 255, 0, 0, 0}));
    fixtures::write_file(dir.file("lab"), fixtures::idx_file(0x08, {2}, {7, 3}));
    data::TensorDataset ds = data::read_idx_dataset(dir.file("img"), dir.file("lab"));
    REQUIRE(ds.data().shape() == Shape{2, 1, 2, 2});
    CHECK(judge::allclose(ds.data(), Tensor({0.f, 1.f, 0.2f, 0.4f, 1.f, 0.f, 0.f, 0.f}, {2, 1, 2, 2})));
    CHECK(judge::equal(ds.targets(), Tensor({7.f, 3.f})));
}

TEST_CASE("read_idx_dataset rejects image and label files of different lengths", "[05_dataloader]") {
    TempDir dir;
    fixtures::write_file(dir.file("img"), fixtures::idx_ubyte({3, 2, 2}));
    fixtures::write_file(dir.file("lab"), fixtures::idx_ubyte({4}));
    CHECK_THROWS_AS(data::read_idx_dataset(dir.file("img"), dir.file("lab")), DataError);
    CHECK_THROWS_WITH(data::read_idx_dataset(dir.file("img"), dir.file("lab")),
                      Contains("3 images") && Contains("4 labels") && Contains(dir.file("lab")));
    CHECK_THROWS_AS(data::read_idx_dataset(dir.file("lab"), dir.file("img")), DataError);  // swapped: wrong magics
}

TEST_CASE("mnist reads the train and test files of a folder raw or gzipped", "[05_dataloader]") {
    TempDir dir;
    write_mnist_split(dir, "train", 6, false);
    write_mnist_split(dir, "t10k", 2, fixtures::have_zlib());
    data::TensorDataset train = data::mnist(dir.str(), true), test = data::mnist(dir.str(), false);
    CHECK(train.data().shape() == Shape{6, 1, 4, 4});
    CHECK(test.data().shape() == Shape{2, 1, 4, 4});
    CHECK(as_ints(train.targets()) == std::vector<int>{0, 1, 2, 3, 4, 5});
    CHECK_THAT(train.get(1).data.at({0, 0, 1}), WithinAbs(51.0 / 255.0, 1e-7));  // pixel 17 = 17*3 = 51
}

TEST_CASE("mnist names both candidate paths when a file is missing", "[05_dataloader][provided]") {
    TempDir dir;
    CHECK_THROWS_AS(data::mnist(dir.str()), DataError);
    CHECK_THROWS_WITH(data::mnist(dir.str()), Contains("train-images-idx3-ubyte") &&
                                                  Contains("train-images-idx3-ubyte.gz") && Contains("hint"));
}

// ---- CIFAR-10 ---------------------------------------------------------------------------------

TEST_CASE("read_cifar10_batch decodes records into CHW images and labels", "[05_dataloader]") {
    TempDir dir;
    fixtures::write_file(dir.file("two.bin"), fixtures::cifar_records({3, 9}));
    data::Example e = data::read_cifar10_batch(dir.file("two.bin"), 2);
    REQUIRE(e.data.shape() == Shape{2, 3, 32, 32});
    CHECK(judge::equal(e.target, Tensor({3.f, 9.f})));
    // byte k of record r's pixels is (r * 7 + k) % 256 with k = c * 1024 + y * 32 + x
    for (auto [r, c, y, x] : std::vector<std::array<int64_t, 4>>{{0, 0, 0, 0}, {0, 1, 2, 3}, {1, 2, 31, 31}, {1, 0, 5, 9}}) {
        int64_t k = c * 1024 + y * 32 + x;
        CHECK(e.data.at({r, c, y, x}) == static_cast<float>((r * 7 + k) % 256) / 255.0f);
    }
    CHECK(data::read_cifar10_batch(dir.file("two.bin"), std::nullopt).data.size(0) == 2);
}

TEST_CASE("read_cifar10_batch rejects a file of the wrong size naming it and the expected bytes", "[05_dataloader][provided]") {
    TempDir dir;
    Bytes b = fixtures::cifar_records({1, 2});
    b.resize(b.size() - 5);  // 6141 bytes
    fixtures::write_file(dir.file("cut.bin"), b);
    CHECK_THROWS_AS(data::read_cifar10_batch(dir.file("cut.bin"), 2), DataError);
    CHECK_THROWS_WITH(data::read_cifar10_batch(dir.file("cut.bin"), 2),
                      Contains(dir.file("cut.bin")) && Contains("6141 bytes") && Contains("expected 6146"));
    CHECK_THROWS_WITH(data::read_cifar10_batch(dir.file("cut.bin"), std::nullopt), Contains("multiple of 3073"));
    fixtures::write_file(dir.file("two.bin"), fixtures::cifar_records({1, 2}));
    CHECK_THROWS_WITH(data::read_cifar10_batch(dir.file("two.bin")),
                      Contains("expected 30730000") && Contains("10000 records of 3073 bytes"));
}

TEST_CASE("read_cifar10_batch rejects a label above nine", "[05_dataloader]") {
    TempDir dir;
    fixtures::write_file(dir.file("bad.bin"), fixtures::cifar_records({4, 12}));
    CHECK_THROWS_AS(data::read_cifar10_batch(dir.file("bad.bin"), 2), DataError);
    CHECK_THROWS_WITH(data::read_cifar10_batch(dir.file("bad.bin"), 2),
                      Contains(dir.file("bad.bin")) && Contains("record 1") && Contains("label 12"));
}

TEST_CASE("cifar10 names the missing batch file", "[05_dataloader][provided]") {
    TempDir dir;
    CHECK_THROWS_AS(data::cifar10(dir.str(), true), DataError);
    CHECK_THROWS_WITH(data::cifar10(dir.str(), true), Contains("data_batch_1.bin"));
    CHECK_THROWS_WITH(data::cifar10(dir.str(), false), Contains("test_batch.bin"));
}

TEST_CASE("cifar10 rejects a batch file with the wrong number of records", "[05_dataloader][provided]") {
    TempDir dir;
    fixtures::write_file(dir.file("test_batch.bin"), fixtures::cifar_records({0, 1}));
    CHECK_THROWS_AS(data::cifar10(dir.str(), false), DataError);
    CHECK_THROWS_WITH(data::cifar10(dir.str(), false), Contains(dir.file("test_batch.bin")) && Contains("30730000"));
}

TEST_CASE("cifar10_classes reads batches.meta.txt and falls back to the official names", "[05_dataloader][provided]") {
    TempDir dir;
    CHECK(data::cifar10_classes().at(0) == "airplane");
    CHECK(data::cifar10_classes(dir.str()).at(9) == "truck");
    {
        std::ofstream meta(dir.file("batches.meta.txt"));
        for (int k = 0; k < 10; ++k) meta << "class" << k << "\n";
        meta << "\n";
    }
    auto names = data::cifar10_classes(dir.str());
    REQUIRE(names.size() == 10);
    CHECK(names[3] == "class3");
    std::ofstream(dir.file("batches.meta.txt")) << "a\nb\n";
    CHECK_THROWS_WITH(data::cifar10_classes(dir.str()), Contains("2 class names") && Contains("expected 10"));
}

// ---- where data lives ----------------------------------------------------------------------------

TEST_CASE("data_dir follows TINYTORCH_DATA_DIR and falls back to the compiled in default", "[05_dataloader][provided]") {
    TempDir dir;
    {
        fixtures::ScopedEnv env("TINYTORCH_DATA_DIR", dir.str());
        CHECK(data::data_dir() == dir.str());
        std::filesystem::create_directories(dir.file("mine"));
        CHECK(data::find_dataset("mine").value_or("") == dir.file("mine"));
        CHECK(data::find_dataset("digits8x8").has_value());  // still found in the default folder
        CHECK_THROWS_AS(data::dataset_dir("no_such_set"), DataError);
        CHECK_THROWS_WITH(data::dataset_dir("no_such_set"),
                          Contains(dir.file("no_such_set")) && Contains("TINYTORCH_DATA_DIR"));
    }
    {
        fixtures::ScopedEnv env("TINYTORCH_DATA_DIR", std::nullopt);
        CHECK(data::data_dir() == data::default_data_dir());
        CHECK(data::default_data_dir() == std::string(TINYTORCH_SOURCE_DIR) + "/datasets");
    }
}

// ---- the embedded digits ---------------------------------------------------------------------------

TEST_CASE("The embedded digits have 1400 train and 300 test images with balanced classes", "[05_dataloader]") {
    data::TensorDataset train = data::digits8x8(true), test = data::digits8x8(false);
    REQUIRE(train.data().shape() == Shape{1400, 1, 8, 8});
    REQUIRE(test.data().shape() == Shape{300, 1, 8, 8});
    CHECK(train.targets().shape() == Shape{1400});
    for (int c : class_counts(train.targets())) CHECK(c == 140);
    for (int c : class_counts(test.targets())) CHECK(c == 30);
    CHECK(train.data().min().item() == 0.0f);
    CHECK(train.data().max().item() == 1.0f);
    CHECK(test.data().min().item() >= 0.0f);
    CHECK(test.data().max().item() <= 1.0f);
}

TEST_CASE("The embedded digits keep the order and pixels of the UCI table", "[05_dataloader]") {
    data::TensorDataset train = data::digits8x8(true);
    // the table starts 0 1 2 ... 9 and its first row is 0 0 5 13 9 1 0 0 (pixels 0..16)
    CHECK(as_ints(train.targets().slice(0, 0, 10)) == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    std::vector<float> row = train.data().index({0, 0, 0}).to_vector();
    const float uci[8] = {0, 0, 5, 13, 9, 1, 0, 0};
    for (int k = 0; k < 8; ++k) {
        CHECK(row[k] == std::round(uci[k] * 255.0f / 16.0f) / 255.0f);
        CHECK_THAT(row[k], WithinAbs(uci[k] / 16.0, 1.0 / 510.0 + 1e-7));
    }
    // the files are raw IDX of the documented sizes
    std::string dir = data::dataset_dir("digits8x8");
    CHECK(std::filesystem::file_size(dir + "/train-images-idx3-ubyte") == 16 + 1400 * 64);
    CHECK(std::filesystem::file_size(dir + "/test-labels-idx1-ubyte") == 8 + 300);
}

TEST_CASE("The embedded digits train through a shuffled DataLoader", "[05_dataloader]") {
    data::DataLoader loader(data::digits8x8(true), data::DataLoaderOptions().batch_size(128).shuffle(true).seed(0));
    CHECK(loader.size() == 11);
    std::array<int, 10> seen{};
    for (const data::Example& b : loader) {
        CHECK(b.data.size(1) == 1);
        for (int v : as_ints(b.target)) seen.at(static_cast<size_t>(v))++;
    }
    for (int c : seen) CHECK(c == 140);
}

// ---- committed fixture files (tests/05_dataloader/data/, written by tests/golden/gen_dataloader.py) ------
// The expected labels, byte sums and pixels come from the generator (tests/golden/dataloader_fixtures.txt),
// computed from the bytes it wrote, not from a reader.

namespace test_readers {
std::string fixture_dir(const std::string& name) {
    return std::string(TINYTORCH_SOURCE_DIR) + "/tests/05_dataloader/data/" + name;
}
const golden::Case& fixture_case(const std::string& name) { return golden::case_named("dataloader_fixtures.txt", name); }
/// Checks a [n, 1, 28, 28] dataset read from the fixture split against the generator's facts.
void check_mnist_split(const data::TensorDataset& ds, const golden::Case& facts) {
    const int64_t n = facts.int_attr("n");
    REQUIRE(ds.data().shape() == Shape{n, 1, 28, 28});
    CHECK(judge::equal(ds.targets(), facts.tensor("labels")));
    const std::vector<float> pixels = judge::values(ds.data()), sums = judge::values(facts.tensor("byte_sums"));
    for (int64_t k = 0; k < n; ++k) {
        double sum = 0.0;
        for (int64_t j = 0; j < 784; ++j) sum += pixels[static_cast<size_t>(k * 784 + j)];
        CHECK_THAT(sum * 255.0, WithinAbs(sums[static_cast<size_t>(k)], 0.1));  // one byte off would be 1
    }
    const std::vector<float> at = judge::values(facts.tensor("probe_index")), bytes = judge::values(facts.tensor("probe_byte"));
    for (size_t p = 0; p < bytes.size(); ++p) {
        const size_t k = static_cast<size_t>(at[3 * p]), r = static_cast<size_t>(at[3 * p + 1]), c = static_cast<size_t>(at[3 * p + 2]);
        CHECK_THAT(pixels[k * 784 + r * 28 + c], WithinAbs(bytes[p] / 255.0, 1e-6));
    }
}
}  // namespace test_readers

TEST_CASE("mnist reads the committed gzipped fixture folder with the generator's labels and pixels", "[05_dataloader]") {
    if (!data::has_zlib()) {
        CHECK_THROWS_AS(data::mnist(test_readers::fixture_dir("mnist"), true), DataError);
        return;
    }
    test_readers::check_mnist_split(data::mnist(test_readers::fixture_dir("mnist"), true), test_readers::fixture_case("mnist_train"));
    test_readers::check_mnist_split(data::mnist(test_readers::fixture_dir("mnist"), false), test_readers::fixture_case("mnist_t10k"));
}

TEST_CASE("mnist reads the committed raw fixture folder with the generator's labels and pixels", "[05_dataloader]") {
    test_readers::check_mnist_split(data::mnist(test_readers::fixture_dir("mnist-raw"), false), test_readers::fixture_case("mnist_t10k"));
}

TEST_CASE("read_cifar10_batch reads the committed fixture batch with the generator's labels and pixels", "[05_dataloader]") {
    const golden::Case& facts = test_readers::fixture_case("cifar10_mini");
    const int64_t n = facts.int_attr("n");
    data::Example e = data::read_cifar10_batch(test_readers::fixture_dir("cifar10") + "/test_batch_mini.bin", std::nullopt);
    REQUIRE(e.data.shape() == Shape{n, 3, 32, 32});
    CHECK(judge::equal(e.target, facts.tensor("labels")));
    const std::vector<float> pixels = judge::values(e.data), sums = judge::values(facts.tensor("channel_byte_sums"));
    for (int64_t k = 0; k < n; ++k)
        for (int64_t ch = 0; ch < 3; ++ch) {
            double sum = 0.0;
            for (int64_t j = 0; j < 1024; ++j) sum += pixels[static_cast<size_t>((k * 3 + ch) * 1024 + j)];
            CHECK_THAT(sum * 255.0, WithinAbs(sums[static_cast<size_t>(k * 3 + ch)], 0.1));
        }
    CHECK_THAT(pixels[2 * 1024 + 31 * 32], WithinAbs(judge::values(facts.tensor("probe_byte"))[0] / 255.0, 1e-6));
}

// ---- real datasets: not run by default (they need the downloaded files) -------------------------------
// test_05_dataloader "[realdata]" runs them against TINYTORCH_DATA_DIR; ./tito data verify checks the
// files' checksums. Hidden ([.]) so that no test passes by skipping in CI.

TEST_CASE("MNIST from the data directory matches the published facts", "[.][realdata][05_dataloader]") {
    auto dir = data::find_dataset("mnist");
    REQUIRE(dir.has_value());
    if (!data::has_zlib() && std::filesystem::exists(*dir + "/train-images-idx3-ubyte.gz") &&
        !std::filesystem::exists(*dir + "/train-images-idx3-ubyte")) {
        // a build without zlib cannot read the .gz files, and must say so
        CHECK_THROWS_WITH(data::mnist(*dir, true), Contains("gunzip") && Contains("zlib"));
        return;
    }
    data::TensorDataset train = data::mnist(*dir, true), test = data::mnist(*dir, false);
    REQUIRE(train.data().shape() == Shape{60000, 1, 28, 28});
    REQUIRE(test.data().shape() == Shape{10000, 1, 28, 28});
    CHECK(as_ints(train.targets().slice(0, 0, 10)) == std::vector<int>{5, 0, 4, 1, 9, 2, 1, 3, 1, 4});
    CHECK(as_ints(test.targets().slice(0, 0, 10)) == std::vector<int>{7, 2, 1, 0, 4, 1, 4, 9, 5, 9});
    CHECK(class_counts(train.targets()) == std::array<int, 10>{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949});
    CHECK(class_counts(test.targets()) == std::array<int, 10>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009});
    CHECK_THAT(mean_in_double(train.data()) * 255.0, WithinAbs(33.3184, 1e-4));
    CHECK_THAT(mean_in_double(test.data()) * 255.0, WithinAbs(33.7912, 1e-4));
}

TEST_CASE("CIFAR-10 test batch from the data directory has the published layout", "[.][realdata][05_dataloader]") {
    auto dir = data::find_dataset("cifar10");
    REQUIRE(dir.has_value());
    data::TensorDataset test = data::cifar10(*dir, false);
    REQUIRE(test.data().shape() == Shape{10000, 3, 32, 32});
    CHECK(class_counts(test.targets()) == std::array<int, 10>{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000});
    CHECK(test.data().min().item() >= 0.0f);
    CHECK(test.data().max().item() <= 1.0f);
    CHECK_THAT(test.data().mean().item(), WithinAbs(121.5 / 255.0, 0.03));
    CHECK(data::cifar10_classes(*dir) == data::cifar10_classes());
}
