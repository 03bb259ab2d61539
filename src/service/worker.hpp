#pragma once
// The worker behind `runner serve` (docs/service.md): RUNNER_CONCURRENCY slots, each with its own
// sandbox launcher and database connections, each receiving one message only when it is idle,
// so no message waits unprocessed while its visibility runs out. Before the first poll it checks
// the database and its schema; while a dependency's breaker is open (service/breaker.hpp) no
// slot receives.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "archive/extract.hpp"
#include "aws/s3.hpp"
#include "aws/sqs.hpp"
#include "config/settings.hpp"
#include "db/submissions.hpp"
#include "drivers/driver.hpp"
#include "pit/pit.hpp"
#include "sandbox/select.hpp"
#include "service/breaker.hpp"
#include "service/metrics.hpp"

namespace runner::service {

struct WorkerContext {
  const config::Settings& settings;
  const drivers::Toolchain& tools;
  aws::S3Client& s3;
  aws::SqsClient& sqs;
  Metrics& metrics;
  pit::PitDefaults pit_defaults;  // what a PIT inherits when it does not say
  archive::Limits archive_limits;
  int visibility_seconds = 30;  // the queue's VisibilityTimeout: the heartbeat renews it
  // The launcher of job slot n (0 .. RUNNER_CONCURRENCY-1): sandbox resources are keyed on it.
  std::function<sandbox::Selection(int slot)> launcher_for_slot;
};

class Worker {
 public:
  explicit Worker(WorkerContext context);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  struct RunResult {
    bool joined = false;    // every slot thread ended; otherwise the caller must end the
                            // process without joining them (they sit in a long poll or a grade)
    int returned_jobs = 0;  // jobs given back to the queue (visibility 0, status QUEUED)
  };
  // Waits for PostgreSQL if it does not answer yet, then runs the slots until request_stop(),
  // then waits up to RUNNER_SHUTDOWN_GRACE_MS for the jobs in flight and returns the unfinished
  // ones. Throws SchemaError when the table is not what this runner needs.
  RunResult run();
  void request_stop();
  // A dependency found down before the first poll (serve's start-up check): its breaker opens
  // now, so no slot receives a job that could only fail and /readyz says so from the start.
  // The breaker's probe closes it when the dependency answers.
  void report_down(Dependency d, const std::string& reason);
  bool stopping() const { return stop_.load(); }

  struct Slot;  // per-slot state, defined in worker.cpp

  class SchemaError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
  };

 private:
  bool wait_for_database();
  void slot_loop(Slot& slot);
  int return_abandoned_jobs();

  WorkerContext ctx_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::unique_ptr<db::Submissions> probe_db_;
  std::unique_ptr<Breakers> breakers_;
};

}  // namespace runner::service
