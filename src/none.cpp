// poolkit prebuilt kernel library: a translation unit on every target, so that the
// library exists (and links) where no instruction set has vector kernels.
#include <poolkit/version.hpp>

namespace poolkit::prebuilt {
/// The version the library was built from.
int version() noexcept {
  return POOLKIT_VERSION_MAJOR * 10000 + POOLKIT_VERSION_MINOR * 100 + POOLKIT_VERSION_PATCH;
}
}  // namespace poolkit::prebuilt
