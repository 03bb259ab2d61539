// The `gradle` driver: Gradle 4.4.1 offline with the runner's init script, which points the build
// at the Debian repository and provides `runnerTest` (JUnit 4 natively, JUnit 5 through the
// console launcher).
#include "drivers/gradle_driver.hpp"

#include "drivers/step.hpp"
#include "util/text.hpp"

namespace runner::drivers {

DriverResult GradleDriver::run(const DriverInput& in) {
  DriverResult result;
  if (in.on_stage) in.on_stage(Stage::Building);
  const std::vector<std::string> argv{
      "gradle", "--offline", "--no-daemon", "--console=plain",
      // Gradle's caches live in the job's own folders, never in the project or a shared home.
      "--gradle-user-home", (in.dirs.home / ".gradle").string(), "--project-cache-dir",
      (in.dirs.home / "gradle-project-cache").string(), "--init-script",
      (in.tools.share_dir / "gradle/init.gradle").string(),
      // Reports go to the runner's own folder, and only the PIT's classes run.
      "-PrunnerReportsDir=" + in.dirs.reports.string(),
      "-PrunnerTestClass=" + util::join(in.pit.test_classes, ","), "runnerTest"};
  // Gradle 4.4's plain console names each task as it starts; testClasses means both source sets
  // compiled.
  const StepResult step =
      run_step(in, "building and testing with Gradle", argv, in.dirs.project, {":testClasses"});
  result.report_files = junit_reports_in(in.dirs.reports);
  conclude_build_step(in, step, "gradle", "Compilation failed", result);
  return result;
}

}  // namespace runner::drivers
