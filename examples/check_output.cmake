# Runs PROGRAM and compares its standard output with the file EXPECTED, byte for byte.
# cmake -DPROGRAM=... -DEXPECTED=... -P check_output.cmake
execute_process(COMMAND "${PROGRAM}" OUTPUT_VARIABLE _out ERROR_VARIABLE _err RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${_rc}\n${_err}")
endif()
file(READ "${EXPECTED}" _expected)
if(NOT _out STREQUAL _expected)
  get_filename_component(_name "${EXPECTED}" NAME)
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/actual_${_name}" "${_out}")
  message(FATAL_ERROR "output of ${PROGRAM} differs from ${EXPECTED}\n--- expected\n${_expected}\n--- actual\n${_out}")
endif()
