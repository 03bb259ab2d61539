// The job sequence (service/job_processor.hpp) over fake ports: what reaches the queue, the row,
// the bucket and the grader when each step ends one way or another.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "exec/launcher.hpp"
#include "grading/grader.hpp"
#include "grading/status.hpp"
#include "service/job_processor.hpp"

namespace runner::service {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

aws::AwsError s3_error(const std::string& code) {
  aws::AwsError::Details d;
  d.service = "s3";
  d.code = code;
  d.message = code;
  return aws::AwsError(d);
}

struct FakeQueue : Queue {
  std::vector<int> visibility;  // every change_visibility, in seconds
  int deleted = 0;
  bool fail_delete = false;
  void change_visibility(const aws::SqsMessage&, int seconds) override {
    visibility.push_back(seconds);
  }
  void remove(const aws::SqsMessage&) override {
    if (fail_delete) throw std::runtime_error("sqs: connection refused");
    ++deleted;
  }
};

// The submissions table's lease semantics (db::Submissions) for in-memory rows.
struct FakeStore : Store {
  struct Row {
    std::string status = "QUEUED", token, error, feedback_key;
    int attempts = 0, failed = 0, infra = 0;
    bool live = false;  // the lease has not expired
    int writes = 0;
  };
  std::map<std::string, Row> rows;
  bool down = false;
  bool lose_commit_once = false;  // write_verdict commits, then throws

