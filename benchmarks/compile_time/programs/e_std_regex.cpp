// (e) For scale: a small program using std::regex, compiled in the same run.
#include <regex>
#include <string>

int main(int argc, char** argv) {
  const std::regex pattern("([a-z]+)_([0-9]+)x([0-9]+)");
  std::smatch match;
  const std::string text = argc > 1 ? argv[1] : "pool_3x3";
  return std::regex_match(text, match, pattern) ? static_cast<int>(match[2].length()) : 0;
}
