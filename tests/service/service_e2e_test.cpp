// The worker end to end: the real `runner serve` binary against real PostgreSQL and the local
// S3/SQS server. Submissions go in as the API would send them; verdicts come out in S3 and
// PostgreSQL, and the queue ends empty.
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "sandbox/probe.hpp"
#include "sandbox/uids.hpp"
#include "support/runner_process.hpp"
#include "support/sandbox_level.hpp"
#include "support/stack.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"

namespace runner::service::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

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
  EXPECT_EQ(correct->log_key, "results/e2e-correct/1/log.txt");
  EXPECT_EQ(correct->feedback_key, "results/e2e-correct/1/feedback.json");
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
  auto [rc, feedback] = s.aws_s3_cat("results/e2e-correct/1/feedback.json");
  ASSERT_EQ(rc, 0) << feedback;
  auto j = nlohmann::json::parse(feedback);
  EXPECT_EQ(j["submission_id"], "e2e-correct");
  EXPECT_EQ(j["status"], "COMPLETED");
  EXPECT_DOUBLE_EQ(j["score"].get<double>(), 10);
  auto [rc2, log] = s.aws_s3_cat("results/e2e-broken/1/log.txt");
  ASSERT_EQ(rc2, 0);
  EXPECT_FALSE(log.empty());
  EXPECT_EQ(s.content_type("results/e2e-correct/1/log.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(s.content_type("results/e2e-correct/1/feedback.json"), "application/json");

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

// README, "The verdict cache": a resubmission of the same files, taken by another worker, gets
// the verdict the first worker gave, from PostgreSQL, without a grading.
TEST_F(ServiceE2E, TwoWorkersShareVerdictCacheHits) {
  auto& s = stack();
  s.sql("WITH gone AS (DELETE FROM verdict_cache RETURNING 1) SELECT count(*) FROM gone");
  const auto env = s.env(std::nullopt, {{"RUNNER_VERDICT_CACHE", "true"}});
  s.enqueue("share-1", s.zip("correct"));
  {
    RunnerProcess first(env, log_file("first"));
    ASSERT_TRUE(s.wait_final({"share-1"}, 60s).empty()) << first.log();
    stop(first);
  }
  EXPECT_EQ(s.sql("SELECT count(*) FROM verdict_cache"), "1");
  s.enqueue("share-2", s.zip("correct"));
  RunnerProcess second(env, log_file("second"));
  ASSERT_TRUE(s.wait_final({"share-2"}, 60s).empty()) << second.log();
  auto row = s.row("share-2");
  EXPECT_EQ(row->status, "COMPLETED");
  EXPECT_DOUBLE_EQ(row->score, 10);
  EXPECT_EQ(row->tests_passed, 6);
  auto [rc, feedback] = s.aws_s3_cat("results/share-2/1/feedback.json");
  ASSERT_EQ(rc, 0) << feedback;
  const auto j = nlohmann::json::parse(feedback);
  EXPECT_EQ(j["submission_id"], "share-2");
  EXPECT_EQ(j["cached"], true);
  EXPECT_EQ(j["cached_from"]["submission_id"], "share-1");
  auto [rc1, first_feedback] = s.aws_s3_cat("results/share-1/1/feedback.json");
  ASSERT_EQ(rc1, 0);
  EXPECT_EQ(nlohmann::json::parse(first_feedback)["cached"], false);
  stop(second);
  EXPECT_NE(second.log().find("Verdict cache"), std::string::npos) << second.log();
}

// README, "For course staff": `runner regrade` counts first (a dry run changes nothing), sends
// each matching submission once (each graded again as a new attempt), and `--rescore` changes
// scores only where the new weights say so, without grading.
TEST_F(ServiceE2E, RegradeCountsSendsEachOnceAndRescoreFollowsTheWeights) {
  auto& s = stack();
  const std::string since =
      s.sql("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
  s.enqueue("rg-correct", s.zip("correct"));
  s.enqueue("rg-partial", s.zip("partial"));
  s.enqueue("rg-broken", s.zip("broken"));
  const std::vector<std::string> ids = {"rg-correct", "rg-partial", "rg-broken"};
  {
    RunnerProcess worker(s.env(), log_file("first"));
    ASSERT_TRUE(s.wait_final(ids, 120s).empty()) << worker.log();
    stop(worker);
  }
  const auto cli = [&](const std::vector<std::string>& args, const std::string& name,
                       const std::map<std::string, std::string>& extra = {}) {
    std::vector<std::string> all = {"regrade", "--pit", "calculator", "--since", since};
    all.insert(all.end(), args.begin(), args.end());
    RunnerProcess p(s.env(std::nullopt, extra), log_file(name), all);
    const auto code = p.wait(60s);
    return std::pair(code.value_or(-1), p.log());
  };

  auto [dry_rc, dry] = cli({"--dry-run"}, "dry");
  EXPECT_EQ(dry_rc, 0) << dry;
  EXPECT_NE(dry.find("3 finished submissions of calculator, finished since " + since),
            std::string::npos)
      << dry;
  EXPECT_NE(dry.find("dry run: nothing sent"), std::string::npos) << dry;
  EXPECT_EQ(s.messages_left(), 0);
  EXPECT_EQ(s.row("rg-partial")->status, "COMPLETED");
  auto [one_rc, one] = cli({"--status", "BUILD_FAILED", "--dry-run"}, "dry-status");
  EXPECT_EQ(one_rc, 0) << one;
  EXPECT_NE(one.find("1 finished submissions of calculator, status BUILD_FAILED"),
            std::string::npos)
      << one;

  auto [rc, sent] = cli({}, "send");
  EXPECT_EQ(rc, 0) << sent;
  EXPECT_NE(sent.find("✓ 3 submissions sent to be graded again"), std::string::npos) << sent;
  EXPECT_EQ(s.messages_left(), 3);
  for (const auto& id : ids) EXPECT_EQ(s.row(id)->status, "QUEUED") << id;
  {
    RunnerProcess worker(s.env(), log_file("second"));
    ASSERT_TRUE(s.wait_final(ids, 120s).empty()) << worker.log();
    stop(worker);
  }
  for (const auto& id : ids) EXPECT_EQ(s.row(id)->attempts, 2) << id;
  EXPECT_EQ(s.messages_left(), 0);
  EXPECT_EQ(s.row("rg-partial")->feedback_key, "results/rg-partial/2/feedback.json");
  EXPECT_DOUBLE_EQ(s.row("rg-partial")->score, 5.71);

  // Every test weighs 1 now (divides weighed 2): partial's 4 of 6 -> 6.67; 10 and 0 stay.
  runner::testing::TempDir pits;
  fs::copy(s.dir() / "pits", pits.path(), fs::copy_options::recursive);
  const fs::path yaml = pits.path() / "calculator/pit.yaml";
  util::write_file(
      yaml, std::regex_replace(util::read_file(yaml), std::regex("CalculatorTest#divides: 2"),
                               "CalculatorTest#divides: 1"));
  const std::map<std::string, std::string> new_weights = {
      {"RUNNER_PITS_DIR", pits.path().string()}};
  auto [dry_rescore_rc, dry_rescore] = cli({"--rescore", "--dry-run"}, "rescore-dry", new_weights);
  EXPECT_EQ(dry_rescore_rc, 0) << dry_rescore;
  EXPECT_NE(dry_rescore.find("rg-partial: 5.71 / 10 -> 6.67 / 10"), std::string::npos)
      << dry_rescore;
  EXPECT_NE(dry_rescore.find("1 changed score (dry run: nothing written), 2 unchanged"),
            std::string::npos)
      << dry_rescore;
  EXPECT_DOUBLE_EQ(s.row("rg-partial")->score, 5.71);
  auto [rescore_rc, rescored] = cli({"--rescore"}, "rescore", new_weights);
  EXPECT_EQ(rescore_rc, 0) << rescored;
  EXPECT_DOUBLE_EQ(s.row("rg-partial")->score, 6.67);
  EXPECT_DOUBLE_EQ(s.row("rg-correct")->score, 10);
  EXPECT_DOUBLE_EQ(s.row("rg-broken")->score, 0);
  EXPECT_EQ(s.row("rg-partial")->feedback_key, "results/rg-partial/2/feedback-rescored.json");
  EXPECT_EQ(s.row("rg-correct")->feedback_key, "results/rg-correct/2/feedback.json");
  auto [get_rc, feedback] = s.aws_s3_cat("results/rg-partial/2/feedback-rescored.json");
  ASSERT_EQ(get_rc, 0) << feedback;
  const auto j = nlohmann::json::parse(feedback);
  EXPECT_DOUBLE_EQ(j["score"].get<double>(), 6.67);
  EXPECT_EQ(j["status"], "COMPLETED");
  EXPECT_EQ(j["submission_id"], "rg-partial");
  EXPECT_TRUE(j.contains("rescored_at"));
}

TEST_F(ServiceE2E, PoisonMessagesOfEachKindAreHandledAndTheQueueKeepsFlowing) {
  auto& s = stack();
  s.send_raw("this is not json");
  s.send_raw(R"({"pitId":"calculator"})");  // no id: nothing to record
  s.send_raw(R"({"submissionId":"poison-fields","pitId":"calculator"})");  // no zipKey
  s.enqueue("poison-traversal", s.zip("correct"), "../calculator");
  s.send_raw(
      R"({"submissionId":"poison-zip","pitId":"calculator","zipKey":"submissions/none.zip"})");
  // Not poison: a PIT this runner lacks may come with the next deploy (retried, never final).
  s.enqueue("unknown-pit", s.zip("correct"), "no-such-pit");
  s.enqueue("after-poison", s.zip("correct"));
  RunnerProcess runner(s.env(), log_file("runner"));
  const std::vector<std::string> ids = {"poison-fields", "poison-traversal", "poison-zip",
                                        "after-poison"};
  ASSERT_TRUE(s.wait_final(ids, 90s).empty()) << runner.log();
  EXPECT_EQ(s.row("after-poison")->status, "COMPLETED");
  for (const auto& id : {"poison-fields", "poison-traversal", "poison-zip"}) {
    auto r = s.row(id);
    EXPECT_EQ(r->status, "ERROR") << id;
    EXPECT_FALSE(r->error.empty()) << id;
  }
  EXPECT_NE(s.row("poison-traversal")->error.find("pitId is not a folder name"), std::string::npos);
  EXPECT_NE(s.row("poison-zip")->error.find("not found"), std::string::npos);
  EXPECT_NE(s.row("poison-fields")->error.find("zipKey"), std::string::npos);
  const auto unknown = s.row("unknown-pit");
  EXPECT_EQ(unknown->status, "QUEUED");
  EXPECT_NE(unknown->error.find("unknown PIT"), std::string::npos) << unknown->error;
  EXPECT_EQ(unknown->failed_attempts, 0);
  // Every poison message is gone; only the unknown PIT's is still being retried.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (s.messages_left() > 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(s.messages_left(), 1);
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

// A job for a PIT no worker has would fail on every worker: enqueue refuses it and says which
// PITs there are.
TEST_F(ServiceE2E, EnqueueRefusesAPitTheRunnerDoesNotHave) {
  auto& s = stack();
  RunnerProcess enqueue(
      s.env(), log_file("enqueue"),
      {"enqueue", s.zip("correct").string(), "--pit", "calculatr", "--submission-id", "typo-1"});
  ASSERT_EQ(enqueue.wait(30s), 2) << enqueue.log();
  EXPECT_NE(
      enqueue.log().find("✗ no PIT 'calculatr' in RUNNER_PITS_DIR (" + (s.dir() / "pits").string() +
                         "); it has calculator; did you mean 'calculator'?"),
      std::string::npos)
      << enqueue.log();
  EXPECT_EQ(s.messages_left(), 0);
  EXPECT_FALSE(s.row("typo-1").has_value());
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
  EXPECT_EQ(sh(base + "/readyz").second, "200");
  const auto metrics = sh("curl -s http://127.0.0.1:" + std::to_string(port) + "/metrics").second;
  EXPECT_NE(metrics.find("runner_jobs_total{status=\"COMPLETED\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("runner_job_duration_seconds_count 1"), std::string::npos);
  EXPECT_NE(metrics.find("runner_jobs_in_flight 0"), std::string::npos);
  EXPECT_NE(metrics.find("runner_errors_total{dependency=\"db\"} 0"), std::string::npos);
  stop(runner);
  // JSON mode prints JSON lines only (the banner is one event), with the fields CloudWatch
  // queries on.
  bool found = false, banner = false;
  std::istringstream lines(runner.log());
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    ASSERT_EQ(line[0], '{') << "not a JSON line: " << line;
    auto j = nlohmann::json::parse(line);
    if (j.value("message", "") == "runner starting") banner = j.contains("config");
    if (j.value("stage", "") == "grade") {
      EXPECT_EQ(j["submission_id"], "metrics-1");
      EXPECT_EQ(j["pit_id"], "calculator");
      EXPECT_TRUE(j["duration_ms"].is_number());
      found = true;
    }
  }
  EXPECT_TRUE(found) << runner.log();
  EXPECT_TRUE(banner) << runner.log();
}

// check-config contacts what the worker needs: PostgreSQL with its schema, the bucket, the
// queue; one line each, and exit 1 naming what does not answer.
TEST_F(ServiceE2E, CheckConfigChecksThatEachDependencyAnswers) {
  auto& s = stack();
  RunnerProcess good(s.env(), log_file("good"), {"check-config"});
  ASSERT_EQ(good.wait(60s), 0) << good.log();
  EXPECT_NE(good.log().find("✓ PostgreSQL: "), std::string::npos) << good.log();
  EXPECT_NE(good.log().find("answers, schema up to date"), std::string::npos) << good.log();
  EXPECT_NE(good.log().find("✓ S3: s3://"), std::string::npos) << good.log();
  EXPECT_NE(good.log().find("✓ SQS: "), std::string::npos) << good.log();

  const int closed = free_port();  // nothing listens there
  RunnerProcess bad(s.env(std::nullopt, {{"DATABASE_URL", "postgresql://postgres@127.0.0.1:" +
                                                              std::to_string(closed) + "/postgres"},
                                         {"AWS_S3_BUCKET", "no-such-bucket"}}),
                    log_file("bad"), {"check-config"});
  ASSERT_EQ(bad.wait(120s), 1) << bad.log();
  EXPECT_NE(bad.log().find("✗ PostgreSQL: postgresql://postgres@127.0.0.1:" +
                           std::to_string(closed) + "/postgres: "),
            std::string::npos)
      << bad.log();
  EXPECT_NE(bad.log().find("✗ S3: s3://no-such-bucket: no such bucket"), std::string::npos)
      << bad.log();
  EXPECT_NE(bad.log().find("✓ SQS: "), std::string::npos) << bad.log();
}

// What another uid could do with a path: list it (folders) or open it for reading (files).
// Returns the errno, 0 when it worked.
int access_as(uid_t uid, const std::filesystem::path& path) {
  int result[2];
  if (pipe(result) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    close(result[0]);
    int err = 0;
    if (setgroups(0, nullptr) != 0 || setresgid(uid, uid, uid) != 0 ||
        setresuid(uid, uid, uid) != 0) {
      err = -2;
    } else if (DIR* d = opendir(path.c_str())) {
      closedir(d);
    } else if (errno == ENOTDIR) {
      const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
      err = fd < 0 ? errno : 0;
    } else {
      err = errno;
    }
    (void)!write(result[1], &err, sizeof err);
    _exit(0);
  }
  close(result[1]);
  int err = -1;
  if (read(result[0], &err, sizeof err) != sizeof err) err = -1;
  close(result[0]);
  waitpid(pid, nullptr, 0);
  return err;
}

// At concurrency 2 the other slot's job runs as another uid of this host. The service's job
// folder, the downloaded ZIP and the job's outputs are the runner's alone: 0700 folders (0701
// once `basic` lets the slot uid traverse to the grader's folder inside) and a 0600 ZIP, which
// neither slot's uid can list or read, while the grader's own folder belongs to its slot.
TEST_F(ServiceE2E, TheJobFolderAndTheDownloadedZipArePrivateToTheRunner) {
  namespace fs = std::filesystem;
  if (geteuid() != 0) GTEST_SKIP() << "reading as the slot uids needs root";
  RUNNER_SKIP_UNLESS_SANDBOX("basic");
  auto& s = stack();
  s.enqueue("private-1", s.zip("correct"));
  const fs::path work = s.dir() / "work";
  RunnerProcess runner(
      s.env(std::nullopt, {{"RUNNER_CONCURRENCY", "2"}, {"RUNNER_SANDBOX", "basic"}}),
      log_file("runner"));
  // Wait for the job: its folder holds the ZIP and the grader's folder, handed to the slot uid.
  fs::path job, zip, graded;
  int slot = -1;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (graded.empty() && std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(work, ec)) {
      const std::string name = e.path().filename().string();
      if (!name.starts_with("runner-job-")) continue;
      for (const auto& inner : fs::directory_iterator(e.path(), ec)) {
        struct stat st {};
        if (inner.path().filename().string().starts_with("runner-job-") &&
            stat(inner.path().c_str(), &st) == 0 && st.st_uid != 0) {
          job = e.path();
          graded = inner.path();
          slot = std::stoi(name.substr(std::string("runner-job-").size()));
        }
      }
    }
    if (graded.empty()) std::this_thread::sleep_for(5ms);
  }
  ASSERT_FALSE(graded.empty()) << "no job seen in " << work << "\n" << runner.log();
  zip = job / "submission.zip";
  struct stat st {};
  ASSERT_EQ(stat(job.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mode & 0777 & ~01, 0700u) << std::oct << (st.st_mode & 0777);
  ASSERT_EQ(stat(zip.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << std::oct << (st.st_mode & 0777);
  ASSERT_EQ(stat((job / "out").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u) << std::oct << (st.st_mode & 0777);
  ASSERT_EQ(stat(graded.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, sandbox::uids::job_uid(slot)) << "the grader's folder is the slot's";

  // Both slots' uids: the other slot's job, and this job itself.
  for (const int who : {1 - slot, slot}) {
    const uid_t uid = sandbox::uids::job_uid(who);
    EXPECT_EQ(access_as(uid, job), EACCES) << "slot " << who << " lists the job folder";
    EXPECT_EQ(access_as(uid, zip), EACCES) << "slot " << who << " reads the ZIP";
    EXPECT_EQ(access_as(uid, job / "out/log.txt"), EACCES) << "slot " << who << " reads the log";
  }
  EXPECT_EQ(access_as(sandbox::uids::job_uid(1 - slot), graded), EACCES)
      << "the other slot lists the grader's folder";
  EXPECT_EQ(access_as(sandbox::uids::job_uid(slot), graded), 0);

  ASSERT_TRUE(s.wait_final({"private-1"}, 120s).empty()) << runner.log();
  EXPECT_EQ(s.row("private-1")->status, "COMPLETED") << runner.log();
  stop(runner);
}

}  // namespace
}  // namespace runner::service::testing
