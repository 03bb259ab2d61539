// `runner serve`, `runner migrate`, `runner enqueue` (README, "Commands"; docs/service.md).
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "aws/error.hpp"
#include "cli/commands.hpp"
#include "cli/setup.hpp"
#include "config/environment.hpp"
#include "db/submissions.hpp"
#include "service/cloud.hpp"
#include "service/http_server.hpp"
#include "service/log.hpp"
#include "service/worker.hpp"

namespace runner::cli {

namespace {

// Where /healthz and /metrics listen: all interfaces (a container's health check comes from
// outside), or RUNNER_HTTP_HOST (tests and local runs use 127.0.0.1).
std::string http_host() {
  const auto env = config::layer_dotenv(config::process_environment(), ".env").values;
  auto it = env.find("RUNNER_HTTP_HOST");
  return it != env.end() && !it->second.empty() ? it->second : "0.0.0.0";
}

std::string random_id() {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(gen()),
                static_cast<unsigned long long>(gen()));
  return buf;
}

}  // namespace

int serve_command() {
  // Signals go to one waiting thread, never interrupt the workers: block them before any
  // thread exists, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (!print_banner()) return 1;
  auto settings = load_configuration(config::Purpose::Service);
  if (!settings) return 1;
  service::set_log_format(settings->log_format);

  try {
    const auto tools =
        drivers::Toolchain::discover(settings->jdk_version, share_dir(), testhost_dir());
    auto cloud = service::make_cloud();
    service::Metrics metrics;
    const int visibility = service::queue_visibility_seconds(*cloud.sqs, settings->sqs_queue_url);
    service::Worker worker({*settings, tools, *cloud.s3, *cloud.sqs, metrics, visibility});

    const int wait_s = std::clamp(settings->poll_interval_ms / 1000, 1, 20);
    service::HttpServer http(
        [&] {
          // A poll returns within its wait plus the SQS timeout; twice that is a stall.
          return !worker.stopping() &&
                 metrics.alive(std::chrono::seconds(2 * (wait_s + 30)), settings->concurrency);
        },
        [&] { return metrics.render(); });
    if (settings->http_port != 0) {
      http.start(http_host(), settings->http_port);
      service::log_info("health and metrics on http://" + http_host() + ":" +
                        std::to_string(http.port()) + "/healthz, /metrics");
    }

    std::thread signal_thread([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      service::log_info(std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT"),
                        {"", "", "shutdown", std::nullopt});
      worker.request_stop();
    });
    signal_thread.detach();  // blocked in sigwait until a signal; the process ends without it

    service::log_info("polling " + settings->sqs_queue_url + " with " +
                      std::to_string(settings->concurrency) + " slot(s), visibility " +
                      std::to_string(visibility) + " s");
    const auto result = worker.run();
    http.stop();
    service::log_info(result.returned_jobs == 0
                          ? std::string("stopped")
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
  } catch (const std::exception& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return 1;
  }
}

int migrate_command() {
  auto settings = load_configuration(config::Purpose::Service);
  if (!settings) return 1;
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

int enqueue_command(const EnqueueOptions& options) {
  auto settings = load_configuration(config::Purpose::Service);
  if (!settings) return 1;
  if (!std::filesystem::is_regular_file(options.zip)) {
    std::cerr << "✗ submission not found: " << options.zip.string() << "\n";
    return 2;
  }
  const std::string id = options.submission_id.value_or(random_id());
  const std::string key = "submissions/" + id + ".zip";
  try {
    auto cloud = service::make_cloud();
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
