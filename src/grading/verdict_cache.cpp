#include "grading/verdict_cache.hpp"

#include <fmt/format.h>

#include "runner_version.hpp"
#include "util/crypto.hpp"
#include "util/fs.hpp"

namespace runner::grading {

namespace fs = std::filesystem;

std::optional<std::string> FolderVerdictCache::find(const std::string& key) {
  const fs::path file = dir_ / (key + ".json");
  if (!fs::is_regular_file(file)) return std::nullopt;
  return util::read_file(file);
}

void FolderVerdictCache::store(const std::string& key, const std::string& /*pit_id*/,
                               const std::string& feedback) {
  fs::create_directories(dir_);
  const fs::path file = dir_ / (key + ".json");
  if (fs::exists(file)) return;
  util::write_file_atomic(file, feedback);
}

std::string cache_key(const std::string& submission_digest, const pit::Pit& pit,
                      const std::string& sandbox_level) {
  // The PIT's files (pit.yaml, the overlay) and what it inherits from the runner's settings.
  const std::string text = fmt::format(
      "verdict-cache 1\nsubmission {}\npit {} {}\nbuild {} timeout_ms {} memory_mb {}\n"
      "runner {}\nsandbox {}\n",
      submission_digest, pit.id, pit.files_digest, pit::to_string(pit.build), pit.timeout_ms,
      pit.memory_mb, kRunnerVersion, sandbox_level);
  return util::sha256_hex(text);
}

bool cacheable(const Verdict& v) {
  return v.status == Status::Completed || v.status == Status::BuildFailed ||
         v.status == Status::InvalidSubmission;
}

}  // namespace runner::grading
