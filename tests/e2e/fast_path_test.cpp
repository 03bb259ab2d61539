// One execution path for every build tool: the test host runs the tests whether the student's
// code was compiled by the host itself (javac PITs) or by Maven, so a submission gets the same
// verdict either way; forged results are rejected, and the class-data archive is really used.
#include <gtest/gtest.h>

#include <cstdio>

#include "config/share_dir.hpp"
#include "drivers/driver.hpp"
#include "drivers/testhost_driver.hpp"
#include "grading/grader.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner {
namespace {

namespace fs = std::filesystem;
using grading::Status;
using report::TestStatus;
using testing::TempDir;
using testing::ZipBuilder;

class FastPath : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    launcher_ = exec::make_plain_launcher().release();
    tools_ = new drivers::Toolchain(drivers::Toolchain::discover(17, testing::data_dirs().share,
                                                                 testing::data_dirs().testhost));
  }

  // The example calculator PIT (Maven), or switched to javac.
  pit::Pit calculator_pit(const std::string& build = "javac") {
    const fs::path dir = tmp / ("pits-" + build) / "calculator";
    if (!fs::exists(dir)) {
      fs::create_directories(dir);
      fs::copy(testing::source_dir() / "examples/pits/calculator", dir,
               fs::copy_options::recursive);
      std::string yaml = util::read_file(dir / "pit.yaml");
      yaml.replace(yaml.find("build: maven"), 12, "build: " + build);
      util::write_file(dir / "pit.yaml", yaml);
    }
    return pit::load_pit(dir, {});
  }

  // The test host's training project as a PIT: passing, failing, erroring, disabled, aborted,
  // parameterized, nested and JUnit 4 tests, a class whose setup fails and a disabled class.
  pit::Pit training_pit(const std::string& build) {
    const fs::path dir = tmp / ("pits-" + build) / "training";
    fs::create_directories(dir / "overlay/src/test");
    fs::copy(testing::source_dir() / "src/testhost/training/src/test", dir / "overlay/src/test",
             fs::copy_options::recursive);
    if (build == "maven") {
      fs::copy_file(testing::source_dir() / "src/testhost/training/pom.xml",
                    dir / "overlay/pom.xml");
    }
    util::write_file(dir / "pit.yaml", "id: training\nbuild: " + build + "\nmax_score: 20\n");
    return pit::load_pit(dir, {});
  }

  fs::path training_zip() {
    const fs::path zip = tmp / "training.zip";
    ZipBuilder()
        .tree(testing::source_dir() / "src/testhost/training/src/main", "src/main/")
        .write(zip);
    return zip;
  }

  fs::path submission_zip(const std::string& name) {
    const fs::path zip = tmp / (name + ".zip");
    ZipBuilder().tree(testing::source_dir() / "examples/submissions" / name).write(zip);
    return zip;
  }

  grading::Verdict grade(const fs::path& zip, const pit::Pit& pit, const std::string& name) {
    fs::create_directories(tmp / "work");
    grading::GradeContext context{*launcher_, *tools_, tmp / "work", {}, 200000, nullptr, nullptr};
    return grading::grade({zip, pit, "s-1", tmp / name}, context);
  }

  // Everything feedback.json says about the grade, but times and dates.
  static nlohmann::json comparable(const grading::Verdict& v) {
    auto json = grading::to_json(v);
    for (const char* key : {"execution_time", "started_at", "finished_at"}) json.erase(key);
    for (auto& test : json["tests"]) test.erase("time");
    return json;
  }

  // What grading an example submission must give: two broken paths that agree are still broken.
  struct Expected {
    const char* submission;
    Status status;
    double score;
    int passed;
  };

  // javac gives the expected verdict, and Maven the same one (but for the PIT's build in it).
  void expect_verdict_by_both(const Expected& e, const pit::Pit& javac, const pit::Pit& maven) {
    const fs::path zip = submission_zip(e.submission);
    const auto by_javac = grade(zip, javac, "javac-" + zip.stem().string());
    const auto by_maven = grade(zip, maven, "maven-" + zip.stem().string());
    EXPECT_EQ(by_javac.status, e.status) << e.submission << grading::to_json(by_javac).dump(2);
    EXPECT_EQ(by_javac.score.score, e.score) << e.submission;
    EXPECT_EQ(by_javac.score.passed, e.passed) << e.submission;
    EXPECT_EQ(by_javac.score.tests.size(), 6u) << e.submission;
    EXPECT_EQ(comparable(by_javac).dump(2), comparable(by_maven).dump(2)) << e.submission;
  }

  TempDir tmp;
  static exec::Launcher* launcher_;
  static drivers::Toolchain* tools_;
};

exec::Launcher* FastPath::launcher_ = nullptr;
drivers::Toolchain* FastPath::tools_ = nullptr;

TEST_F(FastPath, JavacAndMavenGiveTheExpectedVerdictForEveryExample) {
  const auto javac = calculator_pit("javac");
  const auto maven = calculator_pit("maven");
  // The calculator PIT: six tests, divides weighs 2 and the others 1, scaled to 10 (4 passing of
  // weight 1 -> 5.71).
  for (const Expected& e : {Expected{"correct", Status::Completed, 10, 6},
                            Expected{"partial", Status::Completed, 5.71, 4},
                            Expected{"exit", Status::Completed, 5.71, 4},
                            Expected{"fake-reports", Status::Completed, 0, 0},
                            Expected{"override-tests", Status::Completed, 0, 0},
                            Expected{"forged-results", Status::Completed, 0, 0}}) {
    expect_verdict_by_both(e, javac, maven);
  }
}

