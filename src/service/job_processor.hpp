#pragma once
// One message, start to finish: mark RUNNING → heartbeat → download → grade → upload →
// verdict in PostgreSQL → delete. Decides what each failure means (SPEC §7):
//   - student outcomes are verdicts, final;
//   - poison (bad body, unknown PIT, missing ZIP) gets an ERROR verdict when the id is known,
//     and the message is deleted: it can never succeed;
//   - infrastructure faults (S3, SQS, PostgreSQL, local disk) return the message with a growing
//     visibility timeout, until RUNNER_MAX_ATTEMPTS receives, then ERROR and delete.
#include <chrono>
#include <functional>
#include <string>

#include "aws/sqs.hpp"
#include "db/submissions.hpp"
#include "exec/launcher.hpp"
#include "service/job_message.hpp"
#include "service/worker.hpp"

namespace runner::service {

class JobProcessor {
 public:
  JobProcessor(const WorkerContext& context, int slot, exec::Launcher& launcher,
               db::Submissions& db, std::function<bool()> stopping);
  void process(const aws::SqsMessage& message);

  // The visibility timeout (seconds) for the n-th failed receive: 2, 4, 8, ... up to 15 min.
  static int retry_delay_seconds(int receive_count);

 private:
  void run_job(const aws::SqsMessage& message, const JobMessage& job);
  void poison(const aws::SqsMessage& message, const std::string& submission_id,
              const std::string& pit_id, const std::string& reason);
  void infrastructure_fault(const aws::SqsMessage& message, const JobMessage& job,
                            const std::string& reason);
  void delete_message(const aws::SqsMessage& message, const std::string& submission_id);

  const WorkerContext& ctx_;
  int slot_;
  exec::Launcher& launcher_;
  db::Submissions& db_;
  std::function<bool()> stopping_;
  // When process() got the message: job durations run from here (receive → verdict published).
  std::chrono::steady_clock::time_point received_at_;
};

}  // namespace runner::service
