// include/tinytorch/dataloader/dataloader.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md
// Everything module 05 offers (namespace tinytorch::data): include this, not the files one by one.
#pragma once
#include "tinytorch/tensor/tensor.hpp"
#include "tinytorch/dataloader/example.hpp"
#include "tinytorch/dataloader/collate.hpp"
#include "tinytorch/dataloader/dataset.hpp"
#include "tinytorch/dataloader/map_dataset.hpp"
#include "tinytorch/dataloader/tensor_dataset.hpp"
#include "tinytorch/dataloader/sampler.hpp"
#include "tinytorch/dataloader/data_loader.hpp"
#include "tinytorch/dataloader/transforms.hpp"
#include "tinytorch/dataloader/file_io.hpp"
#include "tinytorch/dataloader/idx.hpp"
#include "tinytorch/dataloader/data_dir.hpp"
#include "tinytorch/dataloader/mnist.hpp"
#include "tinytorch/dataloader/digits.hpp"
#include "tinytorch/dataloader/cifar10.hpp"
