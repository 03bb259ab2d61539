#include "pit/glob.hpp"

namespace runner::pit {

bool glob_match(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) return path.empty();
  if (pattern.starts_with("**")) {
    std::string_view rest = pattern.substr(2);
    if (rest.empty()) return true;
    if (rest.front() == '/') {
      rest.remove_prefix(1);
      // "**/" matches zero components, or one component and a slash, repeatedly.
      if (glob_match(rest, path)) return true;
      for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '/' && glob_match(rest, path.substr(i + 1))) return true;
      }
      return false;
    }
    // "**x" behaves like "*x" but may cross slashes.
    for (std::size_t i = 0; i <= path.size(); ++i) {
      if (glob_match(rest, path.substr(i))) return true;
    }
    return false;
  }
  if (pattern == "/**" && path.empty()) return true;  // "dir/**" matches "dir" itself
  const char p = pattern.front();
  if (p == '*') {
    for (std::size_t i = 0; i <= path.size(); ++i) {
      if (glob_match(pattern.substr(1), path.substr(i))) return true;
      if (i < path.size() && path[i] == '/') break;
    }
    return false;
  }
  if (path.empty()) return false;
  if (p == '?' ? path.front() != '/' : p == path.front()) {
    return glob_match(pattern.substr(1), path.substr(1));
  }
  return false;
}

}  // namespace runner::pit
