// The worker end to end: the real `runner serve` binary against real PostgreSQL and the local
// S3/SQS server. Submissions go in as the API would send them; verdicts come out in S3 and
// PostgreSQL, and the queue ends empty.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "support/runner_process.hpp"
#include "support/stack.hpp"

namespace runner::service::testing {
namespace {

using namespace std::chrono_literals;

class ServiceE2E : public ::testing::Test {
 protected:
  void SetUp() override { stack().fresh_queue(); }
  static Stack& stack() { return Stack::shared(); }
  std::filesystem::path log_file(const std::string& name) {
    return stack().dir() /
           (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            name + ".log");
  }
  // Stops the runner with SIGTERM; it must exit 0.
  static void stop(RunnerProcess& runner) {
    runner.signal(SIGTERM);
    auto code = runner.wait(20s);
    ASSERT_TRUE(code.has_value()) << runner.log();
    EXPECT_EQ(*code, 0) << runner.log();
  }
};

TEST_F(ServiceE2E, GradesSubmissionsPublishesToS3AndPostgresAndEmptiesTheQueue) {
  auto& s = stack();
  s.enqueue("e2e-correct", s.zip("correct"));
  s.enqueue("e2e-partial", s.zip("partial"));
  s.enqueue("e2e-broken", s.zip("broken"));
  RunnerProcess runner(s.env(std::nullopt, {{"RUNNER_CONCURRENCY", "2"}}), log_file("runner"));
  const auto pending = s.wait_final({"e2e-correct", "e2e-partial", "e2e-broken"}, 120s);
  ASSERT_TRUE(pending.empty()) << runner.log();

  auto correct = s.row("e2e-correct");
  EXPECT_EQ(correct->status, "COMPLETED");
  EXPECT_DOUBLE_EQ(correct->score, 10);
  EXPECT_DOUBLE_EQ(correct->max_score, 10);
  EXPECT_EQ(correct->tests_passed, 6);
  EXPECT_EQ(correct->tests_total, 6);
  EXPECT_EQ(correct->attempts, 1);
  EXPECT_EQ(correct->log_key, "results/e2e-correct/log.txt");
  EXPECT_EQ(correct->feedback_key, "results/e2e-correct/feedback.json");
  EXPECT_EQ(s.sql("SELECT count(*) FROM submissions WHERE id = 'e2e-correct' AND "
                  "finished_at IS NOT NULL AND started_at IS NOT NULL AND error IS NULL"),
            "1");
  auto partial = s.row("e2e-partial");
  EXPECT_EQ(partial->status, "COMPLETED");
  EXPECT_EQ(partial->tests_passed, 4);
  EXPECT_GT(partial->score, 0);
  EXPECT_LT(partial->score, 10);
  EXPECT_EQ(s.row("e2e-broken")->status, "BUILD_FAILED");

  // Both objects, read back with the aws CLI.
  auto [rc, feedback] = s.aws_s3_cat("results/e2e-correct/feedback.json");
  ASSERT_EQ(rc, 0) << feedback;
  auto j = nlohmann::json::parse(feedback);
  EXPECT_EQ(j["submission_id"], "e2e-correct");
  EXPECT_EQ(j["status"], "COMPLETED");
  EXPECT_DOUBLE_EQ(j["score"].get<double>(), 10);
  auto [rc2, log] = s.aws_s3_cat("results/e2e-broken/log.txt");
  ASSERT_EQ(rc2, 0);
  EXPECT_FALSE(log.empty());
  EXPECT_EQ(s.content_type("results/e2e-correct/log.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(s.content_type("results/e2e-correct/feedback.json"), "application/json");

  EXPECT_EQ(s.messages_left(), 0);
  stop(runner);
  EXPECT_NE(runner.log().find("Runner Service starting"), std::string::npos);
}

TEST_F(ServiceE2E, DuplicateDeliveryOfAFinishedSubmissionIsNotGradedTwice) {
  auto& s = stack();
  s.enqueue("dup-1", s.zip("correct"));
  RunnerProcess runner(s.env(), log_file("runner"));
  ASSERT_TRUE(s.wait_final({"dup-1"}, 60s).empty()) << runner.log();
  const std::string finished = s.sql("SELECT finished_at::text FROM submissions WHERE id='dup-1'");
  // The same message again, as SQS's at-least-once delivery may do.
  s.send_raw(R"({"submissionId":"dup-1","pitId":"calculator","zipKey":"submissions/dup-1.zip"})");
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (s.messages_left() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(s.messages_left(), 0);
  auto r = s.row("dup-1");
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(s.sql("SELECT finished_at::text FROM submissions WHERE id='dup-1'"), finished);
  stop(runner);
  EXPECT_NE(runner.log().find("duplicate delivery"), std::string::npos) << runner.log();
}

TEST_F(ServiceE2E, PoisonMessagesOfEachKindAreHandledAndTheQueueKeepsFlowing) {
  auto& s = stack();
  s.send_raw("this is not json");
  s.send_raw(R"({"pitId":"calculator"})");  // no id: nothing to record
  s.send_raw(R"({"submissionId":"poison-fields","pitId":"calculator"})");  // no zipKey
  s.enqueue("poison-pit", s.zip("correct"), "no-such-pit");
  s.enqueue("poison-traversal", s.zip("correct"), "../calculator");
  s.send_raw(
      R"({"submissionId":"poison-zip","pitId":"calculator","zipKey":"submissions/none.zip"})");
  s.enqueue("after-poison", s.zip("correct"));
  RunnerProcess runner(s.env(), log_file("runner"));
  const std::vector<std::string> ids = {"poison-fields", "poison-pit", "poison-traversal",
                                        "poison-zip", "after-poison"};
  ASSERT_TRUE(s.wait_final(ids, 90s).empty()) << runner.log();
  EXPECT_EQ(s.row("after-poison")->status, "COMPLETED");
  for (const auto& id : {"poison-fields", "poison-pit", "poison-traversal", "poison-zip"}) {
    auto r = s.row(id);
    EXPECT_EQ(r->status, "ERROR") << id;
    EXPECT_FALSE(r->error.empty()) << id;
  }
  EXPECT_NE(s.row("poison-pit")->error.find("unknown PIT"), std::string::npos);
  EXPECT_NE(s.row("poison-zip")->error.find("not found"), std::string::npos);
  EXPECT_NE(s.row("poison-fields")->error.find("zipKey"), std::string::npos);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (s.messages_left() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(s.messages_left(), 0);
  stop(runner);
  const std::string log = runner.log();
  EXPECT_NE(log.find("not JSON"), std::string::npos) << log;
}

TEST_F(ServiceE2E, MigrateIsIdempotentAndEnqueueSendsAJobThatGetsGraded) {
  auto& s = stack();
  for (int i = 0; i < 2; ++i) {
    RunnerProcess migrate(s.env(), log_file("migrate"), {"migrate"});
    EXPECT_EQ(migrate.wait(30s), 0) << migrate.log();
  }
  RunnerProcess enqueue(
      s.env(), log_file("enqueue"),
      {"enqueue", s.zip("partial").string(), "--pit", "calculator", "--submission-id", "cli-1"});
  ASSERT_EQ(enqueue.wait(30s), 0) << enqueue.log();
  EXPECT_EQ(s.row("cli-1")->status, "QUEUED");
  EXPECT_EQ(s.messages_left(), 1);
  RunnerProcess runner(s.env(), log_file("runner"));
  ASSERT_TRUE(s.wait_final({"cli-1"}, 60s).empty()) << runner.log();
  EXPECT_EQ(s.row("cli-1")->tests_passed, 4);
  stop(runner);
}

TEST_F(ServiceE2E, HealthzAndMetricsReportTheWorker) {
  auto& s = stack();
  const int port = free_port();
  RunnerProcess runner(s.env(std::nullopt, {{"RUNNER_HTTP_PORT", std::to_string(port)},
                                            {"RUNNER_LOG_FORMAT", "json"}}),
                       log_file("runner"));
  s.enqueue("metrics-1", s.zip("correct"));
  ASSERT_TRUE(s.wait_final({"metrics-1"}, 60s).empty()) << runner.log();
  const std::string base =
      "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(sh(base + "/healthz").second, "200");
  const auto metrics = sh("curl -s http://127.0.0.1:" + std::to_string(port) + "/metrics").second;
  EXPECT_NE(metrics.find("runner_jobs_total{status=\"COMPLETED\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("runner_job_duration_seconds_count 1"), std::string::npos);
  EXPECT_NE(metrics.find("runner_jobs_in_flight 0"), std::string::npos);
  EXPECT_NE(metrics.find("runner_errors_total{dependency=\"db\"} 0"), std::string::npos);
  stop(runner);
  // JSON lines carry the fields CloudWatch queries on.
  bool found = false;
  std::istringstream lines(runner.log());
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;
    auto j = nlohmann::json::parse(line);
    if (j.value("stage", "") == "grade") {
      EXPECT_EQ(j["submission_id"], "metrics-1");
      EXPECT_EQ(j["pit_id"], "calculator");
      EXPECT_TRUE(j["duration_ms"].is_number());
      found = true;
    }
  }
  EXPECT_TRUE(found) << runner.log();
}

}  // namespace
}  // namespace runner::service::testing
