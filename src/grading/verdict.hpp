#pragma once
// A verdict, its feedback.json form, and the verdicts made without a grading: one factory for
// `runner grade` and the service alike.
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "grading/status.hpp"
#include "pit/pit.hpp"
#include "report/scoring.hpp"

namespace runner::grading {

// The sandbox a verdict was graded under, as feedback.json names it (exec::Launcher's level and
// features).
struct SandboxInfo {
  std::string level;
  std::vector<std::string> features;
};

// Where a verdict taken from the verdict cache was first given.
struct CacheOrigin {
  std::optional<std::string> submission_id;
  std::string graded_at;      // that grading's finished_at (ISO-8601 UTC)
  double execution_time = 0;  // that grading's seconds
};

struct Verdict {
  std::optional<std::string> submission_id;
  std::string pit_id;
  Status status = Status::Error;  // always a final status
  report::Score score;
  double execution_time = 0;  // seconds, the whole grade
  std::string output;         // a summary, the compiler errors, or the reason
  // ERROR only: the host failed (disk full, a failed fork, the sandbox could not start), not the
  // runner's logic. The service retries such a job without spending one of its attempts.
  bool host_fault = false;
  std::string sandbox_level;
  std::vector<std::string> sandbox_features;
  std::chrono::system_clock::time_point started_at, finished_at;
  // Set when the verdict is a stored one: an identical submission was graded before.
  std::optional<CacheOrigin> cached_from;
};

// A verdict for `pit` before anything ran: started now, under `sandbox`, ERROR until decided.
Verdict start_verdict(const pit::Pit& pit, std::optional<std::string> submission_id,
                      SandboxInfo sandbox);
// Ends `v` without a score: `status` (INVALID_SUBMISSION or ERROR) with `reason`, every test the
// PIT expects listed with 0 of its points, the PIT's max score.
void end_unscored(Verdict& v, const pit::Pit& pit, Status status, std::string reason);
// INVALID_SUBMISSION before grading (the ZIP over the size limit): what `runner grade` gives a
// submission it rejects, finished now.
Verdict rejected(const pit::Pit& pit, std::optional<std::string> submission_id, SandboxInfo sandbox,
                 std::string reason);
// ERROR decided without the PIT at hand (the service giving up on a submission): no tests, no
// sandbox, finished now.
Verdict runner_error(std::optional<std::string> submission_id, std::string pit_id,
                     std::string reason);

nlohmann::ordered_json to_json(const Verdict& verdict);

// The verdict a feedback.json (to_json's output) describes, its times aside (started_at and
// finished_at are left as they are in `into`). Throws std::runtime_error naming the field when
// the JSON is not one.
void read_json(const nlohmann::ordered_json& feedback, Verdict& into);

}  // namespace runner::grading
