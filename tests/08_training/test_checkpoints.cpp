// tests/08_training/test_checkpoints.cpp — safetensors files, weights and resumable checkpoints
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/catch.hpp"
#include "tinytorch/training/training.hpp"
#include "support/judge.hpp"

using namespace tinytorch;
namespace fs = std::filesystem;

namespace {

std::string temp_path(const std::string& name) {
    fs::path dir = fs::temp_directory_path() / "tinytorch_test_08";
    fs::create_directories(dir);
    return (dir / name).string();
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace

TEST_CASE("safetensors round-trips tensors and metadata in order", "[08_training]") {
    std::string path = temp_path("roundtrip.safetensors");
    StateDict sd;
    sd.insert("layer.weight", Tensor({{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}}));
    sd.insert("layer.bias", Tensor({-1.5f, 0.25f}));
    sd.insert("scalar", scalar_tensor(7.f));
    sd.insert("view", arange(0, 12).reshape({3, 4}).t());  // non-contiguous input is written in row-major order
    train::save_safetensors(path, sd, {{"epoch", "3"}, {"note", "a \"quoted\" value"}});
    train::Metadata meta;
    StateDict back = train::load_safetensors(path, &meta);
    REQUIRE(back.size() == 4);
    CHECK(back.items()[0].first == "layer.weight");
    CHECK(back.items()[3].first == "view");
    CHECK(judge::equal(back.at("layer.weight"), sd.at("layer.weight")));
    CHECK(judge::equal(back.at("layer.bias"), sd.at("layer.bias")));
    CHECK(back.at("scalar").dim() == 0);
    CHECK(back.at("scalar").item() == 7.f);
    CHECK(judge::equal(back.at("view"), arange(0, 12).reshape({3, 4}).t().contiguous()));
    CHECK(meta["epoch"] == "3");
    CHECK(meta["note"] == "a \"quoted\" value");
}

TEST_CASE("a safetensors file has a little-endian header length then JSON then raw floats", "[08_training]") {
    std::string path = temp_path("layout.safetensors");
    StateDict sd;
    sd.insert("x", Tensor({1.f, 2.f}));
    train::save_safetensors(path, sd);
    std::string bytes = read_bytes(path);
    REQUIRE(bytes.size() >= 8);
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
    CHECK(n % 8 == 0);
    CHECK(bytes.size() == 8 + n + 8);
    std::string header = bytes.substr(8, n);
    CHECK_THAT(header, Contains("\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}"));
    float v[2];
    std::memcpy(v, bytes.data() + 8 + n, 8);
    CHECK(v[0] == 1.f);
    CHECK(v[1] == 2.f);
}

TEST_CASE("loading a truncated or corrupt safetensors file names the file", "[08_training]") {
    std::string good = temp_path("good.safetensors");
    StateDict sd;
    sd.insert("w", ones({4, 4}));
    train::save_safetensors(good, sd);
    std::string bytes = read_bytes(good);

    std::string truncated = temp_path("truncated.safetensors");
    write_bytes(truncated, bytes.substr(0, bytes.size() - 10));
    CHECK_THROWS_AS(train::load_safetensors(truncated), DataError);
    CHECK_THROWS_WITH(train::load_safetensors(truncated), Contains("truncated.safetensors") && Contains("bytes"));

    std::string tiny = temp_path("tiny.safetensors");
    write_bytes(tiny, "abc");
    CHECK_THROWS_WITH(train::load_safetensors(tiny), Contains("tiny.safetensors") && Contains("8-byte"));

    std::string garbage = temp_path("garbage.safetensors");
    std::string g = bytes;
    g[8] = 'X';  // break the JSON
    write_bytes(garbage, g);
    CHECK_THROWS_AS(train::load_safetensors(garbage), DataError);
    CHECK_THROWS_WITH(train::load_safetensors(garbage), Contains("garbage.safetensors"));

    CHECK_THROWS_AS(train::load_safetensors(temp_path("does_not_exist.safetensors")), DataError);
}

TEST_CASE("a dtype TinyTorch does not know is refused with the list it reads", "[08_training]") {
    std::string path = temp_path("f8.safetensors");
    std::string header = "{\"h\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}";
    while (header.size() % 8) header += ' ';
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
    write_bytes(path, bytes + header + std::string(2, '\0'));
    CHECK_THROWS_AS(train::load_safetensors(path), DataError);
    CHECK_THROWS_WITH(train::load_safetensors(path), Contains("F8_E4M3") && Contains("'h'") && Contains("BF16") &&
                                                         Contains("I64") && Contains("BOOL"));
    CHECK_THROWS_AS(train::load_safetensors_raw(path), DataError);
}

TEST_CASE("weights save and load into a fresh model and a strict load names bad keys", "[08_training]") {
    std::string path = temp_path("weights.safetensors");
    manual_seed(11);
    nn::Sequential a(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2));
    train::save_weights(a, path);
    manual_seed(12);
    nn::Sequential b(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2));
    train::load_weights(b, path);
    Tensor x = randn({5, 3});
    CHECK(judge::equal(a.forward(x), b.forward(x)));

