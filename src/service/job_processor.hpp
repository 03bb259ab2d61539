#pragma once
// One message, start to finish (SPEC §7): take the submission's lease → heartbeat → download →
// grade → upload → verdict in PostgreSQL → delete. What each failure means:
//   - student outcomes are verdicts, final;
//   - infrastructure faults (PostgreSQL, S3, SQS, the local disk, an unknown PIT) never end in a
//     final status and never spend an attempt: a job in flight waits for the dependency (its
//     heartbeat keeps the message), otherwise the message goes back with a growing delay;
//   - attempts that end without a verdict for any other reason (the runner died mid-job, an
//     internal error) are counted in the row; after RUNNER_MAX_ATTEMPTS of them the submission
//     is ERROR with the reason;
//   - a second delivery while a live lease holds the submission stands back; a job whose lease
//     was taken over does not publish.
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "aws/sqs.hpp"
#include "db/submissions.hpp"
#include "exec/launcher.hpp"
#include "service/breaker.hpp"
#include "service/job_message.hpp"
#include "service/log.hpp"
#include "service/worker.hpp"

namespace runner::service {

class JobProcessor {
 public:
  struct Services {
    exec::Launcher& launcher;
    db::Submissions& db;        // the slot's connection
    db::Submissions& lease_db;  // the heartbeat's connection
    Breakers& breakers;
  };
  JobProcessor(const WorkerContext& context, int slot, Services services,
               std::function<bool()> stopping);
  void process(const aws::SqsMessage& message);

  // The lease of the job in flight, for a hand-back at shutdown.
  struct Lease {
    std::string submission_id, token;
  };
  std::optional<Lease> current_lease() const;

  // The visibility timeout (seconds) for a message returned on its n-th receive: 5, 10, 20, ...
  // up to 15 min.
  static int retry_delay_seconds(int receive_count);
  // How long a lease lasts between renewals: a dead holder's lease ends soon after its message
  // reappears, so the next delivery can take over.
  static int lease_seconds(int visibility_seconds) { return visibility_seconds + 10; }

 private:
  struct Job;
  void take_and_run(const aws::SqsMessage& message, const JobMessage& job);
  void run_job(Job& job);
  void publish(Job& job, const std::string& status_text);
  template <typename Fn>
  auto outlast(Dependency dependency, Job& job, Fn&& fn);
  void give_back(Job& job, db::Release kind, const std::string& reason);
  void return_message(const aws::SqsMessage& message, int delay_seconds, const LogFields& f);
  void bad_message(const aws::SqsMessage& message, const std::string& submission_id,
                   const std::string& pit_id, const std::string& reason);
  void delete_message(const aws::SqsMessage& message, const std::string& submission_id);
  void set_lease(std::optional<Lease> lease);

  const WorkerContext& ctx_;
  int slot_;
  Services services_;
  std::function<bool()> stopping_;
  mutable std::mutex lease_mutex_;
  std::optional<Lease> lease_;
  // When process() got the message: job durations run from here (receive → verdict published).
  std::chrono::steady_clock::time_point received_at_;
};

}  // namespace runner::service
