// tests/05_dataloader/test_transforms.cpp — flip, crop, normalize, compose on CHW / NCHW (lesson §5)
#include <set>

#include "support/catch.hpp"
#include "tinytorch/dataloader/dataloader.hpp"
#include "support/judge.hpp"

using namespace tinytorch;
namespace T = tinytorch::data::transforms;

namespace {
/// The window [top, top + h) x [left, left + w) of x [C, H, W] zero-padded by `pad` (reference crop).
Tensor padded_window(const Tensor& x, int64_t pad, int64_t top, int64_t left, int64_t h, int64_t w) {
    int64_t c = x.size(0), H = x.size(1), W = x.size(2);
    std::vector<float> v;
    for (int64_t k = 0; k < c; ++k)
        for (int64_t y = 0; y < h; ++y)
            for (int64_t xx = 0; xx < w; ++xx) {
                int64_t sy = top + y - pad, sx = left + xx - pad;
                v.push_back(sy >= 0 && sy < H && sx >= 0 && sx < W ? x.at({k, sy, sx}) : 0.0f);
            }
    return Tensor(v, {c, h, w});
}
}  // namespace

TEST_CASE("RandomHorizontalFlip with p 1 reverses the last dim exactly", "[05_dataloader]") {
    Tensor x = arange(0.0f, 12.0f).view({2, 2, 3});  // [C=2, H=2, W=3]
    Tensor y = T::RandomHorizontalFlip(1.0f)(x);
    CHECK(judge::equal(y, Tensor({{{2.f, 1.f, 0.f}, {5.f, 4.f, 3.f}}, {{8.f, 7.f, 6.f}, {11.f, 10.f, 9.f}}})));
    CHECK(judge::equal(T::RandomHorizontalFlip(1.0f)(y), x));  // flipping twice restores
    Tensor batch = arange(0.0f, 12.0f).view({2, 1, 2, 3});
    CHECK(judge::equal(T::RandomHorizontalFlip(1.0f)(batch), y.view({2, 1, 2, 3})));
}

TEST_CASE("RandomHorizontalFlip with p 0 returns an equal copy", "[05_dataloader]") {
    Tensor x = arange(0.0f, 24.0f).view({2, 3, 2, 2});
    Tensor y = T::RandomHorizontalFlip(0.0f)(x);
    CHECK(judge::equal(y, x));
    CHECK_FALSE(y.shares_storage_with(x));
}

TEST_CASE("RandomHorizontalFlip decides for each image of a batch on its own", "[05_dataloader]") {
    manual_seed(10);
    Tensor batch = randn({200, 2, 3, 4});
    Tensor out = T::RandomHorizontalFlip(0.5f)(batch);
    Tensor mirrored = T::RandomHorizontalFlip(1.0f)(batch);
    int flipped = 0;
    for (int64_t i = 0; i < 200; ++i) {
        bool same = judge::equal(out[i], batch[i]), flip = judge::equal(out[i], mirrored[i]);
        REQUIRE((same || flip));  // every image is either untouched or mirrored as a whole
        flipped += flip ? 1 : 0;
    }
    CHECK(flipped > 70);
    CHECK(flipped < 130);
}

TEST_CASE("RandomHorizontalFlip is reproducible with manual_seed", "[05_dataloader]") {
    Tensor batch = arange(0.0f, 64.0f).view({16, 1, 2, 2});
    manual_seed(77);
    Tensor a = T::RandomHorizontalFlip(0.5f)(batch);
    manual_seed(77);
    Tensor b = T::RandomHorizontalFlip(0.5f)(batch);
    CHECK(judge::equal(a, b));
    Generator g1(5), g2(5);
    CHECK(judge::equal(T::RandomHorizontalFlip(0.5f, g1)(batch), T::RandomHorizontalFlip(0.5f, g2)(batch)));
}

TEST_CASE("RandomHorizontalFlip rejects p outside zero to one", "[05_dataloader][provided]") {
    CHECK_THROWS_AS(T::RandomHorizontalFlip(1.5f), ValueError);
    CHECK_THROWS_AS(T::RandomHorizontalFlip(-0.1f), ValueError);
    CHECK_THROWS_WITH(T::RandomHorizontalFlip(2.0f), Contains("p must be in [0, 1]") && Contains("got 2"));
}

