#pragma once
// A verdict and its feedback.json form (SPEC §5).
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "report/scoring.hpp"

namespace runner::grading {

enum class Status { Completed, BuildFailed, Timeout, MemoryLimit, InvalidSubmission, Error };

std::string to_string(Status status);

struct Verdict {
  std::optional<std::string> submission_id;
  std::string pit_id;
  Status status = Status::Error;
  report::Score score;
  double execution_time = 0;  // seconds, the whole grade
  std::string output;         // a summary, the compiler errors, or the reason
  // ERROR only: the host failed (disk full, a failed fork, the sandbox could not start), not the
  // runner's logic. The service retries such a job without spending one of its attempts.
  bool host_fault = false;
  std::string sandbox_level;
  std::vector<std::string> sandbox_features;
  std::chrono::system_clock::time_point started_at, finished_at;
};

nlohmann::ordered_json to_json(const Verdict& verdict);

}  // namespace runner::grading
