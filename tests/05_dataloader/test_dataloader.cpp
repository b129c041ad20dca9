// tests/05_dataloader/test_dataloader.cpp — samplers, shuffling, epochs and the DataLoader (lesson §3, §4)
#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "support/catch.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

namespace {
/// n examples: data[i] = {i, i + 0.25, i + 0.5}, target[i] = i.
data::TensorDataset range_dataset(int64_t n) {
    Tensor idx = arange(0.0f, static_cast<float>(n)).view({n, 1});
    return data::TensorDataset(idx.add(Tensor({0.0f, 0.25f, 0.5f})), arange(0.0f, static_cast<float>(n)));
}

/// The targets of one epoch, batch by batch.
std::vector<std::vector<int>> epoch_batches(data::DataLoader& loader) {
    std::vector<std::vector<int>> out;
    for (const data::Example& b : loader) {
        std::vector<int> ids;
        for (float v : b.target.to_vector()) ids.push_back(static_cast<int>(v));
        out.push_back(ids);
    }
    return out;
}
std::vector<int> flat(const std::vector<std::vector<int>>& batches) {
    std::vector<int> out;
    for (const auto& b : batches) out.insert(out.end(), b.begin(), b.end());
    return out;
}
std::vector<int> iota_vec(int n) {
    std::vector<int> v(static_cast<size_t>(n));
    std::iota(v.begin(), v.end(), 0);
    return v;
}

/// Visits the dataset backwards: a sampler written by a user.
class ReverseSampler : public data::Sampler {
public:
    std::vector<size_t> indices(size_t n, uint64_t) override {
        std::vector<size_t> v(n);
        for (size_t i = 0; i < n; ++i) v[i] = n - 1 - i;
        return v;
    }
};
/// Claims N samples but returns fewer.
class BrokenSampler : public data::Sampler {
public:
    std::vector<size_t> indices(size_t, uint64_t) override { return {0}; }
};
}  // namespace

TEST_CASE("DataLoader size is the ceiling of N over the batch size", "[05_dataloader]") {
    data::TensorDataset ds = range_dataset(10);
    CHECK(data::DataLoader(ds, data::DataLoaderOptions().batch_size(3)).size() == 4);
    CHECK(data::DataLoader(ds, data::DataLoaderOptions().batch_size(5)).size() == 2);
    CHECK(data::DataLoader(ds, data::DataLoaderOptions().batch_size(1)).size() == 10);
    CHECK(data::DataLoader(ds, data::DataLoaderOptions().batch_size(64)).size() == 1);
    CHECK(data::DataLoader(ds).size() == 10);  // default batch size 1
}

TEST_CASE("DataLoader size with drop_last is the floor of N over the batch size", "[05_dataloader]") {
    CHECK(data::DataLoader(range_dataset(10), data::DataLoaderOptions().batch_size(3).drop_last(true)).size() == 3);
    CHECK(data::DataLoader(range_dataset(10), data::DataLoaderOptions().batch_size(5).drop_last(true)).size() == 2);
    CHECK(data::DataLoader(range_dataset(2), data::DataLoaderOptions().batch_size(3).drop_last(true)).size() == 0);
}

TEST_CASE("The last batch holds the remaining examples when drop_last is off", "[05_dataloader]") {
    data::DataLoader loader(range_dataset(10), data::DataLoaderOptions().batch_size(3));
    std::vector<int64_t> sizes;
    size_t count = 0;
    for (const data::Example& b : loader) {
        sizes.push_back(b.data.size(0));
        CHECK(b.target.size(0) == b.data.size(0));
        ++count;
    }
    CHECK(sizes == std::vector<int64_t>{3, 3, 3, 1});
    CHECK(count == loader.size());
}

TEST_CASE("drop_last drops the incomplete last batch", "[05_dataloader]") {
    data::DataLoader loader(range_dataset(10), data::DataLoaderOptions().batch_size(3).drop_last(true).shuffle(true).seed(1));
    auto batches = epoch_batches(loader);
    REQUIRE(batches.size() == 3);
    for (const auto& b : batches) CHECK(b.size() == 3);
}

TEST_CASE("Without shuffle batches come in dataset order", "[05_dataloader]") {
    data::DataLoader loader(range_dataset(10), data::DataLoaderOptions().batch_size(4));
    auto batches = epoch_batches(loader);
    CHECK(batches == std::vector<std::vector<int>>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}});
    CHECK(epoch_batches(loader) == batches);  // and the same again next epoch
}

TEST_CASE("Batch values match the dataset rows they came from", "[05_dataloader]") {
    data::TensorDataset ds = range_dataset(37);
    data::DataLoader loader(ds, data::DataLoaderOptions().batch_size(8).shuffle(true).seed(9));
    for (const data::Example& b : loader) {
        REQUIRE(b.data.shape() == Shape{b.target.size(0), 3});
        for (int64_t k = 0; k < b.target.size(0); ++k) {
            float id = b.target.at({k});
            CHECK(judge::equal(b.data[k], Tensor({id, id + 0.25f, id + 0.5f})));
        }
    }
}