    nn::Sequential wrong(nn::Linear(3, 5), nn::ReLU(), nn::Linear(5, 2));
    CHECK_THROWS_WITH(train::load_weights(wrong, path), Contains("0.weight"));
    nn::Sequential other(nn::Linear(3, 4));
    CHECK_THROWS_WITH(train::load_weights(other, path), Contains("2.weight"));
}

TEST_CASE("a run resumed from a checkpoint ends with exactly the weights of an uninterrupted run", "[08_training]") {
    Generator gen(3);
    Tensor x = empty({40, 3}), y = empty({40});
    for (int64_t i = 0; i < 40; ++i) {
        float s = 0;
        for (int j = 0; j < 3; ++j) s += (x.data_ptr()[3 * i + j] = gen.uniform(-1, 1));
        y.data_ptr()[i] = s > 0 ? 1.f : 0.f;
    }
    data::TensorDataset set(x, y);
    nn::CrossEntropyLoss ce;
    auto loss = [&](const Tensor& out, const Tensor& t) { return ce(out, t); };
    auto build = [&](uint64_t seed) {
        manual_seed(seed);
        return std::make_shared<nn::Sequential>(nn::Linear(3, 8), nn::ReLU(), nn::Dropout(0.2), nn::Linear(8, 2));
    };
    train::TrainerOptions o;
    o.progress = false;
    data::DataLoaderOptions lo = data::DataLoaderOptions().batch_size(8).shuffle(true).seed(21);

    // Uninterrupted: 4 epochs.
    auto net_a = build(1);
    optim::Adam adam_a(net_a->parameters(), optim::AdamOptions(0.01));
    optim::StepLR sched_a(adam_a, 1, 0.7);
    train::Trainer ta(*net_a, adam_a, loss, o);
    ta.set_scheduler(&sched_a);
    data::DataLoader loader_a(set, lo);
    for (int e = 0; e < 4; ++e) ta.train_epoch(loader_a);

    // Interrupted after 2 epochs, saved, restored into a freshly built trainer, 2 more epochs.
    std::string path = temp_path("resume.safetensors");
    {
        auto net = build(1);
        optim::Adam adam(net->parameters(), optim::AdamOptions(0.01));
        optim::StepLR sched(adam, 1, 0.7);
        train::Trainer t(*net, adam, loss, o);
        t.set_scheduler(&sched);
        data::DataLoader loader(set, lo);
        t.train_epoch(loader);
        t.train_epoch(loader);
        train::save_checkpoint(t, path);
    }
    auto net_b = build(99);  // different init: everything must come from the checkpoint
    optim::Adam adam_b(net_b->parameters(), optim::AdamOptions(0.01));
    optim::StepLR sched_b(adam_b, 1, 0.7);
    train::Trainer tb(*net_b, adam_b, loss, o);
    tb.set_scheduler(&sched_b);
    manual_seed(12345);  // a different random stream: the checkpoint restores the saved one
    train::load_checkpoint(tb, path);
    CHECK(tb.epoch() == 2);
    CHECK(adam_b.lr() == Approx(0.01 * 0.49));
    data::DataLoader loader_b(set, lo);
    // The loader derives epoch e's order from (seed, e): continue at epoch 2.
    loader_b.set_epoch(2);
    tb.train_epoch(loader_b);
    tb.train_epoch(loader_b);

    auto pa = net_a->parameters(), pb = net_b->parameters();
    REQUIRE(pa.size() == pb.size());
    for (size_t i = 0; i < pa.size(); ++i) CHECK(judge::equal(pa[i], pb[i]));
    CHECK(tb.step() == ta.step());
}

TEST_CASE("load_checkpoint refuses a weights-only file", "[08_training]") {
    std::string path = temp_path("only_weights.safetensors");
    nn::Linear model(2, 2);
    train::save_weights(model, path);
    optim::SGD sgd(model.parameters(), optim::SGDOptions(0.1));
    train::Trainer t(model, sgd, [](const Tensor& p, const Tensor&) { return p.sum(); });
    CHECK_THROWS_AS(train::load_checkpoint(t, path), DataError);
    CHECK_THROWS_WITH(train::load_checkpoint(t, path), Contains("load_weights"));
}

TEST_CASE("the progress bar shows counts and the metrics log writes JSON lines", "[08_training][provided]") {
    std::FILE* sink = std::tmpfile();
    train::ProgressBar bar(10, "epoch 1", sink);
    bar.update(5, "loss 0.5");
    std::string line = bar.line();
    CHECK_THAT(line, Contains("epoch 1") && Contains("5/10") && Contains("loss 0.5") && Contains("ETA"));
    CHECK_THAT(line, Contains("[##########..........]"));
    bar.close();
    std::fclose(sink);
    CHECK(train::ProgressBar::format_duration(3725) == "1:02:05");

    std::string path = temp_path("metrics.jsonl");
    {
        train::MetricsLog log(path);
        log.log({{"epoch", 1}, {"loss", 0.5}});
        log.log({{"epoch", 2}, {"loss", 0.25}});
        CHECK(log.column("loss")[1] == 0.25);
    }
    std::string text = read_bytes(path);
    CHECK(text == "{\"epoch\": 1, \"loss\": 0.5}\n{\"epoch\": 2, \"loss\": 0.25}\n");
}
