// The lease API (one grading per submission at a time; docs/service.md, "Failure handling") against
// real PostgreSQL: every branch of take_lease, concurrent takers, and the token checks of renew,
// verdict and release.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <pqxx/pqxx>
#include <regex>
#include <thread>

#include "db/submissions.hpp"
#include "support/database.hpp"

namespace runner::db {
namespace {

using testing::exec;
using testing::value;

class Lease : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::fresh_database();
    db_ = std::make_unique<Submissions>(url_);
    db_->migrate();
    admin_ = std::make_unique<pqxx::connection>(url_);
  }

  std::string column(const std::string& id, const std::string& expression) {
    return value(*admin_, "SELECT " + expression + " FROM submissions WHERE id = '" + id + "'");
  }
  // The whole row as text, to show a call left it untouched.
  std::string row(const std::string& id) { return column(id, "submissions::text"); }
  // The lease ran out: its holder is presumed dead.
  void expire(const std::string& id) {
    exec(*admin_,
         "UPDATE submissions SET lease_expires_at = now() - interval '1 second' "
         "WHERE id = '" +
             id + "'");
  }

  VerdictRow completed() {
    VerdictRow v;
    v.status = "COMPLETED";
    v.score = 7.5;
    v.max_score = 10;
    v.tests_passed = 3;
    v.tests_total = 4;
    v.log_key = "results/s/log.txt";
    v.feedback_key = "results/s/feedback.json";
    return v;
  }

  std::string url_;
  std::unique_ptr<Submissions> db_;
  std::unique_ptr<pqxx::connection> admin_;
};

TEST_F(Lease, TakeInsertsAMissingRowAndTakesIt) {
  const auto r = db_->take_lease("s1", "calculator", 60);
  EXPECT_EQ(r.outcome, TakeOutcome::Taken);
  EXPECT_EQ(r.status, "RUNNING");
  EXPECT_TRUE(std::regex_match(r.token, std::regex("[0-9a-f]{32}"))) << r.token;
  EXPECT_EQ(r.attempt, 1);
  EXPECT_EQ(r.failed_attempts, 0);
  EXPECT_FALSE(r.after_crash);
  EXPECT_EQ(column("s1", "status"), "RUNNING");
  EXPECT_EQ(column("s1", "pit_id"), "calculator");
  EXPECT_EQ(column("s1", "lease_token"), r.token);
  EXPECT_EQ(column("s1", "attempts"), "1");
  EXPECT_EQ(column("s1", "started_at IS NOT NULL"), "t");
  EXPECT_EQ(column("s1",
                   "lease_expires_at BETWEEN now() + interval '55 s' AND now() + "
                   "interval '61 s'"),
            "t");
}

TEST_F(Lease, TakeAQueuedRow) {
  db_->insert_queued("s1", "calculator");
  const auto r = db_->take_lease("s1", "other-pit", 30);
  EXPECT_EQ(r.outcome, TakeOutcome::Taken);
  EXPECT_EQ(r.attempt, 1);
  EXPECT_FALSE(r.after_crash);
  EXPECT_EQ(column("s1", "pit_id"), "calculator") << "the API's pit id is kept";
}

TEST_F(Lease, FinalRowIsAlreadyFinalAndUntouched) {
  const auto first = db_->take_lease("s1", "p", 60);
  ASSERT_TRUE(db_->write_verdict("s1", first.token, completed()));
  const std::string before = row("s1");
  const auto r = db_->take_lease("s1", "p", 60);
  EXPECT_EQ(r.outcome, TakeOutcome::AlreadyFinal);
  EXPECT_EQ(r.status, "COMPLETED");
  EXPECT_EQ(r.attempt, 1);
  EXPECT_TRUE(r.token.empty());
  EXPECT_EQ(row("s1"), before);
  for (const char* status :
       {"BUILD_FAILED", "TIMEOUT", "MEMORY_LIMIT", "INVALID_SUBMISSION", "ERROR"}) {
    exec(*admin_, std::string("UPDATE submissions SET status = '") + status + "'");
    EXPECT_EQ(db_->take_lease("s1", "p", 60).outcome, TakeOutcome::AlreadyFinal) << status;
  }
}

