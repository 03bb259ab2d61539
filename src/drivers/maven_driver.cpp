// The `maven` driver: `mvn test` offline against the Debian repository, with the PIT's pom.
#include "drivers/maven_driver.hpp"

#include "drivers/step.hpp"
#include "util/text.hpp"

namespace runner::drivers {

namespace fs = std::filesystem;

std::vector<std::string> MavenDriver::command(const DriverInput& in) {
  const std::string settings = (in.tools.share_dir / "maven/settings.xml").string();
  std::string test_classes;
  for (const auto& cls : in.pit.test_classes) {
    test_classes += (test_classes.empty() ? "" : ",") + cls;
  }
  return {"mvn", "--offline", "--batch-mode", "--no-transfer-progress",
          // Debian's repository is the local repository, read-only (see the settings file).
          "--settings", settings, "--global-settings", settings,
          // Surefire 2.22 idles ~10 s after the forked JVM exits; this wrapper ends the wait.
          // Student code still runs in the fork, never in Maven's own JVM.
          "-Djvm=" + (in.tools.share_dir / "maven/fork-jvm/bin/java").string(),
          // Test failures are the verdict's business, not a build failure.
          "-Dmaven.test.failure.ignore=true",
          // Only the PIT's test classes run, without extensions found on the classpath.
          "-Dtest=" + test_classes, "-DfailIfNoTests=false",
          "-Djunit.jupiter.extensions.autodetection.enabled=false", "test"};
}

DriverResult MavenDriver::run(const DriverInput& in) {
  DriverResult result;
  if (in.on_stage) in.on_stage(Stage::Building);
  const StepResult step =
      run_step(in, "building and testing with Maven", command(in), in.dirs.project, {"T E S T S"});
  result.timed_out = step.run.timed_out;
  result.out_of_memory = step.out_of_memory;
  result.tests_started = step.testing_seen;
  // target/ is dropped from every submission, so these files were written by this run.
  result.report_files = junit_reports_in(in.dirs.project / "target/surefire-reports");
  if (result.timed_out || result.out_of_memory || step.run.ok() || result.tests_started) {
    return result;
  }
  if (step.output.find("COMPILATION ERROR") != std::string::npos) {
    result.compile_failed = true;
    result.compiler_output = compiler_errors(step.output, in.dirs.project);
  } else {
    result.tool_failure = "maven failed before the tests ran: " + last_error_line(step.output);
  }
  return result;
}

std::string last_error_line(const std::string& output) {
  std::string last;
  for (const auto& line : util::split(output, '\n')) {
    if (line.starts_with("[ERROR]") && util::trim(line).size() > 8)
      last = util::trim(line.substr(8));
    if (line.starts_with("FAILURE:") || line.starts_with("* What went wrong")) last = line;
  }
  return last.empty() ? "no error message (see log.txt)" : last;
}

}  // namespace runner::drivers
