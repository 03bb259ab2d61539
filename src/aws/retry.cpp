#include "aws/retry.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <thread>

namespace runner::aws {

namespace {
constexpr int kRetryCost = 5;
constexpr int kTimeoutRetryCost = 10;
constexpr int kNoRetryIncrement = 1;

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view code) {
  return std::find(list.begin(), list.end(), code) != list.end();
}

// The code, or, for a namespaced legacy code ("AWS.SimpleQueueService.RequestThrottled",
// "KMS.ThrottlingException"), its last part too.
template <std::size_t N>
bool matches(const std::array<std::string_view, N>& list, const std::string& code) {
  if (contains(list, code)) return true;
  auto dot = code.rfind('.');
  return dot != std::string::npos && contains(list, std::string_view(code).substr(dot + 1));
}
}  // namespace

bool is_throttling_code(const std::string& code) {
  static constexpr std::array<std::string_view, 16> kCodes = {
      "Throttling",
      "ThrottlingException",
      "ThrottledException",
      "RequestThrottledException",
      "TooManyRequestsException",
      "ProvisionedThroughputExceededException",
      "TransactionInProgressException",
      "RequestLimitExceeded",
      "BandwidthLimitExceeded",
      "LimitExceededException",
      "RequestThrottled",
      "SlowDown",
      "PriorRequestNotComplete",
      "EC2ThrottledException",
      "KmsThrottled",  // SQS with KMS encryption
      "AWS.SimpleQueueService.RequestThrottled",
  };
  return matches(kCodes, code);
}

bool is_transient_code(const std::string& code) {
  static constexpr std::array<std::string_view, 5> kCodes = {
      "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
      "ServiceUnavailable"};
  return matches(kCodes, code);
}

FailureKind classify_response(long status, const std::string& code) {
  if (is_throttling_code(code) || status == 429) return FailureKind::Throttling;
  if (is_transient_code(code)) return FailureKind::Transient;
  if (status == 500 || status == 502 || status == 503 || status == 504) {
    return FailureKind::Transient;
  }
  return FailureKind::None;
}

RetryStrategy::RetryStrategy(RetryOptions options)
    : options_(options), tokens_(options.token_bucket_capacity), rng_(std::random_device{}()) {
  random_ = [this] {
    std::uniform_real_distribution<double> dist(0.0, 1.0);
    std::lock_guard lock(mutex_);
    return dist(rng_);
  };
  sleep_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

bool RetryStrategy::should_retry(int attempt, FailureKind kind) {
  if (kind == FailureKind::None || attempt >= options_.max_attempts) return false;
  int cost = kind == FailureKind::Timeout ? kTimeoutRetryCost : kRetryCost;
  std::lock_guard lock(mutex_);
  if (tokens_ < cost) return false;
  tokens_ -= cost;
  return true;
}

std::chrono::milliseconds RetryStrategy::backoff(int attempt) {
  double ceiling = static_cast<double>(options_.base_delay.count()) *
                   std::pow(2.0, static_cast<double>(std::max(0, attempt - 1)));
  ceiling = std::min(ceiling, static_cast<double>(options_.max_backoff.count()));
  return std::chrono::milliseconds(static_cast<long long>(random_() * ceiling));
}

void RetryStrategy::on_success(bool retried, FailureKind last_failure) {
  std::lock_guard lock(mutex_);
  int refund = !retried                               ? kNoRetryIncrement
               : last_failure == FailureKind::Timeout ? kTimeoutRetryCost
                                                      : kRetryCost;
  tokens_ = std::min(options_.token_bucket_capacity, tokens_ + refund);
}

int RetryStrategy::tokens() const {
  std::lock_guard lock(mutex_);
  return tokens_;
}

}  // namespace runner::aws
