# Runs the demo on its built-in picture and checks what a user would see: the seed
# examples printed, a timing line per operation, and a PNG contact sheet written.
# cmake -DPROGRAM=... -DPNG=... -P check_demo.cmake
file(REMOVE "${PNG}")
execute_process(COMMAND "${PROGRAM}" -o "${PNG}" OUTPUT_VARIABLE _out ERROR_VARIABLE _err RESULT_VARIABLE _rc)
message("${_out}")
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "demo exited with ${_rc}\n${_err}")
endif()
foreach(_expect "[6, 8]" "[14, 16]" "L2 4x4" "fractional max" "stochastic train" "contact sheet:")
  string(FIND "${_out}" "${_expect}" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "demo output lacks \"${_expect}\"")
  endif()
endforeach()
file(READ "${PNG}" _magic LIMIT 8 HEX)
if(NOT _magic STREQUAL "89504e470d0a1a0a")
  message(FATAL_ERROR "${PNG} is not a PNG (starts with ${_magic})")
endif()
