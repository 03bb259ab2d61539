#include "config/banner.hpp"

#include <fmt/format.h>

namespace runner::config {
namespace {

std::string or_unset(const std::string& value) {
  return value.empty() ? "(not set)" : value;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> settings_summary(const Settings& s,
                                                                  const std::string& sandbox) {
  std::vector<std::pair<std::string, std::string>> out;
  auto line = [&out](const char* label, const std::string& value) {
    out.emplace_back(label, value);
  };
  line("AWS region", or_unset(s.aws.region));
  line("S3 bucket", or_unset(s.s3_bucket));
  line("SQS queue", or_unset(s.sqs_queue_url));
  line("Database", s.database_url.empty() ? "(not set)" : mask_database_url(s.database_url));
  if (s.aws.endpoint) line("AWS endpoint", *s.aws.endpoint);
  if (s.aws.endpoint_s3) line("S3 endpoint", *s.aws.endpoint_s3);
  if (s.aws.endpoint_sqs) line("SQS endpoint", *s.aws.endpoint_sqs);
  line("Poll wait", fmt::format("{} ms", s.poll_interval_ms));
  line("Timeout", fmt::format("{} ms", s.timeout_ms));
  line("Memory", fmt::format("{} MB", s.memory_mb));
  line("Max log", fmt::format("{} bytes", s.max_log_bytes));
  line("JDK", std::to_string(s.jdk_version));
  line("Default build tool", pit::to_string(s.build_tool));
  line("PITs dir", s.pits_dir.string());
  line("Work dir", s.work_dir.string());
  line("Cache dir", s.cache_dir.string());
  line("Verdict cache", s.verdict_cache ? "on (PostgreSQL verdict_cache)" : "off");
  line("Concurrency", std::to_string(s.concurrency));
  line("Max attempts", std::to_string(s.max_attempts));
  line("HTTP port", s.http_port == 0 ? "disabled" : std::to_string(s.http_port));
  line("Results prefix", s.results_prefix);
  line("Log format", s.log_format == LogFormat::Json ? "json" : "text");
  line("Shutdown grace", fmt::format("{} ms", s.shutdown_grace_ms));
  line("Archive limits", fmt::format("{} files, {} bytes unzipped, {} bytes zipped", s.max_files,
                                     s.max_unzipped_bytes, s.max_zip_bytes));
  line("Sandbox", sandbox);
  line("Slot uids", fmt::format("{}..{}", s.uid_base, s.uid_base + kUidRangeSize - 1));
  return out;
}

std::string describe_settings(const Settings& s, const std::string& sandbox) {
  std::string out = "📋 Configuration:\n";
  for (const auto& [label, value] : settings_summary(s, sandbox)) {
    out += fmt::format("   {:<22} {}\n", label + ":", value);
  }
  return out;
}

}  // namespace runner::config
