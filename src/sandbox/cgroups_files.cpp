#include "sandbox/cgroups_files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace runner::sandbox::cgroups::files {

namespace fs = std::filesystem;

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int write_file(const fs::path& file, const std::string& value, bool append) {
  const int fd =
      open(file.c_str(), O_WRONLY | O_CLOEXEC | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
  if (fd < 0) return errno;
  const ssize_t n = write(fd, value.data(), value.size());
  const int err = n == static_cast<ssize_t>(value.size()) ? 0 : (n < 0 ? errno : EIO);
  close(fd);
  return err;
}

int write_pid(const fs::path& procs, pid_t pid) {
  return write_file(procs, std::to_string(pid) + "\n", /*append=*/true);
}

std::int64_t read_int(const fs::path& file) {
  try {
    return std::stoll(read_text(file));
  } catch (...) {
    return 0;
  }
}

std::int64_t read_key(const fs::path& file, const std::string& key) {
  std::istringstream in(read_text(file));
  std::string k;
  std::int64_t v = 0;
  while (in >> k >> v) {
    if (k == key) return v;
  }
  return 0;
}

std::set<std::string> words(const fs::path& file) {
  std::istringstream in(read_text(file));
  std::set<std::string> out;
  for (std::string w; in >> w;) out.insert(w);
  return out;
}

std::vector<pid_t> read_pids(const fs::path& procs) {
  std::ifstream in(procs);
  std::vector<pid_t> pids;
  for (pid_t pid; in >> pid;) pids.push_back(pid);
  return pids;
}

bool exists(pid_t pid) {
  return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

bool can_create_child(const fs::path& base, std::string& reason) {
  const fs::path probe = base / ("runner-probe-" + std::to_string(getpid()));
  std::error_code ec;
  fs::create_directory(probe, ec);
  if (ec) {
    reason = "cannot create a cgroup in " + base.string() + ": " + ec.message();
    return false;
  }
  fs::remove(probe, ec);
  return true;
}

}  // namespace runner::sandbox::cgroups::files
