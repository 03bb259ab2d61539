#include "support/database.hpp"

#include <atomic>

namespace runner::db::testing {

service::testing::PostgresServer& server() {
  static service::testing::PostgresServer s;  // stopped and removed at exit
  return s;
}

std::string fresh_database() {
  static std::atomic<int> counter{0};
  const std::string name = "t" + std::to_string(++counter);
  pqxx::connection admin(server().url());
  pqxx::nontransaction n(admin);
  n.exec("DROP DATABASE IF EXISTS " + name);
  n.exec("CREATE DATABASE " + name);
  std::string url = server().url();
  return url.substr(0, url.rfind('/') + 1) + name;
}

std::string with_parameter(const std::string& url, const std::string& parameter) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + parameter;
}

void create_legacy_table(pqxx::connection& c, bool nullable) {
  const std::string not_null = nullable ? "" : " NOT NULL";
  const std::string zero = nullable ? "" : " NOT NULL DEFAULT 0";
  const std::string now = nullable ? "" : " NOT NULL DEFAULT now()";
  exec(c, "CREATE TABLE submissions (id text PRIMARY KEY, pit_id text, status text" + not_null +
              ", score double precision, max_score double precision, tests_passed int, "
              "tests_total int, log_key text, feedback_key text, error text, attempts int" +
              zero + ", started_at timestamptz, finished_at timestamptz, updated_at timestamptz" +
              now + ")");
}

std::string value(pqxx::connection& c, const std::string& sql) {
  pqxx::nontransaction n(c);
  const auto r = n.exec1(sql);
  return r[0].is_null() ? "<null>" : r[0].as<std::string>();
}

void exec(pqxx::connection& c, const std::string& sql) {
  pqxx::nontransaction n(c);
  n.exec(sql);
}

}  // namespace runner::db::testing
