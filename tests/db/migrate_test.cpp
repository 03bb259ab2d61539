// Versioned migrations (db/migrations) and the schema check against real PostgreSQL: old
// tables keep their rows, migrating twice changes nothing, concurrent runners both succeed,
// and `runner migrate` prints what it applied.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <pqxx/pqxx>
#include <thread>

#include "cli/commands.hpp"
#include "db/migrations.hpp"
#include "db/submissions.hpp"
#include "support/database.hpp"

namespace runner::db {
namespace {

using testing::exec;
using testing::value;

const std::vector<std::string> kAll = {"001_initial", "002_leases", "003_verdict_cache",
                                       "004_zip_keys"};

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += s + "\n";
  return out;
}

TEST(Migrate, CreatesTheSchemaOnAnEmptyDatabase) {
  const std::string url = testing::fresh_database();
  Submissions db(url);
  const auto problems = db.schema_problems();
  EXPECT_TRUE(contains(problems, "table submissions is missing (run `runner migrate`)"))
      << joined(problems);
  EXPECT_TRUE(contains(problems,
                       "table schema_migrations is missing: the schema was never migrated "
                       "(run `runner migrate`)"))
      << joined(problems);

  std::vector<std::string> reported;
  const auto result = db.migrate([&](const std::string& name) { reported.push_back(name); });
  EXPECT_EQ(result.applied, kAll);
  EXPECT_EQ(reported, kAll);
  EXPECT_EQ(result.version, latest_schema_version());
  EXPECT_EQ(db.schema_problems(), std::vector<std::string>{});
  pqxx::connection admin(url);
  EXPECT_EQ(value(admin,
                  "SELECT string_agg(version || ' ' || name, ', ' ORDER BY version) "
                  "FROM schema_migrations WHERE applied_at IS NOT NULL"),
            "1 001_initial, 2 002_leases, 3 003_verdict_cache, 4 004_zip_keys");
}

TEST(Migrate, TwiceIsANoOp) {
  const std::string url = testing::fresh_database();
  Submissions db(url);
  db.migrate();
  pqxx::connection admin(url);
  const std::string before =
      value(admin, "SELECT string_agg(t::text, ';') FROM schema_migrations t");
  const auto again = db.migrate([](const std::string& name) { ADD_FAILURE() << name; });
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.version, 4);
  EXPECT_EQ(value(admin, "SELECT string_agg(t::text, ';') FROM schema_migrations t"), before);
}

TEST(Migrate, VersionOneWithRowsIsUpgradedAndKeepsThem) {
  const std::string url = testing::fresh_database();
  pqxx::connection admin(url);
  // A database migrated by a runner that knew only 001.
  exec(admin, kSchemaMigrationsDdl);
  exec(admin, migrations()[0].sql);
  exec(admin, "INSERT INTO schema_migrations (version, name) VALUES (1, '001_initial')");
  exec(admin,
       "INSERT INTO submissions (id, pit_id, status, score, max_score, tests_passed, "
       "tests_total, log_key, feedback_key, attempts, finished_at) VALUES "
       "('done', 'calc', 'COMPLETED', 9, 10, 9, 10, 'l', 'f', 1, now()), "
       "('waiting', 'calc', 'QUEUED', NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL)");
  const std::string rows =
      value(admin,
            "SELECT string_agg(concat_ws(',', id, pit_id, status, score, max_score, "
            "tests_passed, tests_total, log_key, feedback_key, attempts, finished_at), ';' "
            "ORDER BY id) FROM submissions");

  Submissions db(url);
  const auto problems = db.schema_problems();
  EXPECT_TRUE(contains(problems,
                       "schema version 1 is older than this runner's 4 (run `runner "
                       "migrate`)"))
      << joined(problems);
  EXPECT_TRUE(
      contains(problems, "column submissions.lease_token is missing (run `runner migrate`)"))
      << joined(problems);
  EXPECT_TRUE(
      contains(problems, "column submissions.failed_attempts is missing (run `runner migrate`)"))
      << joined(problems);

  const auto result = db.migrate();
  EXPECT_EQ(result.applied,
            (std::vector<std::string>{"002_leases", "003_verdict_cache", "004_zip_keys"}));
  EXPECT_EQ(result.version, 4);
  EXPECT_EQ(db.schema_problems(), std::vector<std::string>{});
  EXPECT_EQ(value(admin,
                  "SELECT string_agg(concat_ws(',', id, pit_id, status, score, max_score, "
                  "tests_passed, tests_total, log_key, feedback_key, attempts, finished_at), "
                  "';' ORDER BY id) FROM submissions"),
            rows);
  EXPECT_EQ(value(admin,
                  "SELECT string_agg(failed_attempts || '/' || infra_retries, ',') "
                  "FROM submissions"),
            "0/0,0/0");
  // The old rows work with the new API.
  EXPECT_EQ(db.take_lease("done", "calc", 60).outcome, TakeOutcome::AlreadyFinal);
  EXPECT_EQ(db.take_lease("waiting", "calc", 60).outcome, TakeOutcome::Taken);
}

TEST(Migrate, TableFromTheUnversionedSchemaKeepsItsRows) {
  // db/schema.sql applied by an older runner (or the API's own table): no schema_migrations.
  const std::string url = testing::fresh_database();
  pqxx::connection admin(url);
  testing::create_legacy_table(admin, false);
  exec(admin,
       "INSERT INTO submissions (id, status, attempts) VALUES ('a', 'RUNNING', 2), "
       "('b', 'ERROR', 3)");
  Submissions db(url);
  const auto result = db.migrate();
  EXPECT_EQ(result.applied, kAll) << "001 runs too: it only adds what is missing";
  EXPECT_EQ(db.schema_problems(), std::vector<std::string>{});
  EXPECT_EQ(value(admin,
                  "SELECT string_agg(id || status || attempts, ',' ORDER BY id) "
                  "FROM submissions"),
            "aRUNNING2,bERROR3");
  EXPECT_EQ(value(admin,
                  "SELECT count(*) FROM pg_indexes WHERE indexname = "
                  "'submissions_status_idx'"),
            "1");
}

