// Python submissions graded for real through grading::grade() at each sandbox level: the
// examples under examples/submissions-python, each with the verdict docs/python.md promises.
// `none` runs everywhere (it is what `runner grade` on a laptop without namespaces gives); `full`
// and `basic` skip unless the host allows them.
#include <gtest/gtest.h>

#include <regex>

#include "drivers/driver.hpp"
#include "grading/grader.hpp"
#include "sandbox/select.hpp"
#include "sandbox/uids.hpp"
#include "support/sandbox_level.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::sandbox {
namespace {

namespace fs = std::filesystem;
using grading::Status;

struct PythonCase {
  std::string level, submission;
  Status expected;
  int passed;  // tests passed, where the verdict keeps a score
};

void PrintTo(const PythonCase& c, std::ostream* os) {
  *os << c.level << " " << c.submission;
}

std::string case_name(const ::testing::TestParamInfo<PythonCase>& info) {
  return info.param.level + "_" + std::regex_replace(info.param.submission, std::regex("-"), "_");
}

Level level_of(const std::string& name) {
  return name == "full" ? Level::Full : name == "basic" ? Level::Basic : Level::None;
}

class PythonInSandbox : public ::testing::TestWithParam<PythonCase> {};

TEST_P(PythonInSandbox, GradesWithTheExpectedVerdict) {
  const auto& c = GetParam();
  if (c.level != "none") RUNNER_SKIP_UNLESS_SANDBOX(c.level);
  if (!fs::exists("/usr/bin/python3")) GTEST_FAIL() << "scripts/install.sh installs python3";
  auto launcher =
      select_launcher(level_of(c.level), 1, uids::kDefaultBase, testing::data_dirs().read_only())
          .launcher;
  const auto tools =
      drivers::Toolchain::discover(17, testing::data_dirs().share, testing::data_dirs().testhost);
  testing::TempDir tmp;
  const fs::path pit_dir = tmp / "pits/calculator-py";
  fs::create_directories(pit_dir);
  fs::copy(testing::source_dir() / "examples/pits/calculator-py", pit_dir,
           fs::copy_options::recursive);
  // A short limit keeps the infinite loop's case quick.
  std::string yaml = util::read_file(pit_dir / "pit.yaml");
  yaml = std::regex_replace(yaml, std::regex("(^|\n)timeout_ms:[^\n]*"), "$1timeout_ms: 5000");
  util::write_file(pit_dir / "pit.yaml", yaml);
  const auto pit = pit::load_pit(pit_dir, {});
  const fs::path zip = tmp / "submission.zip";
  testing::ZipBuilder()
      .tree(testing::source_dir() / "examples/submissions-python" / c.submission)
      .write(zip);
  fs::create_directories(tmp / "work");
  grading::GradeContext context{*launcher, tools, tmp / "work", {}, 200000, nullptr, nullptr};
  const auto v = grading::grade({zip, pit, "s-1", tmp / "out"}, context);
  const std::string log = util::read_file(tmp / "out/log.txt");
  ASSERT_EQ(v.status, c.expected) << grading::to_json(v).dump(2) << "\n" << log;
  EXPECT_EQ(v.sandbox_level, c.level);
  if (c.expected == Status::Completed) {
    EXPECT_EQ(v.score.passed, c.passed) << grading::to_json(v).dump(2);
    EXPECT_EQ(v.score.tests.size(), 6u);
  }
  // Nothing of the hidden tests or the key reaches the student's output.
  EXPECT_EQ(log.find("LEAKED"), std::string::npos) << log;
  EXPECT_EQ(log.find("Calculator().divide(7, 2)"), std::string::npos) << log;
  if (c.submission == "spy") {
    EXPECT_NE(log.find("denied /proc/self/environ PermissionError"), std::string::npos) << log;
    EXPECT_NE(log.find("denied frames PermissionError"), std::string::npos) << log;
  }
  if (c.submission == "syntax-error") {
    EXPECT_NE(v.output.find("calculator.py\", line 2"), std::string::npos) << v.output;
  }
  if (c.submission == "replace-tests") {
    EXPECT_EQ(v.output,
              "the submission replaced the PIT's test tests/test_calculator.py::test_adds");
  }
  if (c.submission == "ctypes") {
    EXPECT_NE(v.output.find("ctypes"), std::string::npos) << v.output;
  }
  EXPECT_TRUE(fs::is_empty(tmp / "work")) << "job folder left behind";
  if (c.level != "none") {
    EXPECT_TRUE(uids::processes_of(uids::job_uid(1)).empty());
  }
}

std::vector<PythonCase> cases() {
  const std::vector<PythonCase> per_level = {
      {"", "correct", Status::Completed, 6},
      {"", "partial", Status::Completed, 4},
      {"", "syntax-error", Status::BuildFailed, 0},
      {"", "infinite-loop", Status::Timeout, 0},
      {"", "memory-hog", Status::MemoryLimit, 0},
      {"", "forged-results", Status::Completed, 0},
      {"", "patch-pytest", Status::InvalidSubmission, 0},
      {"", "replace-tests", Status::InvalidSubmission, 0},
      {"", "thread-forgery", Status::Completed, 0},
      {"", "finalizer-forgery", Status::Completed, 0},
      {"", "early-exit", Status::Completed, 1},
      {"", "spy", Status::Completed, 6},
      {"", "ctypes", Status::BuildFailed, 0},
  };
  std::vector<PythonCase> all;
  for (const char* level : {"none", "basic", "full"}) {
    for (auto c : per_level) {
      c.level = level;
      all.push_back(c);
    }
  }
  return all;
}

INSTANTIATE_TEST_SUITE_P(Python, PythonInSandbox, ::testing::ValuesIn(cases()), case_name);

}  // namespace
}  // namespace runner::sandbox
