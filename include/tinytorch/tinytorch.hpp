// include/tinytorch/tinytorch.hpp — the umbrella: every module that exists so far.
#pragma once
#include "tinytorch/tensor/tensor.hpp"
