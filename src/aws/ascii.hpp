#pragma once
// ASCII case folding, for what the protocols compare without case: header names, URL schemes and
// hosts, error messages, boolean settings.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace runner::aws {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace runner::aws
