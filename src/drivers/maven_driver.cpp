// The `maven` driver: `mvn test` offline against the Debian repository, with the PIT's pom.
#include "drivers/maven_driver.hpp"

#include "drivers/step.hpp"
#include "util/text.hpp"

namespace runner::drivers {

namespace fs = std::filesystem;

std::vector<std::string> MavenDriver::command(const DriverInput& in) {
  return {"mvn",
          "--offline",
          "--batch-mode",
          "--no-transfer-progress",
          "--settings",
          (in.tools.share_dir / "maven/settings.xml").string(),
          "-Dmaven.repo.local=" + in.tools.maven_repo.string(),
          // Test failures are the verdict's business, not a build failure.
          "-Dmaven.test.failure.ignore=true",
          "test"};
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
    if (line.starts_with("[ERROR]") && util::trim(line).size() > 8) last = util::trim(line.substr(8));
    if (line.starts_with("FAILURE:") || line.starts_with("* What went wrong")) last = line;
  }
  return last.empty() ? "no error message (see log.txt)" : last;
}

}  // namespace runner::drivers
