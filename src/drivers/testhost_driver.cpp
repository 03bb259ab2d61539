// The test host: one JVM compiles what is left to compile and runs the PIT's test classes through
// the JUnit Platform launcher, with student code under the host's security policy. Results arrive
// as signed lines on its stdout; nothing the job writes to disk is read as a result.
#include "drivers/testhost_driver.hpp"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>

#include "drivers/step.hpp"
#include "report/result_stream.hpp"
#include "util/text.hpp"

namespace runner::drivers {

namespace fs = std::filesystem;

namespace {

// Printed by the host once everything compiled and the tests start.
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

std::vector<fs::path> java_sources(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(fs::symlink_status(dir))) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && !entry.is_symlink() && entry.path().extension() == ".java") {
      files.push_back(entry);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// One source path a line. Names with a line break never get here: the archive rules reject
// control characters.
fs::path write_source_list(const fs::path& path, const std::vector<fs::path>& sources) {
  std::string text;
  for (const auto& s : sources) text += s.string() + "\n";
  create_job_file(path, text);
  return path;
}

void add_dir_if_present(std::vector<std::string>& argv, const char* flag, const fs::path& dir) {
  if (fs::is_directory(fs::symlink_status(dir))) argv.insert(argv.end(), {flag, dir.string()});
}

// Java 17 warns on the JVM's original stderr when a security manager is installed at run time
// ("WARNING: A terminally deprecated method in java.lang.System has been called", three more
// lines naming setSecurityManager and the host): the host's business, not the student's log.
bool is_security_manager_warning(std::string_view line) {
  return line.starts_with("WARNING: ") &&
         (line.find("etSecurityManager") != std::string_view::npos ||
          line.find("terminally deprecated method in java.lang.System") != std::string_view::npos ||
          line.find("runner.testhost.StudentPolicy") != std::string_view::npos);
}

}  // namespace

std::vector<std::string> testhost_jvm_flags(const Toolchain& tools) {
  // Measured with bench/fast_path.sh: C1 only and the serial collector suit a run of about a
  // second; the archive removes most class loading. The security manager is installed at run
  // time by the host (StudentPolicy); Java 17 allows that by default, the flag says it outright.
  std::vector<std::string> flags{"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                                 "-XX:CICompilerCount=1", "-XX:+DisableAttachMechanism",
                                 "-Djava.security.manager=allow"};
  if (!tools.testhost_archive.empty()) {
    // An archive that no longer matches the JDK is ignored quietly (the run is only slower).
    flags.insert(flags.end(), {"-XX:SharedArchiveFile=" + tools.testhost_archive.string(),
                               "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"});
  }
  return flags;
}

std::string testhost_class_path(const Toolchain& tools) {
  return tools.testhost_jar.string() + ":" + tools.console_launcher.string() + ":" +
         tools.asm_jar.string();
}

bool provided_by_host(const fs::path& jar) {
  const std::string path = jar.generic_string();
  for (const char* group : {"/org/junit/", "/junit/junit/", "/org/opentest4j/", "/org/apiguardian/",
                            "/org/hamcrest/"}) {
    if (path.find(group) != std::string::npos) return true;
  }
  const std::string name = jar.filename();
  for (const char* prefix :
       {"junit-", "junit4", "junit5", "opentest4j", "apiguardian", "hamcrest"}) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

namespace {

// The host's command line: what to compile and run, and where the key file is. Source lists go
// through files, never an argfile the submission could shape.
std::vector<std::string> testhost_argv(const DriverInput& in, const HostInputs& inputs,
                                       const fs::path& key_file) {
  const fs::path& root = in.dirs.root;
  std::vector<std::string> argv{"java"};
  for (auto& flag : testhost_jvm_flags(in.tools)) argv.push_back(std::move(flag));
  argv.insert(
      argv.end(),
      {"-cp", testhost_class_path(in.tools), "runner.testhost.TestHost", "--key-file",
       key_file.string(), "--main-classes", inputs.main_classes.string(), "--test-sources",
       write_source_list(root / "test-sources.txt", java_sources(in.dirs.tests / "src/test/java"))
           .string(),
       "--test-classes", in.dirs.test_classes.string(), "--test-root", in.dirs.tests.string(),
       "--project", in.dirs.project.string(), "--junit", in.tools.console_launcher.string()});
  if (inputs.compile_main) {
    argv.insert(argv.end(), {"--main-sources",
                             write_source_list(root / "main-sources.txt",
                                               java_sources(in.dirs.project / "src/main/java"))
                                 .string()});
  }
  for (const auto& dir : inputs.main_resources) add_dir_if_present(argv, "--main-resources", dir);
  add_dir_if_present(argv, "--test-resources", in.dirs.tests / "src/test/resources");
  for (const auto& jar : inputs.libraries) argv.insert(argv.end(), {"--library", jar.string()});
  if (inputs.main_class_path) {
    std::vector<std::string> jars;
    for (const auto& jar : *inputs.main_class_path) jars.push_back(jar.string());
    argv.insert(argv.end(), {"--main-class-path", util::join(jars, ":")});
  }
  for (const auto& option : inputs.main_javac_options) {
    argv.insert(argv.end(), {"--main-javac-option", option});
  }
  for (const auto& grant : in.pit.student_permissions) argv.insert(argv.end(), {"--grant", grant});
  for (const auto& cls : in.pit.test_classes) argv.insert(argv.end(), {"--select-class", cls});
  return argv;
}

// What the run and its verified result stream say: results, a rejection, a compile error, a
// failure of the host itself, or an unfinished run.
void conclude_host_run(const DriverInput& in, const StepResult& step,
                       const report::ResultStream& stream, DriverResult& result) {
  result.timed_out = step.run.timed_out;
  // Only the sandbox's memory limit or the JVM's own exit on OutOfMemoryError: student code can
  // print the marker, but cannot make the JVM exit with its code.
  result.out_of_memory =
      step.run.memory_limit_hit || (step.run.exit_code == 3 && step.out_of_memory);
  result.streamed_tests = stream.tests();
  result.running_tests = stream.running();
  if (stream.rejected() > 0) {
    in.log.write("[runner] " + std::to_string(stream.rejected()) +
                 " result line(s) failed verification and were ignored\n");
  }
  result.stop_reason = stop_reason(step.run, result, stream.done(), "the test JVM");
  if (stream.rejection()) {
    result.rejected = *stream.rejection();
    return;
  }
  if (result.timed_out || result.out_of_memory) return;
  if (!stream.compiled().value_or(false)) {
    const std::string output = without_result_lines(step.output);
    if (stream.compiled() == false) {
      result.compile_failed = true;
      result.compiler_output =
          compiler_errors(output, in.dirs.project, pit::hidden_test_sources(in.pit));
    } else {
      result.tool_failure = "the test host failed before the tests ran (exit code " +
                            std::to_string(step.run.exit_code) + "): " + last_line(output);
    }
    return;
  }
  if (!stream.done()) {
    in.log.write("[runner] " + result.stop_reason +
                 "; tests that did not report count as failed\n");
  }
}

}  // namespace

void run_test_host(const DriverInput& in, const HostInputs& inputs, DriverResult& result) {
  // The key reaches the host through a file in the job folder, which the host deletes before
  // any student code runs; it never appears in an argument or the environment.
  const std::string key = report::new_result_key_hex();
  const fs::path key_file = in.dirs.root / "testhost.key";
  create_job_file(key_file, key + "\n");
  const auto argv = testhost_argv(in, inputs, key_file);

  report::ResultStream stream(key, in.log, is_security_manager_warning);
  DriverInput through_stream{in.pit, in.dirs,     in.tools,    in.launcher,
                             stream, in.deadline, in.on_stage, in.plan};
  const StepResult step = run_step(through_stream, "testing in the runner's test host", argv,
                                   in.dirs.project, {kTestingMarker});
  stream.finish();
  std::error_code ec;
  fs::remove(key_file, ec);  // when the host never got to it
  conclude_host_run(in, step, stream, result);
}

HostInputs plan_inputs(const BuildPlan& plan, const workspace::JobDirs& dirs) {
  HostInputs inputs{
      true, dirs.classes, {}, plan.test_libraries, plan.main_class_path, plan.javac_options};
  for (const auto& dir : plan.resource_dirs) inputs.main_resources.push_back(dirs.project / dir);
  return inputs;
}

DriverResult JavacDriver::run(const DriverInput& in) {
  DriverResult result;
  if (in.on_stage) in.on_stage(Stage::Building);
  run_test_host(in, {true, in.dirs.classes, {in.dirs.project / "src/main/resources"}, {}, {}, {}},
                result);
  return result;
}

}  // namespace runner::drivers
