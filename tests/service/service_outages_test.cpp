// Outages an operator meets behind real AWS, played against the real `runner serve`: PostgreSQL
// down for 90 s, S3 or SQS unreachable for 45 s, a bucket or PIT that is not there yet, a full
// disk, the same message delivered twice at once, a row the API left with NULLs. Whatever
// happens, each submission is graded once and correctly, none ends in ERROR, and no message is
// lost to the dead-letter queue.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "db/submissions.hpp"
#include "grading/status.hpp"
#include "support/local_servers.hpp"
#include "support/runner_process.hpp"
#include "support/service_test.hpp"
#include "support/stack.hpp"

namespace runner::service::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class ServiceOutages : public ServiceTest {
 protected:
  // The three example submissions and what each must end as, graded once.
  void expect_the_three_graded_once(const std::string& prefix, const std::string& log) {
    auto& s = stack();
    const auto correct = s.row(prefix + "-correct");
    const auto partial = s.row(prefix + "-partial");
    const auto broken = s.row(prefix + "-broken");
    ASSERT_TRUE(correct && partial && broken) << log;
    EXPECT_EQ(correct->status, "COMPLETED") << correct->error;
    EXPECT_DOUBLE_EQ(correct->score, 10);
    EXPECT_EQ(partial->status, "COMPLETED") << partial->error;
    EXPECT_EQ(partial->tests_passed, 4);
    EXPECT_EQ(broken->status, "BUILD_FAILED") << broken->error;
    for (const auto* r : {&*correct, &*partial, &*broken}) {
      EXPECT_EQ(r->attempts, 1) << log;
      EXPECT_EQ(r->failed_attempts, 0) << log;
    }
  }
  // Called the moment `dependency` (its name in the log) is back: the three become final (how
  // long that took is printed for docs/benchmarks.md), each graded once, the queue and the
  // dead-letter queue end empty, and the breaker's two lines are in the log.
  void expect_recovered(const std::string& prefix, const std::string& dependency,
                        RunnerProcess& runner) {
    const auto restored = std::chrono::steady_clock::now();
    ASSERT_TRUE(
        stack()
            .wait_final({prefix + "-correct", prefix + "-partial", prefix + "-broken"}, 150s)
            .empty())
        << runner.log();
    std::printf("[ recovery ] %s back -> all three final in %.1f s\n", dependency.c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - restored).count());
    expect_the_three_graded_once(prefix, runner.log());
    // A job that finished during an SQS outage could not delete its message: it comes back, finds
    // the row final and is deleted then (one visibility timeout).
    wait_queue_empty(90s);
    EXPECT_EQ(stack().messages_left(), 0) << runner.log();
    EXPECT_EQ(stack().dead_letters(), 0) << runner.log();
    const std::string log = runner.log();
    EXPECT_NE(log.find(dependency + " unavailable"), std::string::npos) << log;
    EXPECT_NE(log.find(dependency + " is back"), std::string::npos) << log;
  }
  static void stop(RunnerProcess& runner) {
    runner.signal(SIGTERM);
    const auto code = runner.wait(30s);
    ASSERT_TRUE(code.has_value()) << runner.log();
    EXPECT_EQ(*code, 0) << runner.log();
  }
};

TEST_F(ServiceOutages, PostgresDownFor90SecondsWhileThreeJobsArrive) {
  auto& s = stack();
  s.fresh_queue();
  RunnerProcess runner(s.env(), log_file("runner"));
  std::this_thread::sleep_for(3s);  // started and polling
  s.postgres().stop();
  for (const char* name : {"correct", "partial", "broken"}) {
    s.upload_and_send(std::string("pg90-") + name, s.zip(name));
  }
  std::this_thread::sleep_for(90s);
  s.postgres().start();
  expect_recovered("pg90", "postgres", runner);
  stop(runner);
}

TEST_F(ServiceOutages, S3UnreachableFor45SecondsAJobWaitsAndNoneIsFinalMeanwhile) {
  auto& s = stack();
  s.fresh_queue();
  auto proxy = aws::testing::start_fault_proxy(s.fauxqs_port());
  for (const char* name : {"correct", "partial", "broken"}) {
    s.enqueue(std::string("s3u-") + name, s.zip(name));
  }
  fault(proxy->port(),
        {{"mode", "drop"}, {"count", 1 << 30}});  // every S3 connection closed unanswered
  RunnerProcess runner(s.env(std::nullopt, {{"RUNNER_MAX_ATTEMPTS", "2"},
                                            {"AWS_ENDPOINT_URL_S3",
                                             "http://127.0.0.1:" + std::to_string(proxy->port())}}),
                       log_file("runner"));
  std::this_thread::sleep_for(45s);
  for (const char* name : {"correct", "partial", "broken"}) {
    const auto r = s.row(std::string("s3u-") + name);
    EXPECT_TRUE(r && !grading::is_final_status(r->status)) << (r ? r->status : "no row");
  }
  fault(proxy->port(), {{"mode", "none"}});
  expect_recovered("s3u", "s3", runner);
  stop(runner);
}

