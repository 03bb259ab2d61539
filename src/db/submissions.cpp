#include "db/submissions.hpp"

#include <openssl/rand.h>

#include <pqxx/pqxx>

#include "db/connection.hpp"
#include "db/conninfo.hpp"
#include "grading/status.hpp"
#include "util/text.hpp"

namespace runner::db {

namespace {

// The statuses the worker never overwrites, as SQL (statements append it to `NOT IN`), from the
// status table.
const std::string& final_list() {
  static const std::string list = grading::final_statuses_sql();
  return list;
}

// The API may insert rows with NULL in any column but id: a NULL status reads as QUEUED.
constexpr const char* kStatus = "COALESCE(status, 'QUEUED')";

// Inserts the row a message names when the API has not (or it was deleted).
constexpr const char* kInsertMissing =
    "INSERT INTO submissions (id, pit_id, status) VALUES ($1, NULLIF($2, ''), 'QUEUED') "
    "ON CONFLICT (id) DO NOTHING";

std::string new_token() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw DbError("lease token: RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 0xf];
  }
  return token;
}

}  // namespace

Submissions::Submissions(const std::string& url) {
  try {
    conninfo_ = connection_string(url);
  } catch (const std::invalid_argument& e) {
    throw DbError(std::string("postgres: invalid connection string: ") + e.what());
  }
}

Submissions::~Submissions() = default;

void Submissions::ping() {
  with_connection("ping", [](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    n.exec("SELECT 1");
    return 0;
  });
}

TakeResult Submissions::take_lease(const std::string& id, const std::string& pit_id,
                                   int lease_seconds) {
  if (lease_seconds <= 0) throw std::invalid_argument("take_lease: lease_seconds must be > 0");
  return with_connection("take lease", [&](pqxx::connection& c) {
    pqxx::work w(c);
    w.exec_params(kInsertMissing, id, pit_id);
    // The row lock makes concurrent deliveries of one submission take turns: the second one
    // sees the first one's live lease.
    const auto row = w.exec_params1(
        std::string("SELECT ") + kStatus +
            ", COALESCE(attempts, 0), COALESCE(failed_attempts, 0), "
            "COALESCE(lease_expires_at > now(), false), "
            "GREATEST(0, COALESCE(CEIL(EXTRACT(EPOCH FROM lease_expires_at - now())), 0))::int, "
            "COALESCE(error, '') FROM submissions WHERE id = $1 FOR UPDATE",
        id);
    TakeResult r;
    r.status = row[0].as<std::string>();
    r.attempt = row[1].as<int>();
    r.failed_attempts = row[2].as<int>();
    const bool live = row[3].as<bool>();
    r.last_error = row[5].as<std::string>();
    if (grading::is_final_status(r.status)) {
      r.outcome = TakeOutcome::AlreadyFinal;
      w.commit();
      return r;
    }
    if (r.status == "RUNNING" && live) {
      r.outcome = TakeOutcome::HeldByAnother;
      r.lease_seconds_left = row[4].as<int>();
      w.commit();
      return r;
    }
    r.after_crash = r.status == "RUNNING";
    r.token = new_token();
    const auto updated = w.exec_params1(
        std::string("UPDATE submissions SET status = 'RUNNING', "
                    "attempts = COALESCE(attempts, 0) + 1, "
                    "failed_attempts = COALESCE(failed_attempts, 0) + $4, "
                    "lease_token = $2, lease_expires_at = now() + make_interval(secs => $3), "
                    "started_at = now(), finished_at = NULL, updated_at = now(), "
                    "pit_id = COALESCE(pit_id, NULLIF($5, '')) "
                    "WHERE id = $1 RETURNING attempts, failed_attempts"),
        id, r.token, lease_seconds, r.after_crash ? 1 : 0, pit_id);
    w.commit();
    r.outcome = TakeOutcome::Taken;
    r.status = "RUNNING";
    r.attempt = updated[0].as<int>();
    r.failed_attempts = updated[1].as<int>();
    return r;
  });
}

