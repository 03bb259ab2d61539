// Scoring (README, "Writing a PIT" and "Verdicts"): weights, max_score scaling, expected tests,
// only the PIT's own classes.
#include "report/scoring.hpp"

#include <gtest/gtest.h>

namespace runner::report {
namespace {

// A PIT whose test sources the light scan found nothing in (only what reports count).
pit::Pit calculator_pit() {
  pit::Pit pit;
  pit.id = "calc";
  pit.test_classes = {"edu.uoc.CalcTest"};
  return pit;
}

// The same PIT with its four test methods found in the sources.
pit::Pit scanned_pit() {
  pit::Pit pit = calculator_pit();
  pit.known_tests = {"edu.uoc.CalcTest#adds", "edu.uoc.CalcTest#subtracts",
                     "edu.uoc.CalcTest#divides", "edu.uoc.CalcTest#powers"};
  return pit;
}

TestCase passed(const std::string& method, const std::string& cls = "edu.uoc.CalcTest") {
  return {cls, method, TestStatus::Passed, "", 0.01};
}
TestCase failed(const std::string& method) {
  return {"edu.uoc.CalcTest", method, TestStatus::Failed, "expected: <1> but was: <2>", 0.02};
}

TEST(Scoring, UnweightedScoreIsTheNumberPassed) {
  pit::Pit pit = scanned_pit();
  pit.known_tests.resize(3);  // adds, subtracts, divides
  const Score s = score_tests({passed("adds"), failed("subtracts"), passed("divides")}, pit);
  EXPECT_EQ(s.score, 2);
  EXPECT_EQ(s.max_score, 3);
  EXPECT_EQ(s.passed, 2);
  EXPECT_EQ(s.failed, 1);
  ASSERT_EQ(s.tests.size(), 3u);
  EXPECT_EQ(s.tests[1].name, "CalcTest.subtracts");
  EXPECT_EQ(s.tests[1].output, "expected: <1> but was: <2>");
}

TEST(Scoring, EachTestCarriesItsVisibility) {
  pit::Pit pit = scanned_pit();
  pit.visibility = {{"CalcTest", "", pit::Visibility::AfterDueDate},
                    {"CalcTest", "powers[1]", pit::Visibility::Visible},
                    {"CalcTest", "divides", pit::Visibility::Hidden}};
  // A repeated test's invocations ("divides[2]") share the rule of their method.
  const Score s = score_tests({passed("adds"), failed("divides[2]")}, pit);
  ASSERT_EQ(s.tests.size(), 4u);
  EXPECT_EQ(s.tests[0].name, "CalcTest.adds");
  EXPECT_EQ(s.tests[0].visibility, pit::Visibility::AfterDueDate);
  EXPECT_EQ(s.tests[2].name, "CalcTest.divides[2]");
  EXPECT_EQ(s.tests[2].visibility, pit::Visibility::Hidden);
  EXPECT_EQ(s.tests[3].visibility, pit::Visibility::AfterDueDate);  // powers: did not run
}

TEST(Scoring, TheTestRunningAtTheStopIsNamedApartFromThoseThatNeverBegan) {
  const pit::Pit pit = scanned_pit();
  const Score s = score_tests({passed("adds")}, pit, "the time limit stopped the job",
                              {{"edu.uoc.CalcTest", "divides", TestStatus::Passed, "", 0}});
  ASSERT_EQ(s.tests.size(), 4u);
  EXPECT_EQ(s.tests[2].name, "CalcTest.divides");
  EXPECT_EQ(s.tests[2].status, TestStatus::Failed);
  EXPECT_EQ(s.tests[2].output, "was running when the time limit stopped the job");
  EXPECT_EQ(s.running, std::vector<std::size_t>{2});
  EXPECT_EQ(s.did_not_run, 2);  // subtracts, powers
  EXPECT_EQ(s.tests[1].output, "did not run: the time limit stopped the job");
}

TEST(Scoring, WeightsAndMaxScoreScale) {
  pit::Pit pit = scanned_pit();
  pit.max_score = 10;
  pit.weights = {{"CalcTest", "divides", 2}};
  // Weights 1 + 1 + 2 + 1 = 5 -> scale 2.
  const Score s =
      score_tests({passed("adds"), failed("subtracts"), passed("divides"), passed("powers")}, pit);
  EXPECT_EQ(s.max_score, 10);
  EXPECT_EQ(s.score, 8);
  EXPECT_EQ(s.tests[2].max_score, 4);
  EXPECT_EQ(s.tests[2].score, 4);
  EXPECT_EQ(s.tests[1].score, 0);
}

TEST(Scoring, RoundsEachTestButSumsExactly) {
  pit::Pit pit = calculator_pit();
  pit.max_score = 10;
  const Score s = score_tests({passed("adds"), passed("subtracts"), passed("divides")}, pit);
  EXPECT_EQ(s.tests[0].score, 3.33);
  EXPECT_EQ(s.score, 10);  // not 9.99
}

TEST(Scoring, IgnoresTestsOutsideThePitClasses) {
  const Score s = score_tests({passed("adds"), passed("sneaky", "edu.uoc.StudentTest"),
                               passed("x", "edu.uoc.CalcTestExtra")},
                              calculator_pit());
  ASSERT_EQ(s.tests.size(), 1u);
  EXPECT_EQ(s.tests[0].name, "CalcTest.adds");
}

TEST(Scoring, CountsNestedClassesAsTheirOuterClass) {
  const Score s = score_tests({passed("inner", "edu.uoc.CalcTest$WhenEmpty")}, calculator_pit());
  ASSERT_EQ(s.tests.size(), 1u);
  EXPECT_EQ(s.tests[0].name, "CalcTest$WhenEmpty.inner");
}

TEST(Scoring, ATestReportedWithDifferentOutcomesFailsWhateverTheOrder) {
  for (const auto& reports : {std::vector<TestCase>{failed("adds"), passed("adds")},
                              std::vector<TestCase>{passed("adds"), failed("adds")}}) {
    const Score s = score_tests(reports, calculator_pit());
    ASSERT_EQ(s.tests.size(), 1u);
    EXPECT_EQ(s.tests[0].status, TestStatus::Failed);
    EXPECT_EQ(s.score, 0);
  }
  const Score twice = score_tests({passed("adds"), passed("adds")}, calculator_pit());
  ASSERT_EQ(twice.tests.size(), 1u);  // an honest repeat counts once
  EXPECT_EQ(twice.tests[0].status, TestStatus::Passed);
}

// Without expected_tests, every test found in the PIT's sources is expected: halting the JVM
// before the failing ones cannot turn 3 of 3 into full marks.
TEST(Scoring, EveryTestOfThePitsSourcesIsExpectedWithoutExpectedTests) {
  const Score s =
      score_tests({passed("adds"), passed("subtracts")}, scanned_pit(), "the JVM ended early");
  ASSERT_EQ(s.tests.size(), 4u);
  EXPECT_EQ(s.score, 2);
  EXPECT_EQ(s.max_score, 4);
  EXPECT_EQ(s.did_not_run, 2);
  EXPECT_EQ(s.tests[2].output, "did not run: the JVM ended early");
}

TEST(Scoring, ExpectedTestsThatNeverRanFailWithTheirNames) {
  pit::Pit pit = scanned_pit();
  pit.expected_tests = 4;
  const Score s = score_tests({passed("adds")}, pit);
  ASSERT_EQ(s.tests.size(), 4u);
  EXPECT_EQ(s.tests[1].name, "CalcTest.subtracts");
  EXPECT_EQ(s.tests[1].status, TestStatus::Failed);
  EXPECT_EQ(s.tests[1].output, "did not run");
  EXPECT_EQ(s.failed, 3);
  EXPECT_EQ(s.did_not_run, 3);
  EXPECT_EQ(s.score, 1);
  EXPECT_EQ(s.max_score, 4);
}

TEST(Scoring, ExpectedBeyondKnownNamesGetsPlaceholders) {
  pit::Pit pit = calculator_pit();
  pit.known_tests.clear();
  pit.expected_tests = 2;
  const Score s = score_tests({}, pit);
  ASSERT_EQ(s.tests.size(), 2u);
  EXPECT_EQ(s.tests[0].name, "CalcTest.missing_test_1");
}

TEST(Scoring, WeightedTestsMustAppear) {
  pit::Pit pit = calculator_pit();
  pit.weights = {{"edu.uoc.CalcTest", "powers", 3}};
  const Score s = score_tests({passed("adds")}, pit);
  ASSERT_EQ(s.tests.size(), 2u);
  EXPECT_EQ(s.tests[1].name, "CalcTest.powers");
  EXPECT_EQ(s.tests[1].max_score, 3);
  EXPECT_EQ(s.max_score, 4);
}

TEST(Scoring, SkippedTestsEarnNothingButCount) {
  const Score s =
      score_tests({passed("adds"), {"edu.uoc.CalcTest", "subtracts", TestStatus::Skipped, "", 0}},
                  calculator_pit());
  EXPECT_EQ(s.skipped, 1);
  EXPECT_EQ(s.failed, 0);
  EXPECT_EQ(s.score, 1);
  EXPECT_EQ(s.max_score, 2);
}

TEST(Scoring, OrdersByTheTeachersSource) {
  pit::Pit pit = scanned_pit();
  pit.known_tests = {"edu.uoc.CalcTest#adds", "edu.uoc.CalcTest#powers"};
  const Score s = score_tests({passed("powers"), passed("adds"), passed("unknown")}, pit);
  EXPECT_EQ(s.tests[0].name, "CalcTest.adds");
  EXPECT_EQ(s.tests[1].name, "CalcTest.powers");
  EXPECT_EQ(s.tests[2].name, "CalcTest.unknown");
}

TEST(Scoring, ZeroAllKeepsTheTestList) {
  Score s = score_tests({passed("adds")}, calculator_pit());
  zero_all(s);
  EXPECT_EQ(s.score, 0);
  EXPECT_EQ(s.tests[0].score, 0);
  EXPECT_EQ(s.max_score, 1);
}

}  // namespace
}  // namespace runner::report
