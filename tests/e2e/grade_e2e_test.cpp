// Real submissions graded with each driver (javac, Maven, Gradle) through the grading core.
// Submissions live in examples/submissions/; the PITs in examples/pits/.
#include <gtest/gtest.h>

#include <cstdio>
#include <regex>

#include "config/share_dir.hpp"
#include "drivers/driver.hpp"
#include "grading/grader.hpp"
#include "grading/verdict_cache.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using grading::Status;
using report::TestStatus;
using testing::TempDir;
using testing::ZipBuilder;

struct DriverCase {
  std::string name;          // test name suffix
  std::string build;         // the PIT's build tool
  std::string pit;           // example PIT it starts from
  std::string build_gradle;  // replaces overlay/build.gradle when set
};

// JUnit 5 on Gradle 4.4.1, which predates useJUnitPlatform(): the runner's init script runs the
// console launcher instead of the native test task.
const char* const kJupiterBuildGradle =
    "apply plugin: 'java'\n"
    "dependencies {\n"
    "  testCompile 'org.junit.jupiter:junit-jupiter-api:5.9.2'\n"
    "  testRuntime 'org.junit.jupiter:junit-jupiter-engine:5.9.2'\n"
    "}\n";

// gtest prints parameters in failure messages; the name is enough.
void PrintTo(const DriverCase& c, std::ostream* os) {
  *os << c.name;
}

std::string case_name(const ::testing::TestParamInfo<DriverCase>& info) {
  return info.param.name;
}

class GradeE2E : public ::testing::TestWithParam<DriverCase> {
 protected:
  static void SetUpTestSuite() {
    launcher_ = exec::make_plain_launcher().release();
    tools_ = new drivers::Toolchain(drivers::Toolchain::discover(17, testing::data_dirs().share,
                                                                 testing::data_dirs().testhost));
    ASSERT_FALSE(tools_->testhost_jar.empty()) << "the build makes the test host";
  }

  // A copy of the driver's example PIT, as `id`, with pit.yaml keys replaced.
  pit::Pit make_pit(const std::map<std::string, std::string>& overrides = {}) {
    const fs::path dir = tmp / "pits" / "calculator";
    if (!fs::exists(dir)) {
      fs::create_directories(dir);
      fs::copy(testing::source_dir() / "examples/pits" / GetParam().pit, dir,
               fs::copy_options::recursive);
      if (!GetParam().build_gradle.empty()) {
        util::write_file(dir / "overlay/build.gradle", GetParam().build_gradle);
      }
    }
    std::string yaml = util::read_file(dir / "pit.yaml");
    auto set = [&yaml](const std::string& key, const std::string& value) {
      const std::regex line("(^|\n)" + key + ":[^\n]*");
      yaml = std::regex_search(yaml, line)
                 ? std::regex_replace(yaml, line, "$1" + key + ": " + value)
                 : yaml + "\n" + key + ": " + value + "\n";
    };
    set("id", "calculator");
    set("build", GetParam().build);
    for (const auto& [k, v] : overrides) set(k, v);
    util::write_file(dir / "pit.yaml", yaml);
    return pit::load_pit(dir, {});
  }

  fs::path submission_zip(const std::string& name, const std::string& prefix = "") {
    const fs::path zip = tmp / (name + ".zip");
    ZipBuilder().tree(testing::source_dir() / "examples/submissions" / name, prefix).write(zip);
    return zip;
  }

  grading::Verdict grade(const fs::path& zip, const pit::Pit& pit,
                         grading::VerdictCache* cache = nullptr, const std::string& id = "s-1") {
    fs::create_directories(tmp / "work");
    drivers::Toolchain tools = *tools_;
    grading::GradeContext context{*launcher_, tools, tmp / "work", {}, 200000, nullptr, cache};
    out = tmp / ("out-" + zip.stem().string() + "-" + id);
    auto verdict = grading::grade({zip, pit, id, out}, context);
    EXPECT_TRUE(fs::is_empty(tmp / "work")) << "job folder left behind";
    return verdict;
  }

  static std::map<std::string, TestStatus> statuses(const grading::Verdict& v) {
    std::map<std::string, TestStatus> m;
    for (const auto& t : v.score.tests) m[t.name] = t.status;
    return m;
  }

