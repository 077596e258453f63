# Compiles and runs the consumer with the flags `pkg-config --cflags poolkit` gives for the
# staged install; the .pc must locate the headers relative to itself.
set(ENV{PKG_CONFIG_PATH} "${STAGE}/share/pkgconfig")
execute_process(COMMAND ${PKG_CONFIG} --cflags poolkit OUTPUT_VARIABLE flags
                RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags poolkit failed")
endif()
separate_arguments(flags)
execute_process(COMMAND ${CXX} -std=c++20 ${flags} ${SOURCE} -o ${OUTPUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling with pkg-config flags '${flags}' failed")
endif()
execute_process(COMMAND ${OUTPUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config consumer failed")
endif()
