// JUnit XML as each driver really writes it (fixtures captured from real runs of the example).
#include "report/junit_xml.hpp"

#include <gtest/gtest.h>

#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::report {
namespace {

std::vector<TestCase> fixture(const std::string& name) {
  return parse_junit_xml(
      util::read_file(runner::testing::source_dir() / "tests/fixtures/reports" / name));
}

const TestCase& find(const std::vector<TestCase>& tests, const std::string& method) {
  for (const auto& t : tests) {
    if (t.method == method) return t;
  }
  throw std::runtime_error("no test " + method);
}

// The `partial` example: subtracts and divides fail, four pass.
void expect_partial_results(const std::vector<TestCase>& tests) {
  ASSERT_EQ(tests.size(), 6u);
  for (const auto& t : tests) EXPECT_EQ(t.class_name, "edu.uoc.CalculatorTest");
  EXPECT_EQ(find(tests, "adds").status, TestStatus::Passed);
  EXPECT_EQ(find(tests, "subtracts").status, TestStatus::Failed);
  EXPECT_EQ(find(tests, "divides").status, TestStatus::Failed);
  EXPECT_NE(find(tests, "divides").message.find("expected"), std::string::npos);
  EXPECT_EQ(find(tests, "powers").status, TestStatus::Passed);
}

TEST(JunitXml, ConsoleLauncherPerEngineFile) {
  expect_partial_results(fixture("console-launcher-jupiter.xml"));
}

TEST(JunitXml, SurefirePerClassFile) {
  expect_partial_results(fixture("surefire.xml"));
}

TEST(JunitXml, GradlePerClassFile) {
  expect_partial_results(fixture("gradle-junit4.xml"));
}

TEST(JunitXml, ErrorsCountAsFailuresAndSkipsAreSkipped) {
  const auto tests = parse_junit_xml(
      "<testsuites><testsuite name='S'>"
      "<testcase name='a()' classname='p.T' time='0.5'/>"
      "<testcase name='b' classname='p.T'><error type='java.lang.NullPointerException'/></testcase>"
      "<testcase name='c' classname='p.T'><skipped message='disabled'/></testcase>"
      "<testcase name='d(int)[2]' classname='p.T'><failure "
      "message='boom'>trace</failure></testcase>"
      "</testsuite></testsuites>");
  ASSERT_EQ(tests.size(), 4u);
  EXPECT_EQ(tests[0].method, "a");
  EXPECT_EQ(tests[0].seconds, 0.5);
  EXPECT_EQ(tests[1].status, TestStatus::Failed);
  EXPECT_EQ(tests[1].message, "java.lang.NullPointerException");
  EXPECT_EQ(tests[2].status, TestStatus::Skipped);
  EXPECT_EQ(tests[3].method, "d[2]");
  EXPECT_EQ(tests[3].message, "boom");
}

TEST(JunitXml, SkipReasonsComeFromTheAttributeOrTheText) {
  // Surefire: message attribute. The JUnit Platform's legacy report: the text, with a stack trace
  // for an aborted test.
  const auto tests = parse_junit_xml(
      "<testsuite name='S'>"
      "<testcase name='a' classname='p.T'><skipped message='disabled'/></testcase>"
      "<testcase name='b' classname='p.T'><skipped><![CDATA[  assumption failed\n"
      "\tat p.T.b(T.java:3)\n]]></skipped></testcase>"
      "<testcase name='c' classname='p.T'><skipped/></testcase>"
      "</testsuite>");
  ASSERT_EQ(tests.size(), 3u);
  EXPECT_EQ(tests[0].message, "disabled");
  EXPECT_EQ(tests[1].message, "assumption failed\n\tat p.T.b(T.java:3)");
  EXPECT_EQ(tests[2].message, "");
}

TEST(JunitXml, MessagesAreCutAtACharacterBoundary) {
  EXPECT_EQ(describe_failure("T", std::string(3000, 'm')),
            "T: " + std::string(kMaxMessageBytes - 3, 'm') + "\u2026");
  // 2000 bytes would end inside the euro sign (3 bytes at offset 1999).
  const std::string euros = std::string(1999, 'a') + "\u20ac";
  EXPECT_EQ(describe_failure("", euros), std::string(1999, 'a') + "\u2026");
  EXPECT_EQ(describe_failure("T", ""), "T");
  EXPECT_EQ(describe_failure("", "m"), "m");
  EXPECT_EQ(describe_failure("T", "m"), "T: m");
}

TEST(JunitXml, RejectsWhatIsNotAReport) {
  EXPECT_THROW(parse_junit_xml("<html/>"), std::runtime_error);
  EXPECT_THROW(parse_junit_xml("<testsuite><testcase name='a'"), std::runtime_error);
}

TEST(JunitXml, UnreadableFilesAreSkippedAndNamed) {
  runner::testing::TempDir tmp;
  util::write_file(tmp / "TEST-half.xml", "<testsuite><testcase name='a' classname='x'>");
  util::write_file(tmp / "TEST-ok.xml",
                   "<testsuite><testcase name='a' classname='x'/></testsuite>");
  std::vector<std::string> problems;
  const auto tests = parse_report_files({tmp / "TEST-half.xml", tmp / "TEST-ok.xml"}, problems);
  EXPECT_EQ(tests.size(), 1u);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].rfind("TEST-half.xml: not valid XML", 0), 0u);
}

TEST(JunitXml, OversizedReportsAreNotLoaded) {
  runner::testing::TempDir tmp;
  util::write_file(tmp / "TEST-big.xml", "<testsuite><testcase name='a' classname='x'/>" +
                                             std::string(5000, ' ') + "</testsuite>");
  std::vector<std::string> problems;
  EXPECT_TRUE(parse_report_files({tmp / "TEST-big.xml"}, problems, 1000).empty());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("over the limit of 1000"), std::string::npos);
}

TEST(JunitXml, MethodNamesLoseParameters) {
  EXPECT_EQ(method_from_report_name("adds()"), "adds");
  EXPECT_EQ(method_from_report_name("adds(int, int)[3]"), "adds[3]");
  EXPECT_EQ(method_from_report_name("adds"), "adds");
}

}  // namespace
}  // namespace runner::report
