# Reads modules/modules.tsv — the single number<->name table — into CMake lists:
#   TINYTORCH_MODULES          e.g. "01_tensor;02_activations;..."
#   TINYTORCH_MODULE_<NN>      e.g. TINYTORCH_MODULE_01 = "01_tensor"
#   TINYTORCH_NEEDS_<NN>       e.g. TINYTORCH_NEEDS_03 = "01;02"
#   TINYTORCH_FOLDER_<NN>      the include folder name, e.g. "tensor"
set(_tt_table "${CMAKE_CURRENT_LIST_DIR}/../modules/modules.tsv")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_tt_table}")
file(STRINGS "${_tt_table}" _tt_lines REGEX "^[0-9][0-9]\t")
set(TINYTORCH_MODULES "")
foreach(_line IN LISTS _tt_lines)
    string(REPLACE "\t" ";" _cols "${_line}")
    list(GET _cols 0 _num)
    list(GET _cols 1 _name)
    list(GET _cols 2 _needs)
    list(APPEND TINYTORCH_MODULES "${_num}_${_name}")
    set(TINYTORCH_MODULE_${_num} "${_num}_${_name}")
    set(TINYTORCH_FOLDER_${_num} "${_name}")
    if(_needs STREQUAL "-")
        set(TINYTORCH_NEEDS_${_num} "")
    else()
        string(REPLACE "," ";" TINYTORCH_NEEDS_${_num} "${_needs}")
    endif()
endforeach()
