#pragma once
// The build tools a PIT can name (`build:` in pit.yaml, RUNNER_DEFAULT_BUILD_TOOL).
#include <optional>
#include <string>

namespace runner::pit {

enum class BuildTool { Maven, Gradle, Javac, Pytest };

std::string to_string(BuildTool tool);
// "maven", "gradle", "javac" or "pytest"; nullopt for anything else.
std::optional<BuildTool> parse_build_tool(const std::string& s);

}  // namespace runner::pit
