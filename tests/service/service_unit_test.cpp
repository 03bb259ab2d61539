// The worker's pure parts: message parsing, PIT id safety, retry delays, breakers, metrics text.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "db/submissions.hpp"
#include "grading/status.hpp"
#include "grading/verdict.hpp"
#include "service/breaker.hpp"
#include "service/http_server.hpp"
#include "service/job_message.hpp"
#include "service/job_policy.hpp"
#include "service/metrics.hpp"

namespace runner::service {
namespace {

TEST(JobMessage, ParsesTheDocumentedShapeAndIgnoresExtraFields) {
  auto r = parse_job_message(
      R"({"submissionId":"s1","pitId":"calc","zipKey":"submissions/s1.zip","extra":1})");
  ASSERT_TRUE(r.job);
  EXPECT_EQ(r.job->submission_id, "s1");
  EXPECT_EQ(r.job->pit_id, "calc");
  EXPECT_EQ(r.job->zip_key, "submissions/s1.zip");
}

TEST(JobMessage, PoisonBodiesSayWhyAndKeepWhatIdTheyHave) {
  EXPECT_EQ(parse_job_message("nope").error, "message body is not JSON");
  EXPECT_EQ(parse_job_message("[1]").error, "message body is not a JSON object");
  auto r = parse_job_message(R"({"submissionId":"s2","pitId":7})");
  EXPECT_FALSE(r.job);
  EXPECT_EQ(r.submission_id, "s2");
  EXPECT_EQ(r.error, "message lacks string field(s): pitId, zipKey");
}

TEST(JobMessage, PitIdsCannotLeaveThePitsFolder) {
  EXPECT_TRUE(is_safe_pit_id("calculator-2"));
  for (const char* bad : {"", ".", "..", "../x", "a/b", "a\\b", "a\nb"}) {
    EXPECT_FALSE(is_safe_pit_id(bad)) << bad;
  }
}

TEST(JobMessage, APitIdThatCannotBeAFolderIsABadMessage) {
  auto r = parse_job_message(R"({"submissionId":"s3","pitId":"../etc","zipKey":"k"})");
  EXPECT_FALSE(r.job);
  EXPECT_EQ(r.submission_id, "s3");
  EXPECT_NE(r.error.find("pitId is not a folder name"), std::string::npos) << r.error;
}

TEST(Retry, VisibilityGrowsAndIsCapped) {
  EXPECT_EQ(policy::retry_delay_seconds(1), 5);
  EXPECT_EQ(policy::retry_delay_seconds(2), 10);
  EXPECT_EQ(policy::retry_delay_seconds(3), 20);
  EXPECT_EQ(policy::retry_delay_seconds(8), 640);
  EXPECT_EQ(policy::retry_delay_seconds(9), 900);
  EXPECT_EQ(policy::retry_delay_seconds(50), 900);
}

TEST(Lease, OutlastsTheVisibilityTimeoutSoADeadHoldersMessageFindsItEnding) {
  EXPECT_GT(policy::lease_seconds(30), 30);
  EXPECT_LE(policy::lease_seconds(30), 60);
}

// The breaker opens on a trip, holds while its probe fails, and closes on the probe's first
// success; /metrics shows the state and counts the outage.
TEST(Breakers, OpenUntilTheProbeSucceeds) {
  Metrics m;
  std::atomic<int> probes{0};
  std::atomic<bool> database_back{false};
  Breakers b(m, {[&] {
                   probes++;
                   if (!database_back) throw std::runtime_error("connection refused");
                 },
                 [] {}, [] {}});
  EXPECT_FALSE(b.any_open());
  EXPECT_NE(m.render().find("runner_dependency_up{dependency=\"postgres\"} 1"), std::string::npos);
  b.trip(Dependency::Postgres, "connection refused");
  EXPECT_TRUE(b.is_open(Dependency::Postgres));
  EXPECT_FALSE(b.is_open(Dependency::S3));
  EXPECT_NE(m.render().find("runner_dependency_up{dependency=\"postgres\"} 0"), std::string::npos);
  EXPECT_FALSE(b.wait_closed(std::chrono::milliseconds(1500)));  // the first probe failed
  EXPECT_GE(probes.load(), 1);
  database_back = true;
  EXPECT_TRUE(b.wait_closed(std::chrono::seconds(10)));  // the next probe, 2 s later
  EXPECT_FALSE(b.any_open());
  const std::string text = m.render();
  EXPECT_NE(text.find("runner_dependency_up{dependency=\"postgres\"} 1"), std::string::npos);
  EXPECT_NE(text.find("runner_dependency_outages_total{dependency=\"postgres\"} 1"),
            std::string::npos)
      << text;
}

TEST(Breakers, StopWakesEveryWaiter) {
  Metrics m;
  Breakers b(m, {[] { throw std::runtime_error("down"); }, [] {}, [] {}});
  b.trip(Dependency::Postgres, "down");
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    b.stop();
  });
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(b.wait_closed(std::chrono::seconds(30)));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  stopper.join();
}

