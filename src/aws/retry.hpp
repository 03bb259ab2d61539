#pragma once
// The SDKs' "standard" retry mode: up to max_attempts attempts (3 by default, AWS_MAX_ATTEMPTS),
// retrying connection failures, HTTP 500/502/503/504, and throttling or transient error codes;
// delay before retry i (1-based) = random(0,1) * min(base * 2^(i-1), 20 s) ("full jitter");
// a token bucket (500 tokens, 5 per retry, 10 per retried timeout, 1 back per success) stops
// retry storms when a service is down. 4xx client errors are never retried, except throttling.
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>

namespace runner::aws {

enum class FailureKind {
  None,        // success, or a failure that must not be retried
  Throttling,  // 429 / SlowDown / ThrottlingException / ...
  Transient,   // 5xx, transient error codes, broken connections
  Timeout,     // timeouts (costs more retry tokens, as in the SDKs)
};

// Bare codes as parse_json_error/parse_s3_error return them ("ThrottlingException",
// "RequestThrottled", "Throttling", "SlowDown", ...); a namespaced legacy code also matches by its
// last dotted part ("AWS.SimpleQueueService.RequestThrottled", "KMS.ThrottlingException").
bool is_throttling_code(const std::string& code);
bool is_transient_code(const std::string& code);

// Classifies an HTTP error response by status and error code.
FailureKind classify_response(long status, const std::string& code);

struct RetryOptions {
  int max_attempts = 3;
  std::chrono::milliseconds base_delay{1000};
  std::chrono::milliseconds max_backoff{20000};
  int token_bucket_capacity = 500;
};

class RetryStrategy {
 public:
  explicit RetryStrategy(RetryOptions options = {});

  const RetryOptions& options() const { return options_; }

  // Whether another attempt may follow failed attempt number `attempt` (1-based). Takes retry
  // tokens when it says yes.
  bool should_retry(int attempt, FailureKind kind);
  // The delay before attempt `attempt + 1`.
  std::chrono::milliseconds backoff(int attempt);
  // Records a successful attempt; `retried` says whether it followed a retry.
  void on_success(bool retried, FailureKind last_failure);

  int tokens() const;

  // Test seams: the random source in [0,1) and the sleep.
  void set_random(std::function<double()> random) { random_ = std::move(random); }
  void set_sleep(std::function<void(std::chrono::milliseconds)> sleep) {
    sleep_ = std::move(sleep);
  }
  void sleep(std::chrono::milliseconds d) const { sleep_(d); }

 private:
  RetryOptions options_;
  mutable std::mutex mutex_;
  int tokens_;
  std::mt19937_64 rng_;
  std::function<double()> random_;
  std::function<void(std::chrono::milliseconds)> sleep_;
};

}  // namespace runner::aws
