#pragma once
// The `submissions` table (docs/service.md) over libpqxx. One object per thread: it owns one
// connection, opened lazily. A connection found broken (the server restarted, the backend was
// terminated, a failover) is reopened and the call retried once; every other failure throws
// DbError at once (an infrastructure fault: the caller retries the job later). Every statement
// is parameterised, and every column the API may leave NULL is read through COALESCE.
//
// One grading per submission at a time: take_lease gives the worker a token that renew_lease,
// write_verdict and release_lease must present. A lease that ran out while the row is RUNNING
// means its holder died (a crashed attempt).
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace runner::db {

class DbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct VerdictRow {
  std::string status;  // a final status (grading/status.hpp)
  double score = 0, max_score = 0;
  int tests_passed = 0, tests_total = 0;
  std::string log_key, feedback_key;
  std::string error;    // empty: NULL
  std::string zip_key;  // the job's zipKey (regrade sends it again); empty: NULL
};

// A finished submission `runner regrade` may grade again or rescore.
struct GradedRow {
  std::string id;
  std::string status;
  double score = 0, max_score = 0;
  std::string zip_key;       // empty: graded before 004_zip_keys (cannot be sent again)
  std::string feedback_key;  // empty: none
};

enum class TakeOutcome { Taken, AlreadyFinal, HeldByAnother };

struct TakeResult {
  TakeOutcome outcome = TakeOutcome::Taken;
  std::string status;          // the row's status after the call
  std::string token;           // Taken: the new lease token (32 hex digits)
  int attempt = 0;             // attempts after the call (gradings started)
  int failed_attempts = 0;     // after the call
  bool after_crash = false;    // Taken: the row was RUNNING with an expired (or NULL) lease
  int lease_seconds_left = 0;  // HeldByAnother: how long the live lease still runs
  std::string last_error;      // the row's `error` before the call ("" for NULL): the reason
                               // the last release or crash left
};

enum class Release { InfraFault, FailedAttempt, HandBack };

struct MigrateResult {
  std::vector<std::string> applied;  // names of the migrations applied by this call, in order
  int version = 0;                   // the schema version afterwards
};

class Submissions {
 public:
  // `url`: DATABASE_URL or Settings::database_url (a URL or keyword/value string); the runner's
  // connection defaults are added (db::connection_string). Throws DbError when it does not parse.
  explicit Submissions(const std::string& url);
  ~Submissions();
  Submissions(const Submissions&) = delete;
  Submissions& operator=(const Submissions&) = delete;

  // SELECT 1.
  void ping();

  // Applies the migrations (db/migrations) the database lacks, in order, each in its own
  // transaction under a transaction-level advisory lock, so concurrent runners are safe.
  // `on_applied` is called with each migration's name once it is committed.
  MigrateResult migrate(const std::function<void(const std::string&)>& on_applied = {});
  // What keeps this runner from working on the database, one sentence each ("column
  // submissions.lease_token is missing (run `runner migrate`)"); empty when nothing does.
  // A schema newer than this runner's is fine (migrations only add).
  std::vector<std::string> schema_problems();
  // Runs `sql` in one transaction (test fixtures; prefer migrate()).
  void apply_schema(const std::string& sql);

  // The finished submissions of `pit_id` whose status is one of `statuses` (empty: any final
  // one) and that finished at or after `since` (an ISO-8601 time; empty: any), by id.
  std::vector<GradedRow> graded(const std::string& pit_id, const std::vector<std::string>& statuses,
                                const std::string& since);
  // Back to QUEUED (lease and error cleared) while the row is still final: false when it is
  // not (queued or running already). The next delivery of its job grades it as a new attempt.
  bool requeue(const std::string& id);
  // The row's status back from `from` to `to` (a requeue whose message could not be sent);
  // false when the row is no longer `from`.
  bool set_status(const std::string& id, const std::string& from, const std::string& to);
  // A rescore: the new score, max and feedback object of a finished row.
  void rescore(const std::string& id, double score, double max_score,
               const std::string& feedback_key);

  // The verdict cache (table verdict_cache): the feedback.json kept under `key`, if any.
  std::optional<std::string> cached_verdict(const std::string& key);
  // Keeps `feedback` (a feedback.json) under `key`; the first stored for a key stays.
  void keep_verdict(const std::string& key, const std::string& pit_id, const std::string& feedback);

  // In one transaction with the row locked: inserts a missing row (QUEUED), then
  //  - final status -> AlreadyFinal (nothing changed);
  //  - RUNNING with lease_expires_at > now() -> HeldByAnother (nothing changed);
  //  - otherwise Taken: status RUNNING, attempts+1, a new token, lease_expires_at =
  //    now()+lease_seconds, started_at = now(); if it was RUNNING (expired or NULL lease)
  //    failed_attempts+1 and after_crash.
  TakeResult take_lease(const std::string& id, const std::string& pit_id, int lease_seconds);
  // Extends the lease to now()+lease_seconds; false when the token no longer matches (the lease
  // is lost). Does not check expiry.
  bool renew_lease(const std::string& id, const std::string& token, int lease_seconds);
  // The verdict columns and finished_at, lease cleared, only while `token` holds the RUNNING
  // row. false: the lease is lost (the row is untouched). Throws std::invalid_argument when
  // verdict.status is not final.
  bool write_verdict(const std::string& id, const std::string& token, const VerdictRow& verdict);
  // Back to QUEUED, lease cleared, error = reason (if non-empty), only while `token` holds the
  // row. InfraFault: infra_retries+1; FailedAttempt: failed_attempts+1; HandBack: no counter.
  // false: the lease is lost.
  bool release_lease(const std::string& id, const std::string& token, Release kind,
                     const std::string& reason);
  // For a message that names an id but can never be graded: inserts a missing row; sets ERROR
  // with the reason (lease cleared) unless the row is final or RUNNING under a live lease.
  // Returns true if it wrote ERROR.
  bool mark_error(const std::string& id, const std::string& pit_id, const std::string& reason);
  // The row's feedback_key (nullopt: no row, or NULL). The worker's check after a write_verdict
  // whose COMMIT was lost. The worker's keys carry the attempt number, so its own keys in the
  // row mean its own verdict landed.
  std::optional<std::string> feedback_key(const std::string& id);
  // Inserts a QUEUED row (what the API does); an existing row is reset to QUEUED with its
  // verdict columns NULL, its counters 0 and its lease cleared.
  void insert_queued(const std::string& id, const std::string& pit_id);

 private:
  template <typename Fn>
  auto with_connection(const char* what, Fn&& fn);
  // One UPDATE in its own transaction; true when it changed exactly one row (the lease held).
  template <typename... Args>
  bool update_one_row(const char* what, const char* sql, const Args&... args);
  struct Connection;  // pqxx::connection, kept out of this header
  std::string conninfo_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace runner::db
