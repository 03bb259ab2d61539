#include "drivers/pytest_driver.hpp"

#include <system_error>

#include "drivers/step.hpp"
#include "report/result_stream.hpp"
#include "util/text.hpp"

namespace runner::drivers {

namespace fs = std::filesystem;

namespace {

// Printed by the harness once every test module imported and the tests start.
constexpr const char* kTestingMarker = "[runner] running tests";
// Printed by the harness (never by student code: none has run yet, or it has been stopped)
// before the errors of a submission that does not build.
constexpr std::string_view kBuildErrorsMarker = "[runner] the submission does not build:";

fs::path harness_script(const Toolchain& tools) {
  return tools.share_dir / "python/runner_pytest.py";
}

// The errors the harness printed after its marker, without result lines.
std::string build_errors(const std::string& output) {
  const auto at = output.rfind(kBuildErrorsMarker);
  const std::string text =
      at == std::string::npos ? output : output.substr(at + kBuildErrorsMarker.size());
  std::string kept;
  for (const auto& line : util::split(text, '\n')) {
    if (line.find(report::kResultTag) == std::string::npos) kept += line + "\n";
  }
  return util::truncate_utf8(util::trim(kept), 20000);
}

std::string last_line(const std::string& text) {
  const auto nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

void check_tools(const Toolchain& tools) {
  if (!fs::is_regular_file(tools.python)) {
    throw std::runtime_error(tools.python.string() +
                             " is missing: Python PITs need Debian's python3 and python3-pytest "
                             "(scripts/install.sh installs them)");
  }
  if (!fs::is_regular_file(harness_script(tools))) {
    throw std::runtime_error("the pytest harness " + harness_script(tools).string() +
                             " is missing (RUNNER_SHARE_DIR names the runner's share folder)");
  }
}

}  // namespace

std::vector<std::string> pytest_harness_argv(const DriverInput& in, const fs::path& key_file) {
  // -I: no PYTHON* variables, no user site, neither the script's folder nor the working folder
  // on sys.path (the harness puts the project there itself, after pytest is loaded); -B: no
  // bytecode written into the student's folder.
  return {in.tools.python.string(),
          "-I",
          "-B",
          harness_script(in.tools).string(),
          "--key-file",
          key_file.string(),
          "--project",
          in.dirs.project.string(),
          "--tests",
          (in.dirs.tests / std::string(in.pit.rules().tests_folder)).string(),
          "--memory-mb",
          std::to_string(in.pit.memory_mb)};
}

DriverResult PytestDriver::run(const DriverInput& in) {
  check_tools(in.tools);
  DriverResult result;
  if (in.on_stage) in.on_stage(Stage::Building);
  // As for the Java host: the key reaches the harness through a file it deletes before any
  // student code runs.
  const std::string key = report::new_result_key_hex();
  const fs::path key_file = in.dirs.root / "harness.key";
  create_job_file(key_file, key + "\n");

  report::ResultStream stream(key, in.log);
  DriverInput through_stream{in.pit, in.dirs,     in.tools,    in.launcher,
                             stream, in.deadline, in.on_stage, in.plan};
  const StepResult step =
      run_step(through_stream, "testing with pytest in the runner's harness",
               pytest_harness_argv(in, key_file), in.dirs.project, {kTestingMarker});
  stream.finish();
  std::error_code ec;
  fs::remove(key_file, ec);  // when the harness never got to it

  result.timed_out = step.run.timed_out;
  // The sandbox's memory limit, or a MemoryError the harness saw (its signed word: student code
  // cannot send it).
  result.out_of_memory = step.run.memory_limit_hit || stream.out_of_memory();
  result.streamed_tests = stream.tests();
  result.running_tests = stream.running();
  if (stream.rejected() > 0) {
    in.log.write("[runner] " + std::to_string(stream.rejected()) +
                 " result line(s) failed verification and were ignored\n");
  }
  result.stop_reason = stop_reason(step.run, result, stream.done(), "the Python process");
  if (stream.rejection()) {
    result.rejected = *stream.rejection();
    return result;
  }
  if (result.timed_out || result.out_of_memory) return result;
  if (!stream.compiled().value_or(false)) {
    if (stream.compiled() == false) {
      result.compile_failed = true;
      result.compiler_output = build_errors(step.output);
    } else {
      result.tool_failure = "the pytest harness failed before the tests ran (exit code " +
                            std::to_string(step.run.exit_code) +
                            "): " + last_line(build_errors(step.output));
    }
    return result;
  }
  if (!stream.done()) {
    in.log.write("[runner] " + result.stop_reason +
                 "; tests that did not report count as failed\n");
  }
  return result;
}

}  // namespace runner::drivers
