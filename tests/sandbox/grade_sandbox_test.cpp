// Real grades inside the sandbox: javac and Maven at `full` (and `basic`), through
// grading::grade(), so the read-only view must hold everything the builds need.
#include <gtest/gtest.h>

#include <regex>

#include "config/share_dir.hpp"
#include "drivers/driver.hpp"
#include "grading/grader.hpp"
#include "sandbox/probe.hpp"
#include "sandbox/select.hpp"
#include "sandbox/uids.hpp"
#include "support/sandbox_level.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::sandbox {
namespace {

namespace fs = std::filesystem;
using grading::Status;

struct GradeCase {
  std::string level, build, pit, submission;
  Status expected;
};

void PrintTo(const GradeCase& c, std::ostream* os) {
  *os << c.level << " " << c.build << " " << c.submission;
}

std::string case_name(const ::testing::TestParamInfo<GradeCase>& info) {
  return info.param.level + "_" + info.param.build + "_" +
         std::regex_replace(info.param.submission, std::regex("-"), "_");
}

class GradeInSandbox : public ::testing::TestWithParam<GradeCase> {};

TEST_P(GradeInSandbox, GradesWithTheExpectedVerdict) {
  const auto& c = GetParam();
  RUNNER_SKIP_UNLESS_SANDBOX(c.level);
  auto launcher = select_launcher(c.level == "full" ? sandbox::Level::Full : sandbox::Level::Basic,
                                  1, uids::kDefaultBase, testing::data_dirs().read_only())
                      .launcher;
  const auto tools =
      drivers::Toolchain::discover(17, testing::data_dirs().share, testing::data_dirs().testhost);
  testing::TempDir tmp;
  const fs::path pit_dir = tmp / "pits/calculator";
  fs::create_directories(pit_dir);
  fs::copy(testing::source_dir() / "examples/pits" / c.pit, pit_dir, fs::copy_options::recursive);
  std::string yaml = util::read_file(pit_dir / "pit.yaml");
  yaml = std::regex_replace(yaml, std::regex("(^|\n)build:[^\n]*"), "$1build: " + c.build);
  yaml = std::regex_replace(yaml, std::regex("(^|\n)id:[^\n]*"), "$1id: calculator");
  if (c.submission == "memory-hog") {
    yaml = std::regex_replace(yaml, std::regex("(^|\n)memory_mb:[^\n]*"), "$1");
    yaml += "\nmemory_mb: 512\n";
  }
  util::write_file(pit_dir / "pit.yaml", yaml);
  const auto pit = pit::load_pit(pit_dir, {});
  const fs::path zip = tmp / "submission.zip";
  testing::ZipBuilder()
      .tree(testing::source_dir() / "examples/submissions" / c.submission)
      .write(zip);
  fs::create_directories(tmp / "work");
  grading::GradeContext context{*launcher, tools, tmp / "work", {}, 200000, nullptr, nullptr};
  const auto v = grading::grade({zip, pit, "s-1", tmp / "out"}, context);
  EXPECT_EQ(v.status, c.expected) << grading::to_json(v).dump(2) << "\n"
                                  << util::read_file(tmp / "out/log.txt");
  EXPECT_EQ(v.sandbox_level, c.level);
  if (c.expected == Status::Completed) {
    EXPECT_EQ(v.score.passed, 6);
  }
  EXPECT_TRUE(fs::is_empty(tmp / "work")) << "job folder left behind";
  EXPECT_TRUE(uids::processes_of(uids::job_uid(1)).empty());
}

INSTANTIATE_TEST_SUITE_P(
    Builds, GradeInSandbox,
    ::testing::Values(
        GradeCase{"full", "javac", "calculator", "correct", Status::Completed},
        GradeCase{"full", "maven", "calculator", "correct", Status::Completed},
        GradeCase{"full", "gradle", "calculator-gradle", "correct", Status::Completed},
        GradeCase{"full", "javac", "calculator", "memory-hog", Status::MemoryLimit},
        GradeCase{"basic", "javac", "calculator", "correct", Status::Completed},
        GradeCase{"basic", "maven", "calculator", "correct", Status::Completed},
        GradeCase{"basic", "gradle", "calculator-gradle", "correct", Status::Completed}),
    case_name);

}  // namespace
}  // namespace runner::sandbox
