#pragma once
// The schema as an ordered list of migrations: db/migrations/NNN_name.sql, embedded in the
// binary at build time (src/db/db.cmake), so `runner migrate` needs no file next to it.
// schema_migrations records which versions a database has (Submissions::migrate applies the
// missing ones; Submissions::schema_problems compares).
#include <span>
#include <string>

namespace runner::db {

struct Migration {
  int version;       // NNN: 1, 2, ... without gaps
  const char* name;  // the file name without .sql, e.g. "002_leases"
  const char* sql;   // the file's statements, each idempotent
};

// In version order.
std::span<const Migration> migrations();
// The version this runner's code expects (the last migration's).
int latest_schema_version();

// CREATE TABLE IF NOT EXISTS schema_migrations (version int primary key, name text,
// applied_at timestamptz default now()).
extern const char* const kSchemaMigrationsDdl;

// Every migration and its schema_migrations row as one idempotent script, without the lock
// `runner migrate` takes: for test fixtures and `psql -f`.
std::string full_schema_sql();

}  // namespace runner::db