  static std::string describe(const grading::Verdict& v) { return grading::to_json(v).dump(2); }
  // Status, output, scores and tests: what a cached verdict must repeat.
  static std::string describe_scores(const grading::Verdict& v) {
    auto j = grading::to_json(v);
    for (const char* key : {"submission_id", "execution_time", "started_at", "finished_at",
                            "cached", "cached_from"}) {
      j.erase(key);
    }
    for (auto& t : j["tests"]) t.erase("time");
    return j.dump(2);
  }

  TempDir tmp;
  fs::path out;
  static exec::Launcher* launcher_;
  static drivers::Toolchain* tools_;
};

exec::Launcher* GradeE2E::launcher_ = nullptr;
drivers::Toolchain* GradeE2E::tools_ = nullptr;

TEST_P(GradeE2E, CorrectSubmissionGetsFullMarks) {
  const auto v = grade(submission_zip("correct"), make_pit());
  ASSERT_EQ(v.status, Status::Completed) << describe(v);
  EXPECT_EQ(v.score.score, 10);
  EXPECT_EQ(v.score.max_score, 10);
  EXPECT_EQ(v.score.passed, 6);
  EXPECT_EQ(v.score.tests.size(), 6u);
  EXPECT_EQ(v.output, "6 of 6 tests passed");
  EXPECT_TRUE(fs::exists(out / "log.txt"));
  const auto json = nlohmann::json::parse(util::read_file(out / "feedback.json"));
  EXPECT_EQ(json["status"], "COMPLETED");
  EXPECT_EQ(json["submission_id"], "s-1");
  EXPECT_EQ(json["tests"][0]["name"], "CalculatorTest.adds");
}

TEST_P(GradeE2E, PartialSubmissionFailsExactlyTheWrongTests) {
  const auto v = grade(submission_zip("partial"), make_pit());
  ASSERT_EQ(v.status, Status::Completed) << describe(v);
  std::vector<std::string> failing;
  for (const auto& t : v.score.tests) {
    if (t.status == TestStatus::Failed) failing.push_back(t.name);
  }
  EXPECT_EQ(failing,
            (std::vector<std::string>{"CalculatorTest.subtracts", "CalculatorTest.divides"}));
  // Weights: divides 2, the other five 1 -> 7; 4 passing of weight 1 scaled to 10 -> 5.71.
  EXPECT_EQ(v.score.score, 5.71);
  EXPECT_EQ(v.output, "4 of 6 tests passed");
}

TEST_P(GradeE2E, CompileErrorIsBuildFailedWithTheCompilerMessage) {
  const auto v = grade(submission_zip("broken"), make_pit());
  ASSERT_EQ(v.status, Status::BuildFailed) << describe(v);
  EXPECT_EQ(v.score.score, 0);
  EXPECT_NE(v.output.find("src/main/java/edu/uoc/Calculator.java"), std::string::npos) << v.output;
  EXPECT_EQ(v.output.find(tmp.path().string()), std::string::npos) << "job path leaked";
  // The one error once (Maven prints its list twice).
  const std::regex error_line("Calculator\\.java:");
  EXPECT_EQ(std::distance(std::sregex_iterator(v.output.begin(), v.output.end(), error_line),
                          std::sregex_iterator()),
            1)
      << v.output;
}

// The PIT hides `powers`; a submission without power() fails to compile the hidden test, and
// the verdict students see says what is missing without quoting that test.
TEST_P(GradeE2E, ACompileErrorInAHiddenTestNamesOnlyTheMissingSymbol) {
  const fs::path src = tmp / "no-power";
  fs::copy(testing::source_dir() / "examples/submissions/correct", src,
           fs::copy_options::recursive);
  const fs::path calculator = src / "src/main/java/edu/uoc/Calculator.java";
  util::write_file(calculator, std::regex_replace(util::read_file(calculator),
                                                  std::regex("int power\\("), "int raise("));
  const fs::path zip = tmp / "no-power.zip";
  ZipBuilder().tree(src).write(zip);
  const auto v = grade(zip, make_pit({{"visibility", "{CalculatorTest#powers: hidden}"}}));
  ASSERT_EQ(v.status, Status::BuildFailed) << describe(v);
  EXPECT_NE(v.output.find("(a hidden test): error: cannot find symbol"), std::string::npos)
      << v.output;
  EXPECT_NE(v.output.find("method power(int,int)"), std::string::npos) << v.output;
  EXPECT_EQ(v.output.find("CalculatorTest"), std::string::npos) << v.output;
  EXPECT_EQ(v.output.find("calc.power(2"), std::string::npos) << v.output;
  const auto json = nlohmann::json::parse(util::read_file(out / "feedback.json"));
  for (const auto& t : json["tests"]) {
    EXPECT_EQ(t["visibility"], t["name"] == "CalculatorTest.powers" ? "hidden" : "visible") << t;
  }
}

