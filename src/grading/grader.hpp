#pragma once
// The grading core: submission ZIP + PIT -> verdict, log.txt and feedback.json.
// Shared by `runner grade` and the service; it knows nothing about where the ZIP came from.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "archive/extract.hpp"
#include "drivers/driver.hpp"
#include "exec/launcher.hpp"
#include "grading/verdict.hpp"
#include "grading/verdict_cache.hpp"
#include "pit/pit.hpp"

namespace runner::grading {

enum class Progress { Preparing, Building, Testing, Scoring };

struct GradeContext {
  exec::Launcher& launcher;
  const drivers::Toolchain& tools;
  std::filesystem::path work_dir;  // job folders are created (and removed) here
  archive::Limits limits;
  std::int64_t max_log_bytes = 200000;
  std::function<void(Progress)> on_progress;  // optional
  // Optional: an identical submission gets the verdict kept here (unless the PIT says
  // `cache: false`), and a new cacheable verdict is kept.
  VerdictCache* cache = nullptr;
};

struct GradeRequest {
  std::filesystem::path zip;
  const pit::Pit& pit;
  std::optional<std::string> submission_id;
  std::filesystem::path out_dir;  // receives log.txt and feedback.json
};

// Never throws for anything a submission does; runner faults become an ERROR verdict.
Verdict grade(const GradeRequest& request, const GradeContext& context);

}  // namespace runner::grading
