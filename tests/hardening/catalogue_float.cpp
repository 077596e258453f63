// The one instantiation of the operation catalogue for float elements (see catalogue.hpp);
// one file per element type so that a parallel build compiles them side by side.
#include "catalogue.hpp"

namespace catalogue {

template std::vector<operation<float>> all_operations<float>();

}  // namespace catalogue
