// milestones/04_1998_cnn/models.hpp — the networks of milestone 04 (not a module: nothing here
// is for students to write). Each builder returns a fresh nn::Sequential; shapes in comments.
#pragma once
#include <cstdint>
#include <vector>

#include "tinytorch/activations/activations.hpp"
#include "tinytorch/convolutions/convolutions.hpp"
#include "tinytorch/layers/layers.hpp"

namespace milestone04 {

using namespace tinytorch;

/// Milestone 03's MLP, unchanged: [N, 64] -> 64-128-64-10 with ReLU and dropout 0.25.
inline nn::Sequential digits_mlp() {
    nn::Sequential net;
    const std::vector<int64_t> sizes{64, 128, 64, 10};
    for (size_t i = 0; i + 1 < sizes.size(); ++i) {
        net.push_back(nn::Linear(sizes[i], sizes[i + 1]));
        if (i + 2 < sizes.size()) {
            net.push_back(nn::ReLU());
            net.push_back(nn::Dropout(0.25));
        }
    }
    return net;
}

/// conv 3x3 (no bias: BatchNorm's β is the bias) -> BatchNorm -> ReLU, the block of every CNN below.
inline void conv_bn_relu(nn::Sequential& net, int64_t in, int64_t out) {
    net.push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1).bias(false)));
    net.push_back(nn::BatchNorm2d(out));
    net.push_back(nn::ReLU());
}

/// A small CNN for the 8x8 digits: [N, 1, 8, 8] -> 16 @8x8 -> 32 @8x8 -> pool -> 64 @4x4 -> pool
/// -> [N, 64·2·2] -> dropout -> [N, 10]. About 30k parameters (the MLP has 17k).
inline nn::Sequential digits_cnn() {
    nn::Sequential net;
    conv_bn_relu(net, 1, 16);
    conv_bn_relu(net, 16, 32);
    net.push_back(nn::MaxPool2d(2));
    conv_bn_relu(net, 32, 64);
    net.push_back(nn::MaxPool2d(2));
    net.push_back(nn::Flatten());
    net.push_back(nn::Dropout(0.25));
    net.push_back(nn::Linear(64 * 2 * 2, 10));
    return net;
}

/// LeNet-5 (LeCun et al. 1998) as it is usually rebuilt today: ReLU for the scaled tanh, max
/// pooling for the trainable subsampling, a full C3 (no connection table), a linear output
/// instead of the RBF units.
///   [N, 1, 28, 28] -conv 5x5 p2-> 6 @28x28 -pool-> 6 @14x14 -conv 5x5-> 16 @10x10 -pool-> 16 @5x5
///   -> 400 -> 120 -> 84 -> 10          (61,706 parameters)
inline nn::Sequential lenet5() {
    return nn::Sequential(nn::Conv2d(1, 6, 5, 1, 2), nn::ReLU(), nn::MaxPool2d(2),  //
                          nn::Conv2d(6, 16, 5), nn::ReLU(), nn::MaxPool2d(2),       //
                          nn::Flatten(), nn::Linear(400, 120), nn::ReLU(),          //
                          nn::Linear(120, 84), nn::ReLU(), nn::Linear(84, 10));
}

/// The CIFAR-10 network: six conv-BN-ReLU blocks (w = base width), pooling after the first,
/// third and fifth, then global max pooling and one linear layer. Most of the work is done at
/// 16x16 and 8x8: pooling right after the first 3->w conv keeps the 32x32 stage cheap.
///   [N, 3, 32, 32] -> w @32 -pool-> 2w @16 -> 2w @16 -pool-> 4w @8 -> 4w @8 -pool-> 8w @4
///   -> max over 4x4 -> [N, 8w] -> [N, 10]
/// w = 24 (the milestone's default): 325k parameters, 38 MFLOP per image forward;
/// w = 32: 576k parameters, 68 MFLOP.
inline nn::Sequential cifar_cnn(int64_t w = 24) {
    nn::Sequential net;
    conv_bn_relu(net, 3, w);
    net.push_back(nn::MaxPool2d(2));  // 16x16
    conv_bn_relu(net, w, 2 * w);
    conv_bn_relu(net, 2 * w, 2 * w);
    net.push_back(nn::MaxPool2d(2));  // 8x8
    conv_bn_relu(net, 2 * w, 4 * w);
    conv_bn_relu(net, 4 * w, 4 * w);
    net.push_back(nn::MaxPool2d(2));  // 4x4
    conv_bn_relu(net, 4 * w, 8 * w);
    net.push_back(nn::MaxPool2d(4));  // 1x1: global max pooling
    net.push_back(nn::Flatten());
    net.push_back(nn::Linear(8 * w, 10));
    return net;
}

}  // namespace milestone04
