#include "grading/verdict.hpp"

#include <cmath>

#include "report/scoring.hpp"
#include "runner_version.hpp"
#include "util/text.hpp"

namespace runner::grading {

std::string to_string(Status status) {
  switch (status) {
    case Status::Completed:
      return "COMPLETED";
    case Status::BuildFailed:
      return "BUILD_FAILED";
    case Status::Timeout:
      return "TIMEOUT";
    case Status::MemoryLimit:
      return "MEMORY_LIMIT";
    case Status::InvalidSubmission:
      return "INVALID_SUBMISSION";
    case Status::Error:
      return "ERROR";
  }
  return "ERROR";
}

nlohmann::ordered_json to_json(const Verdict& v) {
  using nlohmann::ordered_json;
  ordered_json tests = ordered_json::array();
  for (const auto& t : v.score.tests) {
    tests.push_back({{"name", t.name},
                     {"classname", t.class_name},
                     {"status", report::to_string(t.status)},
                     {"score", t.score},
                     {"max_score", t.max_score},
                     {"output", t.output},
                     {"time", std::round(t.seconds * 1000) / 1000}});
  }
  ordered_json j;
  j["submission_id"] = v.submission_id ? ordered_json(*v.submission_id) : ordered_json(nullptr);
  j["pit_id"] = v.pit_id;
  j["status"] = to_string(v.status);
  j["score"] = v.score.score;
  j["max_score"] = v.score.max_score;
  j["tests_total"] = v.score.tests.size();
  j["tests_passed"] = v.score.passed;
  j["tests_failed"] = v.score.failed;
  j["tests_skipped"] = v.score.skipped;
  j["execution_time"] = report::round2(v.execution_time);
  j["output"] = v.output;
  j["tests"] = tests;
  j["sandbox"] = {{"level", v.sandbox_level}, {"features", v.sandbox_features}};
  j["runner_version"] = kRunnerVersion;
  j["started_at"] = util::iso8601_utc(v.started_at);
  j["finished_at"] = util::iso8601_utc(v.finished_at);
  return j;
}

}  // namespace runner::grading
