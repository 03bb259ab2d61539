#include "service/metrics.hpp"

#include <fmt/format.h>

namespace runner::service {

long long Metrics::now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void Metrics::job_finished(const std::string& status, double seconds) {
  std::lock_guard lock(mutex_);
  by_status_[status]++;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) buckets_[i]++;
  }
  count_++;
  sum_ += seconds;
}

bool Metrics::alive(std::chrono::milliseconds max_silence, int slots) const {
  if (in_flight_.load() >= slots) return true;
  return now_ms() - last_poll_ms_.load() <= max_silence.count();
}

std::string Metrics::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  out += "# HELP runner_jobs_total Jobs that reached a verdict, by status.\n";
  out += "# TYPE runner_jobs_total counter\n";
  for (const auto& [status, n] : by_status_) {
    out += fmt::format("runner_jobs_total{{status=\"{}\"}} {}\n", status, n);
  }
  out += "# HELP runner_job_duration_seconds Receive to verdict published.\n";
  out += "# TYPE runner_job_duration_seconds histogram\n";
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    out += fmt::format("runner_job_duration_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[i],
                       buckets_[i]);
  }
  out += fmt::format("runner_job_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", count_);
  out += fmt::format("runner_job_duration_seconds_sum {}\n", sum_);
  out += fmt::format("runner_job_duration_seconds_count {}\n", count_);
  out += "# HELP runner_jobs_in_flight Jobs being processed now.\n";
  out += "# TYPE runner_jobs_in_flight gauge\n";
  out += fmt::format("runner_jobs_in_flight {}\n", in_flight_.load());
  out += "# HELP runner_poison_messages_total Messages that can never be processed.\n";
  out += "# TYPE runner_poison_messages_total counter\n";
  out += fmt::format("runner_poison_messages_total {}\n", poison_.load());
  out += "# HELP runner_duplicate_deliveries_total Messages for an already final submission.\n";
  out += "# TYPE runner_duplicate_deliveries_total counter\n";
  out += fmt::format("runner_duplicate_deliveries_total {}\n", duplicates_.load());
  out +=
      "# HELP runner_job_retries_total Jobs returned to the queue after an infrastructure "
      "fault.\n";
  out += "# TYPE runner_job_retries_total counter\n";
  out += fmt::format("runner_job_retries_total {}\n", retries_.load());
  out += "# HELP runner_errors_total Infrastructure errors, by dependency.\n";
  out += "# TYPE runner_errors_total counter\n";
  out += fmt::format("runner_errors_total{{dependency=\"queue\"}} {}\n", queue_errors_.load());
  out += fmt::format("runner_errors_total{{dependency=\"s3\"}} {}\n", s3_errors_.load());
  out += fmt::format("runner_errors_total{{dependency=\"db\"}} {}\n", db_errors_.load());
  return out;
}

}  // namespace runner::service
