#include "service/worker.hpp"

#include <algorithm>
#include <optional>
#include <thread>

#include "aws/error.hpp"
#include "db/submissions.hpp"
#include "sandbox/select.hpp"
#include "service/job_processor.hpp"
#include "service/log.hpp"

namespace runner::service {

// One concurrency slot: its launcher (sandbox resources are keyed on the slot), its database
// connection, and what it is doing now, so shutdown can return an unfinished job.
struct Worker::Slot {
  int index = 0;
  sandbox::Selection sandbox;
  std::unique_ptr<db::Submissions> db;
  std::thread thread;
  bool done = false;                       // guarded by Worker::mutex_
  std::optional<aws::SqsMessage> current;  // guarded by Worker::mutex_
};

Worker::Worker(WorkerContext context) : ctx_(context) {
  for (int i = 0; i < ctx_.settings.concurrency; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->index = i;
    slot->sandbox = sandbox::select_launcher(ctx_.settings.sandbox, i,
                                             static_cast<uid_t>(ctx_.settings.uid_base));
    slot->db = std::make_unique<db::Submissions>(ctx_.settings.database_url);
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
  cv_.notify_all();
}

void Worker::slot_loop(Slot& slot) {
  JobProcessor processor(ctx_, slot.index, *slot.sandbox.launcher, *slot.db,
                         [this] { return stopping(); });
  aws::ReceiveOptions poll;
  poll.max_messages = 1;  // one job per idle slot: nothing waits while its visibility runs
  poll.wait_seconds = std::clamp(ctx_.settings.poll_interval_ms / 1000, 1, 20);
  while (!stopping()) {
    std::vector<aws::SqsMessage> messages;
    try {
      messages = ctx_.sqs.receive_messages(ctx_.settings.sqs_queue_url, poll);
      ctx_.metrics.polled();
    } catch (const std::exception& e) {
      ctx_.metrics.queue_error();
      log_warn(std::string("receive failed: ") + e.what(), {"", "", "receive", std::nullopt});
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, std::chrono::seconds(2), [this] { return stopping(); });
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
      processor.process(m);
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
  std::vector<aws::SqsMessage> abandoned;
  {
    std::lock_guard lock(mutex_);
    for (auto& s : slots_) {
      if (s->current) abandoned.push_back(*s->current);
    }
  }
  db::Submissions db(ctx_.settings.database_url);
  for (const auto& m : abandoned) {
    const auto parsed = parse_job_message(m.body);
    const LogFields f{parsed.submission_id, parsed.pit_id, "shutdown", std::nullopt};
    try {
      ctx_.sqs.change_message_visibility(ctx_.settings.sqs_queue_url, m.receipt_handle, 0);
    } catch (const std::exception& e) {
      log_warn(std::string("cannot return the message: ") + e.what(), f);
    }
    if (!parsed.submission_id.empty()) {
      try {
        db.requeue(parsed.submission_id, "");
      } catch (const std::exception& e) {
        log_warn(e.what(), f);
      }
    }
    log_warn("grace period over: job returned to the queue", f);
  }
  return static_cast<int>(abandoned.size());
}

}  // namespace runner::service
