// include/tinytorch/autograd/rules_activations.hpp — placeholder, being written (module 06)
#pragma once
