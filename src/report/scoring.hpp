#pragma once
// From the tests the reports describe to the scored test list of a verdict (README, "Verdicts").
#include <string>
#include <vector>

#include "pit/pit.hpp"
#include "report/test_case.hpp"

namespace runner::report {

struct ScoredTest {
  std::string name;        // "<simple class name>.<method>"
  std::string class_name;  // fully qualified
  TestStatus status = TestStatus::Failed;
  double score = 0;
  double max_score = 0;
  std::string output;
  double seconds = 0;
  pit::Visibility visibility = pit::Visibility::Visible;  // from pit.yaml `visibility`
};

struct Score {
  std::vector<ScoredTest> tests;
  double score = 0;
  double max_score = 0;
  int passed = 0, failed = 0, skipped = 0;  // failed includes tests that did not run
  int did_not_run = 0;                      // never began
  std::vector<std::size_t> running;         // indexes in `tests`: began, never reported (failed)
};

// Keeps only the PIT's own test classes (first report of a test wins), adds the tests the PIT
// expects but that never reported (named by `weights`, then from `pit.known_tests`, as "did not
// run"), and scores them.
// `missing_reason` says why expected tests that never reported did not run ("the time limit
// stopped the job"); their output is "did not run" or "did not run: <reason>".
// `running`: the tests the host said began and that never reported (ResultStream::running);
// each is failed with "was running when <missing_reason>".
Score score_tests(const std::vector<TestCase>& reported, const pit::Pit& pit,
                  const std::string& missing_reason = "",
                  const std::vector<TestCase>& running = {});

// Rounded to 2 decimals, as every score in a verdict.
double round2(double value);

// Marks every test as earning nothing (BUILD_FAILED, INVALID_SUBMISSION, ERROR).
void zero_all(Score& score);

}  // namespace runner::report
