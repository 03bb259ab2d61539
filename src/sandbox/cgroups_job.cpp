// The cgroups of one run: made with the job's limits, filled, emptied by SIGKILL and removed.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>
#include <thread>

#include "sandbox/cgroups.hpp"
#include "sandbox/cgroups_files.hpp"

namespace runner::sandbox::cgroups {
namespace {

namespace fs = std::filesystem;
using files::write_file;

// A limit the run cannot go without: throws when it cannot be written.
void set_limit(const fs::path& dir, const std::string& file, const std::string& value) {
  if (const int err = write_file(dir / file, value); err != 0) {
    throw std::runtime_error("cannot set " + file + " = " + value + " in " + dir.string() + ": " +
                             std::strerror(err));
  }
}

void set_memory_limit(const fs::path& dir, int version, std::int64_t bytes) {
  const auto value = std::to_string(bytes);
  if (version == 1) {
    write_file(dir / "memory.swappiness", "0");
    set_limit(dir, "memory.limit_in_bytes", value);
    if (fs::exists(dir / "memory.memsw.limit_in_bytes")) {
      set_limit(dir, "memory.memsw.limit_in_bytes", value);
    }
  } else {
    set_limit(dir, "memory.max", value);
    write_file(dir / "memory.swap.max", "0");  // absent without swap accounting
  }
}

void set_cpu_quota(const fs::path& dir, int version, double cpus) {
  constexpr std::int64_t kPeriodUs = 100000;
  const auto quota = std::to_string(
      std::max<std::int64_t>(1000, std::llround(cpus * static_cast<double>(kPeriodUs))));
  if (version == 1) {
    set_limit(dir, "cpu.cfs_period_us", std::to_string(kPeriodUs));
    set_limit(dir, "cpu.cfs_quota_us", quota);
  } else {
    set_limit(dir, "cpu.max", quota + " " + std::to_string(kPeriodUs));
  }
}

}  // namespace

void kill_members(const fs::path& dir, int version, pid_t spare) {
  if (version == 2) write_file(dir / "cgroup.kill", "1");
  // v1 (or v2 without cgroup.kill): kill members until none is left; the pids limit bounds how
  // fast they can be replaced.
  for (int round = 0; round < 200; ++round) {
    bool any = false;
    for (pid_t pid : files::read_pids(dir / "cgroup.procs")) {
      if (pid == spare || !files::exists(pid)) continue;
      any = true;
      ::kill(pid, SIGKILL);
    }
    if (!any) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(round < 10 ? 1 : 10));
  }
}

JobCgroup::JobCgroup(const Layout& layout, const std::string& name, const exec::JobLimits& limits)
    : layout_(layout) {
  std::map<fs::path, fs::path> made;  // base -> our cgroup there
  auto make = [&](const Controller& c) {
    if (const auto it = made.find(c.base); it != made.end()) return it->second;
    const fs::path dir = c.base / name;
    std::error_code ec;
    fs::create_directory(dir, ec);
    if (ec) throw std::runtime_error("cannot create cgroup " + dir.string() + ": " + ec.message());
    dirs_.push_back(dir);
    versions_.push_back(c.version);
    made[c.base] = dir;
    return dir;
  };
  try {
    memory_ = make(layout.memory);
    pids_ = make(layout.pids);
    cpu_ = make(layout.cpu);
    set_memory_limit(memory_, layout.memory.version,
                     static_cast<std::int64_t>(limits.memory_mb) << 20);
    set_limit(pids_, "pids.max", std::to_string(limits.max_processes));
    if (limits.cpus > 0 && layout.cpu_quota.version) {
      set_cpu_quota(make(layout.cpu_quota), layout.cpu_quota.version, limits.cpus);
    }
  } catch (...) {
    for (const auto& dir : dirs_) rmdir(dir.c_str());
    throw;
  }
}

JobCgroup::~JobCgroup() {
  kill_all();
  for (const auto& dir : dirs_) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      // EBUSY while the last members exit; ENOTEMPTY only in a fake tree (regular files).
      if (rmdir(dir.c_str()) == 0 || errno == ENOENT || errno == ENOTEMPTY) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

void JobCgroup::add(pid_t pid) {
  for (const auto& dir : dirs_) {
    if (const int err = files::write_pid(dir / "cgroup.procs", pid); err != 0) {
      throw std::runtime_error("cannot move the job into " + dir.string() + ": " +
                               std::strerror(err));
    }
  }
}

void JobCgroup::kill_all(pid_t spare) {
  for (std::size_t i = 0; i < dirs_.size(); ++i) kill_members(dirs_[i], versions_[i], spare);
}

}  // namespace runner::sandbox::cgroups
