#pragma once
// One message, start to finish (docs/service.md, "Lifecycle of a job"): take the submission's
// lease → heartbeat → PIT → download → grade → upload → verdict in PostgreSQL → delete. This is
// the I/O sequence only: every call goes through a port (service/job_ports.hpp), and what a
// step's outcome means for the message and the row is decided in service/job_policy.hpp.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "aws/sqs.hpp"
#include "config/settings.hpp"
#include "service/job_message.hpp"
#include "service/job_policy.hpp"
#include "service/job_ports.hpp"
#include "service/log.hpp"
#include "service/metrics.hpp"
#include "service/outlast.hpp"

namespace runner::service {

class JobFolder;

class JobProcessor {
 public:
  struct Setup {
    const config::Settings& settings;  // RUNNER_MAX_ATTEMPTS, the work dir, bucket and prefix
    int visibility_seconds;            // the queue's VisibilityTimeout
    int slot;                          // names the job folder
    Metrics& metrics;
    std::function<bool()> stopping;  // the worker is shutting down
  };
  JobProcessor(Setup setup, JobPorts ports);
  void process(const aws::SqsMessage& message);

  // The lease of the job in flight, for a hand-back at shutdown.
  struct Lease {
    std::string submission_id, token;
  };
  std::optional<Lease> current_lease() const;

 private:
  struct Job;
  void poison(const aws::SqsMessage& message, const ParseResult& parsed,
              const policy::Decision& decision);
  void take_and_run(const aws::SqsMessage& message, const JobMessage& msg);
  void run(const aws::SqsMessage& message, const JobMessage& msg, const db::TakeResult& take,
           policy::Decision decision);
  policy::Decision step(Job& job, const policy::Decision& decision);
  policy::Decision attempt(Job& job, const policy::Decision& decision);
  policy::Decision decide(Job& job, policy::Outcome outcome, const std::string& reason);
  pit::Pit load_pit(const JobMessage& msg);
  grading::Verdict download_and_grade(Job& job, const JobFolder& dir, const pit::Pit& pit);
  void write_outputs(const JobFolder& dir, const grading::Verdict& verdict);
  void publish(Job& job, const JobFolder& dir);
  void store(Job& job, const db::VerdictRow& row);
  void give_back(const aws::SqsMessage& message, Job* job, const policy::Decision& decision,
                 const LogFields& f);
  void delete_message(const aws::SqsMessage& message, const std::string& submission_id);
  void set_lease(std::optional<Lease> lease);

  Setup setup_;
  JobPorts ports_;
  Outlast outlast_;
  mutable std::mutex lease_mutex_;
  std::optional<Lease> lease_;
  // When process() got the message: job durations run from here (receive → verdict published).
  std::chrono::steady_clock::time_point received_at_;
};

}  // namespace runner::service
