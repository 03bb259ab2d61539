#include "grading/verdict.hpp"

#include <cmath>

#include "report/scoring.hpp"
#include "runner_version.hpp"
#include "util/text.hpp"

namespace runner::grading {

Verdict start_verdict(const pit::Pit& pit, std::optional<std::string> submission_id,
                      SandboxInfo sandbox) {
  Verdict v;
  v.submission_id = std::move(submission_id);
  v.pit_id = pit.id;
  v.sandbox_level = std::move(sandbox.level);
  v.sandbox_features = std::move(sandbox.features);
  v.started_at = std::chrono::system_clock::now();
  return v;
}

void end_unscored(Verdict& v, const pit::Pit& pit, Status status, std::string reason) {
  v.status = status;
  v.output = std::move(reason);
  v.score = report::score_tests({}, pit);
  report::zero_all(v.score);
}

Verdict rejected(const pit::Pit& pit, std::optional<std::string> submission_id, SandboxInfo sandbox,
                 std::string reason) {
  Verdict v = start_verdict(pit, std::move(submission_id), std::move(sandbox));
  end_unscored(v, pit, Status::InvalidSubmission, std::move(reason));
  v.finished_at = std::chrono::system_clock::now();
  return v;
}

Verdict runner_error(std::optional<std::string> submission_id, std::string pit_id,
                     std::string reason) {
  Verdict v;
  v.submission_id = std::move(submission_id);
  v.pit_id = std::move(pit_id);
  v.status = Status::Error;
  v.output = std::move(reason);
  v.started_at = v.finished_at = std::chrono::system_clock::now();
  return v;
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
                     {"time", std::round(t.seconds * 1000) / 1000},
                     {"visibility", pit::to_string(t.visibility)}});
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
  j["cached"] = v.cached_from.has_value();
  if (v.cached_from) {
    j["cached_from"] = {
        {"submission_id", v.cached_from->submission_id ? ordered_json(*v.cached_from->submission_id)
                                                       : ordered_json(nullptr)},
        {"graded_at", v.cached_from->graded_at},
        {"execution_time", v.cached_from->execution_time}};
  }
  j["runner_version"] = kRunnerVersion;
  j["started_at"] = util::iso8601_utc(v.started_at);
  j["finished_at"] = util::iso8601_utc(v.finished_at);
  return j;
}

void read_json(const nlohmann::ordered_json& j, Verdict& v) {
  try {
    const auto status = parse_status(j.at("status").get<std::string>());
    if (!status || !is_final(*status)) throw std::runtime_error("status: not a final status");
    v.status = *status;
    v.pit_id = j.at("pit_id").get<std::string>();
    v.output = j.at("output").get<std::string>();
    v.score = {};
    v.score.score = j.at("score").get<double>();
    v.score.max_score = j.at("max_score").get<double>();
    v.score.passed = j.at("tests_passed").get<int>();
    v.score.failed = j.at("tests_failed").get<int>();
    v.score.skipped = j.at("tests_skipped").get<int>();
    for (const auto& t : j.at("tests")) {
      report::ScoredTest test;
      test.name = t.at("name").get<std::string>();
      test.class_name = t.at("classname").get<std::string>();
      const auto test_status = report::parse_test_status(t.at("status").get<std::string>());
      if (!test_status)
        throw std::runtime_error("tests: a test status is not passed/failed/skipped");
      test.status = *test_status;
      test.score = t.at("score").get<double>();
      test.max_score = t.at("max_score").get<double>();
      test.output = t.at("output").get<std::string>();
      test.seconds = t.at("time").get<double>();
      test.visibility = pit::parse_visibility(t.value("visibility", "visible"))
                            .value_or(pit::Visibility::Visible);
      v.score.tests.push_back(std::move(test));
    }
    v.execution_time = j.at("execution_time").get<double>();
    v.sandbox_level = j.at("sandbox").at("level").get<std::string>();
    v.sandbox_features = j.at("sandbox").at("features").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("not a feedback.json: ") + e.what());
  }
}

}  // namespace runner::grading
