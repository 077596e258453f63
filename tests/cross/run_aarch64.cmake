# Cross-compiles isa_check.cpp for AArch64 (NEON kernels) and runs it under qemu-aarch64.
execute_process(COMMAND ${CXX} -std=c++20 -O2 -Wall -Wextra -Werror -I${INCLUDE} -I${TESTS}
                        ${SOURCE} -o ${OUTPUT}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cross-compiling for AArch64 failed")
endif()
execute_process(COMMAND ${QEMU} -L /usr/aarch64-linux-gnu ${OUTPUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "isa_check failed under qemu-aarch64")
endif()
