#pragma once
// A build driver turns a prepared project into test reports: javac, Maven, Gradle or pytest.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "exec/launcher.hpp"
#include "pit/build_tool.hpp"
#include "pit/pit.hpp"
#include "report/test_case.hpp"
#include "workspace/workspace.hpp"

namespace runner::drivers {
struct BuildPlan;
}

namespace runner::drivers {

// Where the tools a job builds with live; found once at start-up.
struct Toolchain {
  std::filesystem::path java_home;
  std::filesystem::path share_dir;  // the runner's data: maven/settings.xml, gradle/init.gradle
  // Debian's junit5 package; the standalone jar bundles Jupiter, Vintage, JUnit 4 and Hamcrest.
  std::filesystem::path console_launcher = "/usr/share/java/junit-platform-console-standalone.jar";
  // Debian's libasm-java: the test host reads the submission's bytecode with it.
  std::filesystem::path asm_jar = "/usr/share/java/asm.jar";
  // The runner's test host (src/testhost), which runs every build's tests.
  std::filesystem::path testhost_jar;
  std::filesystem::path testhost_archive;  // its class-data-sharing archive; empty when absent
  std::filesystem::path maven_archive;     // the same for Maven's own JVM
  // Python PITs: Debian's interpreter (with python3-pytest), never one a PATH would find first.
  std::filesystem::path python = "/usr/bin/python3";
  // Where Maven and Gradle PITs' build plans are cached (plan_resolver.hpp); empty: no plans,
  // the build tool runs for every submission.
  std::filesystem::path plan_dir;

  // Finds JDK `jdk_version` under /usr/lib/jvm, and the test host in `testhost_dir`; throws
  // with what was looked for when either is missing.
  static Toolchain discover(int jdk_version, const std::filesystem::path& share_dir,
                            const std::filesystem::path& testhost_dir);
};

enum class Stage { Building, Testing };

struct DriverInput {
  const pit::Pit& pit;
  const workspace::JobDirs& dirs;
  const Toolchain& tools;
  exec::Launcher& launcher;
  exec::OutputSink& log;
  exec::Clock::time_point deadline;
  std::function<void(Stage)> on_stage;
  // Maven and Gradle: the PIT's build plan, when it is usable; then no build tool runs.
  const BuildPlan* plan = nullptr;
};

struct DriverResult {
  bool timed_out = false;
  bool compile_failed = false;
  std::string compiler_output;  // when compile_failed
  bool out_of_memory = false;   // a JVM died of OutOfMemoryError
  std::string tool_failure;     // the build tool failed before the tests, not the student's code
  std::string rejected;         // the test host refused the submission: why (INVALID_SUBMISSION)
  std::string stop_reason;      // why tests may be missing: what ended the run before they reported
  std::vector<report::TestCase> streamed_tests;  // results that came over the test host's stream
  std::vector<report::TestCase> running_tests;   // begun, never reported: running at the stop
};

class Driver {
 public:
  virtual ~Driver() = default;
  virtual DriverResult run(const DriverInput& in) = 0;
};

std::unique_ptr<Driver> make_driver(pit::BuildTool tool);

// The job's whole environment, built from scratch: never the runner's own.
std::vector<std::string> job_environment(const workspace::JobDirs& dirs, const Toolchain& tools,
                                         int memory_mb);

// MAVEN_OPTS of a job (flags of Maven's own JVM), measured by bench/fast_path.sh.
std::string maven_jvm_options(const Toolchain& tools);

// JVM heap for each of a job's JVMs: a build tool and a forked test JVM may run at once.
int heap_mb(int memory_mb);

// The limits every command of a job runs under, from its PIT.
exec::JobLimits job_limits(const pit::Pit& pit);

}  // namespace runner::drivers
