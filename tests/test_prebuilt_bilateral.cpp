// Bilateral pooling from the prebuilt library, built with Eigen (src/bilateral.cpp.in).
// This program links poolkit::prebuilt: test_bilateral.cpp and test_bilateral_threads.cpp,
// built into it too, run the library's bilateral code against their references (the
// tests use Eigen for their own checks; poolkit's headers read none of it here).
#include <poolkit/ops/bilateral.hpp>

static_assert(POOLKIT_USE_PREBUILT_BILATERAL == 1,
              "poolkit_prebuilt_bilateral_tests must link bilateral pooling, not compile it");
