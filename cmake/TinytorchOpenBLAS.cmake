# cmake/TinytorchOpenBLAS.cmake — finds OpenBLAS (the optional GEMM backend) and wraps it in the
# imported target tinytorch::openblas: the library, the folder of its cblas.h, and the
# definition TINYTORCH_HAS_OPENBLAS=1 that switches matmul to cblas_sgemm.
#
# Used twice: by this project's CMakeLists.txt, and by the installed package
# (tinytorchConfig.cmake) on the consumer's machine, so an installed TinyTorch never carries
# a library path from the machine it was installed from.
#
# Debian/Ubuntu keep cblas.h per variant: /usr/include/<arch>/openblas-pthread/ (and
# -openmp, -serial); other systems put it in include/openblas/ or include/.
function(tinytorch_find_openblas)
    if(TARGET tinytorch::openblas)
        return()
    endif()
    find_library(TINYTORCH_OPENBLAS_LIBRARY NAMES openblas)
    find_path(TINYTORCH_OPENBLAS_INCLUDE_DIR openblas_config.h
              PATH_SUFFIXES openblas openblas-pthread
                            ${CMAKE_LIBRARY_ARCHITECTURE}/openblas-pthread
                            ${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp
                            ${CMAKE_LIBRARY_ARCHITECTURE}/openblas-serial)
    if(TINYTORCH_OPENBLAS_LIBRARY AND TINYTORCH_OPENBLAS_INCLUDE_DIR)
        add_library(tinytorch::openblas INTERFACE IMPORTED GLOBAL)
        set_target_properties(tinytorch::openblas PROPERTIES
            INTERFACE_LINK_LIBRARIES "${TINYTORCH_OPENBLAS_LIBRARY}"
            INTERFACE_INCLUDE_DIRECTORIES "${TINYTORCH_OPENBLAS_INCLUDE_DIR}"
            INTERFACE_COMPILE_DEFINITIONS "TINYTORCH_HAS_OPENBLAS=1")
    endif()
endfunction()
