#include "service/worker.hpp"

#include <algorithm>
#include <optional>
#include <thread>

#include "aws/error.hpp"
#include "db/submissions.hpp"
#include "sandbox/select.hpp"
#include "service/job_processor.hpp"
#include "service/live_ports.hpp"
#include "service/log.hpp"

namespace runner::service {

// One concurrency slot: its launcher (sandbox resources are keyed on the slot), its database
// connections (one for the job, one for its lease heartbeat), and what it is doing now, so
// shutdown can return an unfinished job.
struct Worker::Slot {
  int index = 0;
  sandbox::Selection sandbox;
  std::unique_ptr<db::Submissions> db, lease_db;
  std::unique_ptr<LivePorts> ports;
  std::unique_ptr<JobProcessor> processor;
  std::thread thread;
  bool done = false;                       // guarded by Worker::mutex_
  std::optional<aws::SqsMessage> current;  // guarded by Worker::mutex_
};

Worker::Worker(WorkerContext context) : ctx_(context) {
  const auto& s = ctx_.settings;
  probe_db_ = std::make_unique<db::Submissions>(s.database_url);
  // What each breaker's probe asks: the cheapest call that needs the dependency working with
  // the runner's own rights (S3: a put under the results prefix, which the runner may write).
  breakers_ = std::make_unique<Breakers>(
      ctx_.metrics,
      std::array<Breakers::Probe, kDependencies>{
          [this] { probe_db_->ping(); },
          [this, &s] {
            ctx_.s3.put_object(s.s3_bucket, s.results_prefix + ".runner-probe", "ok", "text/plain");
          },
          [this, &s] { ctx_.sqs.get_queue_attributes(s.sqs_queue_url, {"VisibilityTimeout"}); }});
  for (int i = 0; i < s.concurrency; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->index = i;
    slot->sandbox = ctx_.launcher_for_slot(i);
    slot->db = std::make_unique<db::Submissions>(s.database_url);
    slot->lease_db = std::make_unique<db::Submissions>(s.database_url);
    slot->ports = std::make_unique<LivePorts>(ctx_, *slot->sandbox.launcher, *slot->db,
                                              *slot->lease_db, *breakers_);
    slot->processor = std::make_unique<JobProcessor>(
        JobProcessor::Setup{s, ctx_.visibility_seconds, i, ctx_.metrics,
                            [this] { return stopping(); }},
        slot->ports->ports());
    slots_.push_back(std::move(slot));
  }
}

Worker::~Worker() {
  request_stop();
  for (auto& s : slots_) {
    if (s->thread.joinable()) s->thread.join();
  }
}

void Worker::request_stop() {
  stop_ = true;
  breakers_->stop();
  cv_.notify_all();
}

void Worker::report_down(Dependency d, const std::string& reason) {
  breakers_->trip(d, reason);
}

// Before the first poll: PostgreSQL must answer and hold the schema this runner writes. Down:
// wait (it may be starting with us); a wrong schema: fail now, with the list.
bool Worker::wait_for_database() {
  db::Submissions start_db(ctx_.settings.database_url);  // probe_db_ belongs to the probe thread
  while (!stopping()) {
    if (breakers_->is_open(Dependency::Postgres)) {
      ctx_.metrics.polled();  // alive, though waiting: /healthz stays green
      breakers_->wait_closed(std::chrono::seconds(1));
      continue;
    }
    std::vector<std::string> problems;
    try {
      problems = start_db.schema_problems();
    } catch (const db::DbError& e) {
      // The breaker logs the outage once and probes with its back-off until PostgreSQL answers.
      ctx_.metrics.db_error();
      breakers_->trip(Dependency::Postgres, e.what());
      continue;
    }
    if (!problems.empty()) {
      std::string text = "the database is not ready for this runner:";
      for (const auto& p : problems) text += "\n  - " + p;
      throw SchemaError(text);
    }
    return true;
  }
  return false;
}

void Worker::slot_loop(Slot& slot) {
  aws::ReceiveOptions poll;
  poll.max_messages = 1;  // one job per idle slot: nothing waits while its visibility runs
  poll.wait_seconds = std::clamp(ctx_.settings.poll_interval_ms / 1000, 1, 20);
  while (!stopping()) {
    if (breakers_->any_open()) {
      // A dependency is down: take nothing that could only fail. The probe closes the breaker.
      ctx_.metrics.polled();
      breakers_->wait_closed(std::chrono::seconds(1));
      continue;
    }
    std::vector<aws::SqsMessage> messages;
    try {
      messages = ctx_.sqs.receive_messages(ctx_.settings.sqs_queue_url, poll);
      ctx_.metrics.polled();
    } catch (const std::exception& e) {
      ctx_.metrics.queue_error();
      breakers_->trip(Dependency::Sqs, std::string("receive failed: ") + e.what());
      continue;
    }
    for (const auto& m : messages) {
      if (stopping()) {
        // Received while shutting down: hand it straight back.
        try {
          ctx_.sqs.change_message_visibility(ctx_.settings.sqs_queue_url, m.receipt_handle, 0);
        } catch (const std::exception&) {
          ctx_.metrics.queue_error();
        }
        continue;
      }
      {
        std::lock_guard lock(mutex_);
        slot.current = m;
      }
      try {
        slot.processor->process(m);
      } catch (...) {
        // process() contains its own failures; this is the last line that keeps the other
        // slot's job alive. The message reappears after its visibility timeout.
        log_error("internal error: unknown exception while processing a message",
                  {"", "", "receive", std::nullopt});
      }
      {
        std::lock_guard lock(mutex_);
        slot.current.reset();
      }
      cv_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  slot.done = true;
  cv_.notify_all();
}

Worker::RunResult Worker::run() {
  if (!wait_for_database()) return {true, 0};
  for (auto& s : slots_) {
    Slot& slot = *s;
    slot.thread = std::thread([this, &slot] { slot_loop(slot); });
  }
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return stopping(); });
  log_info("stopping: no new jobs; waiting up to " +
               std::to_string(ctx_.settings.shutdown_grace_ms) + " ms for jobs in flight",
           {"", "", "shutdown", std::nullopt});
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(ctx_.settings.shutdown_grace_ms);
  // Every slot ends its loop, idle ones included: a slot in a long poll must see it through and
  // hand back what it brings. A poll left open when the process exits can still be given a
  // message, which then stays invisible for the whole visibility timeout.
  const auto done = [this] {
    return std::all_of(slots_.begin(), slots_.end(), [](const auto& s) { return s->done; });
  };
  cv_.wait_until(lock, deadline, done);
  const bool all_done = done();
  lock.unlock();
  RunResult result;
  if (all_done) {
    for (auto& s : slots_) s->thread.join();
    result.joined = true;
    return result;
  }
  result.returned_jobs = return_abandoned_jobs();
  return result;
}

// The grace is over: give unfinished jobs back (visibility 0, status QUEUED) so another runner
// starts them now. If one of them finishes in the meantime, its row is final and the returned
// message is deleted as a duplicate: nothing is lost or graded into a wrong state.
int Worker::return_abandoned_jobs() {
  std::vector<std::pair<aws::SqsMessage, std::optional<JobProcessor::Lease>>> abandoned;
  {
    std::lock_guard lock(mutex_);
    for (auto& s : slots_) {
      if (s->current) abandoned.emplace_back(*s->current, s->processor->current_lease());
    }
  }
  db::Submissions db(ctx_.settings.database_url);
  for (const auto& [m, lease] : abandoned) {
    const auto parsed = parse_job_message(m.body);
    const LogFields f{parsed.submission_id, parsed.pit_id, "shutdown", std::nullopt};
    try {
      ctx_.sqs.change_message_visibility(ctx_.settings.sqs_queue_url, m.receipt_handle, 0);
    } catch (const std::exception& e) {
      log_warn(std::string("cannot return the message: ") + e.what(), f);
    }
    if (lease) {
      // Not an attempt: the job did nothing wrong. Its thread, if it ever finishes, finds the
      // lease gone and does not publish.
      try {
        db.release_lease(lease->submission_id, lease->token, db::Release::HandBack, "");
      } catch (const std::exception& e) {
        log_warn(e.what(), f);
      }
    }
    log_warn("grace period over: job returned to the queue", f);
  }
  return static_cast<int>(abandoned.size());
}

}  // namespace runner::service
