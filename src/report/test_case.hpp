#pragma once
// One test's result as the verdict keeps it, and the helpers that shape its name and message.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace runner::report {

enum class TestStatus { Passed, Failed, Skipped };

std::string to_string(TestStatus status);
// "passed", "failed" or "skipped"; nullopt for any other text.
std::optional<TestStatus> parse_test_status(std::string_view name);

struct TestCase {
  std::string class_name;  // fully qualified
  std::string method;      // "adds", or "adds[2]" for a repeated/parameterized invocation
  TestStatus status = TestStatus::Passed;
  std::string message;  // failure or error text (type: message), empty when passed
  double seconds = 0;
};

// What a verdict keeps of a failure message or skip reason.
inline constexpr std::size_t kMaxMessageBytes = 2000;

// "type: message", or whichever of the two there is; cut to kMaxMessageBytes.
std::string describe_failure(const std::string& type, const std::string& message);

// A skip reason (trimmed), cut to kMaxMessageBytes.
std::string describe_skip(const std::string& reason);

// "adds()" -> "adds"; "adds(int, int)[2]" -> "adds[2]"; "adds" -> "adds".
std::string method_from_report_name(const std::string& name);

}  // namespace runner::report
