// The helpers that shape a test's name and message for the verdict.
#include "report/test_case.hpp"

#include <gtest/gtest.h>

namespace runner::report {
namespace {

TEST(TestCase, MessagesAreCutAtACharacterBoundary) {
  EXPECT_EQ(describe_failure("T", std::string(3000, 'm')),
            "T: " + std::string(kMaxMessageBytes - 3, 'm') + "\u2026");
  // 2000 bytes would end inside the euro sign (3 bytes at offset 1999).
  const std::string euros = std::string(1999, 'a') + "\u20ac";
  EXPECT_EQ(describe_failure("", euros), std::string(1999, 'a') + "\u2026");
  EXPECT_EQ(describe_failure("T", ""), "T");
  EXPECT_EQ(describe_failure("", "m"), "m");
  EXPECT_EQ(describe_failure("T", "m"), "T: m");
}

TEST(TestCase, MethodNamesLoseParameters) {
  EXPECT_EQ(method_from_report_name("adds()"), "adds");
  EXPECT_EQ(method_from_report_name("adds(int, int)[3]"), "adds[3]");
  EXPECT_EQ(method_from_report_name("adds"), "adds");
}

}  // namespace
}  // namespace runner::report