TEST_CASE("A shuffled epoch visits every index exactly once", "[05_dataloader]") {
    data::DataLoader loader(range_dataset(101), data::DataLoaderOptions().batch_size(8).shuffle(true).seed(42));
    for (int epoch = 0; epoch < 3; ++epoch) {
        std::vector<int> seen = flat(epoch_batches(loader));
        CHECK(seen != iota_vec(101));  // shuffled
        std::sort(seen.begin(), seen.end());
        CHECK(seen == iota_vec(101));  // a permutation
    }
}

TEST_CASE("The same seed gives the same order in every epoch", "[05_dataloader]") {
    auto opts = data::DataLoaderOptions().batch_size(5).shuffle(true).seed(42);
    data::DataLoader a(range_dataset(50), opts), b(range_dataset(50), opts);
    for (int epoch = 0; epoch < 3; ++epoch) CHECK(epoch_batches(a) == epoch_batches(b));
}

TEST_CASE("Different epochs of a seeded loader give different orders", "[05_dataloader]") {
    data::DataLoader loader(range_dataset(50), data::DataLoaderOptions().batch_size(5).shuffle(true).seed(42));
    auto e0 = flat(epoch_batches(loader)), e1 = flat(epoch_batches(loader)), e2 = flat(epoch_batches(loader));
    CHECK(e0 != e1);
    CHECK(e1 != e2);
    CHECK(e0 != e2);
}

TEST_CASE("Different seeds give different orders", "[05_dataloader]") {
    data::DataLoader a(range_dataset(50), data::DataLoaderOptions().batch_size(5).shuffle(true).seed(1));
    data::DataLoader b(range_dataset(50), data::DataLoaderOptions().batch_size(5).shuffle(true).seed(2));
    CHECK(flat(epoch_batches(a)) != flat(epoch_batches(b)));
}

TEST_CASE("A seeded order does not depend on the global generator", "[05_dataloader]") {
    auto opts = data::DataLoaderOptions().batch_size(4).shuffle(true).seed(7);
    data::DataLoader a(range_dataset(30), opts), b(range_dataset(30), opts);
    manual_seed(1);
    auto first = epoch_batches(a);
    manual_seed(2);
    (void)randn({100});
    CHECK(epoch_batches(b) == first);
}

TEST_CASE("Without a seed the shuffle follows manual_seed", "[05_dataloader]") {
    auto opts = data::DataLoaderOptions().batch_size(4).shuffle(true);
    data::DataLoader a(range_dataset(30), opts), b(range_dataset(30), opts);
    manual_seed(123);
    auto a0 = flat(epoch_batches(a)), a1 = flat(epoch_batches(a));
    manual_seed(123);
    auto b0 = flat(epoch_batches(b)), b1 = flat(epoch_batches(b));
    CHECK(a0 == b0);
    CHECK(a1 == b1);
    CHECK(a0 != a1);
    manual_seed(124);
    CHECK(flat(epoch_batches(b)) != a0);
}

TEST_CASE("Each range for loop is a new epoch and set_epoch replays one", "[05_dataloader]") {
    auto opts = data::DataLoaderOptions().batch_size(6).shuffle(true).seed(5);
    data::DataLoader run(range_dataset(24), opts);
    std::vector<std::vector<int>> orders;
    for (uint64_t e = 0; e < 3; ++e) {
        orders.push_back(flat(epoch_batches(run)));
        CHECK(run.epoch() == e);
    }
    data::DataLoader resumed(range_dataset(24), opts);
    resumed.set_epoch(2);
    CHECK(flat(epoch_batches(resumed)) == orders[2]);
    CHECK(resumed.epoch() == 2);
}

TEST_CASE("randperm returns a reproducible permutation", "[05_dataloader]") {
    Generator g1(11), g2(11);
    std::vector<size_t> p = data::randperm(1000, g1);
    CHECK(p == data::randperm(1000, g2));
    std::vector<size_t> sorted = p;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i) REQUIRE(sorted[i] == i);
    CHECK(data::randperm(0, g1).empty());
    CHECK(data::randperm(1, g1) == std::vector<size_t>{0});
}

TEST_CASE("randperm draws every ordering of three items about equally often", "[05_dataloader]") {
    Generator g(2024);
    std::map<std::vector<size_t>, int> counts;
    for (int k = 0; k < 6000; ++k) counts[data::randperm(3, g)]++;
    REQUIRE(counts.size() == 6);
    for (const auto& [perm, count] : counts) {
        INFO("count of one permutation: " << count);
        CHECK(count > 850);
        CHECK(count < 1150);
    }
}

TEST_CASE("SequentialSampler visits indices in order", "[05_dataloader][provided]") {
    data::SequentialSampler s;
    CHECK(s.indices(4, 0) == std::vector<size_t>{0, 1, 2, 3});
    CHECK(s.indices(4, 9) == std::vector<size_t>{0, 1, 2, 3});
    CHECK(s.num_samples(4) == 4);
}

