#pragma once
// Real PostgreSQL for the database tests: one private cluster per test process (the service
// tests' PostgresServer: trust auth on 127.0.0.1, as the postgres superuser), and a fresh,
// empty database for each test.
#include <pqxx/pqxx>
#include <string>

#include "support/postgres.hpp"

namespace runner::db::testing {

// The process's server, started on first use.
service::testing::PostgresServer& server();

// Creates an empty database on server() and returns its URL (the superuser, no password).
std::string fresh_database();

// `url` with `parameter` (k=v) added to its query string.
std::string with_parameter(const std::string& url, const std::string& parameter);

// The table as db/schema.sql created it before versioned migrations (001 without
// schema_migrations), optionally with every column but id nullable and without defaults, the
// way an API might create it.
void create_legacy_table(pqxx::connection& c, bool nullable);

// One value of the first row (NULL: "<null>").
std::string value(pqxx::connection& c, const std::string& sql);
void exec(pqxx::connection& c, const std::string& sql);

}  // namespace runner::db::testing
