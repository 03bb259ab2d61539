// The steps of a job under its lease: the PIT, the download, the grading, the upload and the
// verdict's row. job_processor.cpp sequences them and applies the policy to how they end.
#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "aws/error.hpp"
#include "service/job_folder.hpp"
#include "service/job_processor.hpp"
#include "service/job_state.hpp"

namespace runner::service {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using policy::Outcome;

namespace {

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

db::VerdictRow verdict_row(const grading::Verdict& v, const std::string& prefix) {
  db::VerdictRow row;
  row.status = grading::to_string(v.status);
  row.score = v.score.score;
  row.max_score = v.score.max_score;
  row.tests_passed = v.score.passed;
  row.tests_total = static_cast<int>(v.score.tests.size());
  row.log_key = prefix + "log.txt";
  row.feedback_key = prefix + "feedback.json";
  if (v.status == grading::Status::Error) row.error = v.output;
  return row;
}

}  // namespace

// One this runner does not have may reach it during a rolling deploy (a new assignment, a task
// still on the old image): another runner, or this one later, grades it.
pit::Pit JobProcessor::load_pit(const JobMessage& msg) {
  std::optional<pit::Pit> pit;
  try {
    pit = ports_.grader.load_pit(msg.pit_id);
  } catch (const pit::PitError& e) {
    throw JobFault(Outcome::InfraFault, std::string("invalid PIT: ") + e.what());
  }
  if (!pit) {
    const fs::path yaml = setup_.settings.pits_dir / msg.pit_id / "pit.yaml";
    throw JobFault(Outcome::InfraFault,
                   "unknown PIT '" + msg.pit_id + "' (no " + yaml.string() + ")");
  }
  return std::move(*pit);
}

grading::Verdict JobProcessor::download_and_grade(Job& job, const JobFolder& dir,
                                                  const pit::Pit& pit) {
  const auto& s = setup_.settings;
  LogFields& f = job.f;
  auto t = Clock::now();
  try {
    outlast_(Dependency::S3, job.watch.get(), f, [&] {
      ports_.objects.download(job.msg.zip_key, dir.zip(),
                              static_cast<std::uint64_t>(s.max_zip_bytes));
      return 0;
    });
    dir.make_zip_private();
  } catch (const aws::AwsError& e) {
    if (policy::classify_s3(e.code()) == policy::S3Error::TooLarge) {
      auto verdict = grading::rejected(
          pit, job.msg.submission_id, ports_.grader.sandbox(pit),
          "The ZIP is larger than the limit of " + std::to_string(s.max_zip_bytes) + " bytes.");
      write_outputs(dir, verdict);
      return verdict;
    }
    // NoSuchKey: the API may not have finished the upload; if it never does, the attempts run
    // out and the row says so.
    throw JobFault(Outcome::FailedAttempt,
                   "submission ZIP not found: s3://" + s.s3_bucket + "/" + job.msg.zip_key);
  } catch (const std::system_error& e) {
    throw JobFault(Outcome::InfraFault, std::string("local disk: ") + e.what());
  }
  f.stage = "download";
  f.duration_ms = ms_since(t);
  log_info("downloaded s3://" + s.s3_bucket + "/" + job.msg.zip_key, f);

  // The grading core never throws for what a submission does.
  t = Clock::now();
  auto verdict =
      ports_.grader.grade({dir.zip(), pit, job.msg.submission_id, dir.out()}, dir.path());
  f.stage = "grade";
  f.duration_ms = ms_since(t);
  if (policy::classify(verdict) == Outcome::Verdict) {
    log_info(fmt::format("graded {} {:g}/{:g}", grading::to_string(verdict.status),
                         verdict.score.score, verdict.score.max_score),
             f);
  }
  return verdict;
}

// A verdict the grader did not make, in the files the grader writes.
void JobProcessor::write_outputs(const JobFolder& dir, const grading::Verdict& verdict) {
  try {
    dir.write_outputs(verdict);
  } catch (const std::exception& e) {
    throw JobFault(Outcome::InfraFault, std::string("local disk: ") + e.what());
  }
}

// Upload under keys of this attempt (a grading that lost its lease can never overwrite the
// objects the row points to), store the verdict under the lease, delete the message.
void JobProcessor::publish(Job& job, const JobFolder& dir) {
  const auto& s = setup_.settings;
  LogFields& f = job.f;
  if (job.lease_lost()) throw JobFault(Outcome::LeaseLost, "the lease was lost while grading");
  const std::string prefix =
      s.results_prefix + job.msg.submission_id + "/" + std::to_string(job.take.attempt) + "/";
  const auto t = Clock::now();
  outlast_(Dependency::S3, job.watch.get(), f, [&] {
    ports_.objects.upload(prefix + "log.txt", dir.out() / "log.txt", "text/plain; charset=utf-8");
    ports_.objects.upload(prefix + "feedback.json", dir.out() / "feedback.json",
                          "application/json");
    return 0;
  });
  f.stage = "upload";
  f.duration_ms = ms_since(t);
  log_info("uploaded s3://" + s.s3_bucket + "/" + prefix + "{log.txt,feedback.json}", f);

  db::VerdictRow row = verdict_row(*job.verdict, prefix);
  row.zip_key = job.msg.zip_key;
  store(job, row);
  delete_message(job.message, job.msg.submission_id);
  setup_.metrics.job_finished(row.status, ms_since(received_at_) / 1000.0);
  f.stage = "done";
  f.duration_ms = ms_since(received_at_);
  log_info("published " + row.status, f);
}

// The verdict, in one statement that holds only while this job's lease does.
void JobProcessor::store(Job& job, const db::VerdictRow& row) {
  const auto t = Clock::now();
  job.f.stage = "db";
  job.f.duration_ms.reset();
  bool faulted = false;
  const bool written = outlast_(Dependency::Postgres, job.watch.get(), job.f, [&] {
    try {
      return ports_.store.write_verdict(job.msg.submission_id, job.take.token, row);
    } catch (const db::DbError&) {
      faulted = true;
      throw;
    }
  });
  const auto row_key = !written && faulted ? ports_.store.feedback_key(job.msg.submission_id)
                                           : std::optional<std::string>();
  if (!policy::verdict_stored(written, faulted, row_key, row.feedback_key)) {
    throw JobFault(Outcome::LeaseLost,
                   "another grading took the lease over before the verdict was stored");
  }
  job.f.duration_ms = ms_since(t);
  log_info("verdict stored", job.f);
}

}  // namespace runner::service
