// Failures around the worker: PostgreSQL restarting, S3/SQS errors and dropped connections
// (the AWS tests' fault proxy), the runner killed with SIGKILL, and SIGTERM during a job.
// Whatever happens, every submission ends with a verdict and no message is left behind.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "support/local_servers.hpp"
#include "support/runner_process.hpp"
#include "support/service_test.hpp"
#include "support/stack.hpp"

namespace runner::service::testing {
namespace {

using namespace std::chrono_literals;

using ServiceFaults = ServiceTest;

TEST_F(ServiceFaults, PostgresStoppedMidJobAndRestartedTheVerdictStillLands) {
  auto& s = stack();
  s.fresh_queue();
  s.enqueue("pg-1", s.zip("correct"));
  RunnerProcess runner(s.env(), log_file("runner"));
  ASSERT_TRUE(wait_status("pg-1", "RUNNING", 60s)) << runner.log();
  s.postgres().stop();
  // While PostgreSQL is down a second submission arrives (its row cannot even be created).
  s.upload_and_send("pg-2", s.zip("partial"));
  std::this_thread::sleep_for(4s);
  s.postgres().start();
  ASSERT_TRUE(s.wait_final({"pg-1", "pg-2"}, 120s).empty()) << runner.log();
  EXPECT_EQ(s.row("pg-1")->status, "COMPLETED");
  EXPECT_DOUBLE_EQ(s.row("pg-1")->score, 10);
  EXPECT_EQ(s.row("pg-2")->status, "COMPLETED");
  wait_queue_empty(30s);
  EXPECT_EQ(s.messages_left(), 0);
  runner.signal(SIGTERM);
  EXPECT_EQ(runner.wait(20s), 0);
  // The outage was seen (by the job in flight or the one arriving), not slipped past.
  const std::string log = runner.log();
  EXPECT_NE(log.find("postgres unavailable"), std::string::npos) << log;
  if (std::getenv("SERVICE_TEST_VERBOSE")) std::printf("%s\n", log.c_str());
}

TEST_F(ServiceFaults, S3AndSqsErrorsAndDroppedConnectionsAreRetriedAndTheVerdictLands) {
  auto& s = stack();
  s.fresh_queue();
  auto proxy = aws::testing::start_fault_proxy(s.fauxqs_port());
  s.enqueue("aws-1", s.zip("correct"));
  s.enqueue("aws-2", s.zip("broken"));
  // More failures than the client's own retries absorb (AWS_MAX_ATTEMPTS=2): whole operations
  // fail, and the worker's retry through the queue takes over.
  fault(proxy->port(), {{"mode", "status"},
                        {"status", 500},
                        {"code", "InternalError"},
                        {"format", "xml"},
                        {"count", 9}});
  RunnerProcess runner(s.env(proxy->port(), {{"RUNNER_MAX_ATTEMPTS", "10"}}), log_file("runner"));
  ASSERT_TRUE(s.wait_final({"aws-1", "aws-2"}, 120s).empty()) << runner.log();
  fault(proxy->port(), {{"mode", "drop"}, {"count", 5}});
  s.enqueue("aws-3", s.zip("partial"));
  ASSERT_TRUE(s.wait_final({"aws-3"}, 120s).empty()) << runner.log();
  EXPECT_EQ(s.row("aws-1")->status, "COMPLETED");
  EXPECT_EQ(s.row("aws-2")->status, "BUILD_FAILED");
  EXPECT_EQ(s.row("aws-3")->status, "COMPLETED");
  auto stats = nlohmann::json::parse(aws::testing::control(proxy->port(), "GET", "/__stats").body);
  EXPECT_EQ(stats["faults"].get<int>(), 14);
  wait_queue_empty(30s);
  EXPECT_EQ(s.messages_left(), 0);
  EXPECT_EQ(s.aws_s3_cat(s.row("aws-3")->feedback_key).first, 0);
  runner.signal(SIGTERM);
  EXPECT_EQ(runner.wait(20s), 0);
}

TEST_F(ServiceFaults, KilledRunnerMidJobAnotherRunnerFinishesItAfterTheVisibilityTimeout) {
  auto& s = stack();
  s.fresh_queue(4);  // seconds: how long a dead runner's message stays hidden
  s.enqueue("kill-1", s.zip("correct"));
  {
    RunnerProcess first(s.env(), log_file("first"));
    ASSERT_TRUE(wait_status("kill-1", "RUNNING", 60s)) << first.log();
    first.signal(SIGKILL);
    EXPECT_EQ(first.wait(10s), 128 + SIGKILL);
  }
  EXPECT_EQ(s.row("kill-1")->status, "RUNNING");
  RunnerProcess second(s.env(), log_file("second"));
  ASSERT_TRUE(s.wait_final({"kill-1"}, 60s).empty()) << second.log();
  auto r = s.row("kill-1");
  EXPECT_EQ(r->status, "COMPLETED");
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(r->failed_attempts, 1);  // the dead runner's attempt counts; nothing else does
  wait_queue_empty(20s);
  EXPECT_EQ(s.messages_left(), 0);
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait(20s), 0);
}

TEST_F(ServiceFaults, SigtermDuringAJobFinishesItWithinTheGraceAndExitsZero) {
  auto& s = stack();
  s.fresh_queue();
  s.enqueue("term-1", s.zip("correct"));
  RunnerProcess runner(s.env(std::nullopt, {{"RUNNER_SHUTDOWN_GRACE_MS", "15000"}}),
                       log_file("runner"));
  ASSERT_TRUE(wait_status("term-1", "RUNNING", 60s)) << runner.log();
  const auto t0 = std::chrono::steady_clock::now();
  runner.signal(SIGTERM);
  auto code = runner.wait(20s);
  ASSERT_TRUE(code.has_value()) << runner.log();
  EXPECT_EQ(*code, 0) << runner.log();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 16s);
  EXPECT_EQ(s.row("term-1")->status, "COMPLETED") << runner.log();
  EXPECT_EQ(s.messages_left(), 0);
}

