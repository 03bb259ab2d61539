#pragma once
// How a job in flight meets an outage: the S3 or PostgreSQL call is retried until it works. The
// outage opens the dependency's breaker and the job waits for it to close, its heartbeat keeping
// the message, up to policy::kMaxOutageWait; between calls that keep failing it backs off
// (policy::next_backoff). A step that ends without a verdict throws JobFault.
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

#include "aws/error.hpp"
#include "db/submissions.hpp"
#include "service/job_policy.hpp"
#include "service/job_ports.hpp"
#include "service/metrics.hpp"

namespace runner::service {

// A step of a job that ended without a verdict, and how (policy::after decides what follows).
struct JobFault : std::runtime_error {
  JobFault(policy::Outcome o, const std::string& what) : std::runtime_error(what), outcome(o) {}
  policy::Outcome outcome;
};

class Outlast {
 public:
  Outlast(Outages& outages, Metrics& metrics, std::function<bool()> stopping)
      : outages_(outages), metrics_(metrics), stopping_(std::move(stopping)) {}

  // Runs `fn` until it returns. AWS errors that are not an outage (NoSuchKey, ObjectTooLarge)
  // and every other exception pass through. `watch` (may be null): a lost lease ends the wait.
  template <typename Fn>
  auto operator()(Dependency dependency, const LeaseWatch* watch, const LogFields& f, Fn&& fn) {
    const auto started = outages_.now();
    auto backoff = std::chrono::milliseconds(1000);
    bool logged = false;
    for (;;) {
      std::string reason;
      try {
        return fn();
      } catch (const aws::AwsError& e) {
        if (policy::classify_s3(e.code()) != policy::S3Error::Outage) throw;
        reason = e.what();
      } catch (const db::DbError& e) {
        reason = e.what();
      }
      failed(dependency, reason, f, logged);
      const auto retry_at = outages_.now() + backoff;
      backoff = policy::next_backoff(backoff);
      wait(watch, started, retry_at, reason);
    }
  }

 private:
  // Counts the failure, opens the breaker, logs the first failure of this call.
  void failed(Dependency dependency, const std::string& reason, const LogFields& f, bool& logged);
  // Until the breakers are closed and `retry_at` has passed; throws JobFault when the job must
  // stop waiting.
  void wait(const LeaseWatch* watch, std::chrono::steady_clock::time_point started,
            std::chrono::steady_clock::time_point retry_at, const std::string& reason);

  Outages& outages_;
  Metrics& metrics_;
  std::function<bool()> stopping_;
};

}  // namespace runner::service