TEST_CASE("RandomSampler with a seed depends only on the seed and the epoch", "[05_dataloader]") {
    data::RandomSampler a(99), b(99);
    auto a3 = a.indices(20, 3);
    (void)b.indices(20, 0);
    CHECK(b.indices(20, 3) == a3);
    CHECK(a.indices(20, 4) != a3);
    CHECK(data::RandomSampler(100).indices(20, 3) != a3);
}

TEST_CASE("A custom sampler sets the order of the batches", "[05_dataloader]") {
    data::DataLoader loader(std::make_shared<data::TensorDataset>(range_dataset(5)),
                            data::DataLoaderOptions().batch_size(2), std::make_shared<ReverseSampler>());
    CHECK(epoch_batches(loader) == std::vector<std::vector<int>>{{4, 3}, {2, 1}, {0}});
}

// The argument checks of DataLoader are ready-made, but a TensorDataset cannot be built without
// the student's module 01 (it stores contiguous tensors): each of these tests also runs a valid
// loader, so that it judges the student's module 05 too.
TEST_CASE("A sampler that returns the wrong number of indices is a ValueError", "[05_dataloader]") {
    data::DataLoader reversed(std::make_shared<data::TensorDataset>(range_dataset(5)),
                              data::DataLoaderOptions().batch_size(2), std::make_shared<ReverseSampler>());
    CHECK(epoch_batches(reversed) == std::vector<std::vector<int>>{{4, 3}, {2, 1}, {0}});
    data::DataLoader loader(std::make_shared<data::TensorDataset>(range_dataset(5)), data::DataLoaderOptions(),
                            std::make_shared<BrokenSampler>());
    CHECK_THROWS_AS(loader.begin(), ValueError);
    CHECK_THROWS_WITH(loader.begin(), Contains("1 indices") && Contains("5"));
}

TEST_CASE("DataLoader rejects a batch size of zero", "[05_dataloader]") {
    data::DataLoader ones(range_dataset(3), data::DataLoaderOptions().batch_size(1));
    CHECK(epoch_batches(ones) == std::vector<std::vector<int>>{{0}, {1}, {2}});
    CHECK_THROWS_AS(data::DataLoader(range_dataset(3), data::DataLoaderOptions().batch_size(0)), ValueError);
    CHECK_THROWS_WITH(data::DataLoader(range_dataset(3), data::DataLoaderOptions().batch_size(0)),
                      Contains("batch_size") && Contains("got 0"));
}

TEST_CASE("DataLoader rejects shuffle together with a sampler", "[05_dataloader]") {
    data::DataLoader sampled(std::make_shared<data::TensorDataset>(range_dataset(3)), data::DataLoaderOptions(),
                             std::make_shared<ReverseSampler>());
    CHECK(flat(epoch_batches(sampled)) == std::vector<int>{2, 1, 0});
    CHECK_THROWS_AS(data::DataLoader(std::make_shared<data::TensorDataset>(range_dataset(3)),
                                     data::DataLoaderOptions().shuffle(true), std::make_shared<ReverseSampler>()),
                    ValueError);
}

TEST_CASE("An empty dataset gives an epoch without batches", "[05_dataloader]") {
    data::DataLoader loader(data::TensorDataset(zeros({0, 3}), zeros({0})),
                            data::DataLoaderOptions().batch_size(4).shuffle(true));
    CHECK(loader.size() == 0);
    int count = 0;
    for (const data::Example& b : loader) count += static_cast<int>(b.data.size(0));
    CHECK(count == 0);
}

TEST_CASE("Two epochs in flight keep their own orders", "[05_dataloader]") {
    data::DataLoader loader(range_dataset(12), data::DataLoaderOptions().batch_size(4).shuffle(true).seed(3));
    auto first = loader.begin();
    auto second = loader.begin();
    std::vector<int> a, b;
    for (auto it = first; it != loader.end(); ++it)
        for (float v : it->target.to_vector()) a.push_back(static_cast<int>(v));
    for (auto it = second; it != loader.end(); ++it)
        for (float v : (*it).target.to_vector()) b.push_back(static_cast<int>(v));
    data::DataLoader replay(range_dataset(12), data::DataLoaderOptions().batch_size(4).shuffle(true).seed(3));
    CHECK(a == flat(epoch_batches(replay)));
    CHECK(b == flat(epoch_batches(replay)));
}

TEST_CASE("make_data_loader iterates like libtorch", "[05_dataloader]") {
    auto loader = data::make_data_loader(range_dataset(7), data::DataLoaderOptions(3));
    std::vector<int> seen;
    for (auto& batch : *loader)
        for (float v : batch.target.to_vector()) seen.push_back(static_cast<int>(v));
    CHECK(seen == iota_vec(7));
    CHECK(loader->size() == 3);
}