TEST(Migrate, AddsTheColumnsATableTheApiCreatedLacks) {
  const std::string url = testing::fresh_database();
  pqxx::connection admin(url);
  exec(admin,
       "CREATE TABLE submissions (id text PRIMARY KEY, status text NOT NULL, "
       "created_by_api timestamptz DEFAULT now())");
  exec(admin, "INSERT INTO submissions (id, status) VALUES ('x', 'QUEUED')");
  Submissions db(url);
  const auto problems = db.schema_problems();
  EXPECT_TRUE(contains(problems, "column submissions.attempts is missing (run `runner migrate`)"))
      << joined(problems);
  db.migrate();
  EXPECT_EQ(db.schema_problems(), std::vector<std::string>{});
  EXPECT_EQ(db.take_lease("x", "p", 60).attempt, 1);
}

TEST(Migrate, ConcurrentRunnersBothSucceed) {
  for (int round = 0; round < 3; ++round) {
    const std::string url = testing::fresh_database();
    Submissions a(url), b(url);
    a.ping();
    b.ping();
    MigrateResult ra, rb;
    std::string error_a, error_b;
    auto run = [](Submissions& db, MigrateResult& out, std::string& error) {
      try {
        out = db.migrate();
      } catch (const std::exception& e) {
        error = e.what();
      }
    };
    std::thread ta(run, std::ref(a), std::ref(ra), std::ref(error_a));
    std::thread tb(run, std::ref(b), std::ref(rb), std::ref(error_b));
    ta.join();
    tb.join();
    EXPECT_EQ(error_a, "");
    EXPECT_EQ(error_b, "");
    EXPECT_EQ(ra.version, 4);
    EXPECT_EQ(rb.version, 4);
    EXPECT_EQ(ra.applied.size() + rb.applied.size(), kAll.size()) << "each applied once";
    pqxx::connection admin(url);
    EXPECT_EQ(value(admin, "SELECT count(*) FROM schema_migrations"), "4");
  }
}

TEST(Migrate, NewerSchemaIsFine) {
  // A newer runner migrated further (a rollback): this runner still works.
  const std::string url = testing::fresh_database();
  Submissions db(url);
  db.migrate();
  pqxx::connection admin(url);
  exec(admin, "INSERT INTO schema_migrations (version, name) VALUES (5, '005_future')");
  EXPECT_EQ(db.schema_problems(), std::vector<std::string>{});
  EXPECT_EQ(db.migrate().version, 5);
}

TEST(Migrate, RefusesAnotherToolsSchemaMigrations) {
  const std::string url = testing::fresh_database();
  pqxx::connection admin(url);
  exec(admin, "CREATE TABLE schema_migrations (version varchar PRIMARY KEY)");
  Submissions db(url);
  try {
    db.migrate();
    FAIL() << "expected DbError";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("another tool"), std::string::npos) << e.what();
  }
  EXPECT_EQ(value(admin, "SELECT to_regclass('submissions') IS NULL"), "t");
}

TEST(Migrate, SchemaProblemsNameAnIdWithoutAUniqueIndex) {
  const std::string url = testing::fresh_database();
  pqxx::connection admin(url);
  exec(admin, "CREATE TABLE submissions (id text, status text)");
  Submissions db(url);
  db.migrate();
  const auto problems = db.schema_problems();
  ASSERT_EQ(problems.size(), 1u) << joined(problems);
  EXPECT_NE(problems[0].find("submissions.id has no primary key or unique index"),
            std::string::npos);
}

// Sets the variables `runner migrate` reads, for one test.
class MigrateCommand : public ::testing::Test {
 protected:
  void set(const char* name, const std::string& v) {
    setenv(name, v.c_str(), 1);
    names_.push_back(name);
  }
  void TearDown() override {
    for (const char* n : names_) unsetenv(n);
  }
  std::vector<const char*> names_;
};

TEST_F(MigrateCommand, PrintsEachAppliedMigrationThenTheVersion) {
  const std::string url = testing::fresh_database();
  set("AWS_REGION", "eu-south-2");
  set("AWS_S3_BUCKET", "b");
  set("AWS_SQS_QUEUE_URL", "https://sqs.eu-south-2.amazonaws.com/1/q");
  set("DATABASE_URL", url);
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(cli::migrate_command(), 0);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(),
            "migrating " + url +
                "\n✓ applied 001_initial\n✓ applied 002_leases\n✓ applied 003_verdict_cache\n"
                "✓ applied 004_zip_keys\n✓ schema up to date (version 4)\n");
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(cli::migrate_command(), 0);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(),
            "migrating " + url + "\n✓ schema up to date (version 4)\n");
}

TEST_F(MigrateCommand, FailsWithTheReason) {
  set("AWS_REGION", "eu-south-2");
  set("AWS_S3_BUCKET", "b");
  set("AWS_SQS_QUEUE_URL", "https://sqs.eu-south-2.amazonaws.com/1/q");
  // Nothing listens on port 1.
  set("DATABASE_URL", "postgresql://u:hunter2@127.0.0.1:1/d");
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(cli::migrate_command(), 1);
  const std::string out = ::testing::internal::GetCapturedStdout();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(out, "migrating postgresql://u:****@127.0.0.1:1/d\n");
  EXPECT_NE(err.find("✗ postgres migrate: connection lost"), std::string::npos) << err;
  EXPECT_EQ((out + err).find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace runner::db
