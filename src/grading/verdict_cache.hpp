#pragma once
// The verdict cache (README, "The verdict cache"): an identical submission of the same PIT,
// graded by the same runner at the same sandbox level, gets the verdict already given at once.
// The service keeps it in PostgreSQL (shared by every worker), `grade-all` in its output folder.
#include <filesystem>
#include <optional>
#include <string>

#include "grading/verdict.hpp"
#include "pit/pit.hpp"

namespace runner::grading {

// Where verdicts are kept, by key. A cache that fails says so by throwing; grading then goes on
// without it (a cache is never a reason for a wrong or missing verdict).
class VerdictCache {
 public:
  virtual ~VerdictCache() = default;
  // The feedback.json stored under `key`, if any.
  virtual std::optional<std::string> find(const std::string& key) = 0;
  // Keeps `feedback` (of a verdict for `pit_id`) under `key`; the first stored for a key stays.
  virtual void store(const std::string& key, const std::string& pit_id,
                     const std::string& feedback) = 0;
};

// One file per key in a folder (`<dir>/<key>.json`), written atomically.
class FolderVerdictCache : public VerdictCache {
 public:
  explicit FolderVerdictCache(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::optional<std::string> find(const std::string& key) override;
  void store(const std::string& key, const std::string& pit_id,
             const std::string& feedback) override;

 private:
  std::filesystem::path dir_;
};

// SHA-256 of: the submission tree as graded (workspace::prepare_project's digest), the PIT's
// folder and effective settings, the runner's version and the sandbox level.
std::string cache_key(const std::string& submission_digest, const pit::Pit& pit,
                      const std::string& sandbox_level);

// The statuses a submission's files alone decide: COMPLETED, BUILD_FAILED, INVALID_SUBMISSION.
// TIMEOUT and MEMORY_LIMIT may depend on the machine's load; ERROR is never a final answer.
bool cacheable(const Verdict& v);

}  // namespace runner::grading
