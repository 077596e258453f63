# Warning flags for poolkit's own targets (tests, examples, benchmarks), never for the
# exported library target. Link `poolkit_warnings` to opt a target in.
add_library(poolkit_warnings INTERFACE)
target_compile_options(poolkit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wold-style-cast
  -Wcast-align -Wnon-virtual-dtor -Woverloaded-virtual -Wdouble-promotion
  -Wimplicit-fallthrough -Wundef -Wvla)
if(POOLKIT_WERROR)
  target_compile_options(poolkit_warnings INTERFACE -Werror)
endif()
