// The javac fast path: one JVM compiles the sources in-process and runs the PIT's test classes
// through the JUnit Platform launcher, instead of a javac JVM followed by a console-launcher JVM.
// Results arrive as signed lines on its stdout, so nothing the tests write to disk is trusted.
#include "drivers/testhost_driver.hpp"

#include <sys/stat.h>

#include "drivers/javac_driver.hpp"
#include "drivers/step.hpp"
#include "report/result_stream.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace runner::drivers {

namespace fs = std::filesystem;

namespace {

// Printed by the host once the sources compiled and the tests start.
constexpr const char* kTestingMarker = "[runner] running tests";

// The host's own output without its result lines (which only make sense to the stream).
std::string without_result_lines(const std::string& output) {
  std::string kept;
  for (const auto& line : util::split(output, '\n')) {
    if (line.find(report::kResultTag) == std::string::npos) kept += line + "\n";
  }
  return kept;
}

std::string last_line(const std::string& output) {
  const std::string text = util::trim(output);
  const auto nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

}  // namespace

std::vector<std::string> testhost_jvm_flags(const Toolchain& tools) {
  // Measured with bench/fast_path.sh: C1 only and the serial collector suit a run of about a
  // second; the archive removes most class loading.
  std::vector<std::string> flags{"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                                 "-XX:CICompilerCount=1", "-XX:+DisableAttachMechanism"};
  if (!tools.testhost_archive.empty()) {
    // An archive that no longer matches the JDK is ignored quietly (the run is only slower).
    flags.insert(flags.end(), {"-XX:SharedArchiveFile=" + tools.testhost_archive.string(),
                               "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"});
  }
  return flags;
}

DriverResult TestHostDriver::run(const DriverInput& in) {
  DriverResult result;
  const fs::path argfile = write_source_list(in);

  // The key reaches the host through a file in the job folder, which the host deletes before
  // any student code runs; it never appears in an argument or the environment.
  const std::string key = report::new_result_key_hex();
  const fs::path key_file = in.dirs.root / "testhost.key";
  util::write_file(key_file, key + "\n");
  fs::permissions(key_file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                fs::perms::others_read);

  std::vector<std::string> argv{"java"};
  for (auto& flag : testhost_jvm_flags(in.tools)) argv.push_back(std::move(flag));
  argv.insert(argv.end(),
              {"-cp", in.tools.testhost_jar.string() + ":" + in.tools.console_launcher.string(),
               "runner.testhost.TestHost", "--key-file", key_file.string(), "--classes",
               in.dirs.classes.string(), "--sources", argfile.string(), "--compile-class-path",
               in.tools.console_launcher.string()});
  const auto class_path = test_class_path(in);
  for (std::size_t i = 1; i < class_path.size(); ++i) {  // [0], the classes, the host adds
    argv.insert(argv.end(), {"--class-path", class_path[i].string()});
  }
  for (const auto& cls : in.pit.test_classes) argv.insert(argv.end(), {"--select-class", cls});

  report::ResultStream stream(key, in.log);
  DriverInput through_stream{in.pit, in.dirs,     in.tools,   in.launcher,
                             stream, in.deadline, in.on_stage};
  if (in.on_stage) in.on_stage(Stage::Building);
  const StepResult step = run_step(through_stream, "compiling and testing in one JVM", argv,
                                   in.dirs.project, {kTestingMarker});
  stream.finish();
  std::error_code ec;
  fs::remove(key_file, ec);  // when the host never got to it

  result.timed_out = step.run.timed_out;
  result.out_of_memory = step.out_of_memory;
  result.tests_started = stream.compiled().value_or(false);
  result.streamed_tests = stream.tests();
  if (stream.rejected() > 0) {
    in.log.write("[runner] " + std::to_string(stream.rejected()) +
                 " result line(s) failed verification and were ignored\n");
  }
  if (result.timed_out || result.out_of_memory) return result;
  if (!stream.compiled().value_or(false)) {
    const std::string output = without_result_lines(step.output);
    if (stream.compiled() == false) {
      result.compile_failed = true;
      result.compiler_output = compiler_errors(output, in.dirs.project);
    } else {
      result.tool_failure = "the test host failed before the tests ran (exit code " +
                            std::to_string(step.run.exit_code) + "): " + last_line(output);
    }
    return result;
  }
  if (!stream.done()) {
    in.log.write("[runner] the test run ended early (exit code " +
                 std::to_string(step.run.exit_code) +
                 "); tests that did not report count as not run\n");
  }
  return result;
}

}  // namespace runner::drivers
