// include/tinytorch/quantization/quantization.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md
//
// Real INT8: quantized tensors that store one byte per value, observers, an integer GEMM
// (reference, AVX2, AVX-512 VNNI), quantized Linear and Conv2d layers, fake quantization for
// quantization-aware training, the dynamic / static / QAT flows, and quantized checkpoints.
#pragma once
#include "tinytorch/quantization/qparams.hpp"              // §1 scale and zero-point
#include "tinytorch/quantization/quantized_tensor.hpp"     // §2 QuantizedTensor, quantize / dequantize
#include "tinytorch/quantization/observers.hpp"            // §3 min-max, moving average, percentile
#include "tinytorch/quantization/int_gemm.hpp"             // §4 the integer GEMM and its kernels
#include "tinytorch/quantization/activation_quant.hpp"     // §5 quantizing the input of a layer
#include "tinytorch/quantization/quantized_module.hpp"     // §5 what quantized layers share
#include "tinytorch/quantization/quantized_linear.hpp"     // §5 nn::QuantizedLinear
#include "tinytorch/quantization/quantized_conv2d.hpp"     // §6 nn::QuantizedConv2d
#include "tinytorch/quantization/fake_quant.hpp"           // §7 fake quantization, the STE, nn::FakeQuantize
#include "tinytorch/quantization/qat_modules.hpp"          // §7 nn::QATLinear, nn::QATConv2d, QConfig
#include "tinytorch/quantization/quantize.hpp"             // §8 quantize_dynamic, prepare, calibrate, convert
#include "tinytorch/quantization/quantized_checkpoint.hpp" // §9 save / load
