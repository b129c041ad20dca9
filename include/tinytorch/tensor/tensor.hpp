// include/tinytorch/tensor/tensor.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md
// Everything module 01 offers: include this, not the files one by one.
#pragma once
#include "tinytorch/tensor/dtype.hpp"
#include "tinytorch/tensor/errors.hpp"
#include "tinytorch/tensor/shape.hpp"
#include "tinytorch/tensor/storage.hpp"
#include "tinytorch/tensor/generator.hpp"
#include "tinytorch/tensor/core.hpp"
#include "tinytorch/tensor/graph.hpp"
#include "tinytorch/tensor/iteration.hpp"
#include "tinytorch/tensor/creation.hpp"
#include "tinytorch/tensor/views.hpp"
#include "tinytorch/tensor/inplace.hpp"
#include "tinytorch/tensor/elementwise.hpp"
#include "tinytorch/tensor/matmul.hpp"
#include "tinytorch/tensor/reductions.hpp"
#include "tinytorch/tensor/printing.hpp"
#include "tinytorch/tensor/testing.hpp"
