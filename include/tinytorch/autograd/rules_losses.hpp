// include/tinytorch/autograd/rules_losses.hpp — placeholder, being written (module 06)
#pragma once
