// (a) The umbrella header and nothing else: what including poolkit costs.
#include <poolkit/poolkit.hpp>

int main() { return 0; }
