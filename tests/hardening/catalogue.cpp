// The one instantiation of the operation catalogue (see catalogue.hpp).
#include "catalogue.hpp"

namespace catalogue {

template std::vector<operation<float>> all_operations<float>();
template std::vector<operation<double>> all_operations<double>();

}  // namespace catalogue
