#include "grading/status.hpp"

namespace runner::grading {

const std::array<StatusInfo, 8>& statuses() {
  static constexpr std::array<StatusInfo, 8> kTable{{
      {Status::Queued, "QUEUED", false},
      {Status::Running, "RUNNING", false},
      {Status::Completed, "COMPLETED", true},
      {Status::BuildFailed, "BUILD_FAILED", true},
      {Status::Timeout, "TIMEOUT", true},
      {Status::MemoryLimit, "MEMORY_LIMIT", true},
      {Status::InvalidSubmission, "INVALID_SUBMISSION", true},
      {Status::Error, "ERROR", true},
  }};
  return kTable;
}

namespace {

const StatusInfo& info(Status status) {
  for (const auto& s : statuses()) {
    if (s.status == status) return s;
  }
  return statuses().back();  // not reached: every enumerator is in the table
}

}  // namespace

std::string to_string(Status status) {
  return std::string(info(status).name);
}

bool is_final(Status status) {
  return info(status).final;
}

std::optional<Status> parse_status(std::string_view name) {
  for (const auto& s : statuses()) {
    if (s.name == name) return s.status;
  }
  return std::nullopt;
}

bool is_final_status(std::string_view name) {
  const auto status = parse_status(name);
  return status && is_final(*status);
}

std::string final_statuses_sql() {
  std::string list;
  for (const auto& s : statuses()) {
    if (!s.final) continue;
    list += (list.empty() ? "('" : ",'") + std::string(s.name) + "'";
  }
  return list + ")";
}

}  // namespace runner::grading
