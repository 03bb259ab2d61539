#pragma once
// The worker's counters, rendered as Prometheus text for GET /metrics. Lock-free on the hot
// path (atomics); the status map is small and guarded by a mutex.
#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace runner::service {

class Metrics {
 public:
  // A job reached a verdict with this status (COMPLETED, BUILD_FAILED, ..., ERROR).
  void job_finished(const std::string& status, double seconds);
  void job_started() { in_flight_++; }
  void job_ended() { in_flight_--; }
  void poison() { poison_++; }
  void duplicate() { duplicates_++; }
  void retried() { retries_++; }
  void queue_error() { queue_errors_++; }
  void s3_error() { s3_errors_++; }
  void db_error() { db_errors_++; }
  // A delivery found another grading holding the submission's lease and stood back.
  void lease_held() { lease_held_++; }
  // A job lost its lease (another delivery took over) and did not publish.
  void lease_lost() { lease_lost_++; }
  // A job ended without a verdict through no fault of the infrastructure (the runner died or
  // failed internally): one of the RUNNER_MAX_ATTEMPTS.
  void failed_attempt() { failed_attempts_++; }
  // A dependency's circuit breaker opened (false) or closed (true).
  void set_dependency_up(const std::string& dependency, bool up);
  // The poll loop calls this after each receive, successful or not.
  void polled() { last_poll_ms_ = now_ms(); }
  // Alive: a poll finished within `max_silence`, or every slot is busy grading.
  bool alive(std::chrono::milliseconds max_silence, int slots) const;
  // The dependencies (postgres, s3, sqs) whose breaker is open now: empty means ready.
  std::vector<std::string> dependencies_down() const;
  int in_flight() const { return in_flight_.load(); }

  std::string render() const;

  static constexpr std::array<double, 9> kBuckets = {1, 2, 5, 10, 20, 30, 60, 120, 300};

 private:
  static long long now_ms();
  mutable std::mutex mutex_;
  std::map<std::string, long long> by_status_;
  std::array<long long, kBuckets.size()> buckets_{};
  long long count_ = 0;
  double sum_ = 0;
  std::atomic<int> in_flight_{0};
  std::map<std::string, bool> dependency_up_;
  std::map<std::string, long long> outages_;
  std::atomic<long long> poison_{0}, duplicates_{0}, retries_{0};
  std::atomic<long long> lease_held_{0}, lease_lost_{0}, failed_attempts_{0};
  std::atomic<long long> queue_errors_{0}, s3_errors_{0}, db_errors_{0};
  std::atomic<long long> last_poll_ms_{now_ms()};
};

}  // namespace runner::service
