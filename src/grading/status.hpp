#pragma once
// Every status a submission has, in one table: its name (feedback.json, the `submissions` table,
// the metrics) and whether the submission ends in it. A verdict's status is always a final one;
// QUEUED and RUNNING are the row's states before one (docs/service.md).
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace runner::grading {

enum class Status {
  Queued,
  Running,
  Completed,
  BuildFailed,
  Timeout,
  MemoryLimit,
  InvalidSubmission,
  Error
};

struct StatusInfo {
  Status status;
  std::string_view name;
  bool final;
};

// The table, in the order of the enum.
const std::array<StatusInfo, 8>& statuses();

std::string to_string(Status status);
bool is_final(Status status);
// The status named `name` ("COMPLETED"); nullopt for any other text.
std::optional<Status> parse_status(std::string_view name);
// True when `name` names a final status; false for QUEUED, RUNNING and any other text.
bool is_final_status(std::string_view name);
// The names of the final statuses as an SQL list: ('COMPLETED','BUILD_FAILED',...,'ERROR').
std::string final_statuses_sql();

}  // namespace runner::grading