template <typename... Args>
bool Submissions::update_one_row(const char* what, const char* sql, const Args&... args) {
  return with_connection(what, [&](pqxx::connection& c) {
    pqxx::work w(c);
    const auto result = w.exec_params(sql, args...);
    w.commit();
    return result.affected_rows() == 1;
  });
}

bool Submissions::renew_lease(const std::string& id, const std::string& token, int lease_seconds) {
  if (token.empty()) return false;
  return update_one_row(
      "renew lease",
      "UPDATE submissions SET lease_expires_at = now() + make_interval(secs => $3) "
      "WHERE id = $1 AND lease_token = $2 AND status = 'RUNNING'",
      id, token, lease_seconds);
}

bool Submissions::write_verdict(const std::string& id, const std::string& token,
                                const VerdictRow& v) {
  if (!grading::is_final_status(v.status)) {
    throw std::invalid_argument("write_verdict: '" + v.status + "' is not a final status");
  }
  if (token.empty()) return false;
  return update_one_row(
      "write verdict",
      "UPDATE submissions SET status = $3, score = $4, max_score = $5, tests_passed = $6, "
      "tests_total = $7, log_key = NULLIF($8, ''), feedback_key = NULLIF($9, ''), "
      "error = NULLIF($10, ''), zip_key = COALESCE(NULLIF($11, ''), zip_key), "
      "finished_at = now(), updated_at = now(), "
      "lease_token = NULL, lease_expires_at = NULL "
      "WHERE id = $1 AND lease_token = $2 AND status = 'RUNNING'",
      id, token, v.status, v.score, v.max_score, v.tests_passed, v.tests_total, v.log_key,
      v.feedback_key, v.error, v.zip_key);
}

bool Submissions::release_lease(const std::string& id, const std::string& token, Release kind,
                                const std::string& reason) {
  if (token.empty()) return false;
  return update_one_row(
      "release lease",
      "UPDATE submissions SET status = 'QUEUED', lease_token = NULL, lease_expires_at = NULL, "
      "error = COALESCE(NULLIF($3, ''), error), "
      "infra_retries = COALESCE(infra_retries, 0) + $4, "
      "failed_attempts = COALESCE(failed_attempts, 0) + $5, updated_at = now() "
      "WHERE id = $1 AND lease_token = $2 AND status = 'RUNNING'",
      id, token, reason, kind == Release::InfraFault ? 1 : 0,
      kind == Release::FailedAttempt ? 1 : 0);
}

bool Submissions::mark_error(const std::string& id, const std::string& pit_id,
                             const std::string& reason) {
  return with_connection("mark error", [&](pqxx::connection& c) {
    pqxx::work w(c);
    w.exec_params(kInsertMissing, id, pit_id);
    const auto result = w.exec_params(
        std::string("UPDATE submissions SET status = 'ERROR', error = NULLIF($3, ''), "
                    "lease_token = NULL, lease_expires_at = NULL, finished_at = now(), "
                    "updated_at = now(), pit_id = COALESCE(pit_id, NULLIF($2, '')) "
                    "WHERE id = $1 AND ") +
            kStatus + " NOT IN " + final_list() + " AND NOT (" + kStatus +
            " = 'RUNNING' AND COALESCE(lease_expires_at > now(), false))",
        id, pit_id, reason);
    w.commit();
    return result.affected_rows() == 1;
  });
}

std::optional<std::string> Submissions::feedback_key(const std::string& id) {
  return with_connection("read feedback key", [&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    const auto r = n.exec_params("SELECT feedback_key FROM submissions WHERE id = $1", id);
    if (r.empty() || r[0][0].is_null()) return std::optional<std::string>();
    return std::optional<std::string>(r[0][0].as<std::string>());
  });
}

