#include "report/junit_xml.hpp"

#include <cstdlib>
#include <pugixml.hpp>
#include <stdexcept>

#include "util/fs.hpp"
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

namespace {

std::string failure_text(const pugi::xml_node& node) {
  const std::string text =
      describe_failure(node.attribute("type").as_string(), node.attribute("message").as_string());
  if (!text.empty()) return text;
  return util::truncate_utf8(util::trim(node.text().as_string()), kMaxMessageBytes);
}

// Surefire gives the reason as an attribute; the JUnit Platform's legacy report as the text.
std::string skip_text(const pugi::xml_node& node) {
  if (auto message = node.attribute("message"); message) return describe_skip(message.as_string());
  return describe_skip(node.text().as_string());
}

void read_suite(const pugi::xml_node& suite, std::vector<TestCase>& out) {
  for (const auto& child : suite.children()) {
    const std::string tag = child.name();
    if (tag == "testsuite") {
      read_suite(child, out);  // nested suites
      continue;
    }
    if (tag != "testcase") continue;
    TestCase test;
    test.class_name = child.attribute("classname").as_string(suite.attribute("name").as_string());
    test.method = method_from_report_name(child.attribute("name").as_string());
    test.seconds = std::strtod(child.attribute("time").as_string("0"), nullptr);
    if (auto n = child.child("failure"); n) {
      test.status = TestStatus::Failed;
      test.message = failure_text(n);
    } else if (auto e = child.child("error"); e) {
      test.status = TestStatus::Failed;  // errors count as failed (SPEC §5)
      test.message = failure_text(e);
    } else if (child.child("skipped")) {
      test.status = TestStatus::Skipped;
      test.message = skip_text(child.child("skipped"));
    }
    out.push_back(std::move(test));
  }
}

}  // namespace

std::vector<TestCase> parse_junit_xml(const std::string& xml) {
  pugi::xml_document doc;
  const auto parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) throw std::runtime_error(std::string("not valid XML: ") + parsed.description());
  const pugi::xml_node root = doc.document_element();
  const std::string tag = root.name();
  if (tag != "testsuite" && tag != "testsuites") {
    throw std::runtime_error("not a JUnit report (root element <" + tag + ">)");
  }
  std::vector<TestCase> tests;
  if (tag == "testsuite") {
    read_suite(root, tests);
  } else {
    for (const auto& suite : root.children("testsuite")) read_suite(suite, tests);
  }
  return tests;
}

std::vector<TestCase> parse_report_files(const std::vector<std::filesystem::path>& files,
                                         std::vector<std::string>& problems,
                                         std::uintmax_t max_bytes) {
  std::vector<TestCase> all;
  for (const auto& file : files) {
    try {
      const auto size = std::filesystem::file_size(file);
      if (size > max_bytes) {
        problems.push_back(file.filename().string() + ": " + std::to_string(size) +
                           " bytes, over the limit of " + std::to_string(max_bytes) +
                           " (the tests printed too much)");
        continue;
      }
      auto tests = parse_junit_xml(util::read_file(file));
      all.insert(all.end(), tests.begin(), tests.end());
    } catch (const std::exception& e) {
      problems.push_back(file.filename().string() + ": " + e.what());
    }
  }
  return all;
}

}  // namespace runner::report
