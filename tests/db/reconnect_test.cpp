// Submissions::with_connection: a broken connection is reopened and the statement retried once;
// any other failure throws DbError at once.
#include <gtest/gtest.h>

#include <chrono>
#include <pqxx/pqxx>
#include <thread>

#include "db/submissions.hpp"
#include "support/database.hpp"

namespace runner::db {
namespace {

using namespace std::chrono_literals;
using testing::exec;
using testing::value;

// Ends the backends of `application_name` from another connection and waits until they are gone.
void terminate_backends(const std::string& url, const std::string& application_name) {
  pqxx::connection admin(url);
  EXPECT_EQ(value(admin,
                  "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                  "WHERE application_name = '" +
                      application_name + "'"),
            "1");
  for (int i = 0; i < 100; ++i) {
    if (value(admin, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" +
                         application_name + "'") == "0") {
      return;
    }
    std::this_thread::sleep_for(20ms);
  }
  ADD_FAILURE() << "backend still alive";
}

TEST(Reconnect, TerminatedBackendIsReopenedForTheNextCall) {
  const std::string url = testing::fresh_database();
  Submissions db(testing::with_parameter(url, "application_name=dbtest-terminate"));
  db.migrate();
  const auto lease = db.take_lease("s1", "p", 60);

  terminate_backends(url, "dbtest-terminate");
  EXPECT_NO_THROW(EXPECT_TRUE(db.renew_lease("s1", lease.token, 60)));

  terminate_backends(url, "dbtest-terminate");
  VerdictRow v;
  v.status = "COMPLETED";
  EXPECT_NO_THROW(EXPECT_TRUE(db.write_verdict("s1", lease.token, v)));

  for (int i = 0; i < 3; ++i) {
    terminate_backends(url, "dbtest-terminate");
    EXPECT_NO_THROW(db.ping());
    terminate_backends(url, "dbtest-terminate");
    EXPECT_NO_THROW(EXPECT_EQ(db.take_lease("s1", "p", 60).outcome, TakeOutcome::AlreadyFinal));
  }
  terminate_backends(url, "dbtest-terminate");
  EXPECT_NO_THROW(EXPECT_TRUE(db.schema_problems().empty()));
}

// A trigger that terminates its own backend on the first `failures` inserts: the connection
// breaks in the middle of take_lease's transaction. `calls` counts the attempts (a sequence is
// not rolled back).
void break_first_inserts(pqxx::connection& admin, int failures) {
  exec(admin, "CREATE SEQUENCE calls");
  exec(admin,
       "CREATE FUNCTION break_connection() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
       "IF nextval('calls') <= " +
           std::to_string(failures) +
           " THEN "
           "PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); END IF; "
           "RETURN NEW; END $$");
  exec(admin,
       "CREATE TRIGGER break_connection BEFORE INSERT ON submissions FOR EACH ROW "
       "EXECUTE FUNCTION break_connection()");
}

TEST(Reconnect, ConnectionLostMidTransactionIsRetriedOnce) {
  const std::string url = testing::fresh_database();
  Submissions db(url);
  db.migrate();
  pqxx::connection admin(url);
  break_first_inserts(admin, 1);
  const auto r = db.take_lease("s1", "p", 60);
  EXPECT_EQ(r.outcome, TakeOutcome::Taken);
  EXPECT_EQ(r.attempt, 1) << "the broken attempt never committed";
  EXPECT_EQ(value(admin, "SELECT last_value FROM calls"), "2");
}

TEST(Reconnect, SecondLossThrowsDbError) {
  const std::string url = testing::fresh_database();
  Submissions db(url);
  db.migrate();
  pqxx::connection admin(url);
  break_first_inserts(admin, 100);
  try {
    db.take_lease("s1", "p", 60);
    FAIL() << "expected DbError";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("postgres take lease: connection lost"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(value(admin, "SELECT last_value FROM calls"), "2") << "tried exactly twice";
  EXPECT_EQ(value(admin, "SELECT count(*) FROM submissions"), "0");
}

TEST(Reconnect, SqlErrorsAreNotRetried) {
  const std::string url = testing::fresh_database();
  Submissions db(url);
  db.migrate();
  pqxx::connection admin(url);
  exec(admin, "CREATE SEQUENCE calls");
  exec(admin,
       "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
       "PERFORM nextval('calls'); RAISE EXCEPTION 'refused by trigger'; END $$");
  exec(admin,
       "CREATE TRIGGER refuse BEFORE INSERT ON submissions FOR EACH ROW "
       "EXECUTE FUNCTION refuse()");
  try {
    db.take_lease("s1", "p", 60);
    FAIL() << "expected DbError";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("refused by trigger"), std::string::npos) << e.what();
  }
  EXPECT_EQ(value(admin, "SELECT last_value FROM calls"), "1");
  // The connection stays usable.
  EXPECT_NO_THROW(db.ping());
  EXPECT_THROW(db.apply_schema("SELECT * FROM no_such_table"), DbError);
  EXPECT_NO_THROW(db.ping());
}

TEST(Reconnect, ServerRestartIsSurvivedAndDownIsDbError) {
  // A server of its own: stopping the shared one would break the other tests' connections.
  service::testing::PostgresServer pg;
  Submissions db(pg.url());
  db.migrate();
  pg.stop();
  try {
    db.ping();
    FAIL() << "expected DbError";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("postgres ping: connection lost"), std::string::npos)
        << e.what();
  }
  pg.start();
  EXPECT_NO_THROW(db.ping());
  pg.stop();
  pg.start();
  EXPECT_NO_THROW(EXPECT_EQ(db.take_lease("s1", "p", 60).outcome, TakeOutcome::Taken));
}

}  // namespace
}  // namespace runner::db
