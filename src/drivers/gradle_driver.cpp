// The `gradle` driver: Gradle 4.4.1 offline with the runner's init script compiles the student's
// code against the Debian repository and writes the tests' class path (task runnerClasspath);
// the test host (testhost_driver.hpp) compiles and runs the PIT's tests. Gradle runs no test.
#include "drivers/gradle_driver.hpp"

#include "drivers/step.hpp"
#include "drivers/testhost_driver.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace runner::drivers {

namespace fs = std::filesystem;

namespace {

constexpr const char* kClassPathFile = "gradle-classpath.txt";

// "main <dir>" lines (classes and resources of the main source set) and "lib <jar>" lines.
HostInputs host_inputs(const DriverInput& in) {
  HostInputs inputs;
  const std::string text = util::read_beneath(in.dirs.root, kClassPathFile, 1 << 20);
  std::vector<fs::path> main_dirs;
  for (const auto& line : util::split(text, '\n')) {
    if (line.starts_with("main ")) main_dirs.emplace_back(line.substr(5));
    if (line.starts_with("lib ") && !provided_by_host(line.substr(4))) {
      inputs.libraries.emplace_back(line.substr(4));
    }
  }
  if (main_dirs.empty())
    throw std::runtime_error("gradle named no output folder of the main source set");
  inputs.main_classes = main_dirs.front();
  inputs.main_resources.assign(main_dirs.begin() + 1, main_dirs.end());
  return inputs;
}

}  // namespace

DriverResult GradleDriver::run(const DriverInput& in) {
  DriverResult result;
  if (in.on_stage) in.on_stage(Stage::Building);
  if (in.plan) {
    run_test_host(in, plan_inputs(*in.plan, in.dirs), result);
    return result;
  }
  const std::vector<std::string> argv{
      "gradle", "--offline", "--no-daemon", "--console=plain",
      // Gradle's caches live in the job's own folders, never in the project or a shared home.
      "--gradle-user-home", (in.dirs.home / ".gradle").string(), "--project-cache-dir",
      (in.dirs.home / "gradle-project-cache").string(), "--init-script",
      (in.tools.share_dir / "gradle/init.gradle").string(),
      "-PrunnerClasspathFile=" + (in.dirs.root / kClassPathFile).string(), "runnerClasspath"};
  exec::JobLimits limits = job_limits(in.pit);
  limits.loopback_tcp = true;  // Gradle's client and daemon talk over loopback TCP
  const StepResult step = run_step(in, "compiling with Gradle", argv, in.dirs.project, {}, limits);
  conclude_build_step(in, step, "gradle", "Compilation failed", result);
  if (!step.run.ok() || result.compile_failed || !result.tool_failure.empty()) return result;
  run_test_host(in, host_inputs(in), result);
  return result;
}

}  // namespace runner::drivers