  void check() const {
    if (down) throw db::DbError("postgres: connection refused");
  }
  db::TakeResult take_lease(const std::string& id, const std::string&, int) override {
    check();
    Row& r = rows[id];
    db::TakeResult t;
    t.status = r.status;
    t.last_error = r.error;
    if (grading::is_final_status(r.status)) {
      t.outcome = db::TakeOutcome::AlreadyFinal;
      return t;
    }
    if (r.status == "RUNNING" && r.live) {
      t.outcome = db::TakeOutcome::HeldByAnother;
      t.lease_seconds_left = 30;
      return t;
    }
    t.after_crash = r.status == "RUNNING";
    r.failed += t.after_crash ? 1 : 0;
    r.status = "RUNNING";
    r.token = "token-" + std::to_string(++r.attempts);
    r.live = true;
    t.token = r.token;
    t.attempt = r.attempts;
    t.failed_attempts = r.failed;
    t.status = r.status;
    return t;
  }
  bool write_verdict(const std::string& id, const std::string& token,
                     const db::VerdictRow& v) override {
    check();
    Row& r = rows[id];
    if (r.token != token || r.status != "RUNNING") return false;
    r.status = v.status;
    r.error = v.error;
    r.feedback_key = v.feedback_key;
    r.token.clear();
    r.live = false;
    ++r.writes;
    if (lose_commit_once) {
      lose_commit_once = false;
      throw db::DbError("postgres write verdict: connection lost during COMMIT");
    }
    return true;
  }
  bool release_lease(const std::string& id, const std::string& token, db::Release kind,
                     const std::string& reason) override {
    check();
    Row& r = rows[id];
    if (r.token != token || r.status != "RUNNING") return false;
    r.status = "QUEUED";
    r.token.clear();
    r.live = false;
    if (!reason.empty()) r.error = reason;
    if (kind == db::Release::InfraFault) ++r.infra;
    if (kind == db::Release::FailedAttempt) ++r.failed;
    return true;
  }
  bool mark_error(const std::string& id, const std::string&, const std::string& reason) override {
    check();
    Row& r = rows[id];
    if (grading::is_final_status(r.status) || (r.status == "RUNNING" && r.live)) return false;
    r.status = "ERROR";
    r.error = reason;
    return true;
  }
  std::optional<std::string> feedback_key(const std::string& id) override {
    check();
    return rows[id].feedback_key;
  }
};

struct FakeObjects : Objects {
  std::map<std::string, std::string> bucket;
  std::string failing_puts;  // an outage code every PutObject throws, or empty
  int puts = 0;
  void download(const std::string& key, const fs::path& file, std::uint64_t max_bytes) override {
    const auto it = bucket.find(key);
    if (it == bucket.end()) throw s3_error("NoSuchKey");
    if (it->second.size() > max_bytes) throw s3_error("ObjectTooLarge");
    std::ofstream(file, std::ios::binary) << it->second;
  }
  void upload(const std::string& key, const fs::path& file, const std::string&) override {
    ++puts;
    if (!failing_puts.empty()) throw s3_error(failing_puts);
    bucket[key] = read(file);
  }
};

struct FakeWatch : LeaseWatch {
  explicit FakeWatch(const bool& lost) : lost_(lost) {}
  bool lease_lost() const override { return lost_; }
  const bool& lost_;
};

struct FakeHeartbeats : Heartbeats {
  bool lost = false;
  int started = 0;
  std::unique_ptr<LeaseWatch> start(const aws::SqsMessage&, const std::string&, const std::string&,
                                    const LogFields&) override {
    ++started;
    return std::make_unique<FakeWatch>(lost);
  }
};

// Every breaker closes at once; time passes one wait at a time.
// Virtual time. Breakers close as soon as they are asked about (the probe got through), and an
// answer for closed breakers comes at once, as the real ones give it: only pause() moves time on
// then, so a wait that spins instead of sleeping never ends and fails by its call count.
struct FakeOutages : Outages {
  std::chrono::steady_clock::time_point t{};
  std::vector<Dependency> trips;
  int calls = 0;
  void trip(Dependency d, const std::string&) override { trips.push_back(d); }
  bool wait_closed(std::chrono::milliseconds) override {
    if (++calls > 100000) throw std::runtime_error("the outage wait spins");
    return true;
  }
  void pause(std::chrono::milliseconds duration) override {
    ++calls;
    t += duration;
  }
  std::chrono::steady_clock::time_point now() override { return t; }
};

// A grader whose verdict the test sets; it writes the files the core writes.
struct FakeGrader : Grader {
  std::optional<pit::Pit> pit;
  grading::SandboxInfo box{"none", {"a-feature"}};
  std::function<void()> during;  // runs inside grade()
  grading::Status status = grading::Status::Completed;
  bool host_fault = false;
  int graded = 0;
  std::optional<pit::Pit> load_pit(const std::string&) override { return pit; }
  grading::SandboxInfo sandbox(const pit::Pit&) const override { return box; }
  grading::Verdict grade(const grading::GradeRequest& r, const fs::path&) override {
    ++graded;
    if (during) during();
    grading::Verdict v = grading::start_verdict(r.pit, r.submission_id, box);
    v.status = status;
    v.host_fault = host_fault;
    v.output = status == grading::Status::Error ? "runner error: boom" : "all good";
    fs::create_directories(r.out_dir);
    std::ofstream(r.out_dir / "feedback.json") << grading::to_json(v).dump();
    std::ofstream(r.out_dir / "log.txt") << v.output;
    return v;
  }
};

class JobProcessorTest : public ::testing::Test {
 protected:
  JobProcessorTest() {
    work_ = fs::temp_directory_path() / ("job-processor-test-" + std::to_string(getpid()));
    fs::create_directories(work_);
    settings_.s3_bucket = "bucket";
    settings_.results_prefix = "results/";
    settings_.work_dir = work_;
    settings_.pits_dir = work_ / "pits";
    settings_.max_attempts = 2;
    settings_.max_zip_bytes = 100;
    pit::Pit p;
    p.id = "calc";
    p.known_tests = {"CalcTest#adds", "CalcTest#divides"};
    grader_.pit = p;
    objects_.bucket["zips/s1.zip"] = "PK";
  }
  ~JobProcessorTest() override { fs::remove_all(work_); }

