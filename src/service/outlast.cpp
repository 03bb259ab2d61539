#include "service/outlast.hpp"

#include <algorithm>

namespace runner::service {

void Outlast::failed(Dependency dependency, const std::string& reason, const LogFields& f,
                     bool& logged) {
  switch (dependency) {
    case Dependency::Postgres:
      metrics_.db_error();
      break;
    case Dependency::S3:
      metrics_.s3_error();
      break;
    case Dependency::Sqs:
      metrics_.queue_error();
      break;
  }
  outages_.trip(dependency, reason);
  if (!logged) {
    log_warn(reason + "; waiting for " + name(dependency) + " (the job keeps its message)", f);
    logged = true;
  }
}

void Outlast::wait(const LeaseWatch* watch, std::chrono::steady_clock::time_point started,
                   std::chrono::steady_clock::time_point retry_at, const std::string& reason) {
  using policy::Outcome;
  for (;;) {
    policy::Waiting w;
    w.closed = outages_.wait_closed(std::chrono::seconds(1));
    const auto now = outages_.now();
    w.waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - started);
    w.backoff_over = now >= retry_at;
    w.stopping = stopping_();
    w.lease_lost = watch && watch->lease_lost();
    switch (policy::while_down(w)) {
      case policy::Wait::Stop:
        throw JobFault(Outcome::Stopping, "shutting down");
      case policy::Wait::LeaseLost:
        throw JobFault(Outcome::LeaseLost, "the lease was lost");
      case policy::Wait::GiveBack:
        throw JobFault(Outcome::InfraFault, reason);
      case policy::Wait::CallAgain:
        return;
      case policy::Wait::Keep:
        // Every breaker closed but the back-off not over: sleep, never spin.
        if (w.closed) {
          outages_.pause(std::min<std::chrono::milliseconds>(
              std::chrono::seconds(1),
              std::chrono::duration_cast<std::chrono::milliseconds>(retry_at - now)));
        }
        break;
    }
  }
}

}  // namespace runner::service
