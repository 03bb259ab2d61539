#pragma once
// The `submissions` table (SPEC §7) over libpqxx. One object per thread: it owns one
// connection, opened lazily and dropped when broken, so the next call reconnects after the
// server restarts. Every statement is parameterised. Failures throw DbError (an infrastructure
// fault: the caller retries the job later).
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace runner::db {

class DbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// True for the statuses a submission ends in (everything but QUEUED and RUNNING).
bool is_final_status(const std::string& status);

struct StartResult {
  bool already_final = false;  // duplicate delivery: do not grade again
  std::string status;          // the row's status after the call
  int attempts = 0;
};

struct VerdictRow {
  std::string status;
  double score = 0, max_score = 0;
  int tests_passed = 0, tests_total = 0;
  std::string log_key, feedback_key;
  std::string error;  // empty: NULL
};

class Submissions {
 public:
  explicit Submissions(std::string url);
  ~Submissions();
  Submissions(const Submissions&) = delete;
  Submissions& operator=(const Submissions&) = delete;

  // Applies schema SQL (db/schema.sql) in one transaction.
  void apply_schema(const std::string& sql);
  // Inserts a QUEUED row (what the API does); an existing row is reset to QUEUED.
  void insert_queued(const std::string& id, const std::string& pit_id);
  // RUNNING with attempts + 1 and started_at, unless the row is final; inserts a missing row.
  StartResult mark_running(const std::string& id, const std::string& pit_id);
  // The verdict columns in one transaction. Returns false when the row was already final
  // (another delivery won the race); the row is then left as it is.
  bool write_verdict(const std::string& id, const VerdictRow& verdict);
  // ERROR with the reason, unless already final; inserts a missing row.
  void mark_error(const std::string& id, const std::string& pit_id, const std::string& reason);
  // Back to QUEUED (shutdown, or a retried infrastructure fault) unless final.
  void requeue(const std::string& id, const std::string& reason = "");

 private:
  template <typename Fn>
  auto with_connection(const char* what, Fn&& fn);
  struct Connection;  // pqxx::connection, kept out of this header
  std::string url_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace runner::db
