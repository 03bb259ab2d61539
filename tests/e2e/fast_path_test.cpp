// The javac fast path (the test host, one JVM) against the slow path (javac, then the console
// launcher): the same verdict for the same submission, forged results rejected, and the
// class-data archive really used.
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
    fast_ = new drivers::Toolchain(
        drivers::Toolchain::discover(17, testing::source_dir() / "share", config::testhost_dir()));
    slow_ = new drivers::Toolchain(*fast_);
    slow_->testhost_jar.clear();
  }

  // The example calculator PIT switched to javac.
  pit::Pit calculator_pit() {
    const fs::path dir = tmp / "pits/calculator";
    if (!fs::exists(dir)) {
      fs::create_directories(dir);
      fs::copy(testing::source_dir() / "examples/pits/calculator", dir,
               fs::copy_options::recursive);
      std::string yaml = util::read_file(dir / "pit.yaml");
      yaml.replace(yaml.find("build: maven"), 12, "build: javac");
      util::write_file(dir / "pit.yaml", yaml);
    }
    return pit::load_pit(dir, {});
  }

  // The test host's training project as a PIT: passing, failing, erroring, disabled, aborted,
  // parameterized, nested and JUnit 4 tests, a class whose setup fails and a disabled class.
  pit::Pit training_pit() {
    const fs::path dir = tmp / "pits/training";
    fs::create_directories(dir / "overlay/src/test");
    fs::copy(testing::source_dir() / "src/testhost/training/src/test", dir / "overlay/src/test",
             fs::copy_options::recursive);
    util::write_file(dir / "pit.yaml", "id: training\nbuild: javac\nmax_score: 20\n");
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

  grading::Verdict grade(const fs::path& zip, const pit::Pit& pit, const drivers::Toolchain& tools,
                         const std::string& name) {
    fs::create_directories(tmp / "work");
    grading::GradeContext context{*launcher_, tools, tmp / "work", {}, 200000, nullptr};
    return grading::grade({zip, pit, "s-1", tmp / name}, context);
  }

  // Everything feedback.json says about the grade, but times and dates.
  static nlohmann::json comparable(const grading::Verdict& v) {
    auto json = grading::to_json(v);
    for (const char* key : {"execution_time", "started_at", "finished_at"}) json.erase(key);
    for (auto& test : json["tests"]) test.erase("time");
    return json;
  }

  void expect_same_verdict(const fs::path& zip, const pit::Pit& pit) {
    const auto fast = grade(zip, pit, *fast_, "fast-" + zip.stem().string());
    const auto slow = grade(zip, pit, *slow_, "slow-" + zip.stem().string());
    EXPECT_EQ(comparable(fast).dump(2), comparable(slow).dump(2)) << zip.stem();
  }

  TempDir tmp;
  static exec::Launcher* launcher_;
  static drivers::Toolchain* fast_;
  static drivers::Toolchain* slow_;
};

exec::Launcher* FastPath::launcher_ = nullptr;
drivers::Toolchain* FastPath::fast_ = nullptr;
drivers::Toolchain* FastPath::slow_ = nullptr;

TEST_F(FastPath, SameVerdictAsTwoJvmsForEveryCompleteRun) {
  const auto pit = calculator_pit();
  for (const char* name :
       {"correct", "partial", "broken", "fake-reports", "override-tests", "forged-results"}) {
    expect_same_verdict(submission_zip(name), pit);
  }
}

TEST_F(FastPath, SameVerdictForEveryKindOfTestOutcome) {
  const auto pit = training_pit();
  const auto zip = training_zip();
  const auto fast = grade(zip, pit, *fast_, "fast-training");
  ASSERT_EQ(fast.status, Status::Completed) << grading::to_json(fast).dump(2);
  std::map<TestStatus, int> by_status;
  for (const auto& t : fast.score.tests) ++by_status[t.status];
  // Every outcome is there: the comparison below is not between two empty lists.
  EXPECT_GE(by_status[TestStatus::Passed], 5);
  EXPECT_GE(by_status[TestStatus::Failed], 3);
  EXPECT_GE(by_status[TestStatus::Skipped], 3);
  expect_same_verdict(zip, pit);
}

// When the run is cut short (System.exit in the middle, out of memory), the console launcher
// never writes its report, so the slow path loses every result; the test host has already sent
// the ones that finished. Those are kept, as SPEC §5 keeps points earned before a limit struck.
TEST_F(FastPath, RunsCutShortKeepWhatReportedBeforeTheCut) {
  const auto pit = calculator_pit();
  const auto fast = grade(submission_zip("exit"), pit, *fast_, "fast-exit");
  const auto slow = grade(submission_zip("exit"), pit, *slow_, "slow-exit");
  ASSERT_EQ(fast.status, Status::Completed);
  ASSERT_EQ(slow.status, Status::Completed);
  ASSERT_EQ(fast.score.tests.size(), slow.score.tests.size());
  for (std::size_t i = 0; i < fast.score.tests.size(); ++i) {
    const auto& f = fast.score.tests[i];
    const auto& s = slow.score.tests[i];
    EXPECT_EQ(f.name, s.name);
    if (s.status == TestStatus::Passed) {
      EXPECT_EQ(f.status, TestStatus::Passed) << f.name;
    }
    if (f.name == "CalculatorTest.divides") {
      EXPECT_EQ(f.status, TestStatus::Failed);
    }
  }
  EXPECT_GE(fast.score.score, slow.score.score);
}

TEST_F(FastPath, ForgedResultLinesAreRejectedAndTheKeyIsGone) {
  const auto v = grade(submission_zip("forged-results"), calculator_pit(), *fast_, "forged");
  ASSERT_EQ(v.status, Status::Completed) << grading::to_json(v).dump(2);
  EXPECT_EQ(v.score.score, 0);
  EXPECT_EQ(v.score.passed, 0);
  const std::string log = util::read_file(tmp / "forged/log.txt");
  EXPECT_NE(log.find("key file ../testhost.key not found"), std::string::npos) << log;
  EXPECT_EQ(log.find("FOUND"), std::string::npos) << log;
  EXPECT_NE(log.find("failed verification and were ignored"), std::string::npos) << log;
}

// The archive is what makes the host start fast: check the JVM maps it and loads javac's and
// JUnit's classes from it, with the flags the driver uses.
TEST_F(FastPath, TheClassDataArchiveIsUsed) {
  ASSERT_FALSE(fast_->testhost_archive.empty()) << "the build makes runner-testhost.jsa";
  const fs::path project = tmp / "project";
  fs::create_directories(project);
  fs::copy(testing::source_dir() / "src/testhost/training", project, fs::copy_options::recursive);
  util::write_file(tmp / "sources.txt",
                   "\"" + (project / "src/main/java/training/Shapes.java").string() + "\"\n\"" +
                       (project / "src/test/java/training/ShapesTest.java").string() + "\"\n");
  util::write_file(tmp / "key", std::string(64, 'a'));
  std::string command = (fast_->java_home / "bin/java").string();
  for (const auto& flag : drivers::testhost_jvm_flags(*fast_)) command += " '" + flag + "'";
  command += " -Xlog:class+load=info:file=" + (tmp / "classes.log").string() + " -cp " +
             fast_->testhost_jar.string() + ":" + fast_->console_launcher.string() +
             " runner.testhost.TestHost --key-file " + (tmp / "key").string() + " --classes " +
             (tmp / "classes").string() + " --sources " + (tmp / "sources.txt").string() +
             " --compile-class-path " + fast_->console_launcher.string() +
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
