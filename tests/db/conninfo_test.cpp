// Connection strings (README, "Configuration"): DB_* quoting, DATABASE_URL through
// PQconninfoParse, the runner's defaults, and the password masked wherever settings print it.
#include "db/conninfo.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <stdlib.h>

#include <map>
#include <memory>
#include <string>

#include "config/banner.hpp"
#include "config/settings.hpp"

namespace runner::db {
namespace {

const std::string kNastyPassword = R"(p%a/s@s:w'o\rd)";

// What libpq makes of a connection string: the options it sets.
std::map<std::string, std::string> parse(const std::string& conninfo) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(conninfo.c_str(), &error), &PQconninfoFree);
  if (!options) {
    std::string reason = error != nullptr ? error : "?";
    PQfreemem(error);
    ADD_FAILURE() << "libpq rejects " << conninfo << ": " << reason;
    return {};
  }
  std::map<std::string, std::string> out;
  for (auto* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val != nullptr) out[o->keyword] = o->val;
  }
  return out;
}

// Unsets a variable for the test's duration and restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(ConnInfo, QuotesEscapeQuotesAndBackslashes) {
  EXPECT_EQ(quote_conninfo_value(kNastyPassword), R"('p%a/s@s:w\'o\\rd')");
  EXPECT_EQ(quote_conninfo_value(""), "''");
  EXPECT_EQ(quote_conninfo_value("a b"), "'a b'");
}

TEST(ConnInfo, PartsSurviveLibpqParsing) {
  for (const std::string& password :
       {kNastyPassword, std::string("with spaces and = signs"), std::string(R"(\'\\'')"),
        std::string("trailing\\"), std::string("?&#%20")}) {
    const auto parsed =
        parse(conninfo_from_parts("db.example", "6543", "run'ner", password, "my db"));
    EXPECT_EQ(parsed.at("password"), password);
    EXPECT_EQ(parsed.at("host"), "db.example");
    EXPECT_EQ(parsed.at("port"), "6543");
    EXPECT_EQ(parsed.at("user"), "run'ner");
    EXPECT_EQ(parsed.at("dbname"), "my db");
  }
}

TEST(ConnInfo, AddsTheRunnersDefaults) {
  ScopedEnv app("PGAPPNAME", nullptr), timeout("PGCONNECT_TIMEOUT", nullptr),
      options("PGOPTIONS", nullptr), ssl("PGSSLMODE", nullptr);
  const auto parsed = parse(connection_string("postgresql://u@h:5433/db"));
  EXPECT_EQ(parsed.at("host"), "h");
  EXPECT_EQ(parsed.at("port"), "5433");
  EXPECT_EQ(parsed.at("user"), "u");
  EXPECT_EQ(parsed.at("dbname"), "db");
  EXPECT_EQ(parsed.at("connect_timeout"), "10");
  EXPECT_EQ(parsed.at("keepalives"), "1");
  EXPECT_EQ(parsed.at("keepalives_idle"), "30");
  EXPECT_EQ(parsed.at("keepalives_interval"), "10");
  EXPECT_EQ(parsed.at("keepalives_count"), "3");
  EXPECT_EQ(parsed.at("application_name"), "runner");
  EXPECT_EQ(parsed.at("options"),
            "-c statement_timeout=30000 -c lock_timeout=10000 "
            "-c idle_in_transaction_session_timeout=60000");
  EXPECT_EQ(parsed.count("sslmode"), 0u) << "libpq reads PGSSLMODE itself";
  EXPECT_EQ(parsed.count("password"), 0u);
}

TEST(ConnInfo, KeepsWhatTheUrlSets) {
  const auto parsed = parse(connection_string(
      "postgres://u:p%25a%2Fs%40s%3Aw'o%5Crd@h/db?sslmode=require&connect_timeout=3"
      "&application_name=mine&options=-c%20search_path%3Dx"));
  EXPECT_EQ(parsed.at("password"), kNastyPassword);
  EXPECT_EQ(parsed.at("sslmode"), "require");
  EXPECT_EQ(parsed.at("connect_timeout"), "3");
  EXPECT_EQ(parsed.at("application_name"), "mine");
  EXPECT_EQ(parsed.at("options"), "-c search_path=x");
  EXPECT_EQ(parsed.at("keepalives_idle"), "30");
}

TEST(ConnInfo, AcceptsKeywordForm) {
  const auto parsed = parse(connection_string(R"(host=h dbname = d password='it\'s a \\ secret')"));
  EXPECT_EQ(parsed.at("password"), R"(it's a \ secret)");
  EXPECT_EQ(parsed.at("dbname"), "d");
  EXPECT_EQ(parsed.at("application_name"), "runner");
}

TEST(ConnInfo, IsIdempotent) {
  const std::string once = connection_string("postgresql://u:pw@h/db?sslmode=verify-full");
  EXPECT_EQ(parse(connection_string(once)), parse(once));
}

TEST(ConnInfo, EnvironmentVariablesBeatTheDefaults) {
  ScopedEnv app("PGAPPNAME", "from-env"), timeout("PGCONNECT_TIMEOUT", "2"),
      options("PGOPTIONS", "-c work_mem=8MB"), ssl("PGSSLMODE", "require");
  const auto parsed = parse(connection_string("postgresql://h/db"));
  EXPECT_EQ(parsed.count("application_name"), 0u);
  EXPECT_EQ(parsed.count("connect_timeout"), 0u);
  EXPECT_EQ(parsed.count("options"), 0u);
  EXPECT_EQ(parsed.count("sslmode"), 0u);
  EXPECT_EQ(parsed.at("keepalives"), "1");
}

