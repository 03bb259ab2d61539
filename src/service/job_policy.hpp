#pragma once
// What becomes of a job's message and row after each step: pure decisions, no I/O and no clock.
// The sequence in service/job_processor.cpp does the steps through its ports and applies what
// these return (docs/service.md, "Lifecycle of a job" and "Failure handling"):
//   - student outcomes are verdicts, final;
//   - infrastructure faults (PostgreSQL, S3, SQS, the local disk, an unknown PIT) never end in a
//     final status and never spend an attempt: a job in flight waits for the dependency (its
//     heartbeat keeps the message), otherwise the message goes back with a growing delay;
//   - attempts that end without a verdict for any other reason (the runner died mid-job, an
//     internal error, a ZIP not in the bucket) are counted in the row; the one that reaches
//     RUNNER_MAX_ATTEMPTS publishes ERROR with the reason;
//   - a second delivery while a live lease holds the submission stands back; a job whose lease
//     was taken over does not publish.
#include <chrono>
#include <optional>
#include <string>

#include "db/submissions.hpp"
#include "grading/verdict.hpp"

namespace runner::service::policy {

enum class Action {
  Grade,      // the lease is ours: load the PIT, download, grade
  Publish,    // upload the verdict, store it under the lease, delete the message
  GiveUp,     // the attempts ran out: publish ERROR with `reason` ("gave up after N attempts ...")
  Retry,      // give back: the lease released as `release`, the message visible after the delay
  HandBack,   // give back at once (shutting down): the lease released without a counter
  StandBack,  // another grading holds the lease: the message back until it would end, no release
  Duplicate,  // the row is final already: delete the message
  Poison,     // a message that can never be graded: the row ERROR (when it names one), deleted
  Abandon,    // the lease was taken over: publish nothing, leave the message to its new holder
  Done,       // nothing left to do
};

struct Decision {
  Action action = Action::Done;
  int delay_seconds = 0;               // Retry, HandBack, StandBack: the message's visibility
  std::optional<db::Release> release;  // Retry, HandBack: how the lease goes back (none: no
                                       // lease is held)
  std::string reason;                  // the log line; Retry: the row's `error`; GiveUp: the text
};

// How a step ended.
enum class Outcome { Verdict, InfraFault, FailedAttempt, LeaseLost, Stopping };

// What is known about the job when deciding.
struct Facts {
  int receive_count = 1;     // the message's ApproximateReceiveCount
  int max_attempts = 3;      // RUNNER_MAX_ATTEMPTS
  int failed_attempts = 0;   // the row's, once the lease is taken
  bool has_verdict = false;  // the job already publishes a verdict it did not grade (given up,
                             // rejected): a failure now is not the one that gives up
};

// The visibility timeout (seconds) for a message given back on its n-th receive: 5, 10, 20, ...
// up to 15 min.
int retry_delay_seconds(int receive_count);
// How long a lease lasts between renewals: a dead holder's lease ends soon after its message
// reappears, so the next delivery can take over.
inline int lease_seconds(int visibility_seconds) {
  return visibility_seconds + 10;
}
// How long a job in flight waits for a dependency before it gives the message back: longer than a
// database failover (60-120 s) and a regional S3 incident (15 min).
inline constexpr std::chrono::minutes kMaxOutageWait{20};

// A body that is not a job.
Decision bad_message(const std::string& reason);
// PostgreSQL failed before the job held a lease (taking it, or marking a bad message's row).
Decision store_down(const Facts& facts, const std::string& reason);
// After take_lease.
Decision after_take(const db::TakeResult& take, const Facts& facts);
// After a step of a job that holds the lease. Verdict: publish it.
Decision after(Outcome outcome, const std::string& reason, const Facts& facts);

// What the grading core's verdict is to the service: ERROR is never the student's doing.
Outcome classify(const grading::Verdict& verdict);
// What an S3 error code says: an outage of S3 (wait for it), or the object's own state.
enum class S3Error { Outage, NoSuchKey, TooLarge };
S3Error classify_s3(const std::string& code);

// The ERROR text of a submission given up on.
std::string give_up_text(int max_attempts, const std::string& last_reason);

// A job in flight waiting for a dependency, after its call failed.
struct Waiting {
  std::chrono::milliseconds waited{0};  // since the call first failed
  bool stopping = false;
  bool lease_lost = false;
  bool closed = false;        // every breaker closed
  bool backoff_over = false;  // the back-off since the last failure has passed
};
enum class Wait { Keep, CallAgain, Stop, LeaseLost, GiveBack };
Wait while_down(const Waiting& w);
// The back-off between calls that keep failing: 1, 2, 4 ... 30 s.
std::chrono::milliseconds next_backoff(std::chrono::milliseconds backoff);

// After write_verdict: whether the row holds this job's verdict. A call that faulted may have
// committed unseen: the row then names this attempt's feedback key.
bool verdict_stored(bool written, bool faulted, const std::optional<std::string>& row_feedback_key,
                    const std::string& our_feedback_key);

}  // namespace runner::service::policy
