// Connecting for real: a role whose password needs quoting (scram-sha-256 and md5 auth)
// through the DB_* parts and DATABASE_URL, the runner's session defaults, and PGSSLMODE.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "config/settings.hpp"
#include "db/conninfo.hpp"
#include "db/submissions.hpp"
#include "support/database.hpp"

namespace runner::db {
namespace {

using namespace std::chrono_literals;
using testing::exec;
using testing::value;

const std::string kPassword = R"(p%a/s@s:w'o\rd)";

// Roles `scram_user` and `md5_user` with kPassword, and pg_hba.conf lines that make them
// authenticate with a password over TCP (before initdb's `trust` lines), once per process.
void create_password_roles() {
  static bool done = false;
  if (done) return;
  pqxx::connection admin(testing::server().url());
  {
    pqxx::nontransaction n(admin);
    n.exec("SET password_encryption = 'scram-sha-256'");
    n.exec("CREATE ROLE scram_user LOGIN PASSWORD " + n.quote(kPassword));
    n.exec("SET password_encryption = 'md5'");
    n.exec("CREATE ROLE md5_user LOGIN PASSWORD " + n.quote(kPassword));
  }
  const std::string hba_file = value(admin, "SHOW hba_file");
  std::ifstream in(hba_file);
  std::stringstream old;
  old << in.rdbuf();
  in.close();
  std::ofstream out(hba_file, std::ios::trunc);
  out << "host all scram_user 127.0.0.1/32 scram-sha-256\n"
      << "host all md5_user 127.0.0.1/32 md5\n"
      << old.str();
  out.close();
  exec(admin, "SELECT pg_reload_conf()");
  // The postmaster rereads the file asynchronously: wait until a password-less login fails.
  const std::string port = std::to_string(testing::server().port());
  for (int i = 0; i < 100; ++i) {
    try {
      pqxx::connection probe("host=127.0.0.1 port=" + port + " user=scram_user dbname=postgres");
    } catch (const pqxx::broken_connection&) {
      done = true;
      return;
    }
    std::this_thread::sleep_for(50ms);
  }
  FAIL() << "pg_hba.conf was not reloaded";
}

config::Environment parts_env(const std::string& user, const std::string& password) {
  return {{"AWS_REGION", "eu-south-2"},
          {"AWS_S3_BUCKET", "b"},
          {"AWS_SQS_QUEUE_URL", "https://sqs.eu-south-2.amazonaws.com/1/q"},
          {"DB_HOST", "127.0.0.1"},
          {"DB_PORT", std::to_string(testing::server().port())},
          {"DB_USERNAME", user},
          {"DB_PASSWORD", password},
          {"DB_NAME", "postgres"}};
}

std::string settings_url(const config::Environment& env) {
  const auto r = config::load_settings(env, config::Purpose::Service);
  EXPECT_TRUE(r.problems.empty()) << config::format_problems(r.problems);
  return r.settings.database_url;
}

TEST(Connect, PasswordNeedingQuotesWorksThroughDbParts) {
  create_password_roles();
  for (const std::string user : {"scram_user", "md5_user"}) {
    Submissions db(settings_url(parts_env(user, kPassword)));
    EXPECT_NO_THROW(db.ping()) << user;
    pqxx::connection c(connection_string(settings_url(parts_env(user, kPassword))));
    EXPECT_EQ(value(c, "SELECT current_user"), user);
  }
}

TEST(Connect, WrongPasswordIsRefused) {
  create_password_roles();
  Submissions db(settings_url(parts_env("scram_user", kPassword + "x")));
  try {
    db.ping();
    FAIL() << "expected DbError";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("password authentication failed"), std::string::npos)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find(kPassword), std::string::npos);
  }
}

TEST(Connect, PercentEncodedUrlAndKeywordDatabaseUrlWork) {
  create_password_roles();
  const std::string port = std::to_string(testing::server().port());
  for (const std::string& url :
       {"postgresql://scram_user:p%25a%2Fs%40s%3Aw'o%5Crd@127.0.0.1:" + port + "/postgres",
        "host=127.0.0.1 port=" + port +
            " user=scram_user dbname=postgres password=" + quote_conninfo_value(kPassword)}) {
    auto env = parts_env("", "");
    env["DATABASE_URL"] = url;
    Submissions db(settings_url(env));
    EXPECT_NO_THROW(db.ping()) << config::mask_database_url(url);
  }
}

TEST(Connect, SessionsGetTheRunnersDefaults) {
  pqxx::connection c(connection_string(testing::server().url()));
  EXPECT_EQ(value(c, "SHOW statement_timeout"), "30s");
  EXPECT_EQ(value(c, "SHOW lock_timeout"), "10s");
  EXPECT_EQ(value(c, "SHOW idle_in_transaction_session_timeout"), "1min");
  EXPECT_EQ(value(c, "SHOW application_name"), "runner");
  pqxx::connection mine(connection_string(
      testing::with_parameter(testing::server().url(), "options=-c%20statement_timeout%3D5000")));
  EXPECT_EQ(value(mine, "SHOW statement_timeout"), "5s");
  EXPECT_EQ(value(mine, "SHOW lock_timeout"), "0") << "options given: none of the runner's";
}

TEST(Connect, SslModeFromTheUrlAndFromPgSslMode) {
  // The test server has no TLS: requiring it must fail, which shows the setting reached libpq.
  const std::string url = testing::server().url();
  Submissions from_url(testing::with_parameter(url, "sslmode=require"));
  EXPECT_THROW(from_url.ping(), DbError);
  setenv("PGSSLMODE", "require", 1);
  Submissions from_env(url);
  EXPECT_THROW(from_env.ping(), DbError);
  Submissions url_wins(testing::with_parameter(url, "sslmode=disable"));
  EXPECT_NO_THROW(url_wins.ping());
  unsetenv("PGSSLMODE");
  EXPECT_NO_THROW(from_env.ping());
}

}  // namespace
}  // namespace runner::db
