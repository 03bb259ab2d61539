#pragma once
// What a job needs from the world, one small interface per dependency. The sequence in
// service/job_processor.cpp works through these only: the worker plugs in the real ones
// (service/live_ports.hpp: SQS, PostgreSQL, S3, the grading core with the slot's launcher, the
// heartbeat, the breakers), the unit tests fakes.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "aws/sqs.hpp"
#include "db/submissions.hpp"
#include "grading/grader.hpp"
#include "pit/pit.hpp"
#include "service/breaker.hpp"
#include "service/log.hpp"

namespace runner::service {

// The job's message in the queue. Both calls throw on failure.
class Queue {
 public:
  virtual ~Queue() = default;
  virtual void change_visibility(const aws::SqsMessage& message, int seconds) = 0;
  virtual void remove(const aws::SqsMessage& message) = 0;
};

// The submission's row: the lease API of db::Submissions (see there). Throws db::DbError on an
// outage.
class Store {
 public:
  virtual ~Store() = default;
  virtual db::TakeResult take_lease(const std::string& id, const std::string& pit_id,
                                    int lease_seconds) = 0;
  virtual bool write_verdict(const std::string& id, const std::string& token,
                             const db::VerdictRow& row) = 0;
  virtual bool release_lease(const std::string& id, const std::string& token, db::Release kind,
                             const std::string& reason) = 0;
  virtual bool mark_error(const std::string& id, const std::string& pit_id,
                          const std::string& reason) = 0;
  virtual std::optional<std::string> feedback_key(const std::string& id) = 0;
};

// The bucket: the submission's ZIP and the verdict's files. Throws aws::AwsError.
class Objects {
 public:
  virtual ~Objects() = default;
  // A larger object throws ObjectTooLarge and leaves no file.
  virtual void download(const std::string& key, const std::filesystem::path& file,
                        std::uint64_t max_bytes) = 0;
  virtual void upload(const std::string& key, const std::filesystem::path& file,
                      const std::string& content_type) = 0;
};

// The grading core, with the slot's launcher.
class Grader {
 public:
  virtual ~Grader() = default;
  // The PIT `pit_id` of RUNNER_PITS_DIR; nullopt when this runner has no such PIT. Throws
  // pit::PitError when its pit.yaml is invalid.
  virtual std::optional<pit::Pit> load_pit(const std::string& pit_id) = 0;
  // The sandbox block of a verdict for `pit`: what its jobs run under.
  virtual grading::SandboxInfo sandbox(const pit::Pit& pit) const = 0;
  // grading::grade; job folders under `work_dir`.
  virtual grading::Verdict grade(const grading::GradeRequest& request,
                                 const std::filesystem::path& work_dir) = 0;
};

// Keeps a taken job's message and lease alive (service/heartbeat.hpp) until it is destroyed.
class LeaseWatch {
 public:
  virtual ~LeaseWatch() = default;
  // The lease was found taken by another grading: the job must not publish.
  virtual bool lease_lost() const = 0;
};
class Heartbeats {
 public:
  virtual ~Heartbeats() = default;
  virtual std::unique_ptr<LeaseWatch> start(const aws::SqsMessage& message, const std::string& id,
                                            const std::string& token, const LogFields& fields) = 0;
};

// The dependencies' circuit breakers, and the time a job waits on them.
class Outages {
 public:
  virtual ~Outages() = default;
  virtual void trip(Dependency dependency, const std::string& reason) = 0;
  // Up to `max_wait` for every breaker to close (or the worker to stop); true when all are closed.
  // Returns at once when they already are.
  virtual bool wait_closed(std::chrono::milliseconds max_wait) = 0;
  // Sleeps `duration` (a back-off with every breaker closed).
  virtual void pause(std::chrono::milliseconds duration) = 0;
  virtual std::chrono::steady_clock::time_point now() = 0;
};

struct JobPorts {
  Queue& queue;
  Store& store;
  Objects& objects;
  Grader& grader;
  Heartbeats& heartbeats;
  Outages& outages;
};

}  // namespace runner::service
