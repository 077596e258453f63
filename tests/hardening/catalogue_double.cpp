// The one instantiation of the operation catalogue for double elements (see catalogue.hpp);
// one file per element type so that a parallel build compiles them side by side.
#include "catalogue.hpp"

namespace catalogue {

template std::vector<operation<double>> all_operations<double>();

}  // namespace catalogue
