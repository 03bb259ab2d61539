#include "service/job_processor.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "aws/error.hpp"
#include "grading/grader.hpp"
#include "pit/pit.hpp"
#include "service/heartbeat.hpp"
#include "service/log.hpp"
#include "util/fs.hpp"

namespace runner::service {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// The ways a job ends without publishing a verdict. Each decides what happens to the message.
struct InfraFault : std::runtime_error {  // retried later; never spends an attempt
  using std::runtime_error::runtime_error;
};
struct FailedAttempt : std::runtime_error {  // retried; counts towards RUNNER_MAX_ATTEMPTS
  using std::runtime_error::runtime_error;
};
struct LeaseLost : std::runtime_error {  // another grading owns the submission now: hands off
  using std::runtime_error::runtime_error;
};
struct Stopping : std::runtime_error {  // shutdown: hand the job back at once
  using std::runtime_error::runtime_error;
};

// How long a job in flight waits for a dependency before it gives the message back. Longer
// than a database failover (60-120 s) and a regional S3 incident (15 min).
constexpr auto kMaxOutageWait = std::chrono::minutes(20);

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Removes the job folder whatever happens to the job.
struct JobDir {
  fs::path path;
  ~JobDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

std::string folder_name(const std::string& id) {
  std::string out;
  for (char c : id.substr(0, 64)) out += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

// A folder only the runner may enter: 0700 whatever the umask, owned by the runner, new (a path
// something else re-created after remove_all fails). At concurrency >= 2 the other slots' jobs run
// as other uids on the same host, and this folder holds the ZIP and the job's outputs. At `basic`
// the launcher's prepare_job adds o+x (traverse, not list) to the ancestors of the grader's job
// folder, so what lies in here must be private by itself as well.
void make_private_dir(const fs::path& path) {
  if (mkdir(path.c_str(), 0700) != 0) {
    throw fs::filesystem_error("mkdir", path, std::error_code(errno, std::generic_category()));
  }
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
      chmod(path.c_str(), 0700) != 0) {
    throw fs::filesystem_error("not a private folder", path,
                               std::make_error_code(std::errc::permission_denied));
  }
}

// A verdict the grader did not make (the ZIP over the download cap, or giving up), in the same
// files the grader writes.
void write_outputs(const fs::path& out_dir, const grading::Verdict& v) {
  fs::create_directories(out_dir);
  util::write_file(out_dir / "feedback.json", grading::to_json(v).dump(2) + "\n");
  util::write_file(out_dir / "log.txt", v.output + "\n");
}

grading::Verdict runner_verdict(const JobMessage& job, grading::Status status, std::string text) {
  grading::Verdict v;
  v.submission_id = job.submission_id;
  v.pit_id = job.pit_id;
  v.status = status;
  v.output = std::move(text);
  v.started_at = v.finished_at = std::chrono::system_clock::now();
  return v;
}

// AWS failures a dependency's outage explains (everything but what the object itself says).
bool is_outage(const aws::AwsError& e) {
  return e.code() != "NoSuchKey" && e.code() != "ObjectTooLarge";
}

}  // namespace

// What one taken lease carries through the job.
struct JobProcessor::Job {
  const aws::SqsMessage& message;
  const JobMessage& msg;
  db::TakeResult take;
  LogFields f;
  std::unique_ptr<Heartbeat> heartbeat;
  std::optional<grading::Verdict> verdict;  // set before run_job: publish it without grading
};

JobProcessor::JobProcessor(const WorkerContext& context, int slot, Services services,
                           std::function<bool()> stopping)
    : ctx_(context), slot_(slot), services_(services), stopping_(std::move(stopping)) {}

int JobProcessor::retry_delay_seconds(int receive_count) {
  const int n = std::clamp(receive_count, 1, 10);
  return std::min(900, 5 << (n - 1));
}

std::optional<JobProcessor::Lease> JobProcessor::current_lease() const {
  std::lock_guard lock(lease_mutex_);
  return lease_;
}

void JobProcessor::set_lease(std::optional<Lease> lease) {
  std::lock_guard lock(lease_mutex_);
  lease_ = std::move(lease);
}

void JobProcessor::process(const aws::SqsMessage& message) {
  received_at_ = Clock::now();
  const auto parsed = parse_job_message(message.body);
  if (!parsed.job) {
    bad_message(message, parsed.submission_id, parsed.pit_id, parsed.error);
    return;
  }
  try {
    take_and_run(message, *parsed.job);
  } catch (const std::exception& e) {
    // Nothing escapes to the slot: the message reappears after its visibility timeout.
    log_error(std::string("internal error: ") + e.what(),
              {parsed.job->submission_id, parsed.job->pit_id, "receive", std::nullopt});
  }
}

void JobProcessor::take_and_run(const aws::SqsMessage& message, const JobMessage& msg) {
  LogFields f{msg.submission_id, msg.pit_id, "receive", std::nullopt};
  const int lease_s = lease_seconds(ctx_.visibility_seconds);
  db::TakeResult take;
  try {
    take = services_.db.take_lease(msg.submission_id, msg.pit_id, lease_s);
  } catch (const db::DbError& e) {
    ctx_.metrics.db_error();
    services_.breakers.trip(Dependency::Postgres, e.what());
    return_message(message, retry_delay_seconds(message.receive_count()), f);
    return;
  }
  if (take.outcome == db::TakeOutcome::AlreadyFinal) {
    ctx_.metrics.duplicate();
    log_info("already " + take.status + ": duplicate delivery, deleting the message", f);
    delete_message(message, msg.submission_id);
    return;
  }
  if (take.outcome == db::TakeOutcome::HeldByAnother) {
    ctx_.metrics.lease_held();
    const int wait = std::clamp(take.lease_seconds_left + 1, 1, 900);
    log_info(fmt::format("another grading holds the lease ({} s left); checking again in {} s",
                         take.lease_seconds_left, wait),
             f);
    return_message(message, wait, f);
    return;
  }

  log_info(fmt::format("received (attempt {}, delivery {}{})", take.attempt,
                       message.receive_count(), take.after_crash ? ", the last holder died" : ""),
           f);
  if (take.after_crash) ctx_.metrics.failed_attempt();
  set_lease(Lease{msg.submission_id, take.token});
  ctx_.metrics.job_started();
  Job job{message, msg, take, f, nullptr, std::nullopt};
  job.heartbeat = std::make_unique<Heartbeat>(
      ctx_.sqs, ctx_.settings.sqs_queue_url, message.receipt_handle, ctx_.visibility_seconds,
      [this, &msg, &take, lease_s] {
        return services_.lease_db.renew_lease(msg.submission_id, take.token, lease_s);
      },
      ctx_.metrics, f);
  const int max_attempts = ctx_.settings.max_attempts;
  const auto give_up = [&](const std::string& why) {
    return runner_verdict(
        msg, grading::Status::Error,
        fmt::format("gave up after {} attempts that ended without a verdict (the runner died or "
                    "failed internally); last: {}",
                    max_attempts, why));
  };
  if (take.failed_attempts >= max_attempts) {
    job.verdict = give_up(take.last_error.empty() ? "the runner died mid-job" : take.last_error);
  }
  for (bool retry = true; retry;) {
    retry = false;
    try {
      run_job(job);
    } catch (const LeaseLost& e) {
      ctx_.metrics.lease_lost();
      log_warn(std::string("not publishing: ") + e.what(), job.f);
    } catch (const Stopping&) {
      give_back(job, db::Release::HandBack, "");
    } catch (const InfraFault& e) {
      ctx_.metrics.retried();
      give_back(job, db::Release::InfraFault, e.what());
    } catch (const std::exception& e) {
      // FailedAttempt, or anything unexpected (bad_alloc, a bug): one attempt spent.
      const bool expected = dynamic_cast<const FailedAttempt*>(&e) != nullptr;
      const std::string why = expected ? e.what() : std::string("internal error: ") + e.what();
      ctx_.metrics.failed_attempt();
      if (!job.verdict && take.failed_attempts + 1 >= max_attempts) {
        job.verdict = give_up(why);  // publish ERROR now, under this lease
        retry = true;
      } else {
        give_back(job, db::Release::FailedAttempt, why);
      }
    }
  }
  job.heartbeat.reset();
  set_lease(std::nullopt);
  ctx_.metrics.job_ended();
}

// Runs `fn` (one S3 or PostgreSQL operation) until it succeeds. An outage opens the dependency's
// breaker and the job waits for it to close, its heartbeat keeping the message, up to
// kMaxOutageWait; between retries of a failure that outlives the breaker it backs off.
template <typename Fn>
auto JobProcessor::outlast(Dependency dependency, Job& job, Fn&& fn) {
  const auto started = Clock::now();
  auto backoff = std::chrono::milliseconds(1000);
  bool logged = false;
  for (;;) {
    std::string reason;
    try {
      return fn();
    } catch (const aws::AwsError& e) {
      if (!is_outage(e)) throw;
      (dependency == Dependency::S3 ? ctx_.metrics.s3_error() : ctx_.metrics.queue_error());
      reason = e.what();
    } catch (const db::DbError& e) {
      ctx_.metrics.db_error();
      reason = e.what();
    }
    services_.breakers.trip(dependency, reason);
    if (!logged) {
      log_warn(reason + "; waiting for " + name(dependency) + " (the job keeps its message)",
               job.f);
      logged = true;
    }
    const auto retry_at = Clock::now() + backoff;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
    for (;;) {
      if (stopping_()) throw Stopping("shutting down");
      if (job.heartbeat && job.heartbeat->lease_lost()) throw LeaseLost("the lease was lost");
      if (Clock::now() - started > kMaxOutageWait) throw InfraFault(reason);
      if (services_.breakers.wait_closed(std::chrono::seconds(1)) && Clock::now() >= retry_at) {
        break;
      }
    }
  }
}

void JobProcessor::run_job(Job& job) {
  const auto& s = ctx_.settings;
  const JobMessage& msg = job.msg;
  LogFields& f = job.f;

  // The PIT. One this runner does not have may reach it during a rolling deploy (a new
  // assignment, a task still on the old image): another runner, or this one later, grades it.
  std::optional<pit::Pit> pit;
  if (!job.verdict) {
    const fs::path pit_dir = s.pits_dir / msg.pit_id;
    if (!fs::is_regular_file(pit_dir / "pit.yaml")) {
      throw InfraFault("unknown PIT '" + msg.pit_id + "' (no " + (pit_dir / "pit.yaml").string() +
                       ")");
    }
    try {
      pit = pit::load_pit(pit_dir, ctx_.pit_defaults);
    } catch (const pit::PitError& e) {
      throw InfraFault(std::string("invalid PIT: ") + e.what());
    }
  }

  JobDir dir;
  try {
    dir.path = s.work_dir / ("runner-job-" + std::to_string(slot_) + "-" +
                             folder_name(msg.submission_id) + "-" + std::to_string(getpid()));
    fs::remove_all(dir.path);
    fs::create_directories(s.work_dir);
    make_private_dir(dir.path);
    make_private_dir(dir.path / "out");
  } catch (const fs::filesystem_error& e) {
    throw InfraFault(std::string("local disk: ") + e.what());
  }
  const fs::path zip = dir.path / "submission.zip";
  const fs::path out = dir.path / "out";

  // Download.
  auto t = Clock::now();
  if (!job.verdict) {
    try {
      outlast(Dependency::S3, job, [&] {
        ctx_.s3.get_object(s.s3_bucket, msg.zip_key, zip,
                           static_cast<std::uint64_t>(s.max_zip_bytes));
        return 0;
      });
      // Downloaded with the default mode (0644): the runner's alone, like the folder holding it.
      if (chmod(zip.c_str(), 0600) != 0) {
        throw InfraFault("local disk: chmod " + zip.string() + ": " + std::strerror(errno));
      }
      f.stage = "download";
      f.duration_ms = ms_since(t);
      log_info("downloaded s3://" + s.s3_bucket + "/" + msg.zip_key, f);
    } catch (const aws::AwsError& e) {
      if (e.code() == "ObjectTooLarge") {
        job.verdict = runner_verdict(
            msg, grading::Status::InvalidSubmission,
            "The ZIP is larger than the limit of " + std::to_string(s.max_zip_bytes) + " bytes.");
      } else {
        // NoSuchKey: the API may not have finished the upload; if it never does, the attempts
        // run out and the row says so.
        throw FailedAttempt("submission ZIP not found: s3://" + s.s3_bucket + "/" + msg.zip_key);
      }
    }
  }

  // Grade (never throws for what a submission does).
  if (!job.verdict) {
    t = Clock::now();
    grading::GradeContext context{services_.launcher,  ctx_.tools,      dir.path,
                                  ctx_.archive_limits, s.max_log_bytes, nullptr};
    auto verdict = grading::grade({zip, *pit, msg.submission_id, out}, context);
    f.stage = "grade";
    f.duration_ms = ms_since(t);
    if (verdict.status == grading::Status::Error) {
      // Never the student's doing: not a verdict until the attempts run out.
      if (verdict.host_fault) throw InfraFault(verdict.output);
      throw FailedAttempt(verdict.output);
    }
    log_info(fmt::format("graded {} {:g}/{:g}", grading::to_string(verdict.status),
                         verdict.score.score, verdict.score.max_score),
             f);
    job.verdict = std::move(verdict);
  } else {
    try {
      write_outputs(out, *job.verdict);
    } catch (const std::exception& e) {
      throw InfraFault(std::string("local disk: ") + e.what());
    }
  }
  if (job.heartbeat->lease_lost()) throw LeaseLost("the lease was lost while grading");

  // Upload, under keys of this attempt: a grading that lost its lease can never overwrite the
  // objects the row points to.
  const std::string prefix =
      s.results_prefix + msg.submission_id + "/" + std::to_string(job.take.attempt) + "/";
  t = Clock::now();
  outlast(Dependency::S3, job, [&] {
    ctx_.s3.put_object_file(s.s3_bucket, prefix + "log.txt", out / "log.txt",
                            "text/plain; charset=utf-8");
    ctx_.s3.put_object_file(s.s3_bucket, prefix + "feedback.json", out / "feedback.json",
                            "application/json");
    return 0;
  });
  f.stage = "upload";
  f.duration_ms = ms_since(t);
  log_info("uploaded s3://" + s.s3_bucket + "/" + prefix + "{log.txt,feedback.json}", f);

  // The verdict, in one statement that holds only while this job's lease does.
  const grading::Verdict& v = *job.verdict;
  db::VerdictRow row;
  row.status = grading::to_string(v.status);
  row.score = v.score.score;
  row.max_score = v.score.max_score;
  row.tests_passed = v.score.passed;
  row.tests_total = static_cast<int>(v.score.tests.size());
  row.log_key = prefix + "log.txt";
  row.feedback_key = prefix + "feedback.json";
  if (v.status == grading::Status::Error) row.error = v.output;
  t = Clock::now();
  f.stage = "db";
  f.duration_ms.reset();
  bool faulted = false;
  const bool written = outlast(Dependency::Postgres, job, [&] {
    try {
      return services_.db.write_verdict(msg.submission_id, job.take.token, row);
    } catch (const db::DbError&) {
      faulted = true;
      throw;
    }
  });
  // After a fault the first write may have committed unseen: the row then names these keys.
  if (!written && !(faulted && services_.db.feedback_key(msg.submission_id) == row.feedback_key)) {
    throw LeaseLost("another grading took the lease over before the verdict was stored");
  }
  f.duration_ms = ms_since(t);
  log_info("verdict stored", f);

  delete_message(job.message, msg.submission_id);
  ctx_.metrics.job_finished(row.status, ms_since(received_at_) / 1000.0);
  f.stage = "done";
  f.duration_ms = ms_since(received_at_);
  log_info("published " + row.status, f);
}

// The lease goes back to the row (QUEUED, the reason in `error`) and the message to the queue.
// PostgreSQL may be the dependency that failed: the release outlasts it like any other statement
// of the job, so the row is not left RUNNING under a lease that would later look like a crash.
void JobProcessor::give_back(Job& job, db::Release kind, const std::string& reason) {
  const LogFields f{job.msg.submission_id, job.msg.pit_id, "retry", std::nullopt};
  const int delay =
      kind == db::Release::HandBack ? 0 : retry_delay_seconds(job.message.receive_count());
  bool released = false;
  try {
    released = outlast(Dependency::Postgres, job, [&] {
      return services_.db.release_lease(job.msg.submission_id, job.take.token, kind, reason);
    });
  } catch (const LeaseLost&) {
  } catch (const std::exception& e) {
    // Shutting down, or PostgreSQL still down after kMaxOutageWait: the message goes back anyway.
    log_warn(std::string("cannot release the lease: ") + e.what(), f);
    released = true;
  }
  if (!released) {
    ctx_.metrics.lease_lost();
    log_warn("the lease was taken over meanwhile; leaving the message to its new holder", f);
    return;
  }
  if (kind == db::Release::HandBack) {
    log_info("shutting down: job handed back to the queue", f);
  } else {
    log_warn(fmt::format("{}; {} in {} s", reason,
                         kind == db::Release::InfraFault ? "retrying (not counted as an attempt)"
                                                         : "retrying (a failed attempt)",
                         delay),
             f);
  }
  return_message(job.message, delay, f);
}

void JobProcessor::return_message(const aws::SqsMessage& message, int delay_seconds,
                                  const LogFields& f) {
  try {
    ctx_.sqs.change_message_visibility(ctx_.settings.sqs_queue_url, message.receipt_handle,
                                       delay_seconds);
  } catch (const std::exception& e) {
    // It comes back anyway when its current visibility runs out.
    ctx_.metrics.queue_error();
    log_warn(std::string("cannot return the message: ") + e.what(), f);
  }
}

// A body that is not a job (SPEC §7): it can never be graded. With an id, the row says why.
void JobProcessor::bad_message(const aws::SqsMessage& message, const std::string& submission_id,
                               const std::string& pit_id, const std::string& reason) {
  ctx_.metrics.poison();
  const LogFields f{submission_id, pit_id, "poison", std::nullopt};
  log_error("poison message " + message.message_id + ": " + reason, f);
  if (!submission_id.empty()) {
    try {
      if (services_.db.mark_error(submission_id, pit_id, "bad job message: " + reason)) {
        ctx_.metrics.job_finished("ERROR", 0);
      }
    } catch (const db::DbError& e) {
      // The reason must reach the row: keep the message until PostgreSQL is back.
      ctx_.metrics.db_error();
      services_.breakers.trip(Dependency::Postgres, e.what());
      return_message(message, retry_delay_seconds(message.receive_count()), f);
      return;
    }
  }
  delete_message(message, submission_id);
}

void JobProcessor::delete_message(const aws::SqsMessage& message,
                                  const std::string& submission_id) {
  try {
    ctx_.sqs.delete_message(ctx_.settings.sqs_queue_url, message.receipt_handle);
  } catch (const std::exception& e) {
    // The verdict is stored; a redelivery finds the row final and is deleted then.
    ctx_.metrics.queue_error();
    log_warn(std::string("cannot delete the message: ") + e.what(),
             {submission_id, "", "delete", std::nullopt});
  }
}

}  // namespace runner::service
