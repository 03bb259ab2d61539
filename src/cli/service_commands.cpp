// `runner serve`, `runner migrate`, `runner enqueue` (docs/service.md).
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "aws/error.hpp"
#include "cli/commands.hpp"
#include "cli/startup.hpp"
#include "db/submissions.hpp"
#include "service/cloud.hpp"
#include "service/dependencies.hpp"
#include "service/http_server.hpp"
#include "service/log.hpp"
#include "service/worker.hpp"
#include "util/text.hpp"

namespace runner::cli {

namespace {

std::string random_id() {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(gen()),
                static_cast<unsigned long long>(gen()));
  return buf;
}

}  // namespace

namespace {

// Signals go to one waiting thread, never interrupt the workers: blocked before any thread
// exists, so every thread inherits the mask.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

void stop_on_signal(const sigset_t& signals, service::Worker& worker) {
  std::thread signal_thread([signals, &worker] {
    int sig = 0;
    sigwait(&signals, &sig);
    service::log_info(std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT"),
                      {"", "", "shutdown", std::nullopt});
    worker.request_stop();
  });
  signal_thread.detach();  // blocked in sigwait until a signal; the process ends without it
}

// /healthz, /readyz and /metrics, unless RUNNER_HTTP_PORT is 0.
void serve_health(service::HttpServer& http, const app::Runtime& runtime) {
  const auto& settings = runtime.settings();
  if (settings.http_port == 0) return;
  http.start(runtime.http_host(), settings.http_port);
  service::log_info("health and metrics on http://" + runtime.http_host() + ":" +
                    std::to_string(http.port()) + "/healthz, /readyz, /metrics");
}

int run_worker(Started& started, const sigset_t& signals) {
  const app::Runtime& runtime = started.runtime;
  const config::Settings& settings = runtime.settings();
  auto cloud = runtime.cloud();
  service::Metrics metrics;
  const int visibility = service::queue_visibility_seconds(*cloud.sqs, settings.sqs_queue_url);
  // Slot 0 runs with the launcher the banner described; the others get their own.
  auto launcher_for_slot = [&](int slot) {
    if (slot == 0 && started.first_slot.launcher) return std::move(started.first_slot);
    return runtime.launcher(slot);
  };
  service::Worker worker({settings, started.tools, *cloud.s3, *cloud.sqs, metrics,
                          runtime.pit_defaults(), runtime.archive_limits(), visibility,
                          launcher_for_slot});
  // Alive while every slot polls: a poll returns within its wait plus the SQS timeout, and twice
  // that is a stall.
  const int wait_s = std::clamp(settings.poll_interval_ms / 1000, 1, 20);
  service::HttpServer http(
      [&] {
        return !worker.stopping() &&
               metrics.alive(std::chrono::seconds(2 * (wait_s + 30)), settings.concurrency);
      },
      [&] { return metrics.render(); });
  // Ready: alive and every dependency answering (liveness alone stays green while the worker
  // waits out an outage, which a restart would not fix).
  http.set_readiness([&] {
    const auto down = metrics.dependencies_down();
    return down.empty() ? std::string() : util::join(down, ", ") + " down";
  });
  serve_health(http, runtime);
  const auto statuses = service::check_dependencies(settings, *cloud.s3, *cloud.sqs);
  report_dependencies(statuses, Report::Log);
  for (const auto& s : statuses) {
    // PostgreSQL is the worker's own start-up wait (it must hold the schema, too).
    if (!s.ok && s.dependency != service::Dependency::Postgres) {
      worker.report_down(s.dependency, s.detail);
    }
  }
  stop_on_signal(signals, worker);

  service::log_info("polling " + settings.sqs_queue_url + " with " +
                    std::to_string(settings.concurrency) + " slot(s), visibility " +
                    std::to_string(visibility) + " s");
  const auto result = worker.run();
  http.stop();
  service::log_info(result.returned_jobs == 0 ? std::string("stopped")
                                              : "stopped; " + std::to_string(result.returned_jobs) +
                                                    " unfinished job(s) returned to the queue",
                    {"", "", "shutdown", std::nullopt});
  if (!result.joined) {
    // Slot threads are still in a long poll or a grade; their jobs are already back in the
    // queue, and a message received now comes back after its visibility timeout.
    std::cout.flush();
    std::cerr.flush();
    std::_Exit(0);
  }
  return 0;
}

}  // namespace

int serve_command() {
  const sigset_t signals = block_stop_signals();
  auto started = start_service();  // sets the log format
  if (!started) return 1;
  try {
    return run_worker(*started, signals);
  } catch (const std::exception& e) {
    service::log_error(e.what());  // one line, JSON in JSON mode
    return 1;
  }
}

int migrate_command() {
  const auto runtime = load_runtime(config::Purpose::Service);
  if (!runtime) return 1;
  const config::Settings* settings = &runtime->settings();
  try {
    std::cout << "migrating " << config::mask_database_url(settings->database_url) << "\n";
    db::Submissions db(settings->database_url);
    const auto result = db.migrate([](const std::string& name) {
      std::cout << "✓ applied " << name << "\n" << std::flush;
    });
    std::cout << "✓ schema up to date (version " << result.version << ")\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return 1;
  }
}

namespace {

// Why `pit_id` is not a PIT of `pits_dir` (naming the ones there and the closest), or nullopt:
// a job for a PIT no worker has would fail on every worker, not here.
std::optional<std::string> unknown_pit(const std::filesystem::path& pits_dir,
                                       const std::string& pit_id) {
  if (!pit_id.empty() && pit_id.find('/') == std::string::npos &&
      std::filesystem::is_regular_file(pits_dir / pit_id / "pit.yaml")) {
    return std::nullopt;
  }
  std::vector<std::string> known;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(pits_dir, ec)) {
    if (std::filesystem::is_regular_file(entry.path() / "pit.yaml")) {
      known.push_back(entry.path().filename().string());
    }
  }
  std::sort(known.begin(), known.end());
  std::string message = "no PIT '" + pit_id + "' in RUNNER_PITS_DIR (" + pits_dir.string() + ")";
  message += known.empty() ? ": it holds no PIT" : "; it has " + util::join(known, ", ");
  if (auto near = util::closest(pit_id, known)) message += "; did you mean '" + *near + "'?";
  return message;
}

}  // namespace

int enqueue_command(const EnqueueOptions& options) {
  const auto runtime = load_runtime(config::Purpose::Service);
  if (!runtime) return 1;
  const config::Settings* settings = &runtime->settings();
  if (!std::filesystem::is_regular_file(options.zip)) {
    std::cerr << "✗ submission not found: " << options.zip.string() << "\n";
    return 2;
  }
  if (auto unknown = unknown_pit(settings->pits_dir, options.pit_id)) {
    std::cerr << "✗ " << *unknown << "\n";
    return 2;
  }
  const std::string id = options.submission_id.value_or(random_id());
  const std::string key = "submissions/" + id + ".zip";
  try {
    auto cloud = runtime->cloud();
    cloud.s3->put_object_file(settings->s3_bucket, key, options.zip, "application/zip");
    db::Submissions db(settings->database_url);
    db.insert_queued(id, options.pit_id);
    const nlohmann::json body = {{"submissionId", id}, {"pitId", options.pit_id}, {"zipKey", key}};
    const std::string message_id = cloud.sqs->send_message(settings->sqs_queue_url, body.dump());
    std::cout << "✓ enqueued submission " << id << " (s3://" << settings->s3_bucket << "/" << key
              << ", message " << message_id << ")\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return 1;
  }
}

}  // namespace runner::cli
