#pragma once
// Reading JUnit XML reports: surefire's per-class files, the console launcher's per-engine files
// and Gradle's per-class files all share the <testsuite>/<testcase> shape.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace runner::report {

enum class TestStatus { Passed, Failed, Skipped };

std::string to_string(TestStatus status);

struct TestCase {
  std::string class_name;  // fully qualified, as in the report's classname attribute
  std::string method;      // "adds", or "adds[2]" for a repeated/parameterized invocation
  TestStatus status = TestStatus::Passed;
  std::string message;  // failure or error text (type: message), empty when passed
  double seconds = 0;
};

// Parses one report's text; throws std::runtime_error when it is not JUnit XML.
std::vector<TestCase> parse_junit_xml(const std::string& xml);

// Reports larger than this are not loaded: a report embeds what the tests printed (Gradle keeps
// stdout in <system-out>), so its size is the student's to choose, and the runner's memory is not.
inline constexpr std::uintmax_t kMaxReportBytes = 64 * 1024 * 1024;

// Parses the files, skipping (and describing in `problems`) any that cannot be read,
// such as a report a killed JVM left half-written, or one over `max_bytes`.
std::vector<TestCase> parse_report_files(const std::vector<std::filesystem::path>& files,
                                         std::vector<std::string>& problems,
                                         std::uintmax_t max_bytes = kMaxReportBytes);

// What a verdict keeps of a failure message or skip reason.
inline constexpr std::size_t kMaxMessageBytes = 2000;

// "type: message", or whichever of the two there is; cut to kMaxMessageBytes.
std::string describe_failure(const std::string& type, const std::string& message);

// A skip reason (trimmed), cut to kMaxMessageBytes.
std::string describe_skip(const std::string& reason);

// "adds()" -> "adds"; "adds(int, int)[2]" -> "adds[2]"; "adds" -> "adds".
std::string method_from_report_name(const std::string& name);

}  // namespace runner::report
