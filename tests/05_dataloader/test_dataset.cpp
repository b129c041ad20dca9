// tests/05_dataloader/test_dataset.cpp — Dataset, TensorDataset, collate, MapDataset (lesson §1, §2, §5)
#include "support/catch.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

namespace {
/// data [n, 2, 2] with data[i] = 4i .. 4i+3, targets [n] with targets[i] = 10 i.
data::TensorDataset grid_dataset(int64_t n) {
    return data::TensorDataset(arange(0.0f, static_cast<float>(4 * n)).view({n, 2, 2}),
                               arange(0.0f, static_cast<float>(n)).mul(10.0f));
}

/// A dataset that computes its examples: data = [i, i], target = i * i.
class SquaresDataset : public data::Dataset {
public:
    size_t size() const override { return 5; }
    data::Example get(size_t i) const override {
        float v = static_cast<float>(i);
        return {Tensor({v, v}), scalar_tensor(v * v)};
    }
};
}  // namespace

TEST_CASE("TensorDataset returns row i of data and its target", "[05_dataloader]") {
    data::TensorDataset ds = grid_dataset(6);
    REQUIRE(ds.size() == 6);
    data::Example e = ds.get(4);
    CHECK(judge::equal(e.data, Tensor({{16.f, 17.f}, {18.f, 19.f}})));
    CHECK(e.target.dim() == 0);
    CHECK(e.target.item() == 40.0f);
}

TEST_CASE("TensorDataset keeps the trailing dims of two dimensional targets", "[05_dataloader]") {
    data::TensorDataset ds(zeros({3, 4}), Tensor({{1.f, 2.f}, {3.f, 4.f}, {5.f, 6.f}}));
    CHECK(judge::equal(ds.get(2).target, Tensor({5.f, 6.f})));
    CHECK(judge::equal(ds.get_batch({2, 0}).target, Tensor({{5.f, 6.f}, {1.f, 2.f}})));
}

// The argument checks of TensorDataset and MapDataset are ready-made: [provided], on tensors
// built by judge::full / judge::tensor.
TEST_CASE("TensorDataset rejects data and targets with different first dims", "[05_dataloader][provided]") {
    CHECK_THROWS_AS(data::TensorDataset(judge::full({5, 3}), judge::full({4})), ShapeError);
    CHECK_THROWS_WITH(data::TensorDataset(judge::full({5, 3}), judge::full({4})),
                      Contains("[5, 3]") && Contains("[4]") && Contains("hint"));
}

TEST_CASE("TensorDataset rejects a zero dimensional data tensor", "[05_dataloader][provided]") {
    CHECK_THROWS_AS(data::TensorDataset(judge::tensor({1.f}, {}), judge::full({1})), ShapeError);
    CHECK_THROWS_AS(data::TensorDataset(Tensor(), judge::full({1})), ValueError);
}

TEST_CASE("TensorDataset get throws IndexError naming the index and the size", "[05_dataloader]") {
    data::TensorDataset ds = grid_dataset(5);
    CHECK_THROWS_AS(ds.get(5), IndexError);
    CHECK_THROWS_WITH(ds.get(7), Contains("index 7") && Contains("size 5") && Contains("0..4"));
    CHECK_NOTHROW(ds.get(4));
}

TEST_CASE("TensorDataset examples are copies that never alias the dataset", "[05_dataloader]") {
    Tensor x = arange(0.0f, 8.0f).view({4, 2});
    data::TensorDataset ds(x, arange(0.0f, 4.0f));
    data::Example e = ds.get(1);
    e.data.fill_(-1.0f);
    data::Example b = ds.get_batch({1, 2});
    b.data.fill_(-1.0f);
    CHECK(judge::equal(ds.get(1).data, Tensor({2.f, 3.f})));
    CHECK(judge::equal(x, arange(0.0f, 8.0f).view({4, 2})));
}

TEST_CASE("TensorDataset get_batch copies the requested rows in the requested order", "[05_dataloader]") {
    data::TensorDataset ds = grid_dataset(5);
    data::Example b = ds.get_batch({4, 0, 4, 2});
    REQUIRE(b.data.shape() == Shape{4, 2, 2});
    CHECK(judge::equal(b.data[0], Tensor({{16.f, 17.f}, {18.f, 19.f}})));
    CHECK(judge::equal(b.data[1], Tensor({{0.f, 1.f}, {2.f, 3.f}})));
    CHECK(judge::equal(b.data[2], b.data[0]));
    CHECK(judge::equal(b.target, Tensor({40.f, 0.f, 40.f, 20.f})));
}

TEST_CASE("TensorDataset fast batching equals the naive collate of single examples", "[05_dataloader]") {
    manual_seed(3);
    data::TensorDataset ds(randn({50, 3, 4, 5}), randint(0, 10, {50}));
    std::vector<size_t> idx{7, 49, 0, 13, 13, 21};
    data::Example fast = ds.get_batch(idx);
    data::Example naive = ds.tinytorch::data::Dataset::get_batch(idx);  // get() per index, then collate
    CHECK(judge::equal(fast.data, naive.data));
    CHECK(judge::equal(fast.target, naive.target));
}

