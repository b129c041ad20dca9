// Eigen's GEMM (include/tinytorch/tensor/gemm_eigen.hpp), compiled once for every test program:
// they are built with TINYTORCH_PREBUILT_EIGEN_GEMM and only declare it. Eigen's GEMM templates
// take seconds to compile, and a test program's files are recompiled after every edit of a header.
#define TINYTORCH_GEMM_EIGEN_LINKAGE /* an ordinary function, defined here once */
#include "tinytorch/tensor/gemm_eigen.hpp"
