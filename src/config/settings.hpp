#pragma once
// Runner settings (README, "Configuration"): every variable, default and validation in one place.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "aws/config.hpp"
#include "config/environment.hpp"
#include "pit/build_tool.hpp"
#include "sandbox/level.hpp"
#include "sandbox/uids.hpp"

namespace runner::config {

enum class LogFormat { Text, Json };

// RUNNER_CONCURRENCY's maximum, and the host uids a runner's job slots use from RUNNER_UID_BASE
// (a job uid and, at `full`, a setup uid per possible slot: sandbox/uids.hpp).
inline constexpr int kMaxConcurrency = sandbox::uids::kMaxSlots;
inline constexpr std::int64_t kUidRangeSize = sandbox::uids::kRangeSize;
inline constexpr std::int64_t kMinUidBase = 1000;  // below: system accounts
// The whole range stays below 2^31: some tools and file systems take uids as signed 32-bit.
inline constexpr std::int64_t kMaxUidBase = (1LL << 31) - kUidRangeSize;

struct Settings {
  // Cloud (required by `serve` and `check-config` only; AWS_REGION is in `aws`).
  std::string s3_bucket;
  std::string sqs_queue_url;
  // DATABASE_URL as given (a URL or keyword/value string), or a keyword/value string built from
  // DB_* (values quoted) when only those are set; db::Submissions adds the connection defaults.
  // Contains the password: print it with mask_database_url only.
  std::string database_url;

  // Grading.
  int poll_interval_ms = 20000;
  int timeout_ms = 120000;
  std::int64_t max_log_bytes = 200000;
  int jdk_version = 17;
  pit::BuildTool build_tool = pit::BuildTool::Maven;
  std::filesystem::path pits_dir = "./pits";
  std::filesystem::path work_dir;  // default: the system temp dir
  // What the runner keeps between runs: Maven and Gradle PITs' build plans (build-plans/).
  // Default: $XDG_CACHE_HOME/runner, ~/.cache/runner, else <work_dir>/runner-cache.
  std::filesystem::path cache_dir;
  // RUNNER_VERDICT_CACHE: the service gives an identical submission the verdict kept in
  // PostgreSQL's verdict_cache (README, "The verdict cache"); false grades every one.
  bool verdict_cache = true;
  int memory_mb = 1024;
  sandbox::Level sandbox = sandbox::Level::Auto;
  // The first of the kUidRangeSize host uids (and gids) of this runner's job slots: runners
  // sharing a host (and its kernel) need disjoint ranges.
  std::int64_t uid_base = 200000;
  std::int64_t max_files = 10000;
  std::int64_t max_unzipped_bytes = 200LL * 1024 * 1024;
  std::int64_t max_zip_bytes = 50LL * 1024 * 1024;

  // Service.
  int concurrency = 1;
  int max_attempts = 3;
  int http_port = 8080;
  std::string results_prefix = "results/";
  LogFormat log_format = LogFormat::Text;
  int shutdown_grace_ms = 25000;

  // The AWS client's configuration from the standard AWS variables (service only).
  aws::ClientConfig aws;
};

// What stops the runner from starting: listed exactly, never one at a time.
struct Problems {
  std::vector<std::string> missing;  // variable names (or alternatives)
  std::vector<std::string> invalid;  // "NAME: reason"
  bool empty() const { return missing.empty() && invalid.empty(); }
};

enum class Purpose { Grade, Service };

struct LoadResult {
  Settings settings;
  Problems problems;
};

// Reads and validates `env`. For Purpose::Service the AWS and database variables are required.
LoadResult load_settings(const Environment& env, Purpose purpose);

// The fail-fast message that lists every problem (README, "Configuration"), ending with a newline.
std::string format_problems(const Problems& problems);
// The same in one line, for a log event.
std::string problems_in_one_line(const Problems& problems);

// "postgres://user:****@host:5432/db" (and ?password=****); keyword form "password=****",
// quoted values included.
std::string mask_database_url(const std::string& url);

}  // namespace runner::config