// README, "The verdict cache": the same files again (zipped differently) get the stored verdict
// at once; a changed file, a changed PIT or `cache: false` grade anew.
TEST_P(GradeE2E, AnIdenticalSubmissionGetsTheStoredVerdictAtOnce) {
  using Clock = std::chrono::steady_clock;
  const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  grading::FolderVerdictCache cache(tmp / "verdicts");
  const auto pit = make_pit();
  const auto t0 = Clock::now();
  const auto first = grade(submission_zip("correct"), pit, &cache, "first");
  const auto t1 = Clock::now();
  ASSERT_EQ(first.status, Status::Completed) << describe(first);
  EXPECT_FALSE(first.cached_from);
  const fs::path again = tmp / "again.zip";
  ZipBuilder()
      .tree(testing::source_dir() / "examples/submissions/correct", "MyProject/")
      .file("__MACOSX/MyProject/._pom.xml", "junk")
      .write(again);
  const auto t2 = Clock::now();
  const auto second = grade(again, pit, &cache, "second");
  const auto t3 = Clock::now();
  ASSERT_TRUE(second.cached_from) << describe(second);
  EXPECT_EQ(second.cached_from->submission_id, "first");
  EXPECT_EQ(second.submission_id, "second");
  EXPECT_EQ(describe_scores(second), describe_scores(first));
  std::printf("verdict cache (%s): first grade %.3f s, identical submission %.4f s (%.1f%%)\n",
              GetParam().name.c_str(), seconds(t1 - t0), seconds(t3 - t2),
              100 * seconds(t3 - t2) / seconds(t1 - t0));
  EXPECT_LT(seconds(t3 - t2), 0.05 * seconds(t1 - t0));
  const auto json = nlohmann::json::parse(util::read_file(out / "feedback.json"));
  EXPECT_EQ(json["cached"], true);
  EXPECT_EQ(json["cached_from"]["submission_id"], "first");
  EXPECT_EQ(json["submission_id"], "second");
  EXPECT_NE(util::read_file(out / "log.txt").find("identical to submission first"),
            std::string::npos);

  EXPECT_FALSE(grade(submission_zip("partial"), pit, &cache, "third").cached_from);
  EXPECT_FALSE(grade(again, make_pit({{"default_weight", "2"}}), &cache, "fourth").cached_from);
  const auto uncached = make_pit({{"cache", "false"}});
  EXPECT_FALSE(grade(again, uncached, &cache, "fifth").cached_from);
  EXPECT_FALSE(grade(again, uncached, &cache, "sixth").cached_from);
}

// The PIT's fault is ERROR with a message for staff, never a student's BUILD_FAILED or 0 points.
TEST_P(GradeE2E, APitTestNeedingALibraryTheBuildLacksIsErrorNotBuildFailed) {
  make_pit();
  util::write_file(tmp / "pits/calculator/overlay/src/test/java/edu/uoc/ExtraTest.java",
                   "package edu.uoc;\nimport org.assertj.core.api.Assertions;\n"
                   "public class ExtraTest {}\n");
  const auto v = grade(submission_zip("correct"), make_pit());
  ASSERT_EQ(v.status, Status::Error) << describe(v);
  EXPECT_EQ(v.output,
            "the PIT's tests do not compile: package org.assertj.core.api does not exist (for "
            "staff: the PIT's build lacks that test library; `runner pit check <pit> --solution "
            "<zip>` shows it)");
  EXPECT_FALSE(v.host_fault);
}

TEST_P(GradeE2E, APitWhoseTestsTheEngineCannotFindIsErrorNotZeroPoints) {
  make_pit();
  util::write_file(tmp / "pits/calculator/overlay/src/test/java/edu/uoc/CalculatorTest.java",
                   "package edu.uoc;\npublic class CalculatorTest { public void adds() {} }\n");
  // Its weights name methods that no longer have a @Test: gone too.
  const fs::path yaml = tmp / "pits/calculator/pit.yaml";
  util::write_file(
      yaml, std::regex_replace(util::read_file(yaml), std::regex("weights:\n(  [^\n]*\n)*"), ""));
  const auto v = grade(submission_zip("correct"), make_pit());
  ASSERT_EQ(v.status, Status::Error) << describe(v);
  EXPECT_EQ(v.output.rfind("none of the PIT's 6 tests ran although the tests compiled", 0), 0u)
      << v.output;
  EXPECT_EQ(v.score.score, 0);
}

