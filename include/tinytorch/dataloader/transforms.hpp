// include/tinytorch/dataloader/transforms.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §5 (augmentation and layouts)
//
// Image transforms for channels-first tensors, the layout of the whole framework (and of the
// MNIST/CIFAR readers): one image [C, H, W] or a batch [N, C, H, W]. Every transform checks the
// rank; a channels-last [H, W, C] image must be permuted({2, 0, 1}) first — flipping its last
// dim would swap colour channels, not mirror the picture (the bug this design avoids).
// In a batch each image is treated independently (its own coin flip, its own crop offset).
// Random transforms draw from the global generator (manual_seed) or the Generator you pass.
// They return new tensors, never modify their input, and are not recorded by autograd.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "tinytorch/dataloader/dataset.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::data::transforms {

namespace detail {
/// {N, C, H, W} of an image [C, H, W] (N = 1) or a batch [N, C, H, W]; anything else throws.
inline std::array<int64_t, 4> image_dims(const Tensor& x, const char* op) {
    if (!x.defined())
        throw ValueError(fmt(op, ": the input is an undefined tensor; hint: pass an image [C, H, W] or a batch "
                             "[N, C, H, W]"));
    if (x.dim() == 3) return {1, x.size(0), x.size(1), x.size(2)};
    if (x.dim() == 4) return {x.size(0), x.size(1), x.size(2), x.size(3)};
    throw ShapeError(fmt(op, ": expects an image [C, H, W] or a batch [N, C, H, W] (channels first), got shape ",
                         shape_str(x.shape()), "; hint: add a channel dim to a grayscale [H, W] image with "
                         "unsqueeze(0), view flat rows [N, 784] as [N, 1, 28, 28], and permute({2, 0, 1}) a "
                         "channels-last [H, W, C] image"));
}
}  // namespace detail

/// out[n, c] = (x[n, c] - mean[c]) / std[c] per channel.   [C, H, W] or [N, C, H, W] -> same
/// One mean/std value applies to every channel.
class Normalize {
public:
    Normalize(std::vector<float> mean, std::vector<float> std) : mean_(std::move(mean)), std_(std::move(std)) {
        if (mean_.empty() || mean_.size() != std_.size())
            throw ValueError(fmt("Normalize: got ", mean_.size(), " means and ", std_.size(),
                                 " stds; hint: give one mean and one std per channel, e.g. Normalize({0.1307f}, "
                                 "{0.3081f}) for MNIST"));
        for (size_t c = 0; c < std_.size(); ++c)
            if (!(std_[c] > 0.0f) || !std::isfinite(std_[c]) || !std::isfinite(mean_[c]))
                throw ValueError(fmt("Normalize: std[", c, "] = ", std_[c], ", mean[", c, "] = ", mean_[c],
                                     "; hint: every std must be a positive finite number"));
    }
    Tensor operator()(const Tensor& x) const {
        auto [n, c, h, w] = detail::image_dims(x, "Normalize");
        if (mean_.size() != 1 && static_cast<int64_t>(mean_.size()) != c)
            throw ShapeError(fmt("Normalize: the input ", shape_str(x.shape()), " has ", c, " channels but ",
                                 mean_.size(), " means/stds were given; hint: one per channel (dim ",
                                 x.dim() - 3, "), or a single value for all"));
        // BEGIN SOLUTION: Normalize (§5)
        Tensor src_c = x.contiguous(), out = empty(x.shape());
        const float* src = src_c.data_ptr();
        float* dst = out.data_ptr();
        const int64_t plane = h * w;  // one channel of one image: a contiguous run
        for (int64_t i = 0; i < n; ++i)
            for (int64_t k = 0; k < c; ++k) {
                size_t m = mean_.size() == 1 ? 0 : static_cast<size_t>(k);
                const float mu = mean_[m], inv = 1.0f / std_[m];
                const int64_t base = (i * c + k) * plane;
                for (int64_t j = 0; j < plane; ++j) dst[base + j] = (src[base + j] - mu) * inv;
            }
        return out;
        // END SOLUTION
    }

private:
    std::vector<float> mean_, std_;
};

