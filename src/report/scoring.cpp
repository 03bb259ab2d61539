#include "report/scoring.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

namespace runner::report {
namespace {

// How a test is named in feedback: "CalculatorTest.adds" (Java), "test_calc.py::test_adds" and
// "test_calc.py::TestPower::test_squares" (Python, as pytest names it, less the folders).
std::string display_name(const std::string& class_name, const std::string& method) {
  if (class_name.find("::") != std::string::npos || class_name.ends_with(".py")) {
    const std::string file = class_name.substr(0, class_name.find("::"));
    return class_name.substr(file.rfind('/') + 1) + "::" + method;
  }
  const auto dot = class_name.rfind('.');
  return (dot == std::string::npos ? class_name : class_name.substr(dot + 1)) + "." + method;
}

// The PIT test class a report's classname belongs to ("a.B$Nested" belongs to "a.B", Python's
// "t.py::TestA::TestB" to "t.py::TestA"), or "". The longest match wins.
std::string owning_class(const pit::Pit& pit, const std::string& class_name) {
  std::string owner;
  for (const auto& cls : pit.test_classes) {
    if ((class_name == cls || class_name.starts_with(cls + "$") ||
         class_name.starts_with(cls + "::")) &&
        cls.size() > owner.size()) {
      owner = cls;
    }
  }
  return owner;
}

// "adds[2]" -> "adds": weights name methods, not invocations.
std::string base_method(const std::string& method) {
  return method.substr(0, method.find('['));
}

// "adds[12]" -> 12; "adds" -> 0.
long invocation_number(const std::string& method) {
  const auto open = method.find('[');
  return open == std::string::npos ? 0 : std::strtol(method.c_str() + open + 1, nullptr, 10);
}

struct Candidate {
  std::string owner;  // the PIT class
  TestCase test;
  bool did_not_run = false;
  bool was_running = false;  // began, never reported: running when the job stopped
};

// (PIT class, method) of the tests that were running when the job stopped.
using Running = std::set<std::pair<std::string, std::string>>;

void add_missing(std::vector<Candidate>& tests, const std::string& owner, const std::string& method,
                 const std::string& reason, const Running& running) {
  const bool present = std::any_of(tests.begin(), tests.end(), [&](const Candidate& c) {
    return c.owner == owner && base_method(c.test.method) == method;
  });
  if (present) return;
  const bool was_running = running.count({owner, method}) > 0;
  const std::string why = reason.empty() ? "the job stopped" : reason;
  TestCase missing{owner, method, TestStatus::Failed,
                   was_running      ? "was running when " + why
                   : reason.empty() ? "did not run"
                                    : "did not run: " + reason,
                   0};
  tests.push_back({owner, missing, !was_running, was_running});
}

// The reported results that belong to the PIT's test classes, each test once: an honest repeat
// says the same; outcomes that disagree count as a failure, whatever the order they came in.
std::vector<Candidate> pit_results(const std::vector<TestCase>& reported, const pit::Pit& pit) {
  std::vector<Candidate> tests;
  std::map<std::pair<std::string, std::string>, std::size_t> seen;
  for (const auto& test : reported) {
    const std::string owner = owning_class(pit, test.class_name);
    if (owner.empty()) continue;  // not one of the PIT's tests: the student's own, ignored
    const auto [it, fresh] = seen.emplace(std::pair(test.class_name, test.method), tests.size());
    if (fresh) {
      tests.push_back({owner, test, false, false});
      continue;
    }
    TestCase& first = tests[it->second].test;
    if (first.status != test.status) {
      first.status = TestStatus::Failed;
      first.message = "reported more than once with different outcomes";
    }
  }
  return tests;
}

// Tests named in weights and found in the PIT's sources must appear; then, up to
// expected_tests, generic names for those a light scan cannot see (e.g. dynamic tests).
void add_every_missing(std::vector<Candidate>& tests, const pit::Pit& pit,
                       const std::string& missing_reason, const Running& running) {
  for (const auto& rule : pit.weights) {
    if (rule.method.empty()) continue;
    // The classes the rule names; when the sources show which of them define the method (a
    // Python file names its classes too), only those.
    std::vector<std::string> named;
    std::vector<std::string> defining;
    for (const auto& cls : pit.test_classes) {
      if (!pit::class_matches(rule.class_name, cls)) continue;
      named.push_back(cls);
      const std::string test = cls + "#" + rule.method;
      if (std::find(pit.known_tests.begin(), pit.known_tests.end(), test) !=
          pit.known_tests.end()) {
        defining.push_back(cls);
      }
    }
    for (const auto& cls : defining.empty() ? named : defining) {
      add_missing(tests, cls, rule.method, missing_reason, running);
    }
  }
  for (const auto& known : pit.known_tests) {
    const auto hash = known.find('#');
    add_missing(tests, known.substr(0, hash), known.substr(hash + 1), missing_reason, running);
  }
  const auto expected = static_cast<std::size_t>(pit.expected_tests.value_or(0));
  for (int k = 1; tests.size() < expected; ++k) {
    add_missing(tests, pit.test_classes.front(), "missing_test_" + std::to_string(k),
                missing_reason, running);
  }
}

// Teacher's source order, so a verdict reads the same however the engine ordered the run (and
// whichever way the results came); then class, method and invocation number ("[10]" after
// "[9]") for tests the sources do not list, such as those of nested classes.
void sort_in_source_order(std::vector<Candidate>& tests, const pit::Pit& pit) {
  auto key = [&pit](const Candidate& c) {
    const std::string base = base_method(c.test.method);
    const auto it = std::find(pit.known_tests.begin(), pit.known_tests.end(), c.owner + "#" + base);
    return std::tuple(std::distance(pit.known_tests.begin(), it), c.test.class_name, base,
                      invocation_number(c.test.method));
  };
  std::stable_sort(tests.begin(), tests.end(),
                   [&](const Candidate& a, const Candidate& b) { return key(a) < key(b); });
}

// Each test's share of the maximum (its weight, scaled so they add up to max_score).
Score add_up(const std::vector<Candidate>& tests, const pit::Pit& pit) {
  Score score;
  double total_weight = 0;
  for (const auto& c : tests) {
    total_weight += pit::weight_of(pit, c.owner, base_method(c.test.method));
  }
  score.max_score = pit.max_score.value_or(total_weight);
  const double scale = total_weight > 0 ? score.max_score / total_weight : 0;
  double earned = 0;
  for (const auto& c : tests) {
    const double max = pit::weight_of(pit, c.owner, base_method(c.test.method)) * scale;
    const bool passed = c.test.status == TestStatus::Passed;
    ScoredTest scored;
    scored.name = display_name(c.test.class_name, c.test.method);
    scored.class_name = c.test.class_name;
    scored.status = c.test.status;
    scored.max_score = round2(max);
    scored.score = passed ? scored.max_score : 0;
    scored.output = c.test.message;
    scored.seconds = c.test.seconds;
    scored.visibility = pit::visibility_of(pit, c.owner, base_method(c.test.method));
    earned += passed ? max : 0;
    if (passed) ++score.passed;
    if (c.test.status == TestStatus::Failed) ++score.failed;
    if (c.test.status == TestStatus::Skipped) ++score.skipped;
    if (c.did_not_run) ++score.did_not_run;
    if (c.was_running) score.running.push_back(score.tests.size());
    score.tests.push_back(std::move(scored));
  }
  score.score = round2(earned);
  score.max_score = round2(score.max_score);
  return score;
}

}  // namespace

double round2(double value) {
  return std::round(value * 100.0) / 100.0;
}

Score score_tests(const std::vector<TestCase>& reported, const pit::Pit& pit,
                  const std::string& missing_reason, const std::vector<TestCase>& running) {
  std::vector<Candidate> tests = pit_results(reported, pit);
  Running was_running;
  for (const auto& t : running) {
    const std::string owner = owning_class(pit, t.class_name);
    if (!owner.empty()) was_running.insert({owner, base_method(t.method)});
  }
  add_every_missing(tests, pit, missing_reason, was_running);
  sort_in_source_order(tests, pit);
  return add_up(tests, pit);
}

void zero_all(Score& score) {
  score.score = 0;
  for (auto& t : score.tests) t.score = 0;
}

}  // namespace runner::report
