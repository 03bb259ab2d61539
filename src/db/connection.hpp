#pragma once
// Inside the database layer only: the connection a Submissions holds, and running a statement on
// it with one reconnect (shared by the lease statements and the schema statements).
#include <pqxx/pqxx>
#include <string>

#include "db/submissions.hpp"

namespace runner::db {

struct Submissions::Connection {
  explicit Connection(const std::string& conninfo) : c(conninfo) {}
  pqxx::connection c;
};

namespace detail {

// SQLSTATEs of a connection the server ended: class 08 (connection exception) and 57P01-03
// (admin shutdown, crash shutdown, cannot connect now).
inline bool connection_ended(const pqxx::sql_error& e) {
  const std::string& state = e.sqlstate();
  return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
}

}  // namespace detail

// Runs `fn(connection)`. A connection that is (or turns out to be) broken is reopened and `fn`
// run once more: its transaction never committed, so running it again is safe. A lost COMMIT
// (in_doubt_error) is not retried: it may have committed. Everything else throws at once.
template <typename Fn>
auto Submissions::with_connection(const char* what, Fn&& fn) {
  const std::string prefix = std::string("postgres ") + what + ": ";
  for (int attempt = 1;; ++attempt) {
    const bool last = attempt == 2;
    try {
      if (conn_ && !conn_->c.is_open()) conn_.reset();
      if (!conn_) conn_ = std::make_unique<Connection>(conninfo_);
      return fn(conn_->c);
    } catch (const pqxx::in_doubt_error& e) {
      conn_.reset();
      throw DbError(prefix + "connection lost during COMMIT (outcome unknown): " + e.what());
    } catch (const pqxx::broken_connection& e) {
      conn_.reset();
      if (!last) continue;
      throw DbError(prefix + "connection lost: " + e.what());
    } catch (const pqxx::sql_error& e) {
      if (detail::connection_ended(e) || !conn_ || !conn_->c.is_open()) {
        conn_.reset();
        if (!last) continue;
        throw DbError(prefix + "connection lost: " + e.what());
      }
      throw DbError(prefix + e.what());
    } catch (const pqxx::failure& e) {
      if (!conn_ || !conn_->c.is_open()) {
        conn_.reset();
        if (!last) continue;
        throw DbError(prefix + "connection lost: " + e.what());
      }
      throw DbError(prefix + e.what());
    }
  }
}

}  // namespace runner::db
