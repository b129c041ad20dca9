// include/tinytorch/convolutions/convolutions.hpp
// Module 09 · Convolutions — lesson: modules/09_convolutions/README.md
// Everything module 09 offers: conv2d (naive and im2col + GEMM) and nn::Conv2d, max / average /
// adaptive pooling, BatchNorm2d, Flatten — each with its backward rule registered here.
// It brings in modules 01 (tensor), 03 (layers) and 06 (autograd: the engine and its rules).
#pragma once
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/layers/layers.hpp"
#include "tinytorch/convolutions/int_pair.hpp"
#include "tinytorch/convolutions/conv_geometry.hpp"
#include "tinytorch/convolutions/im2col.hpp"
#include "tinytorch/convolutions/conv2d.hpp"
#include "tinytorch/convolutions/conv2d_layer.hpp"
#include "tinytorch/convolutions/max_pool2d.hpp"
#include "tinytorch/convolutions/avg_pool2d.hpp"
#include "tinytorch/convolutions/adaptive_avg_pool2d.hpp"
#include "tinytorch/convolutions/batch_norm2d.hpp"
#include "tinytorch/convolutions/flatten.hpp"
