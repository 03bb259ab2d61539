#include "service/breaker.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "service/log.hpp"

namespace runner::service {

namespace {
using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kFirstProbe{1000};
constexpr std::chrono::milliseconds kMaxInterval{30000};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
}  // namespace

const char* name(Dependency d) {
  switch (d) {
    case Dependency::Postgres:
      return "postgres";
    case Dependency::S3:
      return "s3";
    case Dependency::Sqs:
      return "sqs";
  }
  return "?";
}

Breakers::Breakers(Metrics& metrics, std::array<Probe, kDependencies> probes)
    : metrics_(metrics), probes_(std::move(probes)), thread_([this] { probe_loop(); }) {
  for (std::size_t i = 0; i < kDependencies; ++i) {
    metrics_.set_dependency_up(name(static_cast<Dependency>(i)), true);
  }
}

Breakers::~Breakers() {
  stop();
  thread_.join();
}

void Breakers::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
}

void Breakers::trip(Dependency d, const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    State& s = states_[static_cast<std::size_t>(d)];
    if (s.open) return;
    s.open = true;
    s.reason = reason;
    s.since = Clock::now();
    s.interval = kFirstProbe;
    s.next_probe = s.since + kFirstProbe;
  }
  metrics_.set_dependency_up(name(d), false);
  log_error(
      fmt::format("{} unavailable: {}; no new jobs until it answers (probing)", name(d), reason),
      {"", "", "breaker", std::nullopt});
  cv_.notify_all();
}

void Breakers::close(Dependency d) {
  double down = 0;
  {
    std::lock_guard lock(mutex_);
    State& s = states_[static_cast<std::size_t>(d)];
    if (!s.open) return;
    s.open = false;
    down = seconds_since(s.since);
  }
  metrics_.set_dependency_up(name(d), true);
  log_info(fmt::format("{} is back after {:.0f} s; taking jobs again", name(d), down),
           {"", "", "breaker", std::nullopt});
  cv_.notify_all();
}

bool Breakers::is_open(Dependency d) const {
  std::lock_guard lock(mutex_);
  return states_[static_cast<std::size_t>(d)].open;
}

bool Breakers::any_open() const {
  std::lock_guard lock(mutex_);
  return std::any_of(states_.begin(), states_.end(), [](const State& s) { return s.open; });
}

bool Breakers::wait_closed(std::chrono::milliseconds max_wait) {
  std::unique_lock lock(mutex_);
  const auto all_closed = [this] {
    return std::none_of(states_.begin(), states_.end(), [](const State& s) { return s.open; });
  };
  cv_.wait_for(lock, max_wait, [&] { return stop_ || all_closed(); });
  return all_closed();
}

void Breakers::probe_loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    // The earliest probe due, if any breaker is open.
    std::optional<std::size_t> due;
    for (std::size_t i = 0; i < kDependencies; ++i) {
      if (states_[i].open && (!due || states_[i].next_probe < states_[*due].next_probe)) due = i;
    }
    if (!due) {
      cv_.wait(lock);
      continue;
    }
    if (Clock::now() < states_[*due].next_probe) {
      cv_.wait_until(lock, states_[*due].next_probe);
      continue;
    }
    const auto d = static_cast<Dependency>(*due);
    lock.unlock();
    std::string failure;
    try {
      probes_[*due]();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (failure.empty()) {
      close(d);
      lock.lock();
      continue;
    }
    lock.lock();
    State& s = states_[*due];
    if (s.reason != failure) {
      // Still down, for another reason now (e.g. refused, then starting up): worth one line.
      s.reason = failure;
      const std::string line = fmt::format("{} still unavailable after {:.0f} s: {}", name(d),
                                           seconds_since(s.since), failure);
      lock.unlock();
      log_warn(line, {"", "", "breaker", std::nullopt});
      lock.lock();
    }
    s.interval = std::min(kMaxInterval, s.interval * 2);
    s.next_probe = Clock::now() + s.interval;
  }
}

}  // namespace runner::service