TEST_F(Lease, LiveLeaseIsHeldByAnother) {
  const auto first = db_->take_lease("s1", "p", 60);
  const std::string before = row("s1");
  const auto r = db_->take_lease("s1", "p", 60);
  EXPECT_EQ(r.outcome, TakeOutcome::HeldByAnother);
  EXPECT_EQ(r.status, "RUNNING");
  EXPECT_TRUE(r.token.empty());
  EXPECT_EQ(r.attempt, 1);
  EXPECT_GE(r.lease_seconds_left, 55);
  EXPECT_LE(r.lease_seconds_left, 60);
  EXPECT_EQ(row("s1"), before);
  EXPECT_EQ(column("s1", "lease_token"), first.token);
}

TEST_F(Lease, ExpiredLeaseIsTakenAfterACrash) {
  const auto first = db_->take_lease("s1", "p", 60);
  expire("s1");
  const auto r = db_->take_lease("s1", "p", 60);
  EXPECT_EQ(r.outcome, TakeOutcome::Taken);
  EXPECT_TRUE(r.after_crash);
  EXPECT_EQ(r.attempt, 2);
  EXPECT_EQ(r.failed_attempts, 1);
  EXPECT_NE(r.token, first.token);
  EXPECT_EQ(column("s1", "lease_token"), r.token);
  EXPECT_EQ(column("s1", "failed_attempts"), "1");
}

TEST_F(Lease, RunningRowWithoutALeaseIsTakenAfterACrash) {
  // What a worker from before leases leaves behind when it dies.
  exec(*admin_, "INSERT INTO submissions (id, status, attempts) VALUES ('s1', 'RUNNING', 1)");
  const auto r = db_->take_lease("s1", "p", 60);
  EXPECT_EQ(r.outcome, TakeOutcome::Taken);
  EXPECT_TRUE(r.after_crash);
  EXPECT_EQ(r.attempt, 2);
  EXPECT_EQ(r.failed_attempts, 1);
}

TEST_F(Lease, ConcurrentTakersFromTwoConnectionsGetExactlyOneLease) {
  constexpr int kIds = 25;
  Submissions other(url_);
  other.ping();
  db_->ping();
  std::vector<TakeResult> a(kIds), b(kIds);
  std::barrier sync(2);
  auto run = [&](Submissions& db, std::vector<TakeResult>& out) {
    for (int i = 0; i < kIds; ++i) {
      sync.arrive_and_wait();
      out[i] = db.take_lease("race-" + std::to_string(i), "p", 60);
    }
  };
  std::thread t1(run, std::ref(*db_), std::ref(a));
  std::thread t2(run, std::ref(other), std::ref(b));
  t1.join();
  t2.join();
  for (int i = 0; i < kIds; ++i) {
    const int taken = (a[i].outcome == TakeOutcome::Taken) + (b[i].outcome == TakeOutcome::Taken);
    const int held =
        (a[i].outcome == TakeOutcome::HeldByAnother) + (b[i].outcome == TakeOutcome::HeldByAnother);
    EXPECT_EQ(taken, 1) << i;
    EXPECT_EQ(held, 1) << i;
    EXPECT_EQ(column("race-" + std::to_string(i), "attempts"), "1");
  }
}

TEST_F(Lease, RenewExtendsOnlyWithTheCurrentToken) {
  const auto first = db_->take_lease("s1", "p", 5);
  EXPECT_TRUE(db_->renew_lease("s1", first.token, 600));
  EXPECT_EQ(column("s1", "lease_expires_at > now() + interval '590 s'"), "t");
  EXPECT_FALSE(db_->renew_lease("s1", "not-the-token", 600));
  EXPECT_FALSE(db_->renew_lease("s1", "", 600));
  EXPECT_FALSE(db_->renew_lease("missing", first.token, 600));
  // Renewal does not look at expiry: a late heartbeat still holds the lease nobody took.
  expire("s1");
  EXPECT_TRUE(db_->renew_lease("s1", first.token, 60));
  // Once another worker took over, the old holder's renewals fail.
  expire("s1");
  const auto second = db_->take_lease("s1", "p", 60);
  ASSERT_EQ(second.outcome, TakeOutcome::Taken);
  EXPECT_FALSE(db_->renew_lease("s1", first.token, 60));
  EXPECT_TRUE(db_->renew_lease("s1", second.token, 60));
}