// The test host brings both frameworks: a JUnit 4 test in a JUnit 5 PIT (and the reverse) runs
// and counts, whatever the build file names.
TEST_P(GradeE2E, TestsOfTheOtherJUnitFrameworkRunToo) {
  make_pit();
  const bool pit_is_junit4 = GetParam().pit == "calculator-gradle";
  const std::string other =
      pit_is_junit4 ? "package edu.uoc;\nimport org.junit.jupiter.api.Test;\n"
                      "import static org.junit.jupiter.api.Assertions.assertEquals;\n"
                      "class OtherFrameworkTest {\n  @Test void addsZero() {\n"
                      "    assertEquals(2, new Calculator().add(2, 0));\n  }\n}\n"
                    : "package edu.uoc;\nimport org.junit.Test;\n"
                      "import static org.junit.Assert.assertEquals;\n"
                      "public class OtherFrameworkTest {\n  @Test public void addsZero() {\n"
                      "    assertEquals(2, new Calculator().add(2, 0));\n  }\n}\n";
  util::write_file(tmp / "pits/calculator/overlay/src/test/java/edu/uoc/OtherFrameworkTest.java",
                   other);
  const auto v = grade(submission_zip("correct"), make_pit({{"expected_tests", "7"}}));
  ASSERT_EQ(v.status, Status::Completed) << describe(v);
  EXPECT_EQ(v.score.passed, 7) << describe(v);
  EXPECT_EQ(statuses(v)["OtherFrameworkTest.addsZero"], TestStatus::Passed) << describe(v);
}

TEST_P(GradeE2E, WrappedFolderWithMacJunkIsUnwrapped) {
  const fs::path zip = tmp / "wrapped.zip";
  ZipBuilder()
      .tree(testing::source_dir() / "examples/submissions/correct", "MyProject/")
      .file("__MACOSX/MyProject/src/main/java/edu/uoc/._Calculator.java", "\x00\x05junk")
      .file("MyProject/.DS_Store", "junk")
      .write(zip);
  const auto v = grade(zip, make_pit());
  ASSERT_EQ(v.status, Status::Completed) << describe(v);
  EXPECT_EQ(v.score.score, 10);
}

TEST_P(GradeE2E, ForgedReportFilesEarnNothing) {
  const auto v = grade(submission_zip("fake-reports"), make_pit());
  ASSERT_EQ(v.status, Status::Completed) << describe(v);
  EXPECT_EQ(v.score.score, 0);
  EXPECT_EQ(v.score.passed, 0);
}

TEST_P(GradeE2E, StudentTestsAndJunitConfigurationAreIgnored) {
  const auto v = grade(submission_zip("override-tests"), make_pit());
  ASSERT_EQ(v.status, Status::Completed) << describe(v);
  EXPECT_EQ(v.score.score, 0);
  EXPECT_EQ(v.score.tests.size(), 6u);
  for (const auto& t : v.score.tests) EXPECT_NE(t.name, "StudentExtraTest.passes");
}

// System.exit is refused to student code, at every build: the tests that reach it fail, and
// the other tests still run and count.
TEST_P(GradeE2E, SystemExitFailsTheTestsThatCallIt) {
  const auto v = grade(submission_zip("exit"), make_pit());
  ASSERT_EQ(v.status, Status::Completed) << describe(v);
  EXPECT_EQ(v.score.tests.size(), 6u);
  EXPECT_EQ(v.score.did_not_run, 0);
  EXPECT_EQ(statuses(v)["CalculatorTest.divides"], TestStatus::Failed);
  EXPECT_EQ(statuses(v)["CalculatorTest.adds"], TestStatus::Passed);
  EXPECT_EQ(v.score.passed, 4);
}

