#include "db/migrations.hpp"

#include "db/migrations_sql.hpp"  // generated: embedded::kMigrations

namespace runner::db {

const char* const kSchemaMigrationsDdl =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text, "
    "applied_at timestamptz DEFAULT now())";

std::span<const Migration> migrations() {
  return embedded::kMigrations;
}

int latest_schema_version() {
  return migrations().back().version;
}

std::string full_schema_sql() {
  std::string sql = std::string(kSchemaMigrationsDdl) + ";\n";
  for (const auto& m : migrations()) {
    sql += "\n-- " + std::string(m.name) + "\n" + m.sql + "\n";
    sql += "INSERT INTO schema_migrations (version, name) VALUES (" + std::to_string(m.version) +
           ", '" + m.name + "') ON CONFLICT (version) DO NOTHING;\n";
  }
  return sql;
}

}  // namespace runner::db
