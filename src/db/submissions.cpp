#include "db/submissions.hpp"

#include <pqxx/pqxx>

namespace runner::db {

namespace {
// The statuses the worker never overwrites. SQL spelling, used inside statements.
constexpr const char* kFinalList =
    "('COMPLETED','BUILD_FAILED','TIMEOUT','MEMORY_LIMIT','INVALID_SUBMISSION','ERROR')";
}  // namespace

bool is_final_status(const std::string& s) {
  return s != "QUEUED" && s != "RUNNING" && !s.empty();
}

struct Submissions::Connection {
  explicit Connection(const std::string& url) : c(url) {}
  pqxx::connection c;
};

Submissions::Submissions(std::string url) : url_(std::move(url)) {}
Submissions::~Submissions() = default;

// Runs `fn(connection)`; any libpq failure becomes DbError. A broken connection is dropped so
// the next call opens a new one: that is the whole reconnect logic, and it is enough because
// the job that failed is retried as a whole.
template <typename Fn>
auto Submissions::with_connection(const char* what, Fn&& fn) {
  try {
    if (!conn_ || !conn_->c.is_open()) conn_ = std::make_unique<Connection>(url_);
    return fn(conn_->c);
  } catch (const pqxx::broken_connection& e) {
    conn_.reset();
    throw DbError(std::string("postgres ") + what + ": connection lost: " + e.what());
  } catch (const pqxx::failure& e) {
    // in_doubt_error, sql_error, ...: the connection may be unusable; start afresh.
    conn_.reset();
    throw DbError(std::string("postgres ") + what + ": " + e.what());
  }
}

void Submissions::apply_schema(const std::string& sql) {
  with_connection("migrate", [&](pqxx::connection& c) {
    pqxx::work w(c);
    w.exec(sql);
    w.commit();
    return 0;
  });
}

void Submissions::insert_queued(const std::string& id, const std::string& pit_id) {
  with_connection("insert", [&](pqxx::connection& c) {
    pqxx::work w(c);
    w.exec_params(
        "INSERT INTO submissions (id, pit_id, status) VALUES ($1, $2, 'QUEUED') "
        "ON CONFLICT (id) DO UPDATE SET pit_id = EXCLUDED.pit_id, status = 'QUEUED', "
        "score = NULL, max_score = NULL, tests_passed = NULL, tests_total = NULL, "
        "log_key = NULL, feedback_key = NULL, error = NULL, attempts = 0, started_at = NULL, "
        "finished_at = NULL, updated_at = now()",
        id, pit_id);
    w.commit();
    return 0;
  });
}

StartResult Submissions::mark_running(const std::string& id, const std::string& pit_id) {
  return with_connection("mark running", [&](pqxx::connection& c) {
    pqxx::work w(c);
    // The row lock (FOR UPDATE through ON CONFLICT) makes two deliveries of one message agree:
    // only one of them sees a non-final row at a time.
    w.exec_params(
        "INSERT INTO submissions (id, pit_id, status) VALUES ($1, $2, 'QUEUED') "
        "ON CONFLICT (id) DO NOTHING",
        id, pit_id);
    auto row =
        w.exec_params1("SELECT status, attempts FROM submissions WHERE id = $1 FOR UPDATE", id);
    StartResult r;
    r.status = row[0].as<std::string>();
    r.attempts = row[1].as<int>();
    if (is_final_status(r.status)) {
      r.already_final = true;
      w.commit();
      return r;
    }
    auto updated = w.exec_params1(
        "UPDATE submissions SET status = 'RUNNING', attempts = attempts + 1, started_at = now(), "
        "updated_at = now(), pit_id = COALESCE(pit_id, $2) WHERE id = $1 RETURNING attempts",
        id, pit_id);
    r.status = "RUNNING";
    r.attempts = updated[0].as<int>();
    w.commit();
    return r;
  });
}

bool Submissions::write_verdict(const std::string& id, const VerdictRow& v) {
  return with_connection("write verdict", [&](pqxx::connection& c) {
    pqxx::work w(c);
    auto result = w.exec_params(
        std::string("UPDATE submissions SET status = $2, score = $3, max_score = $4, "
                    "tests_passed = $5, tests_total = $6, log_key = $7, feedback_key = $8, "
                    "error = NULLIF($9, ''), finished_at = now(), updated_at = now() "
                    "WHERE id = $1 AND status NOT IN ") +
            kFinalList,
        id, v.status, v.score, v.max_score, v.tests_passed, v.tests_total, v.log_key,
        v.feedback_key, v.error);
    w.commit();
    return result.affected_rows() == 1;
  });
}

void Submissions::mark_error(const std::string& id, const std::string& pit_id,
                             const std::string& reason) {
  with_connection("mark error", [&](pqxx::connection& c) {
    pqxx::work w(c);
    w.exec_params(
        "INSERT INTO submissions (id, pit_id, status) VALUES ($1, $2, 'QUEUED') "
        "ON CONFLICT (id) DO NOTHING",
        id, pit_id);
    w.exec_params(std::string("UPDATE submissions SET status = 'ERROR', error = $2, "
                              "finished_at = now(), updated_at = now() "
                              "WHERE id = $1 AND status NOT IN ") +
                      kFinalList,
                  id, reason);
    w.commit();
    return 0;
  });
}

void Submissions::requeue(const std::string& id, const std::string& reason) {
  with_connection("requeue", [&](pqxx::connection& c) {
    pqxx::work w(c);
    w.exec_params(std::string("UPDATE submissions SET status = 'QUEUED', "
                              "error = COALESCE(NULLIF($2, ''), error), updated_at = now() "
                              "WHERE id = $1 AND status NOT IN ") +
                      kFinalList,
                  id, reason);
    w.commit();
    return 0;
  });
}

}  // namespace runner::db
