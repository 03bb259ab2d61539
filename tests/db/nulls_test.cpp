// Rows the API inserted with NULL wherever the table allows it: a table created the old way
// (`attempts int` nullable, no defaults), and even lease columns added nullable before the
// runner's migration did. Every function reads them as 0 / QUEUED.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "db/submissions.hpp"
#include "support/database.hpp"

namespace runner::db {
namespace {

using testing::exec;
using testing::value;

class Nulls : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::fresh_database();
    admin_ = std::make_unique<pqxx::connection>(url_);
    testing::create_legacy_table(*admin_, true);
    exec(*admin_,
         "ALTER TABLE submissions ADD COLUMN lease_token text, "
         "ADD COLUMN lease_expires_at timestamptz, ADD COLUMN failed_attempts int, "
         "ADD COLUMN infra_retries int");
    db_ = std::make_unique<Submissions>(url_);
    db_->migrate();
    EXPECT_EQ(value(*admin_,
                    "SELECT is_nullable FROM information_schema.columns WHERE "
                    "table_name = 'submissions' AND column_name = 'attempts'"),
              "YES");
    EXPECT_EQ(db_->schema_problems(), std::vector<std::string>{});
  }
  // What the API does: only the id and, perhaps, the status.
  void api_insert(const std::string& id, const std::string& status = "QUEUED") {
    exec(*admin_, "INSERT INTO submissions (id, status) VALUES ('" + id + "', " +
                      (status.empty() ? "NULL" : "'" + status + "'") + ")");
  }
  std::string column(const std::string& id, const std::string& expression) {
    return value(*admin_, "SELECT " + expression + " FROM submissions WHERE id = '" + id + "'");
  }
  void set(const std::string& id, const std::string& assignments) {
    exec(*admin_, "UPDATE submissions SET " + assignments + " WHERE id = '" + id + "'");
  }

  std::string url_;
  std::unique_ptr<pqxx::connection> admin_;
  std::unique_ptr<Submissions> db_;
};

TEST_F(Nulls, TakeCountsFromZero) {
  api_insert("q");
  const auto r = db_->take_lease("q", "p", 60);
  EXPECT_EQ(r.outcome, TakeOutcome::Taken);
  EXPECT_EQ(r.attempt, 1);
  EXPECT_EQ(r.failed_attempts, 0);
  EXPECT_FALSE(r.after_crash);
  EXPECT_EQ(column("q", "attempts || ',' || failed_attempts || ',' || pit_id"), "1,0,p");
}

TEST_F(Nulls, NullStatusIsQueued) {
  api_insert("n", "");
  const auto r = db_->take_lease("n", "p", 60);
  EXPECT_EQ(r.outcome, TakeOutcome::Taken);
  EXPECT_FALSE(r.after_crash);
  api_insert("m", "");
  EXPECT_TRUE(db_->mark_error("m", "p", "bad body"));
  EXPECT_EQ(column("m", "status"), "ERROR");
}

TEST_F(Nulls, FinalAndHeldRowsReportZeroCounters) {
  api_insert("f", "COMPLETED");
  auto r = db_->take_lease("f", "p", 60);
  EXPECT_EQ(r.outcome, TakeOutcome::AlreadyFinal);
  EXPECT_EQ(r.attempt, 0);
  EXPECT_EQ(r.failed_attempts, 0);
  EXPECT_FALSE(db_->mark_error("f", "p", "x"));

  api_insert("h", "RUNNING");
  set("h", "lease_token = 'someone', lease_expires_at = now() + interval '1 minute'");
  r = db_->take_lease("h", "p", 60);
  EXPECT_EQ(r.outcome, TakeOutcome::HeldByAnother);
  EXPECT_EQ(r.attempt, 0);
  EXPECT_GT(r.lease_seconds_left, 0);
  EXPECT_FALSE(db_->mark_error("h", "p", "x"));
  EXPECT_FALSE(db_->renew_lease("h", "other", 60));
}

TEST_F(Nulls, CrashedRowWithNullCounters) {
  api_insert("c", "RUNNING");
  const auto r = db_->take_lease("c", "p", 60);
  EXPECT_EQ(r.outcome, TakeOutcome::Taken);
  EXPECT_TRUE(r.after_crash);
  EXPECT_EQ(r.attempt, 1);
  EXPECT_EQ(r.failed_attempts, 1);
}

TEST_F(Nulls, RenewVerdictAndReleaseWork) {
  api_insert("v");
  auto lease = db_->take_lease("v", "p", 60);
  EXPECT_TRUE(db_->renew_lease("v", lease.token, 120));
  set("v", "failed_attempts = NULL, infra_retries = NULL");
  ASSERT_TRUE(db_->release_lease("v", lease.token, Release::InfraFault, "s3 down"));
  EXPECT_EQ(column("v", "infra_retries || ',' || coalesce(failed_attempts, -1)"), "1,0");

  lease = db_->take_lease("v", "p", 60);
  set("v", "failed_attempts = NULL, infra_retries = NULL");
  ASSERT_TRUE(db_->release_lease("v", lease.token, Release::FailedAttempt, ""));
  EXPECT_EQ(column("v", "coalesce(infra_retries, -1) || ',' || failed_attempts"), "0,1");

  lease = db_->take_lease("v", "p", 60);
  set("v", "attempts = NULL");
  ASSERT_TRUE(db_->release_lease("v", lease.token, Release::HandBack, ""));
  lease = db_->take_lease("v", "p", 60);
  EXPECT_EQ(lease.attempt, 1);

  VerdictRow verdict;
  verdict.status = "BUILD_FAILED";
  verdict.log_key = "results/v/log.txt";
  ASSERT_TRUE(db_->write_verdict("v", lease.token, verdict));
  EXPECT_EQ(column("v", "status || ' ' || log_key || ' ' || coalesce(feedback_key, 'none')"),
            "BUILD_FAILED results/v/log.txt none");
}

TEST_F(Nulls, MarkErrorAndInsertQueued) {
  api_insert("e");
  EXPECT_TRUE(db_->mark_error("e", "p", "bad"));
  db_->insert_queued("e", "p");
  EXPECT_EQ(column("e", "status || attempts || failed_attempts || infra_retries"), "QUEUED000");
  EXPECT_TRUE(db_->mark_error("fresh", "", "no pit"));
  EXPECT_EQ(column("fresh", "coalesce(pit_id, 'null')"), "null");
}

}  // namespace
}  // namespace runner::db
