#pragma once
// A build plan: what grading a Maven or Gradle PIT needs from its build file, learnt once by
// running the real build tool on the PIT alone (plan_resolver.hpp). The build file comes from
// the PIT, never from the student, so the plan is the same for every submission: with it the
// test host compiles and runs everything, and no build tool starts per submission
// (docs/build-drivers.md, "Build plans").
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pit/build_tool.hpp"

namespace runner::drivers {

// How a plan that could not be learnt because the build tool failed on the PIT's own files
// begins its `unsupported`: every submission would fail the same way (`pit check` fails on it).
inline constexpr std::string_view kToolFailsOnThePit =
    "the build tool fails on the PIT's files alone: ";

// How the build tool's failure reads when the cause is a dependency the offline repository
// lacks (last_error_line): the artifact follows.
inline constexpr std::string_view kNeedsMissingArtifact = "the PIT's build needs ";

struct BuildPlan {
  pit::BuildTool tool = pit::BuildTool::Maven;
  std::string tool_version;  // "Apache Maven 3.8.7", "Gradle 4.4.1"
  // Why the plan cannot stand in for the build tool (an unmodelled plugin, task or compiler
  // argument, filtered resources...); empty when it can.
  std::string unsupported;
  std::vector<std::string> javac_options;              // the PIT's settings for src/main/java
  std::vector<std::filesystem::path> main_class_path;  // what the student's code compiles against
  std::vector<std::filesystem::path> test_libraries;   // the tests' jars, less the host's own
  std::vector<std::string> resource_dirs;              // relative to the project, copied verbatim
  double resolve_seconds = 0;                          // how long learning it took

  bool usable() const { return unsupported.empty(); }
};

// The plan as JSON text (the cache file), and back. Throws std::runtime_error on a file that is
// not a plan of this format.
std::string plan_to_json(const BuildPlan& plan);
BuildPlan plan_from_json(const std::string& text);

// The compiler settings of a build tool's javac command line the host can apply as they are:
// release/source/target, encoding, debug information, parameters, lint and deprecation. Paths
// (-d, -classpath, -sourcepath, -s), source files and annotation-processing switches are the
// runner's business and dropped. Anything else makes the plan unsupported.
struct ModelledOptions {
  std::vector<std::string> kept;
  std::string unsupported;  // the first argument the host cannot reproduce
};
ModelledOptions model_javac_options(const std::vector<std::string>& arguments);

// What `mvn -X compile dependency:build-classpath` printed for the probe project in `project`,
// and the class-path file it wrote: the plan, or why there is none.
BuildPlan parse_maven_resolution(const std::string& output, const std::filesystem::path& project,
                                 const std::string& test_class_path);

// What `gradle --debug runnerClasspath` printed for the probe project in `project`, and the
// class-path file the init script's task wrote (share/gradle/init.gradle).
BuildPlan parse_gradle_resolution(const std::string& output, const std::filesystem::path& project,
                                  const std::string& class_path_file);

}  // namespace runner::drivers