TEST_F(Lease, VerdictIsWrittenWithTheTokenOnce) {
  const auto lease = db_->take_lease("s1", "p", 60);
  ASSERT_TRUE(db_->write_verdict("s1", lease.token, completed()));
  EXPECT_EQ(column("s1", "status"), "COMPLETED");
  EXPECT_EQ(column("s1", "score"), "7.5");
  EXPECT_EQ(column("s1", "max_score"), "10");
  EXPECT_EQ(column("s1", "tests_passed || '/' || tests_total"), "3/4");
  EXPECT_EQ(column("s1", "log_key"), "results/s/log.txt");
  EXPECT_EQ(column("s1", "feedback_key"), "results/s/feedback.json");
  EXPECT_EQ(column("s1", "error"), "<null>");
  EXPECT_EQ(column("s1", "finished_at IS NOT NULL"), "t");
  EXPECT_EQ(column("s1", "lease_token"), "<null>");
  EXPECT_EQ(column("s1", "lease_expires_at"), "<null>");
  const std::string before = row("s1");
  EXPECT_FALSE(db_->write_verdict("s1", lease.token, completed())) << "the lease ended";
  EXPECT_EQ(row("s1"), before);
}

TEST_F(Lease, VerdictWithAStaleTokenLeavesTheRowAlone) {
  const auto first = db_->take_lease("s1", "p", 60);
  expire("s1");
  const auto second = db_->take_lease("s1", "p", 60);
  ASSERT_EQ(second.outcome, TakeOutcome::Taken);
  const std::string before = row("s1");
  EXPECT_FALSE(db_->write_verdict("s1", first.token, completed()));
  EXPECT_EQ(row("s1"), before);
  EXPECT_FALSE(db_->write_verdict("s1", "", completed()));
  EXPECT_EQ(row("s1"), before);
  VerdictRow error;
  error.status = "ERROR";
  error.error = "build host on fire";
  EXPECT_TRUE(db_->write_verdict("s1", second.token, error));
  EXPECT_EQ(column("s1", "status || ': ' || error"), "ERROR: build host on fire");
}

TEST_F(Lease, VerdictMustBeFinal) {
  const auto lease = db_->take_lease("s1", "p", 60);
  VerdictRow v = completed();
  v.status = "QUEUED";
  EXPECT_THROW(db_->write_verdict("s1", lease.token, v), std::invalid_argument);
  v.status = "RUNNING";
  EXPECT_THROW(db_->write_verdict("s1", lease.token, v), std::invalid_argument);
}

TEST_F(Lease, ReleaseCountsEachKind) {
  auto lease = db_->take_lease("s1", "p", 60);
  ASSERT_TRUE(db_->release_lease("s1", lease.token, Release::InfraFault, "S3 unavailable"));
  EXPECT_EQ(column("s1", "status"), "QUEUED");
  EXPECT_EQ(column("s1", "error"), "S3 unavailable");
  EXPECT_EQ(column("s1", "infra_retries || ',' || failed_attempts"), "1,0");
  EXPECT_EQ(column("s1", "coalesce(lease_token, '') || coalesce(lease_expires_at::text, '')"), "");
  EXPECT_FALSE(db_->release_lease("s1", lease.token, Release::HandBack, "")) << "released";

  lease = db_->take_lease("s1", "p", 60);
  EXPECT_EQ(lease.attempt, 2);
  EXPECT_FALSE(lease.after_crash);
  EXPECT_EQ(lease.last_error, "S3 unavailable");
  ASSERT_TRUE(db_->release_lease("s1", lease.token, Release::FailedAttempt, "killed"));
  EXPECT_EQ(column("s1", "infra_retries || ',' || failed_attempts"), "1,1");
  EXPECT_EQ(column("s1", "error"), "killed");

  lease = db_->take_lease("s1", "p", 60);
  EXPECT_EQ(lease.failed_attempts, 1);
  ASSERT_TRUE(db_->release_lease("s1", lease.token, Release::HandBack, ""));
  EXPECT_EQ(column("s1", "infra_retries || ',' || failed_attempts || ',' || attempts"), "1,1,3");
  EXPECT_EQ(column("s1", "error"), "killed") << "an empty reason keeps the last one";
  EXPECT_EQ(column("s1", "status"), "QUEUED");
}

