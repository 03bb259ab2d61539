#include "pit/build_tool.hpp"

namespace runner::pit {

std::string to_string(BuildTool tool) {
  switch (tool) {
    case BuildTool::Maven:
      return "maven";
    case BuildTool::Gradle:
      return "gradle";
    case BuildTool::Javac:
      return "javac";
    case BuildTool::Pytest:
      return "pytest";
  }
  return "?";
}

std::optional<BuildTool> parse_build_tool(const std::string& s) {
  if (s == "maven") return BuildTool::Maven;
  if (s == "gradle") return BuildTool::Gradle;
  if (s == "javac") return BuildTool::Javac;
  if (s == "pytest") return BuildTool::Pytest;
  return std::nullopt;
}

}  // namespace runner::pit