TEST_F(ServiceFaults, SigtermWithAShortGraceReturnsTheJobAndAnotherRunnerFinishesIt) {
  auto& s = stack();
  s.fresh_queue(30);
  s.enqueue("term-2", s.zip("correct"));
  {
    RunnerProcess runner(s.env(std::nullopt, {{"RUNNER_SHUTDOWN_GRACE_MS", "1"}}),
                         log_file("first"));
    ASSERT_TRUE(wait_status("term-2", "RUNNING", 60s)) << runner.log();
    runner.signal(SIGTERM);
    auto code = runner.wait(10s);
    ASSERT_TRUE(code.has_value()) << runner.log();
    EXPECT_EQ(*code, 0) << runner.log();
    EXPECT_NE(runner.log().find("1 unfinished job(s) returned to the queue"), std::string::npos)
        << runner.log();
  }
  // Returned with visibility 0 and back to QUEUED: no need to wait out the 30 s timeout.
  EXPECT_EQ(s.row("term-2")->status, "QUEUED");
  RunnerProcess second(s.env(), log_file("second"));
  ASSERT_TRUE(s.wait_final({"term-2"}, 25s).empty()) << second.log();
  EXPECT_EQ(s.row("term-2")->status, "COMPLETED");
  EXPECT_EQ(s.row("term-2")->attempts, 2);
  EXPECT_EQ(s.row("term-2")->failed_attempts, 0);  // a hand-back is not a failed attempt
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait(20s), 0);
}

// An idle runner is in a long poll when SIGTERM comes. It must see the poll through and hand back
// what it brings: a poll left open when the process exits can still be given a message, which
// would then stay invisible for the whole visibility timeout (30 s here).
TEST_F(ServiceFaults, SigtermWhileIdleLosesNoMessageToAnOpenPoll) {
  auto& s = stack();
  s.fresh_queue(30);
  const auto zip = s.zip("correct");
  {
    RunnerProcess runner(s.env(std::nullopt, {{"RUNNER_POLL_INTERVAL_MS", "5000"}}),
                         log_file("first"));
    std::this_thread::sleep_for(3s);  // started and polling
    runner.signal(SIGTERM);
    s.enqueue("idle-1", zip);  // arrives while the poll is still open
    auto code = runner.wait(15s);
    ASSERT_TRUE(code.has_value()) << runner.log();
    EXPECT_EQ(*code, 0) << runner.log();
  }
  RunnerProcess second(s.env(), log_file("second"));
  // Well inside the 30 s visibility timeout: the message was never left in flight.
  ASSERT_TRUE(s.wait_final({"idle-1"}, 20s).empty()) << second.log();
  EXPECT_EQ(s.row("idle-1")->status, "COMPLETED");
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait(20s), 0);
}

}  // namespace
}  // namespace runner::service::testing
