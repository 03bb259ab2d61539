#pragma once
// One row per graded submission, read back from its feedback.json: what results.csv and
// report.html are made of, and what decides whether a rerun grades a submission again.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "batch/inputs.hpp"

namespace runner::batch {

struct TestCell {
  std::string name;
  // passed | failed | skipped | did-not-run (the feedback's "did not run: ..." output) |
  // error (the whole submission is ERROR: the runner could not grade, so no test outcome holds)
  std::string outcome;
  double score = 0;
  double max_score = 0;
};

struct Row {
  std::string id;
  std::string status;  // the feedback's status: COMPLETED, BUILD_FAILED, ...
  double score = 0;
  double max_score = 0;
  double time_s = 0;
  std::string output;  // the feedback's summary or reason
  std::vector<TestCell> tests;
};

// `<out>/<id>/feedback.json`, where the core writes it for submission `id`.
std::filesystem::path feedback_path(const std::filesystem::path& out_dir, const std::string& id);

// The row of `id` from its feedback.json text; nullopt when it does not parse as a verdict.
std::optional<Row> parse_row(const std::string& id, const std::string& feedback_json);
// The row from `<out>/<id>/feedback.json`; nullopt when there is none or it does not parse.
std::optional<Row> read_row(const std::filesystem::path& out_dir, const std::string& id);

// Every test name of `rows`, sorted: results.csv's columns, the same whichever order the
// submissions finished in.
std::vector<std::string> test_names(const std::vector<Row>& rows);

// A resumed run: the submissions already graded (a feedback.json with a final status other than
// ERROR, which is worth retrying) and the ones to grade, each in the input order.
struct ResumePlan {
  std::vector<Submission> done;
  std::vector<Submission> todo;
};
ResumePlan plan_resume(const std::vector<Submission>& all, const std::filesystem::path& out_dir);

}  // namespace runner::batch