TEST(ConnInfo, RejectsGarbageWithoutEchoingIt) {
  try {
    connection_string("postgresql://u:s3cr%zzet@h/db");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cr"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("percent"), std::string::npos) << e.what();
  }
  EXPECT_THROW(connection_string("not a connection string"), std::invalid_argument);
  EXPECT_THROW(connection_string("host=h nosuchoption=1"), std::invalid_argument);
}

// --- Settings: how DATABASE_URL / DB_* become Settings::database_url -----------------------

config::Environment service_env() {
  return {{"AWS_REGION", "eu-south-2"},
          {"AWS_S3_BUCKET", "b"},
          {"AWS_SQS_QUEUE_URL", "https://sqs.eu-south-2.amazonaws.com/1/q"}};
}

TEST(DatabaseSettings, PartsBecomeAQuotedKeywordString) {
  auto env = service_env();
  env.insert({{"DB_HOST", "db"},
              {"DB_PORT", "5432"},
              {"DB_USERNAME", "u"},
              {"DB_PASSWORD", kNastyPassword},
              {"DB_NAME", "n"}});
  const auto r = config::load_settings(env, config::Purpose::Service);
  ASSERT_TRUE(r.problems.empty()) << config::format_problems(r.problems);
  EXPECT_EQ(r.settings.database_url,
            R"(host='db' port='5432' user='u' password='p%a/s@s:w\'o\\rd' dbname='n')");
  const auto parsed = parse(connection_string(r.settings.database_url));
  EXPECT_EQ(parsed.at("password"), kNastyPassword);
  EXPECT_EQ(parsed.at("host"), "db");
  EXPECT_EQ(parsed.at("application_name"), "runner");
}

TEST(DatabaseSettings, PasswordWithSpacesIsKeptWhole) {
  auto env = service_env();
  env.insert({{"DB_HOST", "db"},
              {"DB_PORT", "5432"},
              {"DB_USERNAME", "u"},
              {"DB_PASSWORD", "correct horse battery"},
              {"DB_NAME", "n"}});
  const auto r = config::load_settings(env, config::Purpose::Service);
  EXPECT_EQ(parse(r.settings.database_url).at("password"), "correct horse battery");
}

TEST(DatabaseSettings, DatabaseUrlInEitherFormIsValidated) {
  for (const std::string ok : {"postgresql://u:p@h:5432/d", "postgres://h/d?sslmode=require",
                               "host=h dbname=d user=u password='x y'"}) {
    auto env = service_env();
    env["DATABASE_URL"] = ok;
    const auto r = config::load_settings(env, config::Purpose::Service);
    EXPECT_TRUE(r.problems.empty()) << ok << "\n" << config::format_problems(r.problems);
    EXPECT_EQ(r.settings.database_url, ok);
  }
  auto env = service_env();
  env["DATABASE_URL"] = "postgresql://u:hunter%zz2@h/d";
  const auto r = config::load_settings(env, config::Purpose::Service);
  ASSERT_EQ(r.problems.invalid.size(), 1u);
  EXPECT_EQ(r.problems.invalid[0].rfind("DATABASE_URL: not a PostgreSQL URL", 0), 0u)
      << r.problems.invalid[0];
  EXPECT_EQ(r.problems.invalid[0].find("hunter"), std::string::npos) << r.problems.invalid[0];
}

TEST(DatabaseSettings, MasksPasswordsInEveryForm) {
  using config::mask_database_url;
  EXPECT_EQ(mask_database_url("postgres://u:pw@h/db"), "postgres://u:****@h/db");
  EXPECT_EQ(mask_database_url("postgresql://u:p@ss@h:5432/db"), "postgresql://u:****@h:5432/db");
  EXPECT_EQ(mask_database_url("postgres://h/db"), "postgres://h/db");
  EXPECT_EQ(mask_database_url("postgres://u@h/db?sslmode=require&password=pw"),
            "postgres://u@h/db?sslmode=require&password=****");
  EXPECT_EQ(mask_database_url("host=h password=pw dbname=d"), "host=h password=**** dbname=d");
  EXPECT_EQ(mask_database_url(R"(host='h' password = 'it\'s a secret' dbname='d')"),
            "host='h' password = **** dbname='d'");
  const std::string parts = conninfo_from_parts("db", "5432", "u", kNastyPassword, "n");
  EXPECT_EQ(mask_database_url(parts), "host='db' port='5432' user='u' password=**** dbname='n'");
}

TEST(DatabaseSettings, BannerMasksThePartsPassword) {
  auto env = service_env();
  env.insert({{"DB_HOST", "db"},
              {"DB_PORT", "5432"},
              {"DB_USERNAME", "u"},
              {"DB_PASSWORD", "sw0rdf1sh 'x'"},
              {"DB_NAME", "n"}});
  const auto r = config::load_settings(env, config::Purpose::Service);
  const std::string banner = config::describe_settings(r.settings, "none");
  EXPECT_EQ(banner.find("sw0rdf1sh"), std::string::npos) << banner;
  EXPECT_NE(banner.find("password=****"), std::string::npos) << banner;
}

}  // namespace
}  // namespace runner::db
