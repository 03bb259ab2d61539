#include "batch/results.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "grading/status.hpp"
#include "util/fs.hpp"

namespace runner::batch {

namespace fs = std::filesystem;

fs::path feedback_path(const fs::path& out_dir, const std::string& id) {
  return out_dir / id / "feedback.json";
}

namespace {

std::string outcome_of(const nlohmann::json& test, bool submission_error) {
  if (submission_error) return "error";
  const std::string status = test.value("status", "failed");
  const std::string output = test.value("output", "");
  // The scorer's wording for an expected test that never reported (report/scoring.hpp).
  if (status == "failed" && output.rfind("did not run", 0) == 0) return "did-not-run";
  return status;
}

}  // namespace

std::optional<Row> parse_row(const std::string& id, const std::string& feedback_json) {
  const auto j = nlohmann::json::parse(feedback_json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("status") || !j["status"].is_string()) {
    return std::nullopt;
  }
  try {
    Row row;
    row.id = id;
    row.status = j["status"].get<std::string>();
    row.score = j.value("score", 0.0);
    row.max_score = j.value("max_score", 0.0);
    row.time_s = j.value("execution_time", 0.0);
    row.output = j.value("output", "");
    const bool error = row.status == "ERROR";
    if (j.contains("tests") && j["tests"].is_array()) {
      for (const auto& t : j["tests"]) {
        row.tests.push_back({t.value("name", ""), outcome_of(t, error), t.value("score", 0.0),
                             t.value("max_score", 0.0)});
      }
    }
    return row;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a field of the wrong type: not a verdict this runner wrote
  }
}

std::optional<Row> read_row(const fs::path& out_dir, const std::string& id) {
  const fs::path path = feedback_path(out_dir, id);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  try {
    return parse_row(id, util::read_file(path));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::vector<std::string> test_names(const std::vector<Row>& rows) {
  std::set<std::string> names;
  for (const auto& r : rows) {
    for (const auto& t : r.tests) names.insert(t.name);
  }
  return {names.begin(), names.end()};
}

ResumePlan plan_resume(const std::vector<Submission>& all, const fs::path& out_dir) {
  ResumePlan plan;
  for (const auto& s : all) {
    const auto row = read_row(out_dir, s.id);
    const bool done = row && grading::is_final_status(row->status) && row->status != "ERROR";
    (done ? plan.done : plan.todo).push_back(s);
  }
  return plan;
}

}  // namespace runner::batch
