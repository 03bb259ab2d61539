#include "grading/rescore.hpp"

#include <algorithm>

#include "report/scoring.hpp"

namespace runner::grading {

namespace {

// "CalculatorTest.adds[2]" of class "edu.uoc.CalculatorTest" -> "adds[2]".
std::string method_of(const report::ScoredTest& t) {
  const std::string simple = t.class_name.substr(t.class_name.rfind('.') + 1);
  return t.name.starts_with(simple + ".") ? t.name.substr(simple.size() + 1) : t.name;
}

std::vector<std::string> names(const report::Score& score) {
  std::vector<std::string> out;
  for (const auto& t : score.tests) out.push_back(t.name);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Rescored rescore(const Verdict& stored, const pit::Pit& pit) {
  std::vector<report::TestCase> reported;
  for (const auto& t : stored.score.tests) {
    reported.push_back({t.class_name, method_of(t), t.status, t.output, t.seconds});
  }
  Rescored r{stored, ""};
  r.verdict.score = report::score_tests(reported, pit);
  r.verdict.score.did_not_run = stored.score.did_not_run;
  if (names(r.verdict.score) != names(stored.score)) {
    r.refused = "the PIT's tests are not those it was graded with (regrade it instead)";
    r.verdict = stored;
    return r;
  }
  // As the grading decided: no points for a build that failed, a rejected or unfinished grade.
  const bool scored = stored.status == Status::Completed || stored.status == Status::Timeout ||
                      stored.status == Status::MemoryLimit;
  if (!scored) report::zero_all(r.verdict.score);
  return r;
}

}  // namespace runner::grading
