# fuzz/build.cmake — configure and build the fuzz program with clang (run by CTest: "fuzz: build").
#   cmake -DCLANGXX=/usr/bin/clang++ -DSOURCE=<repo>/fuzz -DBINARY=<build>/fuzz -DINCLUDE_DIR=<repo>/include -P fuzz/build.cmake
execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SOURCE}" -B "${BINARY}" -DCMAKE_CXX_COMPILER=${CLANGXX}
                        -DCMAKE_BUILD_TYPE=None -DTINYTORCH_INCLUDE_DIR=${INCLUDE_DIR} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "configuring the fuzz program failed")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BINARY}" -j2 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "building the fuzz program failed")
endif()
