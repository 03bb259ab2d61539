#pragma once
// libpq connection strings (README, "Configuration"): DATABASE_URL (a URL or keyword/value string)
// or the DB_* parts become one keyword/value string with the runner's connection defaults. Values
// are always quoted, never pasted into a URL, so any password works.
#include <string>

namespace runner::db {

// A value for a keyword/value connection string: in single quotes, with ' and \ escaped by a
// backslash.
std::string quote_conninfo_value(const std::string& value);

// host='...' port='...' user='...' password='...' dbname='...'
std::string conninfo_from_parts(const std::string& host, const std::string& port,
                                const std::string& user, const std::string& password,
                                const std::string& dbname);

// Parses `url_or_conninfo` with libpq (PQconninfoParse: postgres[ql]:// URLs and keyword/value
// strings) and returns it as keyword/value, every option it sets kept, plus the runner's
// defaults for those it does not set and whose PG* environment variable is unset:
// connect_timeout=10, keepalives=1, keepalives_idle=30, keepalives_interval=10,
// keepalives_count=3, application_name=runner and options='-c statement_timeout=30000
// -c lock_timeout=10000 -c idle_in_transaction_session_timeout=60000'. sslmode is never added
// (libpq reads PGSSLMODE). Idempotent. Throws std::invalid_argument with libpq's reason, its
// quoted fragments (which may hold a piece of a password) elided.
std::string connection_string(const std::string& url_or_conninfo);

}  // namespace runner::db