TEST_F(Lease, ReleaseWithAStaleTokenLeavesTheRowAlone) {
  const auto first = db_->take_lease("s1", "p", 60);
  expire("s1");
  ASSERT_EQ(db_->take_lease("s1", "p", 60).outcome, TakeOutcome::Taken);
  const std::string before = row("s1");
  for (auto kind : {Release::InfraFault, Release::FailedAttempt, Release::HandBack}) {
    EXPECT_FALSE(db_->release_lease("s1", first.token, kind, "late"));
  }
  EXPECT_EQ(row("s1"), before);
}

TEST_F(Lease, MarkErrorSparesFinalRowsAndLiveLeases) {
  // A missing row is inserted and ended.
  EXPECT_TRUE(db_->mark_error("bad-1", "p", "unreadable message"));
  EXPECT_EQ(column("bad-1", "status || ': ' || error || ' ' || pit_id"),
            "ERROR: unreadable message p");
  EXPECT_EQ(column("bad-1", "finished_at IS NOT NULL"), "t");
  // A queued row is ended.
  db_->insert_queued("bad-2", "p");
  EXPECT_TRUE(db_->mark_error("bad-2", "p", "why"));
  EXPECT_EQ(column("bad-2", "status"), "ERROR");
  // A final row is left alone.
  const auto lease = db_->take_lease("done", "p", 60);
  ASSERT_TRUE(db_->write_verdict("done", lease.token, completed()));
  std::string before = row("done");
  EXPECT_FALSE(db_->mark_error("done", "p", "late"));
  EXPECT_EQ(row("done"), before);
  // So is a row under a live lease...
  const auto live = db_->take_lease("busy", "p", 60);
  before = row("busy");
  EXPECT_FALSE(db_->mark_error("busy", "p", "late"));
  EXPECT_EQ(row("busy"), before);
  // ...but not one whose lease ran out, nor a RUNNING row without a lease.
  expire("busy");
  EXPECT_TRUE(db_->mark_error("busy", "p", "gave up"));
  EXPECT_EQ(column("busy", "status || ' ' || coalesce(lease_token, 'no lease')"), "ERROR no lease");
  EXPECT_FALSE(db_->write_verdict("busy", live.token, completed()));
  exec(*admin_, "INSERT INTO submissions (id, status) VALUES ('old', 'RUNNING')");
  EXPECT_TRUE(db_->mark_error("old", "p", "gave up"));
}

TEST_F(Lease, InsertQueuedResetsEverything) {
  auto lease = db_->take_lease("s1", "p", 60);
  ASSERT_TRUE(db_->release_lease("s1", lease.token, Release::InfraFault, "x"));
  lease = db_->take_lease("s1", "p", 60);
  expire("s1");
  lease = db_->take_lease("s1", "p", 60);
  ASSERT_TRUE(db_->write_verdict("s1", lease.token, completed()));
  db_->insert_queued("s1", "p2");
  EXPECT_EQ(column("s1",
                   "concat_ws(',', status, pit_id, attempts, failed_attempts, infra_retries, "
                   "coalesce(score::text, 'null'), coalesce(lease_token, 'none'), "
                   "coalesce(error, 'no error'), coalesce(finished_at::text, 'unfinished'))"),
            "QUEUED,p2,0,0,0,null,none,no error,unfinished");
  EXPECT_EQ(db_->take_lease("s1", "p2", 60).attempt, 1);
}

}  // namespace
}  // namespace runner::db
