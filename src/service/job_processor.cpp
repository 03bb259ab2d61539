#include "service/job_processor.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "aws/error.hpp"
#include "cli/setup.hpp"
#include "grading/grader.hpp"
#include "pit/pit.hpp"
#include "service/heartbeat.hpp"
#include "service/log.hpp"

namespace runner::service {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// The two failure kinds that leave the normal path; everything else is a verdict.
struct InfraFault : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct PoisonJob : std::runtime_error {
  using std::runtime_error::runtime_error;
};

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

// A verdict the grader did not make (the ZIP exceeded the download cap), in the same files.
void write_outputs(const fs::path& out_dir, const grading::Verdict& v) {
  fs::create_directories(out_dir);
  std::ofstream(out_dir / "feedback.json") << grading::to_json(v).dump(2) << "\n";
  std::ofstream(out_dir / "log.txt") << v.output << "\n";
}

}  // namespace

JobProcessor::JobProcessor(const WorkerContext& context, int slot, exec::Launcher& launcher,
                           db::Submissions& db, std::function<bool()> stopping)
    : ctx_(context), slot_(slot), launcher_(launcher), db_(db), stopping_(std::move(stopping)) {}

int JobProcessor::retry_delay_seconds(int receive_count) {
  const int n = std::clamp(receive_count, 1, 10);
  return std::min(900, 1 << n);
}

void JobProcessor::process(const aws::SqsMessage& message) {
  received_at_ = Clock::now();
  const auto parsed = parse_job_message(message.body);
  if (!parsed.job) {
    poison(message, parsed.submission_id, parsed.pit_id, parsed.error);
    return;
  }
  const JobMessage& job = *parsed.job;
  const LogFields f{job.submission_id, job.pit_id, "receive", std::nullopt};
  const int max_attempts = ctx_.settings.max_attempts;
  // A message delivered more often than allowed without a verdict (runners killed mid-job,
  // e.g. by a submission that takes the host down) must stop somewhere.
  if (message.receive_count() > max_attempts) {
    infrastructure_fault(
        message, job,
        "delivered " + std::to_string(message.receive_count()) + " times without a verdict");
    return;
  }
  db::StartResult start;
  try {
    start = db_.mark_running(job.submission_id, job.pit_id);
  } catch (const db::DbError& e) {
    ctx_.metrics.db_error();
    infrastructure_fault(message, job, e.what());
    return;
  }
  if (start.already_final) {
    ctx_.metrics.duplicate();
    log_info("already " + start.status + ": duplicate delivery, deleting the message", f);
    delete_message(message, job.submission_id);
    return;
  }
  log_info("received (attempt " + std::to_string(start.attempts) + ", delivery " +
               std::to_string(message.receive_count()) + ")",
           f);
  ctx_.metrics.job_started();
  try {
    run_job(message, job);
  } catch (const PoisonJob& e) {
    poison(message, job.submission_id, job.pit_id, e.what());
  } catch (const InfraFault& e) {
    infrastructure_fault(message, job, e.what());
  } catch (const std::exception& e) {
    // Unexpected (bad_alloc, a bug): retry like an infrastructure fault, bounded the same way.
    infrastructure_fault(message, job, std::string("internal error: ") + e.what());
  }
  ctx_.metrics.job_ended();
}

