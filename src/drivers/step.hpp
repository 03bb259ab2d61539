#pragma once
// Running one command of a build: output to the job log, watched for the markers that matter.
#include <optional>
#include <string>
#include <vector>

#include "drivers/driver.hpp"

namespace runner::drivers {

// What a JVM that runs out of heap prints (with -XX:+ExitOnOutOfMemoryError it then exits).
inline constexpr const char* kOutOfMemoryMarker = "java.lang.OutOfMemoryError";

struct StepResult {
  exec::RunResult run;
  std::string output;  // this step's own output (bounded), e.g. compiler errors
  bool out_of_memory = false;
  bool testing_seen = false;  // one of the `testing_markers` appeared
};

// Runs `argv` in `cwd` with the job environment, under `limits` (default: the PIT's, job_limits).
// `testing_markers` are output lines that show the tests have started; seeing one calls
// in.on_stage(Stage::Testing).
StepResult run_step(const DriverInput& in, const std::string& title,
                    const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                    const std::vector<std::string>& testing_markers = {},
                    const std::optional<exec::JobLimits>& limits = std::nullopt);

// For a build tool that compiles and tests in one step (Maven, Gradle): copies what the step saw
// into `result`. A failure before the tests started is the student's compile error when
// `compile_marker` is in the output, otherwise the tool's own failure (an ERROR, not the
// student's fault).
void conclude_build_step(const DriverInput& in, const StepResult& step, const std::string& tool,
                         const std::string& compile_marker, DriverResult& result);

// What ended a test run before every test reported, in words for the verdict ("" when it was
// `done`); `process` names what ran ("the test JVM", "the Python process").
std::string stop_reason(const exec::RunResult& run, const DriverResult& result, bool done,
                        const std::string& process);

// A runner-made file in the job folder, which the job's uid owns: created afresh (never through
// whatever the job may have put there) and readable by the job (mode 0644).
void create_job_file(const std::filesystem::path& path, const std::string& content);

// The last "[ERROR] ..." (Maven) or "* What went wrong" (Gradle) line, for a one-line reason.
std::string last_error_line(const std::string& output);

// The compiler diagnostics in `output` (paths made relative to `project`), each once, with the
// source line, caret and symbol/location lines that explain it, up to `max_bytes`. A diagnostic
// in one of `hidden_files` (pit::hidden_test_sources) keeps only its message and symbol line.
std::string compiler_errors(const std::string& output, const std::filesystem::path& project,
                            const std::vector<std::string>& hidden_files = {},
                            std::size_t max_bytes = 20000);

}  // namespace runner::drivers
