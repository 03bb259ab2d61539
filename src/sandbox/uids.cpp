#include "sandbox/uids.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "sandbox/capabilities.hpp"

namespace runner::sandbox::uids {
namespace {

namespace fs = std::filesystem;

bool is_pid_dir(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), ::isdigit);
}

// The real uid of /proc/<pid>, or -1 (also for zombies: they hold nothing but their pid).
long long real_uid(const fs::path& proc_dir) {
  std::ifstream status(proc_dir / "status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("State:") && line.find('Z') != std::string::npos) return -1;
    if (line.starts_with("Uid:")) return std::atoll(line.c_str() + 4);
  }
  return -1;
}

// Zombies of `uid` that are our children (orphans re-parented to a subreaper runner), except
// `spare`, whose status the launcher collects itself.
void reap_orphans_of(uid_t uid, pid_t spare) {
  const std::string self = std::to_string(getpid());
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (!is_pid_dir(name) || std::stoi(name) == spare) continue;
    std::ifstream status(entry.path() / "status");
    std::string line;
    bool zombie = false, ours = false, theirs = false;
    while (std::getline(status, line)) {
      if (line.starts_with("State:")) zombie = line.find('Z') != std::string::npos;
      if (line.starts_with("PPid:")) ours = std::atoll(line.c_str() + 5) == std::stoll(self);
      if (line.starts_with("Uid:")) theirs = std::atoll(line.c_str() + 4) == uid;
    }
    if (zombie && ours && theirs) waitpid(std::stoi(name), nullptr, WNOHANG);
  }
}

}  // namespace

SlotIds slot_ids(uid_t base, int slot) {
  if (slot < 0 || slot >= kMaxSlots) {
    throw std::invalid_argument("job slot " + std::to_string(slot) + " is outside [0, " +
                                std::to_string(kMaxSlots) + ")");
  }
  const auto n = static_cast<uid_t>(slot);
  return {base + n, base + static_cast<uid_t>(kMaxSlots) + n};
}

uid_t job_uid(int slot, uid_t base) {
  return slot_ids(base, slot).job;
}

uid_t setup_uid(int slot, uid_t base) {
  return slot_ids(base, slot).setup;
}

bool in_range(uid_t base, uid_t uid) {
  return uid >= base && uid - base < kRangeSize;
}

void chown_tree(const fs::path& root, uid_t uid, gid_t gid) {
  if (lchown(root.c_str(), uid, gid) != 0) {
    throw std::runtime_error("chown " + root.string() + ": " + std::strerror(errno));
  }
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (lchown(it->path().c_str(), uid, gid) != 0 && errno != ENOENT) {
      throw std::runtime_error("chown " + it->path().string() + ": " + std::strerror(errno));
    }
  }
  if (ec) throw std::runtime_error("chown " + root.string() + ": " + ec.message());
}

std::vector<pid_t> processes_of(uid_t uid) {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (!is_pid_dir(name)) continue;
    if (real_uid(entry.path()) == static_cast<long long>(uid)) {
      pids.push_back(static_cast<pid_t>(std::stoi(name)));
    }
  }
  return pids;
}

bool kill_all(uid_t uid, pid_t spare) {
  for (int round = 0; round < 100; ++round) {
    if (processes_of(uid).empty()) return true;
    // kill(-1) as the uid reaches every process it may signal: exactly its own. A helper does
    // it so the runner keeps its identity.
    const pid_t helper = fork();
    if (helper == 0) {
      // A non-root runner's capabilities survive setresuid: without CAP_KILL dropped, kill(-1)
      // would reach every process in the container.
      if (setresgid(uid, uid, uid) != 0 || setresuid(uid, uid, uid) != 0 ||
          !capabilities::drop_all()) {
        _exit(1);
      }
      kill(-1, SIGKILL);
      _exit(0);
    }
    if (helper > 0) waitpid(helper, nullptr, 0);
    for (pid_t pid : processes_of(uid)) kill(pid, SIGKILL);
    reap_orphans_of(uid, spare);
    std::this_thread::sleep_for(std::chrono::milliseconds(round < 10 ? 2 : 20));
  }
  return processes_of(uid).empty();
}

int remove_files_of(uid_t uid, const std::vector<fs::path>& dirs) {
  int removed = 0;
  for (const auto& dir : dirs) {
    std::vector<fs::path> doomed;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      struct stat st {};
      if (lstat(it->path().c_str(), &st) != 0) continue;
      if (st.st_uid == uid) {
        doomed.push_back(it->path());
        if (S_ISDIR(st.st_mode)) it.disable_recursion_pending();
      }
    }
    for (const auto& path : doomed) {
      std::error_code rm;
      if (fs::remove_all(path, rm) > 0) ++removed;
    }
  }
  return removed;
}

Usage usage_of(uid_t uid) {
  Usage usage;
  const long page = sysconf(_SC_PAGESIZE);
  for (pid_t pid : processes_of(uid)) {
    const fs::path dir = fs::path("/proc") / std::to_string(pid);
    std::ifstream statm(dir / "statm");
    std::int64_t size = 0, resident = 0;
    if (statm >> size >> resident) usage.rss_bytes += resident * page;
    std::ifstream stat(dir / "stat");
    std::string line;
    if (std::getline(stat, line)) {
      const auto close = line.rfind(')');
      if (close != std::string::npos) {
        std::istringstream fields(line.substr(close + 2));
        std::string field;
        std::int64_t utime = 0, stime = 0, cutime = 0, cstime = 0;
        // Fields 3.. after the comm: state ppid pgrp session tty tpgid flags minflt cminflt
        // majflt cmajflt utime stime cutime cstime.
        for (int i = 0; i < 11 && fields >> field; ++i) {
        }
        fields >> utime >> stime >> cutime >> cstime;
        usage.cpu_ticks += utime + stime + cutime + cstime;
      }
    }
    ++usage.processes;
  }
  return usage;
}

std::int64_t disk_usage(const fs::path& root) {
  std::int64_t bytes = 0;
  std::set<std::pair<dev_t, ino_t>> seen;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    struct stat st {};
    if (lstat(it->path().c_str(), &st) != 0) continue;
    if (st.st_nlink > 1 && !seen.insert({st.st_dev, st.st_ino}).second) continue;
    bytes += static_cast<std::int64_t>(st.st_blocks) * 512;
  }
  return bytes;
}

}  // namespace runner::sandbox::uids
