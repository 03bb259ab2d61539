#pragma once
// A job's private folder under RUNNER_WORK_DIR: the ZIP, and `out/` with log.txt and
// feedback.json. Removed whatever happens to the job.
#include <filesystem>
#include <string>

#include "grading/verdict.hpp"

namespace runner::service {

class JobFolder {
 public:
  // runner-job-<slot>-<id>-<pid>, 0700, owned by the runner and new. Throws
  // std::filesystem::filesystem_error.
  JobFolder(const std::filesystem::path& work_dir, int slot, const std::string& submission_id);
  ~JobFolder();
  JobFolder(const JobFolder&) = delete;
  JobFolder& operator=(const JobFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path zip() const { return path_ / "submission.zip"; }
  std::filesystem::path out() const { return path_ / "out"; }

  // The downloaded ZIP (the default mode, 0644) made the runner's alone, like its folder.
  // Throws std::system_error.
  void make_zip_private() const;
  // A verdict the grader did not make, in the files the grader writes.
  void write_outputs(const grading::Verdict& verdict) const;

 private:
  std::filesystem::path path_;
};

}  // namespace runner::service
