#include "service/job_folder.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <system_error>

#include "util/fs.hpp"

namespace runner::service {

namespace fs = std::filesystem;

namespace {

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

}  // namespace

JobFolder::JobFolder(const fs::path& work_dir, int slot, const std::string& submission_id)
    : path_(work_dir / ("runner-job-" + std::to_string(slot) + "-" + folder_name(submission_id) +
                        "-" + std::to_string(getpid()))) {
  try {
    fs::remove_all(path_);
    fs::create_directories(work_dir);
    make_private_dir(path_);
    make_private_dir(out());
  } catch (...) {
    std::error_code ec;
    fs::remove_all(path_, ec);
    throw;
  }
}

JobFolder::~JobFolder() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void JobFolder::make_zip_private() const {
  if (chmod(zip().c_str(), 0600) != 0) {
    throw std::system_error(errno, std::generic_category(), "chmod " + zip().string());
  }
}

void JobFolder::write_outputs(const grading::Verdict& verdict) const {
  fs::create_directories(out());
  util::write_file(out() / "feedback.json", grading::to_json(verdict).dump(2) + "\n");
  util::write_file(out() / "log.txt", verdict.output + "\n");
}

}  // namespace runner::service