std::vector<GradedRow> Submissions::graded(const std::string& pit_id,
                                           const std::vector<std::string>& statuses,
                                           const std::string& since) {
  for (const auto& status : statuses) {
    if (!grading::is_final_status(status)) {
      throw std::invalid_argument("'" + status + "' is not a final status");
    }
  }
  const std::string wanted = statuses.empty() ? "" : util::join(statuses, ",");
  return with_connection("list graded", [&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    const auto r = n.exec_params(
        "SELECT id, status, COALESCE(score, 0), COALESCE(max_score, 0), COALESCE(zip_key, ''), "
        "COALESCE(feedback_key, '') FROM submissions WHERE pit_id = $1 AND status IN " +
            grading::final_statuses_sql() +
            " AND ($2 = '' OR status = ANY(string_to_array($2, ','))) "
            "AND ($3 = '' OR finished_at >= $3::timestamptz) ORDER BY id",
        pit_id, wanted, since);
    std::vector<GradedRow> rows;
    for (const auto& row : r) {
      rows.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<double>(),
                      row[3].as<double>(), row[4].as<std::string>(), row[5].as<std::string>()});
    }
    return rows;
  });
}

bool Submissions::requeue(const std::string& id) {
  static const std::string sql =
      "UPDATE submissions SET status = 'QUEUED', error = NULL, lease_token = NULL, "
      "lease_expires_at = NULL, updated_at = now() WHERE id = $1 AND status IN " +
      grading::final_statuses_sql();
  return update_one_row("requeue", sql.c_str(), id);
}

bool Submissions::set_status(const std::string& id, const std::string& from,
                             const std::string& to) {
  return update_one_row("set status",
                        "UPDATE submissions SET status = $3, updated_at = now() "
                        "WHERE id = $1 AND status = $2",
                        id, from, to);
}

void Submissions::rescore(const std::string& id, double score, double max_score,
                          const std::string& feedback_key) {
  with_connection("rescore", [&](pqxx::connection& c) {
    pqxx::work w(c);
    w.exec_params(
        "UPDATE submissions SET score = $2, max_score = $3, feedback_key = $4, updated_at = now() "
        "WHERE id = $1",
        id, score, max_score, feedback_key);
    w.commit();
  });
}

std::optional<std::string> Submissions::cached_verdict(const std::string& key) {
  return with_connection("read verdict cache", [&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    const auto r = n.exec_params("SELECT feedback::text FROM verdict_cache WHERE key = $1", key);
    if (r.empty()) return std::optional<std::string>();
    return std::optional<std::string>(r[0][0].as<std::string>());
  });
}

void Submissions::keep_verdict(const std::string& key, const std::string& pit_id,
                               const std::string& feedback) {
  with_connection("write verdict cache", [&](pqxx::connection& c) {
    pqxx::work w(c);
    w.exec_params(
        "INSERT INTO verdict_cache (key, pit_id, feedback) VALUES ($1, $2, $3::jsonb) "
        "ON CONFLICT (key) DO NOTHING",
        key, pit_id, feedback);
    w.commit();
  });
}

void Submissions::insert_queued(const std::string& id, const std::string& pit_id) {
  with_connection("insert", [&](pqxx::connection& c) {
    pqxx::work w(c);
    w.exec_params(
        "INSERT INTO submissions (id, pit_id, status) VALUES ($1, NULLIF($2, ''), 'QUEUED') "
        "ON CONFLICT (id) DO UPDATE SET pit_id = EXCLUDED.pit_id, status = 'QUEUED', "
        "score = NULL, max_score = NULL, tests_passed = NULL, tests_total = NULL, "
        "log_key = NULL, feedback_key = NULL, error = NULL, attempts = 0, "
        "failed_attempts = 0, infra_retries = 0, lease_token = NULL, lease_expires_at = NULL, "
        "started_at = NULL, finished_at = NULL, updated_at = now()",
        id, pit_id);
    w.commit();
    return 0;
  });
}

}  // namespace runner::db
