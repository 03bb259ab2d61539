#pragma once
// The worker's log lines: readable text by default, one JSON object per line when
// RUNNER_LOG_FORMAT=json (CloudWatch parses the fields). Thread-safe; writes to stderr.
#include <optional>
#include <string>

#include "config/settings.hpp"

namespace runner::service {

struct LogFields {
  std::string submission_id;
  std::string pit_id;
  std::string stage;                  // receive, download, grade, upload, db, delete, ...
  std::optional<double> duration_ms;  // of the stage, when it has one
};

void set_log_format(config::LogFormat format);
void log_info(const std::string& message, const LogFields& fields = {});
void log_warn(const std::string& message, const LogFields& fields = {});
void log_error(const std::string& message, const LogFields& fields = {});

}  // namespace runner::service