TEST_P(GradeE2E, InfiniteLoopTimesOutPromptly) {
  const int timeout_ms = GetParam().build == "gradle" ? 40000 : 15000;
  const auto started = std::chrono::steady_clock::now();
  const auto v = grade(submission_zip("infinite-loop"),
                       make_pit({{"timeout_ms", std::to_string(timeout_ms)}}));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(v.status, Status::Timeout) << describe(v);
  EXPECT_LT(elapsed, std::chrono::milliseconds(timeout_ms) + 10s);
  EXPECT_NE(v.output.find("time limit"), std::string::npos);
  // add() loops: the verdict names the test that was running, not "did not run" like the rest.
  EXPECT_NE(v.output.find("(CalculatorTest.adds was running"), std::string::npos) << v.output;
  for (const auto& t : v.score.tests) {
    if (t.name == "CalculatorTest.adds") {
      EXPECT_EQ(t.output, "was running when the time limit stopped the job");
    } else if (t.status == TestStatus::Failed) {
      EXPECT_EQ(t.output, "did not run: the time limit stopped the job") << t.name;
    }
  }
}

// A per-test time limit (JUnit 5's @Timeout in its separate-thread mode, JUnit 4's
// @Test(timeout = ...)) fails only the test that loops, with JUnit's message; the other tests
// run and the job is COMPLETED, not TIMEOUT. README "Writing a PIT" recommends it.
TEST_P(GradeE2E, APerTestTimeoutFailsOnlyTheTestThatLoops) {
  make_pit();
  const fs::path test = tmp / "pits/calculator/overlay/src/test/java/edu/uoc/CalculatorTest.java";
  std::string java = util::read_file(test);
  const bool junit4 = GetParam().pit == "calculator-gradle";
  const std::string adds = junit4 ? "@Test\n    public void adds()" : "@Test\n    void adds()";
  const std::string limited =
      junit4 ? "@Test(timeout = 2000)\n    public void adds()"
             : "@Test\n    @org.junit.jupiter.api.Timeout(value = 2, threadMode = "
               "org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)\n    void adds()";
  ASSERT_NE(java.find(adds), std::string::npos);
  java.replace(java.find(adds), adds.size(), limited);
  util::write_file(test, java);
  const auto v = grade(submission_zip("infinite-loop"), make_pit({{"timeout_ms", "60000"}}));
  ASSERT_EQ(v.status, Status::Completed) << describe(v);
  EXPECT_EQ(v.score.passed, 5) << describe(v);
  for (const auto& t : v.score.tests) {
    if (t.name != "CalculatorTest.adds") continue;
    EXPECT_EQ(t.status, TestStatus::Failed);
    EXPECT_NE(t.output.find(junit4 ? "timed out after 2000 milliseconds" : "timed out after 2 "),
              std::string::npos)
        << t.output;
  }
}

TEST_P(GradeE2E, FiftyMegabytesOfOutputAreCapped) {
  const auto v = grade(submission_zip("flood"), make_pit());
  ASSERT_EQ(v.status, Status::Completed) << describe(v);
  EXPECT_EQ(v.score.score, 10);
  const auto size = fs::file_size(out / "log.txt");
  EXPECT_LE(size, 200000u + 100u);
  const std::string log = util::read_file(out / "log.txt");
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(\.\.\. \[\d+ bytes truncated\] \.\.\.)")));
}

TEST_P(GradeE2E, RunawayAllocationIsMemoryLimit) {
  const auto v = grade(submission_zip("memory-hog"), make_pit({{"memory_mb", "256"}}));
  ASSERT_EQ(v.status, Status::MemoryLimit) << describe(v);
  EXPECT_EQ(v.output.rfind("memory limit of 256 MB exceeded; ", 0), 0u) << v.output;
  EXPECT_EQ(statuses(v)["CalculatorTest.adds"], TestStatus::Failed);
}

TEST_P(GradeE2E, MissingRequiredFileIsInvalid) {
  const auto v = grade(submission_zip("correct"),
                       make_pit({{"required", "[src/main/java/edu/uoc/Missing.java]"}}));
  ASSERT_EQ(v.status, Status::InvalidSubmission) << describe(v);
  EXPECT_EQ(v.output, "missing required file src/main/java/edu/uoc/Missing.java");
  EXPECT_EQ(v.score.score, 0);
}

INSTANTIATE_TEST_SUITE_P(Drivers, GradeE2E,
                         ::testing::Values(DriverCase{"javac", "javac", "calculator", ""},
                                           DriverCase{"maven", "maven", "calculator", ""},
                                           DriverCase{"gradle", "gradle", "calculator-gradle", ""},
                                           DriverCase{"gradle_junit5", "gradle", "calculator",
                                                      kJupiterBuildGradle}),
                         case_name);

}  // namespace
}  // namespace runner