TEST_F(ServiceOutages, SqsUnreachableFor45SecondsMidJobLosesNothing) {
  auto& s = stack();
  s.fresh_queue();
  auto proxy = aws::testing::start_fault_proxy(s.fauxqs_port());
  RunnerProcess runner(s.env(std::nullopt, {{"AWS_ENDPOINT_URL_SQS",
                                             "http://127.0.0.1:" + std::to_string(proxy->port())}}),
                       log_file("runner"));
  s.enqueue("sqsu-correct", s.zip("correct"));
  ASSERT_TRUE(wait_row(
      "sqsu-correct", [](const Row& r) { return r.status == "RUNNING"; }, 60s))
      << runner.log();
  fault(proxy->port(),
        {{"mode", "drop"}, {"count", 1 << 30}});  // mid-job: heartbeat and delete fail too
  s.enqueue("sqsu-partial", s.zip("partial"));
  s.enqueue("sqsu-broken", s.zip("broken"));
  std::this_thread::sleep_for(45s);
  fault(proxy->port(), {{"mode", "none"}});
  expect_recovered("sqsu", "sqs", runner);
  stop(runner);
}

// Every message sent twice at once, two slots, a submission whose score changes from run to run:
// each submission is graded once, and S3's feedback.json is the grading the row describes.
TEST_F(ServiceOutages, EveryMessageSentTwiceAtOnceIsGradedOnceAndS3AgreesWithTheRow) {
  auto& s = stack();
  s.fresh_queue();
  // add() is right or wrong depending on the clock: two gradings would disagree half the time.
  const auto zip = s.zip_with("correct", "coin", {{"src/main/java/edu/uoc/Calculator.java", R"(
package edu.uoc;

public class Calculator {
    private final boolean lucky = (System.nanoTime() / 1000) % 2 == 0;
    public int add(int a, int b) { return lucky ? a + b : a + b + 1; }
    public int subtract(int a, int b) { return a - b; }
    public int multiply(int a, int b) { return a * b; }
    public int divide(int a, int b) { return a / b; }
    public int power(int a, int n) {
        int result = 1;
        for (int i = 0; i < n; i++) result *= a;
        return result;
    }
}
)"}});
  const std::vector<std::string> ids = {"dup-1", "dup-2", "dup-3"};
  for (const auto& id : ids) {
    s.enqueue(id, zip);
    s.send_raw(nlohmann::json{
        {"submissionId", id}, {"pitId", "calculator"}, {"zipKey", "submissions/" + id + ".zip"}}
                   .dump());
  }
  RunnerProcess runner(s.env(std::nullopt, {{"RUNNER_CONCURRENCY", "2"}}), log_file("runner"));
  ASSERT_TRUE(s.wait_final(ids, 180s).empty()) << runner.log();
  wait_queue_empty(120s);
  EXPECT_EQ(s.messages_left(), 0) << runner.log();
  for (const auto& id : ids) {
    const auto r = s.row(id);
    EXPECT_EQ(r->status, "COMPLETED") << r->error;
    EXPECT_EQ(r->attempts, 1) << id << "\n" << runner.log();
    const auto [rc, feedback] = s.aws_s3_cat(r->feedback_key);
    ASSERT_EQ(rc, 0) << r->feedback_key;
    const auto j = nlohmann::json::parse(feedback);
    EXPECT_DOUBLE_EQ(j["score"].get<double>(), r->score) << id;
    EXPECT_EQ(j["status"], r->status);
  }
  EXPECT_NE(runner.log().find("another grading holds the lease"), std::string::npos)
      << runner.log();
  stop(runner);
}

// The bucket does not exist yet when the runner starts (a later step of the same deploy makes
// it): the start-up check opens S3's breaker, so no job is received while it cannot finish (none
// burns a receive: the worker inserts the row on arrival) and /readyz says why; once the bucket
// answers, the breaker's probe closes it and what waited is graded.
TEST_F(ServiceOutages, ABucketThatDoesNotExistYetHoldsTheQueueUntilItAnswers) {
  auto& s = stack();
  s.fresh_queue();
  const std::string late = s.bucket() + "-late";
  const int port = free_port();
  RunnerProcess runner(
      s.env(std::nullopt, {{"AWS_S3_BUCKET", late}, {"RUNNER_HTTP_PORT", std::to_string(port)}}),
      log_file("runner"));
  s.send_raw(R"({"submissionId":"nsb-1","pitId":"calculator","zipKey":"submissions/nsb-1.zip"})");
  std::this_thread::sleep_for(6s);
  EXPECT_FALSE(s.row("nsb-1").has_value()) << runner.log();
  EXPECT_EQ(s.messages_left(), 1);
  const auto ready =
      sh("curl -s -w ' %{http_code}' http://127.0.0.1:" + std::to_string(port) + "/readyz");
  EXPECT_EQ(ready.second, "not ready: s3 down\n 503") << runner.log();
  EXPECT_NE(runner.log().find("s3 unavailable: s3://" + late + ": no such bucket"),
            std::string::npos)
      << runner.log();
  s.create_bucket(late);
  s.upload_to(late, "submissions/nsb-1.zip", s.zip("correct"));
  ASSERT_TRUE(s.wait_final({"nsb-1"}, 90s).empty()) << runner.log();
  EXPECT_EQ(s.row("nsb-1")->status, "COMPLETED");
  EXPECT_NE(runner.log().find("s3 is back"), std::string::npos) << runner.log();
  stop(runner);
}

// A rolling deploy: a new assignment reaches a runner that does not have its PIT yet.
TEST_F(ServiceOutages, AnUnknownPitIsRetriedUntilTheRunnerHasIt) {
  auto& s = stack();
  s.fresh_queue();
  RunnerProcess runner(s.env(), log_file("runner"));
  s.upload_and_send("pit-1", s.zip("correct"), "calculator-next");
  ASSERT_TRUE(wait_row(
      "pit-1",
      [](const Row& r) {
        return r.status == "QUEUED" && r.error.find("unknown PIT") != std::string::npos;
      },
      30s))
      << runner.log();
  const fs::path next = s.dir() / "pits/calculator-next";
  fs::copy(s.dir() / "pits/calculator", next, fs::copy_options::recursive);
  std::string yaml = aws::testing::read_file(next / "pit.yaml");
  yaml.replace(yaml.find("id: calculator"), 14, "id: calculator-next");
  aws::testing::write_file(next / "pit.yaml", yaml);
  ASSERT_TRUE(s.wait_final({"pit-1"}, 90s).empty()) << runner.log();
  const auto r = s.row("pit-1");
  EXPECT_EQ(r->status, "COMPLETED");
  EXPECT_EQ(r->failed_attempts, 0);
  EXPECT_GE(r->infra_retries, 1);
  fs::remove_all(s.dir() / "pits/calculator-next");
  stop(runner);
}

TEST_F(ServiceOutages, ADiskFullDuringExtractionIsRetriedUntilThereIsRoom) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
  auto& s = stack();
  s.fresh_queue();
  const fs::path work = s.dir() / "small-work";
  fs::create_directories(work);
  ASSERT_EQ(sh("mount -t tmpfs -o size=32m tmpfs '" + work.string() + "'").first, 0);
  struct Unmount {
    fs::path dir;
    ~Unmount() { sh("umount -l '" + dir.string() + "'"); }
  } unmount{work};
  // Full but for 512 KiB: the ZIP (a few KiB) downloads, its 4 MiB resource does not extract.
  sh("dd if=/dev/zero of='" + (work / "filler").string() + "' bs=64k 2>/dev/null");
  ASSERT_EQ(sh("truncate -s -512K '" + (work / "filler").string() + "'").first, 0);
  const auto zip = s.zip_with("correct", "big-resource",
                              {{"src/main/resources/blob.txt", std::string(4 << 20, 'a')}});
  s.enqueue("disk-1", zip);
  RunnerProcess runner(s.env(std::nullopt, {{"RUNNER_WORK_DIR", work.string()}}),
                       log_file("runner"));
  ASSERT_TRUE(wait_row(
      "disk-1", [](const Row& r) { return r.error.find("No space left") != std::string::npos; },
      60s))
      << runner.log();
  EXPECT_FALSE(grading::is_final_status(s.row("disk-1")->status));
  fs::remove(work / "filler");
  ASSERT_TRUE(s.wait_final({"disk-1"}, 90s).empty()) << runner.log();
  const auto r = s.row("disk-1");
  EXPECT_EQ(r->status, "COMPLETED") << r->error;
  EXPECT_EQ(r->failed_attempts, 0);
  stop(runner);
}

TEST_F(ServiceOutages, ARowTheApiLeftWithNullAttemptsIsGraded) {
  auto& s = stack();
  s.fresh_queue();
  s.exec("ALTER TABLE submissions ALTER COLUMN attempts DROP NOT NULL");
  s.exec(
      "INSERT INTO submissions (id, pit_id, status, attempts) VALUES "
      "('null-1', 'calculator', 'QUEUED', NULL)");
  s.upload_and_send("null-1", s.zip("correct"));
  RunnerProcess runner(s.env(), log_file("runner"));
  const bool graded = s.wait_final({"null-1"}, 90s).empty();
  s.exec("UPDATE submissions SET attempts = 0 WHERE attempts IS NULL");
  s.exec("ALTER TABLE submissions ALTER COLUMN attempts SET NOT NULL");
  ASSERT_TRUE(graded) << runner.log();
  EXPECT_EQ(s.row("null-1")->status, "COMPLETED");
  EXPECT_EQ(s.row("null-1")->attempts, 1);
  stop(runner);
}

// What is not an outage but may never pass (here: a ZIP that is not in the bucket) spends the
// attempts, and then the row says why.
TEST_F(ServiceOutages, AMissingZipEndsInErrorWithTheReasonOnceTheAttemptsRunOut) {
  auto& s = stack();
  s.fresh_queue();
  RunnerProcess runner(s.env(std::nullopt, {{"RUNNER_MAX_ATTEMPTS", "2"}}), log_file("runner"));
  s.send_raw(R"({"submissionId":"nozip-1","pitId":"calculator","zipKey":"submissions/none.zip"})");
  ASSERT_TRUE(s.wait_final({"nozip-1"}, 90s).empty()) << runner.log();
  const auto r = s.row("nozip-1");
  EXPECT_EQ(r->status, "ERROR");
  EXPECT_EQ(r->attempts, 2);
  EXPECT_NE(r->error.find("gave up after 2 attempts"), std::string::npos) << r->error;
  EXPECT_NE(r->error.find("submission ZIP not found"), std::string::npos) << r->error;
  wait_queue_empty(30s);
  EXPECT_EQ(s.messages_left(), 0);
  stop(runner);
}

// PostgreSQL not up yet when the runner starts (both started by one deploy): the runner polls
// nothing until the breaker's probe reaches it, then grades what waited.
TEST_F(ServiceOutages, PostgresDownAtStartIsWaitedForBeforeTheFirstPoll) {
  auto& s = stack();
  s.fresh_queue();
  s.postgres().stop();
  s.upload_and_send("pgstart-1", s.zip("correct"));
  RunnerProcess runner(s.env(), log_file("runner"));
  std::this_thread::sleep_for(5s);
  EXPECT_FALSE(runner.wait(0ms).has_value()) << runner.log();  // still running, waiting
  EXPECT_EQ(runner.log().find("received"), std::string::npos) << runner.log();
  s.postgres().start();
  ASSERT_TRUE(s.wait_final({"pgstart-1"}, 60s).empty()) << runner.log();
  const auto r = s.row("pgstart-1");
  EXPECT_EQ(r->status, "COMPLETED");
  EXPECT_EQ(r->attempts, 1);
  const std::string log = runner.log();
  EXPECT_NE(log.find("postgres unavailable"), std::string::npos) << log;
  EXPECT_NE(log.find("postgres is back"), std::string::npos) << log;
  stop(runner);
}

// A database without the runner's schema is a configuration error: the worker says exactly what
// is missing and exits before it takes any message.
TEST_F(ServiceOutages, ADatabaseWithoutTheSchemaStopsTheStartWithTheList) {
  auto& s = stack();
  s.fresh_queue();
  {
    pqxx::connection admin(s.postgres().url());
    pqxx::nontransaction w(admin);  // CREATE DATABASE cannot run in a transaction
    w.exec("DROP DATABASE IF EXISTS unmigrated");
    w.exec("CREATE DATABASE unmigrated");
  }
  std::string url = s.postgres().url();
  url.replace(url.rfind('/'), std::string::npos, "/unmigrated");
  s.enqueue("schema-1", s.zip("correct"));
  RunnerProcess runner(s.env(std::nullopt, {{"DATABASE_URL", url}}), log_file("runner"));
  const auto code = runner.wait(30s);
  ASSERT_TRUE(code.has_value()) << runner.log();
  EXPECT_EQ(*code, 1);
  const std::string log = runner.log();
  EXPECT_NE(log.find("the database is not ready for this runner"), std::string::npos) << log;
  EXPECT_NE(log.find("table submissions is missing (run `runner migrate`)"), std::string::npos)
      << log;
  EXPECT_EQ(log.find("received"), std::string::npos) << log;  // no message was taken
  EXPECT_EQ(s.row("schema-1")->status, "QUEUED");
}

}  // namespace
}  // namespace runner::service::testing