void JobProcessor::run_job(const aws::SqsMessage& message, const JobMessage& job) {
  const auto t0 = received_at_;
  const auto& s = ctx_.settings;
  LogFields f{job.submission_id, job.pit_id, "", std::nullopt};
  Heartbeat heartbeat(ctx_.sqs, s.sqs_queue_url, message.receipt_handle, ctx_.visibility_seconds,
                      ctx_.metrics, job.submission_id);

  // The PIT: a missing or broken one is the sender's mistake and will not fix itself.
  const fs::path pit_dir = s.pits_dir / job.pit_id;
  if (!is_safe_pit_id(job.pit_id) || !fs::is_regular_file(pit_dir / "pit.yaml")) {
    throw PoisonJob("unknown PIT '" + job.pit_id + "' (no " + (pit_dir / "pit.yaml").string() +
                    ")");
  }
  std::optional<pit::Pit> pit;
  try {
    pit = pit::load_pit(pit_dir, cli::pit_defaults(s));
  } catch (const pit::PitError& e) {
    throw PoisonJob(std::string("invalid PIT: ") + e.what());
  }

  JobDir dir;
  try {
    dir.path = s.work_dir / ("runner-job-" + std::to_string(slot_) + "-" +
                             folder_name(job.submission_id) + "-" + std::to_string(getpid()));
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
  std::optional<grading::Verdict> verdict;
  auto t = Clock::now();
  try {
    ctx_.s3.get_object(s.s3_bucket, job.zip_key, zip, static_cast<std::uint64_t>(s.max_zip_bytes));
    // Downloaded with the default mode (0644): the runner's alone, like the folder holding it.
    if (chmod(zip.c_str(), 0600) != 0) {
      throw InfraFault("local disk: chmod " + zip.string() + ": " + std::strerror(errno));
    }
    f.stage = "download";
    f.duration_ms = ms_since(t);
    log_info("downloaded s3://" + s.s3_bucket + "/" + job.zip_key, f);
  } catch (const aws::AwsError& e) {
    if (e.code() == "NoSuchKey" || e.http_status() == 404) {
      throw PoisonJob("submission ZIP not found: s3://" + s.s3_bucket + "/" + job.zip_key);
    }
    if (e.code() == "ObjectTooLarge") {
      grading::Verdict v;
      v.submission_id = job.submission_id;
      v.pit_id = job.pit_id;
      v.status = grading::Status::InvalidSubmission;
      v.output =
          "The ZIP is larger than the limit of " + std::to_string(s.max_zip_bytes) + " bytes.";
      v.started_at = v.finished_at = std::chrono::system_clock::now();
      verdict = v;
    } else {
      ctx_.metrics.s3_error();
      throw InfraFault(e.what());
    }
  }

  // Grade (never throws for what a submission does).
  if (!verdict) {
    t = Clock::now();
    grading::GradeContext context{launcher_,       ctx_.tools, dir.path, cli::archive_limits(s),
                                  s.max_log_bytes, nullptr};
    verdict = grading::grade({zip, *pit, job.submission_id, out}, context);
    f.stage = "grade";
    f.duration_ms = ms_since(t);
    log_info(fmt::format("graded {} {:g}/{:g}", grading::to_string(verdict->status),
                         verdict->score.score, verdict->score.max_score),
             f);
  } else {
    try {
      write_outputs(out, *verdict);
    } catch (const std::exception& e) {
      throw InfraFault(std::string("local disk: ") + e.what());
    }
  }

  // Upload.
  const std::string prefix = s.results_prefix + job.submission_id + "/";
  t = Clock::now();
  try {
    ctx_.s3.put_object_file(s.s3_bucket, prefix + "log.txt", out / "log.txt",
                            "text/plain; charset=utf-8");
    ctx_.s3.put_object_file(s.s3_bucket, prefix + "feedback.json", out / "feedback.json",
                            "application/json");
  } catch (const aws::AwsError& e) {
    ctx_.metrics.s3_error();
    throw InfraFault(e.what());
  }
  f.stage = "upload";
  f.duration_ms = ms_since(t);
  log_info("uploaded s3://" + s.s3_bucket + "/" + prefix + "{log.txt,feedback.json}", f);

  // The verdict, in one transaction. PostgreSQL restarting takes seconds; wait for it here
  // (the heartbeat keeps the message) rather than grade again from scratch.
  db::VerdictRow row;
  row.status = grading::to_string(verdict->status);
  row.score = verdict->score.score;
  row.max_score = verdict->score.max_score;
  row.tests_passed = verdict->score.passed;
  row.tests_total = static_cast<int>(verdict->score.tests.size());
  row.log_key = prefix + "log.txt";
  row.feedback_key = prefix + "feedback.json";
  if (verdict->status == grading::Status::Error) row.error = verdict->output;
  t = Clock::now();
  f.stage = "db";
  f.duration_ms.reset();
  for (int attempt = 1;; ++attempt) {
    try {
      if (!db_.write_verdict(job.submission_id, row)) {
        log_warn("row already final (another delivery finished first); kept as it is", f);
      }
      break;
    } catch (const db::DbError& e) {
      ctx_.metrics.db_error();
      if (attempt >= 6 || stopping_()) throw InfraFault(e.what());
      log_warn(std::string(e.what()) + "; retrying", f);
      std::this_thread::sleep_for(std::chrono::seconds(1 << std::min(attempt - 1, 3)));
    }
  }
  f.duration_ms = ms_since(t);
  log_info("verdict stored", f);

  delete_message(message, job.submission_id);
  ctx_.metrics.job_finished(row.status, ms_since(t0) / 1000.0);
  f.stage = "done";
  f.duration_ms = ms_since(t0);
  log_info("published " + row.status, f);
}

void JobProcessor::poison(const aws::SqsMessage& message, const std::string& submission_id,
                          const std::string& pit_id, const std::string& reason) {
  ctx_.metrics.poison();
  const LogFields f{submission_id, pit_id, "poison", std::nullopt};
  log_error("poison message " + message.message_id + ": " + reason, f);
  if (!submission_id.empty()) {
    try {
      db_.mark_error(submission_id, pit_id, reason);
    } catch (const db::DbError& e) {
      // The verdict must not be lost: keep the message until PostgreSQL is back.
      ctx_.metrics.db_error();
      log_warn(std::string(e.what()) + "; returning the message", f);
      try {
        ctx_.sqs.change_message_visibility(ctx_.settings.sqs_queue_url, message.receipt_handle,
                                           retry_delay_seconds(message.receive_count()));
      } catch (const std::exception&) {
        ctx_.metrics.queue_error();
      }
      return;
    }
    ctx_.metrics.job_finished("ERROR", 0);
  }
  delete_message(message, submission_id);
}

void JobProcessor::infrastructure_fault(const aws::SqsMessage& message, const JobMessage& job,
                                        const std::string& reason) {
  const LogFields f{job.submission_id, job.pit_id, "retry", std::nullopt};
  const int count = message.receive_count();
  if (count >= ctx_.settings.max_attempts) {
    const std::string error = "gave up after " + std::to_string(count) + " attempts: " + reason;
    try {
      db_.mark_error(job.submission_id, job.pit_id, error);
      log_error(error, f);
      ctx_.metrics.job_finished("ERROR", 0);
      delete_message(message, job.submission_id);
      return;
    } catch (const db::DbError& e) {
      ctx_.metrics.db_error();
      log_warn(std::string("cannot record ERROR: ") + e.what(), f);
      // Fall through: keep the message. The queue's redrive policy (dead-letter queue) is the
      // last resort when PostgreSQL stays down.
    }
  }
  ctx_.metrics.retried();
  const int delay = retry_delay_seconds(count);
  log_warn(reason + "; returning the message for " + std::to_string(delay) + " s", f);
  try {
    db_.requeue(job.submission_id, reason);
  } catch (const db::DbError&) {
    ctx_.metrics.db_error();  // the row stays RUNNING; the next attempt sets it again
  }
  try {
    ctx_.sqs.change_message_visibility(ctx_.settings.sqs_queue_url, message.receipt_handle, delay);
  } catch (const std::exception& e) {
    // It comes back anyway when its current visibility runs out.
    ctx_.metrics.queue_error();
    log_warn(std::string("cannot return the message: ") + e.what(), f);
  }
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
