#pragma once
// The runner's test host (src/testhost): the one way tests run, for every build tool. It compiles
// the PIT's tests (and, for `javac` PITs, the student's sources), runs them in one JVM under the
// student policy and streams signed results back (report/result_stream.hpp). Build tools only
// compile the student's code and name the libraries.
#include <optional>

#include "drivers/build_plan.hpp"
#include "drivers/driver.hpp"

namespace runner::drivers {

// What the host needs besides the PIT's tests, which are always in dirs.tests.
struct HostInputs {
  bool compile_main = false;                          // the host compiles src/main/java itself
  std::filesystem::path main_classes;                 // the student's classes
  std::vector<std::filesystem::path> main_resources;  // folders of the student's resources
  std::vector<std::filesystem::path> libraries;       // jars the tests may use
  // A build plan's: what the student's code compiles against (else `libraries`), and the PIT's
  // compiler settings for it.
  std::optional<std::vector<std::filesystem::path>> main_class_path;
  std::vector<std::string> main_javac_options;
};

// The host's inputs for a build plan: it compiles src/main/java as the build tool would.
HostInputs plan_inputs(const BuildPlan& plan, const workspace::JobDirs& dirs);

// Runs the host and fills `result`: compile failure, rejection, streamed tests, limits hit.
void run_test_host(const DriverInput& in, const HostInputs& inputs, DriverResult& result);

// `build: javac`: no build tool at all.
class JavacDriver : public Driver {
 public:
  DriverResult run(const DriverInput& in) override;
};

// The JVM flags of the test host: short-run JIT and GC, class-data sharing when the toolchain
// has an archive, and no attach mechanism (an agent could rewrite the tests' classes).
std::vector<std::string> testhost_jvm_flags(const Toolchain& tools);

// The host's own class path: the host, JUnit (console standalone) and ASM.
std::string testhost_class_path(const Toolchain& tools);

// Jars of a build tool's test class path that the host brings itself (JUnit, its API and
// assertion libraries): dropped, so one copy of each is loaded.
bool provided_by_host(const std::filesystem::path& jar);

}  // namespace runner::drivers
