#pragma once
// The SQS message body (docs/service.md): {"submissionId", "pitId", "zipKey"}; extras ignored.
#include <optional>
#include <string>

namespace runner::service {

struct JobMessage {
  std::string submission_id;
  std::string pit_id;
  std::string zip_key;
};

struct ParseResult {
  std::optional<JobMessage> job;  // set when the body is valid
  std::string error;              // why it is not (a poison message)
  std::string submission_id;      // whatever id could be read, for a verdict
  std::string pit_id;
};

ParseResult parse_job_message(const std::string& body);

// A PIT id names a folder under RUNNER_PITS_DIR: no separators, no dot-dot, no control bytes.
bool is_safe_pit_id(const std::string& id);

}  // namespace runner::service
