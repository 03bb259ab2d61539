// The schema: `runner migrate` and the start-up check of what this runner needs.
#include <pqxx/pqxx>
#include <set>

#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/submissions.hpp"

namespace runner::db {
namespace {

// The pg_advisory_xact_lock key of `runner migrate`: an arbitrary constant, the same in every
// runner version.
constexpr const char* kMigrateLock = "SELECT pg_advisory_xact_lock(7255007341290411009)";

// Every column the code reads or writes, in table order.
// clang-format off
constexpr const char* kColumns[] = {
    "id", "pit_id", "status", "score", "max_score", "tests_passed", "tests_total", "log_key",
    "feedback_key", "error", "attempts", "started_at", "finished_at", "updated_at",
    "lease_token", "lease_expires_at", "failed_attempts", "infra_retries", "zip_key"};
// clang-format on

// Serialises `runner migrate` across processes until the transaction ends. The lock may wait
// for another runner's migration; the DDL after it keeps the session's short lock_timeout.
void lock_for_migration(pqxx::work& w) {
  w.exec("SET LOCAL lock_timeout = '60s'");
  w.exec(kMigrateLock);
  w.exec("SET LOCAL lock_timeout TO DEFAULT");
  w.exec("SET LOCAL statement_timeout = '10min'");
}

}  // namespace

MigrateResult Submissions::migrate(const std::function<void(const std::string&)>& on_applied) {
  return with_connection("migrate", [&](pqxx::connection& c) {
    MigrateResult result;
    {
      pqxx::work w(c);
      lock_for_migration(w);
      w.exec(kSchemaMigrationsDdl);
      const auto shape = w.exec1(
          "SELECT count(*) FILTER (WHERE attname = 'version' AND atttypid = 'int4'::regtype), "
          "count(*) FILTER (WHERE attname = 'name') FROM pg_attribute "
          "WHERE attrelid = 'schema_migrations'::regclass AND attnum > 0 AND NOT attisdropped");
      if (shape[0].as<int>() != 1 || shape[1].as<int>() != 1) {
        throw DbError(
            "postgres migrate: table schema_migrations exists without the runner's columns "
            "(version int, name text): it belongs to another tool");
      }
      w.commit();
    }
    for (const auto& m : migrations()) {
      pqxx::work w(c);
      lock_for_migration(w);
      if (!w.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", m.version).empty()) {
        w.commit();
        continue;
      }
      w.exec(m.sql);
      w.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version,
                    std::string(m.name));
      w.commit();
      result.applied.emplace_back(m.name);
      if (on_applied) on_applied(m.name);
    }
    pqxx::nontransaction n(c);
    result.version =
        n.exec1("SELECT COALESCE(max(version), 0) FROM schema_migrations")[0].as<int>();
    return result;
  });
}

std::vector<std::string> Submissions::schema_problems() {
  return with_connection("schema check", [](pqxx::connection& c) {
    std::vector<std::string> problems;
    pqxx::nontransaction n(c);
    const auto tables = n.exec1(
        "SELECT to_regclass('submissions') IS NOT NULL, "
        "to_regclass('schema_migrations') IS NOT NULL");
    if (!tables[0].as<bool>()) {
      problems.emplace_back("table submissions is missing (run `runner migrate`)");
    } else {
      std::set<std::string> present;
      for (const auto& row :
           n.exec("SELECT attname FROM pg_attribute WHERE attrelid = 'submissions'::regclass "
                  "AND attnum > 0 AND NOT attisdropped")) {
        present.insert(row[0].as<std::string>());
      }
      for (const char* column : kColumns) {
        if (present.count(column) == 0) {
          problems.push_back(std::string("column submissions.") + column +
                             " is missing (run `runner migrate`)");
        }
      }
      const bool unique_id =
          n.exec1(
               "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a "
               "ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
               "WHERE i.indrelid = 'submissions'::regclass AND i.indisunique "
               "AND i.indnkeyatts = 1 AND i.indpred IS NULL AND a.attname = 'id')")[0]
              .as<bool>();
      if (present.count("id") != 0 && !unique_id) {
        problems.emplace_back(
            "column submissions.id has no primary key or unique index (the runner inserts with "
            "ON CONFLICT (id))");
      }
    }
    const int latest = latest_schema_version();
    if (!tables[1].as<bool>()) {
      problems.emplace_back(
          "table schema_migrations is missing: the schema was never migrated (run `runner "
          "migrate`)");
    } else {
      const int version =
          n.exec1("SELECT COALESCE(max(version), 0) FROM schema_migrations")[0].as<int>();
      if (version < latest) {
        problems.push_back("schema version " + std::to_string(version) +
                           " is older than this runner's " + std::to_string(latest) +
                           " (run `runner migrate`)");
      }
    }
    return problems;
  });
}

void Submissions::apply_schema(const std::string& sql) {
  with_connection("apply schema", [&](pqxx::connection& c) {
    pqxx::work w(c);
    w.exec(sql);
    w.commit();
    return 0;
  });
}

}  // namespace runner::db