TEST(Statuses, FinalAreTheVerdictStatuses) {
  EXPECT_FALSE(grading::is_final_status("QUEUED"));
  EXPECT_FALSE(grading::is_final_status("RUNNING"));
  EXPECT_FALSE(grading::is_final_status("completed"));
  EXPECT_TRUE(grading::is_final_status("COMPLETED"));
  EXPECT_TRUE(grading::is_final_status("ERROR"));
}

// The one table gives feedback.json its names and the SQL its list of final statuses.
TEST(Statuses, OneTableForNamesAndTheSqlList) {
  EXPECT_EQ(grading::final_statuses_sql(),
            "('COMPLETED','BUILD_FAILED','TIMEOUT','MEMORY_LIMIT','INVALID_SUBMISSION','ERROR')");
  for (const auto& s : grading::statuses()) {
    EXPECT_EQ(grading::to_string(s.status), s.name);
    EXPECT_EQ(grading::parse_status(s.name), s.status);
    EXPECT_EQ(grading::is_final(s.status), s.final);
  }
  grading::Verdict v;
  v.status = grading::Status::InvalidSubmission;
  EXPECT_EQ(grading::to_json(v)["status"], "INVALID_SUBMISSION");
  EXPECT_FALSE(grading::parse_status("DONE"));
}

// A second runner on the same port fails to start instead of sharing it (SO_REUSEPORT).
TEST(HttpServer, ASecondServerOnTheSamePortFailsToStart) {
  HttpServer first([] { return true; }, [] { return std::string(); });
  first.start("127.0.0.1", 0);
  ASSERT_GT(first.port(), 0);
  HttpServer second([] { return true; }, [] { return std::string(); });
  try {
    second.start("127.0.0.1", first.port());
    FAIL() << "the second server shares port " << first.port();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(
        std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
        std::string::npos)
        << e.what();
  }
}

// /readyz is 503 with the reason while a dependency is down; /healthz is about liveness only.
TEST(HttpServer, ReadinessIsApartFromLiveness) {
  std::string down = "postgres down";
  HttpServer server([] { return true; }, [] { return std::string(); });
  server.set_readiness([&] { return down; });
  server.start("127.0.0.1", 0);
  httplib::Client client("127.0.0.1", server.port());
  auto ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(ready->body, "not ready: postgres down\n");
  auto alive = client.Get("/healthz");
  ASSERT_TRUE(alive);
  EXPECT_EQ(alive->status, 200);
  down.clear();
  ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
}

TEST(Metrics, EveryFinalStatusHasASeriesBeforeTheFirstJob) {
  const std::string text = Metrics().render();
  for (const char* status :
       {"COMPLETED", "BUILD_FAILED", "TIMEOUT", "MEMORY_LIMIT", "INVALID_SUBMISSION", "ERROR"}) {
    EXPECT_NE(text.find(std::string("runner_jobs_total{status=\"") + status + "\"} 0\n"),
              std::string::npos)
        << status << "\n"
        << text;
  }
  EXPECT_EQ(text.find("status=\"QUEUED\""), std::string::npos);
}

TEST(Metrics, RendersPrometheusText) {
  Metrics m;
  m.job_finished("COMPLETED", 3.5);
  m.job_finished("BUILD_FAILED", 0.5);
  m.s3_error();
  const std::string text = m.render();
  EXPECT_NE(text.find("runner_jobs_total{status=\"COMPLETED\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("runner_job_duration_seconds_bucket{le=\"1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("runner_job_duration_seconds_bucket{le=\"5\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("runner_job_duration_seconds_count 2\n"), std::string::npos);
  EXPECT_NE(text.find("runner_errors_total{dependency=\"s3\"} 1\n"), std::string::npos);
  EXPECT_TRUE(m.alive(std::chrono::seconds(60), 1));
}

}  // namespace
}  // namespace runner::service