  JobProcessor processor() {
    return JobProcessor({settings_, 30, 0, metrics_, [this] { return stopping_; }},
                        {queue_, store_, objects_, grader_, heartbeats_, outages_});
  }
  // Delivers the message for s1 (its `receive`-th delivery).
  void deliver(int receive = 1, const std::string& body = "") {
    aws::SqsMessage m;
    m.message_id = "m1";
    m.receipt_handle = "rh";
    m.body = body.empty() ? R"({"submissionId":"s1","pitId":"calc","zipKey":"zips/s1.zip"})" : body;
    m.attributes["ApproximateReceiveCount"] = std::to_string(receive);
    processor().process(m);
  }
  const FakeStore::Row& row() { return store_.rows["s1"]; }
  nlohmann::json feedback(int attempt) {
    return nlohmann::json::parse(
        objects_.bucket.at("results/s1/" + std::to_string(attempt) + "/feedback.json"));
  }

  fs::path work_;
  config::Settings settings_;
  Metrics metrics_;
  bool stopping_ = false;
  FakeQueue queue_;
  FakeStore store_;
  FakeObjects objects_;
  FakeGrader grader_;
  FakeHeartbeats heartbeats_;
  FakeOutages outages_;
};

TEST_F(JobProcessorTest, AGradedVerdictIsUploadedStoredAndTheMessageDeleted) {
  deliver();
  EXPECT_EQ(grader_.graded, 1);
  EXPECT_EQ(row().status, "COMPLETED");
  EXPECT_EQ(row().feedback_key, "results/s1/1/feedback.json");
  EXPECT_EQ(feedback(1)["status"], "COMPLETED");
  EXPECT_EQ(queue_.deleted, 1);
  EXPECT_TRUE(queue_.visibility.empty());
  EXPECT_EQ(heartbeats_.started, 1);
}

TEST_F(JobProcessorTest, AnS3UploadOutageGivesTheMessageBackWithDelayWithoutSpendingAnAttempt) {
  objects_.failing_puts = "InternalError";
  deliver(3);
  EXPECT_EQ(row().status, "QUEUED");
  EXPECT_EQ(row().infra, 1);
  EXPECT_EQ(row().failed, 0);
  EXPECT_EQ(row().writes, 0);
  EXPECT_NE(row().error.find("InternalError"), std::string::npos) << row().error;
  EXPECT_EQ(queue_.visibility, std::vector<int>{20});
  EXPECT_EQ(queue_.deleted, 0);
  ASSERT_FALSE(outages_.trips.empty());
  EXPECT_EQ(outages_.trips.front(), Dependency::S3);
  // It waited out the outage first, backing off between calls (1, 2, 4 ... 30 s over 20 min),
  // sleeping through each back-off in steps of at most a second, never spinning.
  EXPECT_GT(objects_.puts, 20);
  EXPECT_LT(objects_.puts, 100);
  EXPECT_LT(outages_.calls, 2 * 20 * 60 + 2 * objects_.puts) << "waits per second of outage";
}

TEST_F(JobProcessorTest, AMissingZipIsAFailedAttemptAndTheLastOneIsErrorWithTheReason) {
  objects_.bucket.clear();
  deliver(1);
  EXPECT_EQ(row().status, "QUEUED");
  EXPECT_EQ(row().failed, 1);
  EXPECT_EQ(row().error, "submission ZIP not found: s3://bucket/zips/s1.zip");
  EXPECT_EQ(queue_.visibility, std::vector<int>{5});
  EXPECT_EQ(queue_.deleted, 0);

  deliver(2);  // max_attempts = 2: this failure is the last
  EXPECT_EQ(row().status, "ERROR");
  EXPECT_NE(row().error.find("gave up after 2 attempts"), std::string::npos) << row().error;
  EXPECT_NE(row().error.find("last: submission ZIP not found: s3://bucket/zips/s1.zip"),
            std::string::npos)
      << row().error;
  EXPECT_EQ(feedback(2)["status"], "ERROR");
  EXPECT_EQ(queue_.deleted, 1);
  EXPECT_EQ(grader_.graded, 0);
}

TEST_F(JobProcessorTest, ASecondDeliveryWhileTheLeaseIsHeldStandsBack) {
  store_.rows["s1"].status = "RUNNING";
  store_.rows["s1"].token = "theirs";
  store_.rows["s1"].live = true;
  deliver(2);
  EXPECT_EQ(queue_.visibility, std::vector<int>{31});
  EXPECT_EQ(queue_.deleted, 0);
  EXPECT_EQ(row().status, "RUNNING");
  EXPECT_EQ(row().token, "theirs");
  EXPECT_EQ(grader_.graded, 0);
  EXPECT_EQ(heartbeats_.started, 0);
}

TEST_F(JobProcessorTest, ALeaseLostMidJobPublishesNothing) {
  grader_.during = [this] { heartbeats_.lost = true; };
  deliver();
  EXPECT_EQ(grader_.graded, 1);
  EXPECT_EQ(objects_.puts, 0);
  EXPECT_EQ(row().writes, 0);
  EXPECT_EQ(queue_.deleted, 0);
  EXPECT_TRUE(queue_.visibility.empty());  // left to the lease's new holder
}

TEST_F(JobProcessorTest, AFailedDeleteAfterTheVerdictIsNotGradedAgainOnRedelivery) {
  queue_.fail_delete = true;
  deliver(1);
  EXPECT_EQ(row().status, "COMPLETED");
  EXPECT_EQ(queue_.deleted, 0);
  queue_.fail_delete = false;
  deliver(2);
  EXPECT_EQ(grader_.graded, 1);
  EXPECT_EQ(row().writes, 1);
  EXPECT_EQ(queue_.deleted, 1);
}

TEST_F(JobProcessorTest, ABadPitIdIsDeletedAsABadMessageWithTheReasonInTheRow) {
  deliver(1, R"({"submissionId":"s1","pitId":"../etc","zipKey":"zips/s1.zip"})");
  EXPECT_EQ(row().status, "ERROR");
  EXPECT_NE(row().error.find("bad job message: "), std::string::npos) << row().error;
  EXPECT_EQ(queue_.deleted, 1);
  EXPECT_EQ(row().attempts, 0);  // no lease was taken
  EXPECT_EQ(grader_.graded, 0);
}

TEST_F(JobProcessorTest, ABadMessageIsKeptWhilePostgresCannotRecordWhy) {
  store_.down = true;
  deliver(1, R"({"submissionId":"s1","pitId":"../etc","zipKey":"k"})");
  EXPECT_EQ(queue_.deleted, 0);
  EXPECT_EQ(queue_.visibility, std::vector<int>{5});
  EXPECT_EQ(outages_.trips, std::vector<Dependency>{Dependency::Postgres});
}

TEST_F(JobProcessorTest, StoppingDuringAnOutageHandsTheJobBackAtOnce) {
  objects_.failing_puts = "SlowDown";
  stopping_ = true;
  deliver(4);
  EXPECT_EQ(row().status, "QUEUED");
  EXPECT_EQ(row().infra, 0);
  EXPECT_EQ(row().failed, 0);
  EXPECT_EQ(queue_.visibility, std::vector<int>{0});
  EXPECT_EQ(queue_.deleted, 0);
}

TEST_F(JobProcessorTest, AnUnknownPitOrAHostFaultIsAnInfrastructureFault) {
  grader_.pit.reset();
  deliver(1);
  EXPECT_EQ(row().status, "QUEUED");
  EXPECT_EQ(row().infra, 1);
  EXPECT_EQ(row().failed, 0);
  EXPECT_NE(row().error.find("unknown PIT 'calc'"), std::string::npos) << row().error;
  EXPECT_EQ(queue_.visibility, std::vector<int>{5});

  pit::Pit p;
  p.id = "calc";
  grader_.pit = p;
  grader_.status = grading::Status::Error;
  grader_.host_fault = true;
  deliver(2);
  EXPECT_EQ(row().infra, 2);
  EXPECT_EQ(row().failed, 0);
  EXPECT_EQ(row().status, "QUEUED");
  EXPECT_EQ(queue_.visibility, (std::vector<int>{5, 10}));
}

TEST_F(JobProcessorTest, AnErrorFromTheGraderSpendsAnAttemptThenGivesUp) {
  grader_.status = grading::Status::Error;
  deliver(1);
  EXPECT_EQ(row().status, "QUEUED");
  EXPECT_EQ(row().failed, 1);
  EXPECT_EQ(row().error, "runner error: boom");
  deliver(2);
  EXPECT_EQ(row().status, "ERROR");
  EXPECT_NE(row().error.find("gave up after 2 attempts"), std::string::npos);
  EXPECT_EQ(grader_.graded, 2);
  EXPECT_EQ(queue_.deleted, 1);
}

TEST_F(JobProcessorTest, ARowLeftRunningByADeadHolderAtTheLimitIsGivenUpWithoutGrading) {
  auto& r = store_.rows["s1"];
  r.status = "RUNNING";
  r.token = "dead";
  r.live = false;
  r.failed = 1;
  r.attempts = 2;
  deliver(3);
  EXPECT_EQ(row().status, "ERROR");
  EXPECT_NE(row().error.find("last: the runner died mid-job"), std::string::npos) << row().error;
  EXPECT_EQ(grader_.graded, 0);
  EXPECT_EQ(queue_.deleted, 1);
}

TEST_F(JobProcessorTest, PostgresDownAtTheLeaseGivesTheMessageBackAndOpensTheBreaker) {
  store_.down = true;
  deliver(2);
  EXPECT_EQ(queue_.visibility, std::vector<int>{10});
  EXPECT_EQ(outages_.trips, std::vector<Dependency>{Dependency::Postgres});
  EXPECT_EQ(grader_.graded, 0);
}

TEST_F(JobProcessorTest, AVerdictWhoseCommitWasLostButLandedIsPublished) {
  store_.lose_commit_once = true;
  deliver();
  EXPECT_EQ(row().status, "COMPLETED");
  EXPECT_EQ(row().writes, 1);
  EXPECT_EQ(queue_.deleted, 1);
}

// The service and `runner grade` give an oversized ZIP the same verdict: the PIT's tests listed
// with 0, its max score, the sandbox block of the launcher that would have graded it.
TEST_F(JobProcessorTest, AnOversizedZipGetsTheVerdictRunnerGradeGives) {
  const auto launcher = exec::make_plain_launcher();
  const pit::Pit pit = pit::load_pit(fs::path(RUNNER_SOURCE_DIR) / "examples/pits/calculator", {});
  ASSERT_FALSE(pit.known_tests.empty());
  grader_.pit = pit;
  grader_.box = {launcher->level(), launcher->features(drivers::job_limits(pit))};
  const std::string big(500, 'x');
  objects_.bucket["zips/s1.zip"] = big;
  deliver();
  EXPECT_EQ(grader_.graded, 0);
  EXPECT_EQ(row().status, "INVALID_SUBMISSION");
  const auto service = feedback(1);

  const fs::path zip = work_ / "big.zip";
  std::ofstream(zip, std::ios::binary) << big;
  archive::Limits limits;
  limits.max_zip_bytes = settings_.max_zip_bytes;
  const drivers::Toolchain tools;
  const auto cli = grading::grade({zip, pit, std::string("s1"), work_ / "cli-out"},
                                  {*launcher, tools, work_, limits, 200000, nullptr});
  const auto cli_json = nlohmann::json::parse(grading::to_json(cli).dump());
  for (const char* key : {"submission_id", "pit_id", "status", "score", "max_score", "tests_total",
                          "tests_passed", "tests_failed", "tests_skipped", "tests", "sandbox"}) {
    EXPECT_EQ(service[key], cli_json[key]) << key;
  }
  EXPECT_EQ(service["max_score"], 10);
  EXPECT_EQ(service["tests_total"], pit.known_tests.size());
  EXPECT_EQ(service["sandbox"]["level"], "none");
  EXPECT_EQ(service["output"], "The ZIP is larger than the limit of 100 bytes.");
}

}  // namespace
}  // namespace runner::service
