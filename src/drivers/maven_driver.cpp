// The `maven` driver: Maven compiles the student's code offline against the Debian repository,
// with the PIT's pom, and writes the tests' class path; the test host (testhost_driver.hpp)
// compiles and runs the PIT's tests. Maven runs no test and no student code.
#include "drivers/maven_driver.hpp"

#include "drivers/step.hpp"
#include "drivers/testhost_driver.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace runner::drivers {

namespace fs = std::filesystem;

namespace {

constexpr const char* kClassPathFile = "maven-classpath.txt";

std::vector<std::string> maven_command(const DriverInput& in) {
  const std::string settings = (in.tools.share_dir / "maven/settings.xml").string();
  return {"mvn", "--offline", "--batch-mode", "--no-transfer-progress",
          // Debian's repository is the local repository, read-only (see the settings file).
          "--settings", settings, "--global-settings", settings,
          // No annotation processor runs while compiling, so no student code runs in Maven.
          "-Dmaven.compiler.proc=none", "compile", "dependency:build-classpath",
          "-Dmdep.outputFile=" + (in.dirs.root / kClassPathFile).string(),
          "-Dmdep.includeScope=test"};
}

// The jars of the tests' class path Maven wrote (one line, ':'-separated), less those the host
// provides. Maven wrote it before any student code ran; it is read as any job file is.
std::vector<fs::path> test_libraries(const DriverInput& in) {
  std::vector<fs::path> jars;
  const std::string text = util::read_beneath(in.dirs.root, kClassPathFile, 1 << 20);
  for (const auto& part : util::split(util::trim(text), ':')) {
    if (part.empty() || provided_by_host(part)) continue;
    jars.emplace_back(part);
  }
  return jars;
}

}  // namespace

DriverResult MavenDriver::run(const DriverInput& in) {
  DriverResult result;
  if (in.on_stage) in.on_stage(Stage::Building);
  if (in.plan) {
    run_test_host(in, plan_inputs(*in.plan, in.dirs), result);
    return result;
  }
  const StepResult step = run_step(in, "compiling with Maven", maven_command(in), in.dirs.project);
  conclude_build_step(in, step, "maven", "COMPILATION ERROR", result);
  if (!step.run.ok() || result.compile_failed || !result.tool_failure.empty()) return result;
  run_test_host(in, {false, in.dirs.project / "target/classes", {}, test_libraries(in), {}, {}},
                result);
  return result;
}

}  // namespace runner::drivers