/// Mirror left-right (reverse the last dim, W) with probability p, per image.
///   [C, H, W] or [N, C, H, W] -> same
class RandomHorizontalFlip {
public:
    explicit RandomHorizontalFlip(float p = 0.5f, Generator& gen = default_generator()) : p_(p), gen_(&gen) {
        if (!(p >= 0.0f && p <= 1.0f))
            throw ValueError(fmt("RandomHorizontalFlip: p must be in [0, 1], got ", p,
                                 "; hint: p is the probability that an image is mirrored"));
    }
    Tensor operator()(const Tensor& x) const {
        [[maybe_unused]] auto [n, c, h, w] = detail::image_dims(x, "RandomHorizontalFlip");
        // BEGIN SOLUTION: RandomHorizontalFlip (§5)
        Tensor src_c = x.contiguous(), out = empty(x.shape());
        const float* src = src_c.data_ptr();
        float* dst = out.data_ptr();
        const int64_t image = c * h * w;
        for (int64_t i = 0; i < n; ++i) {
            const float* s = src + i * image;
            float* d = dst + i * image;
            if (!(gen_->uniform() < p_)) {  // one coin per image
                std::memcpy(d, s, static_cast<size_t>(image) * sizeof(float));
                continue;
            }
            for (int64_t row = 0; row < c * h; ++row)  // every row of every channel, mirrored
                for (int64_t j = 0; j < w; ++j) d[row * w + j] = s[row * w + (w - 1 - j)];
        }
        return out;
        // END SOLUTION
    }

private:
    float p_;
    Generator* gen_;
};

/// Pad H and W with `padding` zeros on each side, then cut a random h x w window, per image.
///   [C, H, W] -> [C, h, w];  [N, C, H, W] -> [N, C, h, w]
/// RandomCrop(32, 4): 32x32 crops of the image padded by 4. RandomCrop(24, 28, 0): 24 high, 28 wide.
class RandomCrop {
public:
    explicit RandomCrop(int64_t size, int64_t padding = 0, Generator& gen = default_generator())
        : RandomCrop(size, size, padding, gen) {}
    RandomCrop(int64_t height, int64_t width, int64_t padding, Generator& gen = default_generator())
        : h_(height), w_(width), pad_(padding), gen_(&gen) {
        if (h_ <= 0 || w_ <= 0)
            throw ValueError(fmt("RandomCrop: size must be positive, got [", h_, ", ", w_,
                                 "]; hint: RandomCrop(32, 4) pads by 4 and crops 32x32"));
        if (pad_ < 0)
            throw ValueError(fmt("RandomCrop: padding must be >= 0, got ", pad_, "; hint: 0 means no padding"));
    }
    Tensor operator()(const Tensor& x) const {
        auto [n, c, h, w] = detail::image_dims(x, "RandomCrop");
        const int64_t hp = h + 2 * pad_, wp = w + 2 * pad_;
        if (h_ > hp || w_ > wp)
            throw ShapeError(fmt("RandomCrop: the crop [", h_, ", ", w_, "] is larger than the padded image [", hp,
                                 ", ", wp, "] (input ", shape_str(x.shape()), " with padding ", pad_,
                                 "); hint: use a smaller size or more padding"));
        Shape out_shape = x.shape();
        out_shape[out_shape.size() - 2] = h_;
        out_shape[out_shape.size() - 1] = w_;
        // BEGIN SOLUTION: RandomCrop (§5)
        Tensor src_c = x.contiguous();
        Tensor out = empty(out_shape);  // zero-filled: the padding
        const float* src = src_c.data_ptr();
        float* dst = out.data_ptr();
        for (int64_t i = 0; i < n; ++i) {
            // window origin in padded coordinates, then shifted into input coordinates
            const int64_t top = static_cast<int64_t>(gen_->randint(static_cast<uint64_t>(hp - h_ + 1))) - pad_;
            const int64_t left = static_cast<int64_t>(gen_->randint(static_cast<uint64_t>(wp - w_ + 1))) - pad_;
            const int64_t x0 = std::max<int64_t>(0, -left), x1 = std::min<int64_t>(w_, w - left);  // columns inside
            for (int64_t k = 0; k < c; ++k)
                for (int64_t y = 0; y < h_; ++y) {
                    const int64_t sy = top + y;
                    if (sy < 0 || sy >= h || x1 <= x0) continue;  // a padding row stays zero
                    std::memcpy(dst + ((i * c + k) * h_ + y) * w_ + x0, src + ((i * c + k) * h + sy) * w + left + x0,
                                static_cast<size_t>(x1 - x0) * sizeof(float));
                }
        }
        return out;
        // END SOLUTION
    }

private:
    int64_t h_, w_, pad_;
    Generator* gen_;
};

/// Apply transforms in order: Compose({a, b})(x) = b(a(x)).
class Compose {
public:
    explicit Compose(std::vector<Transform> transforms) : transforms_(std::move(transforms)) {
        for (size_t k = 0; k < transforms_.size(); ++k)
            if (!transforms_[k])
                throw ValueError(fmt("Compose: transform ", k, " is empty; hint: pass callables Tensor(const Tensor&)"));
    }
    Tensor operator()(const Tensor& x) const {
        // BEGIN SOLUTION: Compose (§5)
        Tensor y = x;
        for (const Transform& t : transforms_) y = t(y);
        return y;
        // END SOLUTION
    }
    size_t size() const { return transforms_.size(); }

private:
    std::vector<Transform> transforms_;
};

}  // namespace tinytorch::data::transforms
