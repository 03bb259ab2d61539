#include "service/metrics.hpp"

#include <fmt/format.h>

#include "grading/status.hpp"

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

void Metrics::set_dependency_up(const std::string& dependency, bool up) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = dependency_up_.try_emplace(dependency, up);
  if (!inserted && it->second && !up) outages_[dependency]++;
  it->second = up;
  outages_.try_emplace(dependency, 0);
}

std::vector<std::string> Metrics::dependencies_down() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> down;
  for (const auto& [name, up] : dependency_up_) {
    if (!up) down.push_back(name);
  }
  return down;
}

bool Metrics::alive(std::chrono::milliseconds max_silence, int slots) const {
  if (in_flight_.load() >= slots) return true;
  return now_ms() - last_poll_ms_.load() <= max_silence.count();
}

namespace {
// One metric's HELP and TYPE lines.
void header(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}
// A counter or gauge without labels.
void single(std::string& out, const char* name, const char* type, const char* help,
            long long value) {
  header(out, name, type, help);
  out += fmt::format("{} {}\n", name, value);
}
// One series per label value.
template <typename Map, typename Value>
void labelled(std::string& out, const char* name, const char* type, const char* help,
              const char* label, const Map& series, Value value) {
  header(out, name, type, help);
  for (const auto& [key, v] : series) {
    out += fmt::format("{}{{{}=\"{}\"}} {}\n", name, label, key, value(v));
  }
}
}  // namespace

std::string Metrics::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  const auto same = [](long long n) { return n; };
  // Every final status from the start, at 0: a rate() over a series that appears only with its
  // first job would miss that job.
  auto jobs = by_status_;
  for (const auto& info : grading::statuses()) {
    if (info.final) jobs.try_emplace(std::string(info.name), 0);
  }
  labelled(out, "runner_jobs_total", "counter", "Jobs that reached a verdict, by status.", "status",
           jobs, same);
  header(out, "runner_job_duration_seconds", "histogram", "Receive to verdict published.");
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    out += fmt::format("runner_job_duration_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[i],
                       buckets_[i]);
  }
  out += fmt::format("runner_job_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", count_);
  out += fmt::format("runner_job_duration_seconds_sum {}\n", sum_);
  out += fmt::format("runner_job_duration_seconds_count {}\n", count_);
  single(out, "runner_jobs_in_flight", "gauge", "Jobs being processed now.", in_flight_.load());
  single(out, "runner_poison_messages_total", "counter", "Messages that can never be processed.",
         poison_.load());
  single(out, "runner_duplicate_deliveries_total", "counter",
         "Messages for an already final submission.", duplicates_.load());
  single(out, "runner_job_retries_total", "counter",
         "Jobs returned to the queue after an infrastructure fault.", retries_.load());
  single(out, "runner_lease_held_total", "counter",
         "Deliveries that found another grading in progress.", lease_held_.load());
  single(out, "runner_lease_lost_total", "counter",
         "Jobs that lost their lease and did not publish.", lease_lost_.load());
  single(out, "runner_failed_attempts_total", "counter",
         "Attempts that ended without a verdict (a crash or an internal error).",
         failed_attempts_.load());
  labelled(out, "runner_dependency_up", "gauge",
           "1 while the dependency answers, 0 while its breaker is open.", "dependency",
           dependency_up_, [](bool up) { return up ? 1 : 0; });
  labelled(out, "runner_dependency_outages_total", "counter",
           "Times a dependency's breaker opened.", "dependency", outages_, same);
  const std::map<std::string, long long> errors = {
      {"queue", queue_errors_.load()}, {"s3", s3_errors_.load()}, {"db", db_errors_.load()}};
  labelled(out, "runner_errors_total", "counter", "Infrastructure errors, by dependency.",
           "dependency", errors, same);
  return out;
}

}  // namespace runner::service