// The shape checks of the transforms are ready-made (they run before any student code):
// [provided], on tensors built by judge::full.
TEST_CASE("Transforms reject tensors that are not CHW or NCHW and explain the layout", "[05_dataloader][provided]") {
    CHECK_THROWS_AS(T::RandomHorizontalFlip(1.0f)(judge::full({28, 28})), ShapeError);
    CHECK_THROWS_WITH(T::RandomHorizontalFlip(1.0f)(judge::full({28, 28})),
                      Contains("[28, 28]") && Contains("[C, H, W]") && Contains("permute"));
    CHECK_THROWS_AS(T::RandomCrop(2)(judge::full({1, 1, 1, 4, 4})), ShapeError);
    CHECK_THROWS_AS(T::Normalize({0.5f}, {0.5f})(judge::full({10})), ShapeError);
}

TEST_CASE("RandomCrop at full size without padding returns the image", "[05_dataloader]") {
    Tensor x = arange(0.0f, 32.0f).view({2, 4, 4});
    CHECK(judge::equal(T::RandomCrop(4)(x), x));
}

TEST_CASE("RandomCrop output has the requested size for an image and a batch", "[05_dataloader]") {
    CHECK(T::RandomCrop(24)(zeros({3, 32, 32})).shape() == Shape{3, 24, 24});
    CHECK(T::RandomCrop(32, 4)(zeros({5, 3, 32, 32})).shape() == Shape{5, 3, 32, 32});
    CHECK(T::RandomCrop(5, 7, 2)(zeros({1, 6, 6})).shape() == Shape{1, 5, 7});
    CHECK(T::RandomCrop(3, 2, 0)(zeros({4, 1, 8, 9})).shape() == Shape{4, 1, 3, 2});
}

TEST_CASE("RandomCrop pads with zeros when the crop covers the whole padded image", "[05_dataloader]") {
    Tensor y = T::RandomCrop(6, 1)(ones({2, 4, 4}));  // only one window fits: the padded image itself
    REQUIRE(y.shape() == Shape{2, 6, 6});
    for (int64_t c = 0; c < 2; ++c)
        for (int64_t i = 0; i < 6; ++i)
            for (int64_t j = 0; j < 6; ++j) {
                bool border = i == 0 || j == 0 || i == 5 || j == 5;
                REQUIRE(y.at({c, i, j}) == (border ? 0.0f : 1.0f));
            }
}

TEST_CASE("RandomCrop returns a window of the padded image and reaches every offset", "[05_dataloader]") {
    manual_seed(4);
    Tensor x = arange(1.0f, 33.0f).view({2, 4, 4});  // values 1..32, so padding zeros are distinguishable
    std::set<std::pair<int64_t, int64_t>> offsets;
    for (int trial = 0; trial < 300; ++trial) {
        Tensor y = T::RandomCrop(3, 2)(x);  // padded 8x8, windows at 0..5 x 0..5
        bool found = false;
        for (int64_t top = 0; top <= 5 && !found; ++top)
            for (int64_t left = 0; left <= 5 && !found; ++left)
                if (judge::equal(y, padded_window(x, 2, top, left, 3, 3))) {
                    offsets.insert({top, left});
                    found = true;
                }
        REQUIRE(found);
    }
    CHECK(offsets.size() == 36);
}

TEST_CASE("RandomCrop crops each image of a batch at its own offset", "[05_dataloader]") {
    manual_seed(8);
    Tensor batch = arange(1.0f, 1.0f + 64 * 16).view({64, 1, 4, 4});
    Tensor y = T::RandomCrop(2, 0)(batch);
    std::set<float> corner_offsets;  // value at [0, 0] minus the image base tells the window
    for (int64_t i = 0; i < 64; ++i) corner_offsets.insert(y.at({i, 0, 0, 0}) - (1.0f + 16.0f * i));
    CHECK(corner_offsets.size() > 4);
}

TEST_CASE("RandomCrop rejects a crop larger than the padded image", "[05_dataloader][provided]") {
    CHECK_THROWS_AS(T::RandomCrop(40, 2)(judge::full({3, 32, 32})), ShapeError);
    CHECK_THROWS_WITH(T::RandomCrop(40, 2)(judge::full({3, 32, 32})),
                      Contains("[40, 40]") && Contains("[36, 36]") && Contains("[3, 32, 32]"));
}

TEST_CASE("RandomCrop rejects a nonpositive size and a negative padding", "[05_dataloader][provided]") {
    CHECK_THROWS_AS(T::RandomCrop(0), ValueError);
    CHECK_THROWS_AS(T::RandomCrop(4, -1, 0), ValueError);
    CHECK_THROWS_AS(T::RandomCrop(4, -2), ValueError);
}

