#pragma once
// The worker's log lines: readable text by default, one JSON object per line when
// RUNNER_LOG_FORMAT=json (CloudWatch parses the fields). Thread-safe; writes to stderr.
#include <optional>
#include <string>
#include <utility>
#include <vector>

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
// One INFO event carrying `settings` (label, value): in JSON, one object with "config"
// (labels in snake_case), so the start-up banner is a single CloudWatch event.
void log_settings(const std::string& message,
                  const std::vector<std::pair<std::string, std::string>>& settings);

}  // namespace runner::service
