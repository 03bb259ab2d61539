// The `gradle` driver: Gradle 4.4.1 offline with the runner's init script, which points the build
// at the Debian repository and provides `runnerTest` (JUnit 4 natively, JUnit 5 through the
// console launcher).
#include "drivers/gradle_driver.hpp"

#include "drivers/maven_driver.hpp"
#include "drivers/step.hpp"

namespace runner::drivers {

DriverResult GradleDriver::run(const DriverInput& in) {
  DriverResult result;
  if (in.on_stage) in.on_stage(Stage::Building);
  const std::vector<std::string> argv{"gradle",
                                      "--offline",
                                      "--no-daemon",
                                      "--console=plain",
                                      "--project-cache-dir",
                                      (in.dirs.home / "gradle-project-cache").string(),
                                      "--init-script",
                                      (in.tools.share_dir / "gradle/init.gradle").string(),
                                      "-PrunnerReportsDir=" + in.dirs.reports.string(),
                                      "runnerTest"};
  const StepResult step = run_step(in, "building and testing with Gradle", argv, in.dirs.project,
                                   {"> Task :test", "> Task :runnerTest"});
  result.timed_out = step.run.timed_out;
  result.out_of_memory = step.out_of_memory;
  result.tests_started = step.testing_seen;
  result.report_files = junit_reports_in(in.dirs.reports);
  if (result.timed_out || result.out_of_memory || step.run.ok() || result.tests_started) {
    return result;
  }
  if (step.output.find("Compilation failed") != std::string::npos) {
    result.compile_failed = true;
    result.compiler_output = compiler_errors(step.output, in.dirs.project);
  } else {
    result.tool_failure = "gradle failed before the tests ran: " + last_error_line(step.output);
  }
  return result;
}

}  // namespace runner::drivers