TEST_CASE("Normalize subtracts the mean and divides by the std per channel", "[05_dataloader]") {
    Tensor x = Tensor({1.f, 2.f, 3.f, 4.f, 10.f, 20.f, 30.f, 40.f}, {2, 2, 2});
    Tensor y = T::Normalize({1.0f, 10.0f}, {2.0f, 5.0f})(x);
    CHECK(judge::allclose(y, Tensor({0.f, 0.5f, 1.f, 1.5f, 0.f, 2.f, 4.f, 6.f}, {2, 2, 2})));
    Tensor batch = cat({x.unsqueeze(0), x.mul(2.0f).unsqueeze(0)}, 0);  // [2, 2, 2, 2]
    Tensor yb = T::Normalize({1.0f, 10.0f}, {2.0f, 5.0f})(batch);
    CHECK(judge::allclose(yb[0], y));
    CHECK(judge::allclose(yb[1], Tensor({0.5f, 1.5f, 2.5f, 3.5f, 2.f, 6.f, 10.f, 14.f}, {2, 2, 2})));
}

TEST_CASE("Normalize with one mean and std applies them to every channel", "[05_dataloader]") {
    Tensor y = T::Normalize({0.5f}, {0.25f})(full({3, 2, 2}, 1.0f));
    CHECK(judge::allclose(y, full({3, 2, 2}, 2.0f)));
}

TEST_CASE("Normalize rejects a channel count that differs from the means", "[05_dataloader][provided]") {
    T::Normalize norm({0.1f, 0.2f}, {1.0f, 1.0f});
    CHECK_THROWS_AS(norm(judge::full({3, 4, 4})), ShapeError);
    CHECK_THROWS_WITH(norm(judge::full({8, 3, 4, 4})), Contains("3 channels") && Contains("2 means"));
}

TEST_CASE("Normalize rejects a nonpositive std and mismatched lists", "[05_dataloader][provided]") {
    CHECK_THROWS_AS(T::Normalize({0.5f}, {0.0f}), ValueError);
    CHECK_THROWS_WITH(T::Normalize({0.5f, 0.5f}, {1.0f, -1.0f}), Contains("std[1]"));
    CHECK_THROWS_AS(T::Normalize({0.5f, 0.5f}, {1.0f}), ValueError);
    CHECK_THROWS_AS(T::Normalize({}, {}), ValueError);
}

TEST_CASE("Compose applies its transforms in order", "[05_dataloader]") {
    Tensor x = ones({1, 2, 2});
    T::Compose add_then_double({[](const Tensor& t) { return t.add(1.0f); }, [](const Tensor& t) { return t.mul(2.0f); }});
    T::Compose double_then_add({[](const Tensor& t) { return t.mul(2.0f); }, [](const Tensor& t) { return t.add(1.0f); }});
    CHECK(judge::allclose(add_then_double(x), full({1, 2, 2}, 4.0f)));
    CHECK(judge::allclose(double_then_add(x), full({1, 2, 2}, 3.0f)));
    CHECK(judge::equal(T::Compose({})(x), x));
}

TEST_CASE("Compose chains the built in transforms", "[05_dataloader]") {
    Tensor x = arange(0.0f, 8.0f).view({2, 2, 2});
    T::Compose pipeline({T::RandomHorizontalFlip(1.0f), T::Normalize({1.0f, 2.0f}, {1.0f, 2.0f}), T::RandomCrop(2)});
    Tensor expected = T::Normalize({1.0f, 2.0f}, {1.0f, 2.0f})(T::RandomHorizontalFlip(1.0f)(x));
    CHECK(judge::allclose(pipeline(x), expected));
    CHECK_THROWS_AS(T::Compose({data::Transform()}), ValueError);
}

TEST_CASE("Transforms never modify their input", "[05_dataloader]") {
    Tensor x = arange(0.0f, 16.0f).view({1, 4, 4});
    Tensor before = x.clone();
    (void)T::RandomHorizontalFlip(1.0f)(x);
    (void)T::RandomCrop(4, 1)(x);
    (void)T::Normalize({3.0f}, {2.0f})(x);
    CHECK(judge::equal(x, before));
}

TEST_CASE("A mapped dataset augments batches from the DataLoader", "[05_dataloader]") {
    Tensor images = arange(0.0f, 8 * 2 * 3).view({8, 1, 2, 3});
    data::TensorDataset ds(images, arange(0.0f, 8.0f));
    data::DataLoader loader(ds.map(T::RandomHorizontalFlip(1.0f)), data::DataLoaderOptions().batch_size(4));
    for (const data::Example& b : loader)
        for (int64_t k = 0; k < 4; ++k) {
            int64_t id = static_cast<int64_t>(b.target.at({k}));
            CHECK(judge::equal(b.data[k], T::RandomHorizontalFlip(1.0f)(images[id])));
        }
}
