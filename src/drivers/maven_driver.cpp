// The `maven` driver: `mvn test` offline against the Debian repository, with the PIT's pom.
#include "drivers/maven_driver.hpp"

#include <fstream>

#include "drivers/step.hpp"
#include "util/text.hpp"

namespace runner::drivers {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> maven_command(const DriverInput& in) {
  const std::string settings = (in.tools.share_dir / "maven/settings.xml").string();
  return {"mvn", "--offline", "--batch-mode", "--no-transfer-progress",
          // Debian's repository is the local repository, read-only (see the settings file).
          "--settings", settings, "--global-settings", settings,
          // Surefire 2.22 idles ~10 s after the forked JVM exits; this wrapper ends the wait.
          // Student code still runs in the fork, never in Maven's own JVM.
          "-Djvm=" + (in.tools.share_dir / "maven/fork-jvm/bin/java").string(),
          // Test failures are the verdict's business, not a build failure.
          "-Dmaven.test.failure.ignore=true",
          // Only the PIT's test classes run, without extensions found on the classpath.
          "-Dtest=" + util::join(in.pit.test_classes, ","), "-DfailIfNoTests=false",
          "-Djunit.jupiter.extensions.autodetection.enabled=false", "test"};
}

// Surefire keeps what the forked JVM wrote outside its protocol (the JVM's own messages, such as
// "Terminating due to java.lang.OutOfMemoryError") in *.dumpstream files instead of the console.
// Copies their start into the log; true when one shows the fork ran out of memory.
bool forward_dumpstreams(const DriverInput& in, const fs::path& reports_dir) {
  bool out_of_memory = false;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(reports_dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".dumpstream") continue;
    std::ifstream file(entry.path(), std::ios::binary);
    std::string head(16 * 1024, '\0');
    file.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(file.gcount()));
    in.log.write("[runner] output of the forked test JVM (" + entry.path().filename().string() +
                 "):\n" + head + "\n");
    out_of_memory = out_of_memory || head.find(kOutOfMemoryMarker) != std::string::npos;
  }
  return out_of_memory;
}

}  // namespace

DriverResult MavenDriver::run(const DriverInput& in) {
  DriverResult result;
  if (in.on_stage) in.on_stage(Stage::Building);
  const StepResult step = run_step(in, "building and testing with Maven", maven_command(in),
                                   in.dirs.project, {"T E S T S"});
  // target/ is dropped from every submission, so these files were written by this run.
  const fs::path reports_dir = in.dirs.project / "target/surefire-reports";
  result.report_files = junit_reports_in(reports_dir);
  conclude_build_step(in, step, "maven", "COMPILATION ERROR", result);
  if (forward_dumpstreams(in, reports_dir)) result.out_of_memory = true;
  return result;
}

}  // namespace runner::drivers
