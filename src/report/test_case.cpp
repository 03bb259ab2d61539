#include "report/test_case.hpp"

#include "util/text.hpp"

namespace runner::report {

std::string to_string(TestStatus status) {
  switch (status) {
    case TestStatus::Passed:
      return "passed";
    case TestStatus::Failed:
      return "failed";
    case TestStatus::Skipped:
      return "skipped";
  }
  return "?";
}

std::optional<TestStatus> parse_test_status(std::string_view name) {
  for (const auto status : {TestStatus::Passed, TestStatus::Failed, TestStatus::Skipped}) {
    if (name == to_string(status)) return status;
  }
  return std::nullopt;
}

std::string method_from_report_name(const std::string& name) {
  const auto paren = name.find('(');
  if (paren == std::string::npos) return util::trim(name);
  std::string method = util::trim(name.substr(0, paren));
  const auto close = name.find(')', paren);
  if (close != std::string::npos) {
    const std::string rest = util::trim(name.substr(close + 1));
    if (rest.starts_with("[") && rest.ends_with("]")) method += rest;
  }
  return method;
}

std::string describe_failure(const std::string& type, const std::string& message) {
  const std::string text =
      type.empty() ? message : (message.empty() ? type : type + ": " + message);
  return util::truncate_utf8(text, kMaxMessageBytes);
}

std::string describe_skip(const std::string& reason) {
  return util::truncate_utf8(util::trim(reason), kMaxMessageBytes);
}

}  // namespace runner::report