TEST_CASE("TensorDataset reads a non contiguous data tensor correctly", "[05_dataloader]") {
    Tensor x = arange(0.0f, 6.0f).view({2, 3}).t();  // [3, 2] view, rows {0, 3} {1, 4} {2, 5}
    data::TensorDataset ds(x, arange(0.0f, 3.0f));
    CHECK(judge::equal(ds.get(1).data, Tensor({1.f, 4.f})));
    CHECK(judge::equal(ds.get_batch({2, 0}).data, Tensor({{2.f, 5.f}, {0.f, 3.f}})));
}

TEST_CASE("TensorDataset get_batch rejects an out of range index with IndexError", "[05_dataloader]") {
    data::TensorDataset ds = grid_dataset(3);
    CHECK(judge::equal(ds.get_batch({2}).target, judge::tensor({20.f}, {1})));  // a valid index still works
    CHECK_THROWS_AS(ds.get_batch({0, 3}), IndexError);
    CHECK_THROWS_WITH(ds.get_batch({0, 9}), Contains("index 9") && Contains("size 3"));
}

TEST_CASE("TensorDataset without targets yields examples without a target", "[05_dataloader]") {
    data::TensorDataset ds(arange(0.0f, 6.0f).view({3, 2}));
    CHECK_FALSE(ds.get(0).target.defined());
    data::Example b = ds.get_batch({2, 1});
    CHECK(judge::equal(b.data, Tensor({{4.f, 5.f}, {2.f, 3.f}})));
    CHECK_FALSE(b.target.defined());
}

TEST_CASE("collate stacks examples along a new leading dim", "[05_dataloader]") {
    data::Example b = data::collate({{Tensor({1.f, 2.f}), scalar_tensor(0.f)}, {Tensor({3.f, 4.f}), scalar_tensor(1.f)}});
    CHECK(judge::equal(b.data, Tensor({{1.f, 2.f}, {3.f, 4.f}})));
    CHECK(judge::equal(b.target, Tensor({0.f, 1.f})));
}

TEST_CASE("collate names the example whose shape differs", "[05_dataloader]") {
    std::vector<data::Example> ex{{zeros({2, 3}), scalar_tensor(0.f)}, {zeros({3, 2}), scalar_tensor(1.f)}};
    CHECK_THROWS_AS(data::collate(ex), ShapeError);
    CHECK_THROWS_WITH(data::collate(ex), Contains("example 1") && Contains("[3, 2]") && Contains("[2, 3]"));
    CHECK_THROWS_AS(data::collate({}), ValueError);
    CHECK_THROWS_AS(data::collate({{zeros({2}), scalar_tensor(0.f)}, {zeros({2}), Tensor()}}), ValueError);
}

TEST_CASE("A custom Dataset is batched through the default get_batch", "[05_dataloader]") {
    SquaresDataset ds;
    data::DataLoader loader(ds, data::DataLoaderOptions().batch_size(2));
    std::vector<float> targets;
    for (const data::Example& b : loader) {
        for (float v : b.target.to_vector()) targets.push_back(v);
        CHECK(b.data.size(1) == 2);
    }
    CHECK(targets == std::vector<float>{0.f, 1.f, 4.f, 9.f, 16.f});
    CHECK(judge::equal(ds.get_batch({3, 1}).data, Tensor({{3.f, 3.f}, {1.f, 1.f}})));
}

TEST_CASE("MapDataset applies the transform to single examples and to whole batches", "[05_dataloader]") {
    data::TensorDataset base = grid_dataset(4);
    data::MapDataset doubled = base.map([](const Tensor& x) { return x.mul(2.0f); });
    CHECK(doubled.size() == 4);
    CHECK(judge::equal(doubled.get(1).data, Tensor({{8.f, 10.f}, {12.f, 14.f}})));
    CHECK(doubled.get(1).target.item() == 10.0f);
    data::Example b = doubled.get_batch({3, 1});
    CHECK(judge::equal(b.data, base.get_batch({3, 1}).data.mul(2.0f)));
    CHECK(judge::equal(b.target, Tensor({30.f, 10.f})));
}

TEST_CASE("map can be chained and applies transforms in order", "[05_dataloader]") {
    data::TensorDataset base(Tensor({1.f, 2.f}, {2, 1}), Tensor({0.f, 1.f}));
    data::MapDataset m = base.map([](const Tensor& x) { return x.add(1.0f); }).map([](const Tensor& x) { return x.mul(3.0f); });
    CHECK(judge::equal(m.get_batch({0, 1}).data, Tensor({6.f, 9.f}, {2, 1})));
    data::DataLoader loader(m, data::DataLoaderOptions().batch_size(2));
    for (const data::Example& b : loader) CHECK(judge::equal(b.data, Tensor({6.f, 9.f}, {2, 1})));
}

TEST_CASE("MapDataset rejects an empty transform", "[05_dataloader]") {
    CHECK_THROWS_AS(grid_dataset(2).map(data::Transform()), ValueError);
    auto doubled = grid_dataset(2).map([](const Tensor& x) { return x * 2.0f; });  // a valid transform works
    CHECK(judge::equal(doubled.get(1).data, judge::tensor({8.f, 10.f, 12.f, 14.f}, {2, 2})));
}
