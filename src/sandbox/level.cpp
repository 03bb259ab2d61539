#include "sandbox/level.hpp"

namespace runner::sandbox {

std::string to_string(Level level) {
  switch (level) {
    case Level::Auto:
      return "auto";
    case Level::Full:
      return "full";
    case Level::Basic:
      return "basic";
    case Level::None:
      return "none";
  }
  return "?";
}

std::optional<Level> parse_level(const std::string& s) {
  if (s == "auto") return Level::Auto;
  if (s == "full") return Level::Full;
  if (s == "basic") return Level::Basic;
  if (s == "none") return Level::None;
  return std::nullopt;
}

}  // namespace runner::sandbox
