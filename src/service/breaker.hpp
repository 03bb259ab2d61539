#pragma once
// Circuit breakers for the worker's three dependencies. A job (or a receive) that meets an
// outage opens the breaker of that dependency; while any breaker is open no slot takes new work,
// so messages are not burnt through their receive counts against a dead database. One probe
// thread tries each open dependency, 1 s after the outage began and then at a growing interval
// (up to 30 s), and closes the breaker on the first success. Every change of state is one log
// line and shows in /metrics (runner_dependency_up).
#include <array>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "service/metrics.hpp"

namespace runner::service {

enum class Dependency { Postgres, S3, Sqs };
constexpr std::size_t kDependencies = 3;
const char* name(Dependency d);

class Breakers {
 public:
  // Probes throw while their dependency is still down; the message is what the log shows.
  using Probe = std::function<void()>;
  Breakers(Metrics& metrics, std::array<Probe, kDependencies> probes);
  ~Breakers();
  Breakers(const Breakers&) = delete;
  Breakers& operator=(const Breakers&) = delete;

  // Opens the breaker (logs once, when it was closed).
  void trip(Dependency d, const std::string& reason);
  bool is_open(Dependency d) const;
  bool any_open() const;
  // Blocks until every breaker is closed, `max_wait` passes or stop(); true when all are closed.
  bool wait_closed(std::chrono::milliseconds max_wait);
  // Ends the probe thread and wakes every waiter.
  void stop();

 private:
  struct State {
    bool open = false;
    std::string reason;
    std::chrono::steady_clock::time_point since, next_probe;
    std::chrono::milliseconds interval{1000};
  };
  void probe_loop();
  void close(Dependency d);

  Metrics& metrics_;
  std::array<Probe, kDependencies> probes_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::array<State, kDependencies> states_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace runner::service
