// `runner regrade`: the service's submissions of one assignment graded again (their jobs sent
// once more), or rescored from their stored per-test results. README, "For course staff".
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "app/runtime.hpp"
#include "cli/commands.hpp"
#include "cli/startup.hpp"
#include "db/submissions.hpp"
#include "grading/rescore.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace runner::cli {

namespace fs = std::filesystem;

namespace {

std::string describe(const RegradeOptions& o) {
  std::string what = "of " + o.pit_id;
  if (!o.statuses.empty()) what += ", status " + util::join(o.statuses, " or ");
  if (!o.since.empty()) what += ", finished since " + o.since;
  return what;
}

// Sends the rows' jobs again, ten per SendMessageBatch. A row is set back to QUEUED before its
// message goes; one SQS did not take goes back to its status, and is named.
int send_again(const std::vector<db::GradedRow>& rows, const std::string& pit_id,
               db::Submissions& db, aws::SqsClient& sqs, const std::string& queue_url) {
  int sent = 0, failed = 0;
  for (std::size_t at = 0; at < rows.size(); at += 10) {
    std::vector<std::pair<std::string, std::string>> batch;
    std::map<std::string, const db::GradedRow*> by_entry;
    for (std::size_t i = at; i < std::min(rows.size(), at + 10); ++i) {
      const auto& row = rows[i];
      if (!db.requeue(row.id)) {
        std::cout << "  " << row.id << ": no longer finished (queued or running): skipped\n";
        continue;
      }
      const std::string entry = "e" + std::to_string(i);
      const nlohmann::json body = {
          {"submissionId", row.id}, {"pitId", pit_id}, {"zipKey", row.zip_key}};
      batch.emplace_back(entry, body.dump());
      by_entry[entry] = &row;
    }
    if (batch.empty()) continue;
    std::map<std::string, std::string> refused;
    try {
      refused = sqs.send_message_batch(queue_url, batch);
    } catch (const std::exception& e) {
      for (const auto& [entry, body] : batch) refused[entry] = e.what();
    }
    for (const auto& [entry, reason] : refused) {
      const auto* row = by_entry[entry];
      db.set_status(row->id, "QUEUED", row->status);
      std::cout << "  ✗ " << row->id << ": not sent (" << reason << "); left " << row->status
                << "\n";
      ++failed;
    }
    sent += static_cast<int>(batch.size() - refused.size());
    std::cout << fmt::format("  sent {} of {}\n", sent, rows.size()) << std::flush;
  }
  std::cout << (failed == 0 ? "✓ " : "✗ ")
            << fmt::format("{} submissions sent to be graded again", sent)
            << (failed == 0 ? "" : fmt::format("; {} not sent (run the command again)", failed))
            << "\n";
  return failed == 0 ? 0 : 1;
}

// Scores each row's stored feedback.json again with the PIT's weights; writes a new
// feedback.json beside the old one and the row's score when it changed.
int rescore_all(const std::vector<db::GradedRow>& rows, const pit::Pit& pit, bool dry_run,
                db::Submissions& db, aws::S3Client& s3, const std::string& bucket,
                const fs::path& scratch) {
  int changed = 0, same = 0, refused = 0;
  const std::string stamp = util::iso8601_utc(std::chrono::system_clock::now());
  for (const auto& row : rows) {
    if (row.feedback_key.empty()) {
      std::cout << "  " << row.id << ": no stored feedback.json: skipped\n";
      ++refused;
      continue;
    }
    const fs::path file = scratch / "feedback.json";
    s3.get_object(bucket, row.feedback_key, file, 16u << 20);
    const auto json = nlohmann::ordered_json::parse(util::read_file(file));
    grading::Verdict stored;
    grading::read_json(json, stored);
    stored.submission_id = row.id;
    const grading::Rescored r = grading::rescore(stored, pit);
    if (!r.refused.empty()) {
      std::cout << "  " << row.id << ": " << r.refused << "\n";
      ++refused;
      continue;
    }
    if (r.verdict.score.score == stored.score.score &&
        r.verdict.score.max_score == stored.score.max_score) {
      ++same;
      continue;
    }
    ++changed;
    std::cout << fmt::format("  {}: {} / {} -> {} / {}\n", row.id, stored.score.score,
                             stored.score.max_score, r.verdict.score.score,
                             r.verdict.score.max_score);
    if (dry_run) continue;
    auto out = grading::to_json(r.verdict);
    out["started_at"] = json.value("started_at", "");
    out["finished_at"] = json.value("finished_at", "");
    out["rescored_at"] = stamp;
    const std::string key =
        row.feedback_key.substr(0, row.feedback_key.rfind('/') + 1) + "feedback-rescored.json";
    s3.put_object(bucket, key, out.dump(2) + "\n", "application/json");
    db.rescore(row.id, r.verdict.score.score, r.verdict.score.max_score, key);
  }
  std::cout << fmt::format("{} {} changed score{}, {} unchanged, {} not rescored\n",
                           refused == 0 ? "✓" : "!", changed,
                           dry_run ? " (dry run: nothing written)" : "", same, refused);
  return 0;
}

}  // namespace

int regrade_command(const RegradeOptions& options) {
  const auto runtime = load_runtime(config::Purpose::Service);
  if (!runtime) return 1;
  const auto& settings = runtime->settings();
  const fs::path pit_dir = settings.pits_dir / options.pit_id;
  std::optional<pit::Pit> pit;
  try {
    pit = pit::load_pit(pit_dir, runtime->pit_defaults());
  } catch (const pit::PitError& e) {
    std::cerr << "✗ invalid PIT " << options.pit_id << " (RUNNER_PITS_DIR "
              << settings.pits_dir.string() << "): " << e.what() << "\n";
    return 2;
  }
  try {
    db::Submissions db(settings.database_url);
    const auto rows = db.graded(options.pit_id, options.statuses, options.since);
    std::vector<db::GradedRow> sendable;
    int no_zip = 0;
    for (const auto& row : rows) {
      if (row.zip_key.empty()) {
        ++no_zip;
      } else {
        sendable.push_back(row);
      }
    }
    std::cout << fmt::format("{} finished submissions {}", rows.size(), describe(options));
    if (!options.rescore && no_zip > 0) {
      std::cout << fmt::format(
          "; {} of them graded before the runner recorded their ZIP (no zip_key): not sendable",
          no_zip);
    }
    std::cout << "\n";
    if (options.dry_run && !options.rescore) {
      for (std::size_t i = 0; i < sendable.size() && i < 20; ++i) {
        std::cout << "  " << sendable[i].id << " " << sendable[i].status << "\n";
      }
      if (sendable.size() > 20) std::cout << "  … and " << sendable.size() - 20 << " more\n";
      std::cout << "dry run: nothing sent\n";
      return 0;
    }
    auto cloud = runtime->cloud();
    if (options.rescore) {
      const fs::path scratch = util::make_temp_dir(settings.work_dir, "runner-rescore-");
      const int rc =
          rescore_all(rows, *pit, options.dry_run, db, *cloud.s3, settings.s3_bucket, scratch);
      util::remove_tree_quietly(scratch);
      return rc;
    }
    return send_again(sendable, options.pit_id, db, *cloud.sqs, settings.sqs_queue_url);
  } catch (const std::invalid_argument& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "✗ " << e.what() << "\n";
    return 1;
  }
}

}  // namespace runner::cli