TEST_F(FastPath, JavacAndMavenGiveTheSameVerdictForEveryKindOfTestOutcome) {
  const auto zip = training_zip();
  const auto by_javac = grade(zip, training_pit("javac"), "javac-training");
  ASSERT_EQ(by_javac.status, Status::Completed) << grading::to_json(by_javac).dump(2);
  std::map<TestStatus, int> by_status;
  for (const auto& t : by_javac.score.tests) ++by_status[t.status];
  // Every outcome is there: the comparison below is not between two empty lists.
  EXPECT_GE(by_status[TestStatus::Passed], 5);
  EXPECT_GE(by_status[TestStatus::Failed], 3);
  EXPECT_GE(by_status[TestStatus::Skipped], 3);
  const auto by_maven = grade(zip, training_pit("maven"), "maven-training");
  EXPECT_EQ(comparable(by_javac).dump(2), comparable(by_maven).dump(2));
}

// System.exit is refused to student code: the tests that reach it fail with the refusal, the
// others still run and count.
TEST_F(FastPath, SystemExitInStudentCodeFailsOnlyTheTestsThatCallIt) {
  const auto v = grade(submission_zip("exit"), calculator_pit(), "exit");
  ASSERT_EQ(v.status, Status::Completed) << grading::to_json(v).dump(2);
  EXPECT_EQ(v.score.did_not_run, 0);
  for (const auto& t : v.score.tests) {
    const bool calls_divide = t.name.starts_with("CalculatorTest.divides");
    EXPECT_EQ(t.status, calls_divide ? TestStatus::Failed : TestStatus::Passed) << t.name;
    if (calls_divide) {
      EXPECT_NE(t.output.find("AccessControlException"), std::string::npos) << t.output;
    }
  }
}

TEST_F(FastPath, ForgedResultLinesAreRejectedAndTheKeyIsOutOfReach) {
  const auto v = grade(submission_zip("forged-results"), calculator_pit(), "forged");
  ASSERT_EQ(v.status, Status::Completed) << grading::to_json(v).dump(2);
  EXPECT_EQ(v.score.score, 0);
  EXPECT_EQ(v.score.passed, 0);
  const std::string log = util::read_file(tmp / "forged/log.txt");
  EXPECT_EQ(log.find("FOUND"), std::string::npos) << log;
  // Looking for the key file is refused (student code may open no file at all), which the
  // test that first loaded the class shows as the cause of its failed initialisation.
  const auto refused = std::count_if(v.score.tests.begin(), v.score.tests.end(), [](auto& t) {
    return t.output.find("access denied (\"java.io.FilePermission\" \"../testhost.key\"") !=
           std::string::npos;
  });
  EXPECT_EQ(refused, 1) << grading::to_json(v).dump(2);
}

// The archive is what makes the host start fast: check the JVM maps it and loads javac's and
// JUnit's classes from it, with the flags the driver uses.
TEST_F(FastPath, TheClassDataArchiveIsUsed) {
  ASSERT_FALSE(tools_->testhost_archive.empty()) << "the build makes runner-testhost.jsa";
  const fs::path project = tmp / "project";
  fs::create_directories(project);
  fs::copy(testing::source_dir() / "src/testhost/training", project, fs::copy_options::recursive);
  fs::create_directories(tmp / "tests");
  fs::rename(project / "src/test", tmp / "tests/test");
  util::write_file(tmp / "main.txt", (project / "src/main/java/training/Shapes.java").string());
  util::write_file(tmp / "tests.txt", (tmp / "tests/test/java/training/ShapesTest.java").string());
  util::write_file(tmp / "key", std::string(64, 'a'));
  std::string command = (tools_->java_home / "bin/java").string();
  for (const auto& flag : drivers::testhost_jvm_flags(*tools_)) command += " '" + flag + "'";
  command += " -Xlog:class+load=info:file=" + (tmp / "classes.log").string() + " -cp " +
             drivers::testhost_class_path(*tools_) + " runner.testhost.TestHost --key-file " +
             (tmp / "key").string() + " --main-classes " + (tmp / "classes").string() +
             " --main-sources " + (tmp / "main.txt").string() + " --test-sources " +
             (tmp / "tests.txt").string() + " --test-classes " + (tmp / "test-classes").string() +
             " --test-root " + (tmp / "tests").string() + " --project " + project.string() +
             " --junit " + tools_->console_launcher.string() +
             " --select-class training.ShapesTest >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const std::string log = util::read_file(tmp / "classes.log");
  auto source_of = [&log](const std::string& cls) {
    const auto at = log.find(" " + cls + " source: ");
    if (at == std::string::npos) return std::string("not loaded");
    const auto start = at + cls.size() + 10;
    return log.substr(start, log.find('\n', start) - start);
  };
  EXPECT_EQ(source_of("runner.testhost.TestHost"), "shared objects file (top)");
  EXPECT_EQ(source_of("com.sun.tools.javac.main.JavaCompiler"), "shared objects file (top)");
  EXPECT_EQ(source_of("org.junit.platform.launcher.core.LauncherFactory"),
            "shared objects file (top)");
  EXPECT_EQ(source_of("java.lang.Object"), "shared objects file");  // the JDK's base archive
}

}  // namespace
}  // namespace runner
