# Compiles and runs the consumer with the flags `pkg-config --cflags --libs PACKAGE` gives
# for the staged install (PACKAGE: poolkit, or poolkit-prebuilt for the prebuilt kernel
# library); the .pc must locate the headers and the library relative to itself.
if(NOT PACKAGE)
  set(PACKAGE poolkit)
endif()
set(ENV{PKG_CONFIG_PATH} "${STAGE}/share/pkgconfig")
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs ${PACKAGE} OUTPUT_VARIABLE flags
                RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags --libs ${PACKAGE} failed")
endif()
separate_arguments(flags)
execute_process(COMMAND ${CXX} -std=c++20 ${SOURCE} ${flags} -pthread -o ${OUTPUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling with pkg-config flags '${flags}' failed")
endif()
execute_process(COMMAND ${OUTPUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config consumer failed")
endif()
