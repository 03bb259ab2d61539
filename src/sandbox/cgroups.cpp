#include "sandbox/cgroups.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "util/text.hpp"

namespace runner::sandbox::cgroups {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool write_text(const fs::path& file, const std::string& value) {
  std::ofstream out(file);
  out << value;
  out.flush();
  return static_cast<bool>(out);
}

std::int64_t read_int(const fs::path& file) {
  try {
    return std::stoll(read_text(file));
  } catch (...) {
    return 0;
  }
}

// "key value" lines (memory.events, cpu.stat, memory.oom_control).
std::int64_t read_key(const fs::path& file, const std::string& key) {
  std::istringstream in(read_text(file));
  std::string k;
  std::int64_t v = 0;
  while (in >> k >> v) {
    if (k == key) return v;
  }
  return 0;
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

}  // namespace

std::string Layout::describe() const {
  std::string text;
  for (const auto* c : {&memory, &pids, &cpu}) {
    if (!text.empty()) text += ", ";
    text += c->name + (c->version ? " v" + std::to_string(c->version) : " unavailable");
  }
  return text;
}

Layout detect() {
  Layout layout;
  layout.memory.name = "memory";
  layout.pids.name = "pids";
  layout.cpu.name = "cpuacct";
  // Mount points: v1 hierarchies by controller, and the v2 one.
  std::map<std::string, fs::path> v1_mounts;
  fs::path v2_mount;
  {
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
      const auto dash = line.find(" - ");
      if (dash == std::string::npos) continue;
      const auto fields = util::split(line.substr(0, dash), ' ');
      const auto tail = util::split(line.substr(dash + 3), ' ');
      if (fields.size() < 5 || tail.size() < 3) continue;
      if (tail[0] == "cgroup2") v2_mount = fields[4];
      if (tail[0] != "cgroup") continue;
      for (const auto& opt : util::split(tail[2], ',')) v1_mounts.emplace(opt, fields[4]);
    }
  }
  // Our own cgroups: "id:controllers:path".
  std::map<std::string, std::string> v1_paths;
  std::string v2_path;
  {
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
      const auto first = line.find(':');
      const auto second = line.find(':', first + 1);
      if (first == std::string::npos || second == std::string::npos) continue;
      const std::string controllers = line.substr(first + 1, second - first - 1);
      const std::string path = line.substr(second + 1);
      if (controllers.empty()) v2_path = path;
      for (const auto& c : util::split(controllers, ',')) v1_paths[c] = path;
    }
  }
  std::set<std::string> v2_controllers;
  if (!v2_mount.empty()) {
    for (const auto& c : util::split(util::trim(read_text(v2_mount / "cgroup.controllers")), ' ')) {
      v2_controllers.insert(c);
    }
  }
  auto resolve = [&](Controller& c, const std::string& v1_name, const std::string& v2_name) {
    if (v1_mounts.count(v1_name) && v1_paths.count(v1_name)) {
      const fs::path base = v1_mounts[v1_name] / fs::path(v1_paths[v1_name]).relative_path();
      if (can_create_child(base, c.reason)) {
        c.version = 1;
        c.base = base;
        return;
      }
    }
    if (!v2_mount.empty() && v2_controllers.count(v2_name)) {
      const fs::path base = v2_mount / fs::path(v2_path).relative_path();
      // Children get the controller only when it is enabled in our cgroup's subtree_control.
      if (!write_text(base / "cgroup.subtree_control", "+" + v2_name)) {
        c.reason = "cannot enable " + v2_name + " in " + base.string() +
                   "/cgroup.subtree_control (the runner must sit in a leaf of a delegated subtree)";
        return;
      }
      if (can_create_child(base, c.reason)) {
        c.version = 2;
        c.base = base;
        c.name = v2_name;
      }
      return;
    }
    if (c.reason.empty()) c.reason = "no " + v1_name + " controller (v1) or " + v2_name + " (v2)";
  };
  resolve(layout.memory, "memory", "memory");
  resolve(layout.pids, "pids", "pids");
  resolve(layout.cpu, "cpuacct", "cpu");
  return layout;
}

JobCgroup::JobCgroup(const Layout& layout, const std::string& name, const exec::JobLimits& limits)
    : layout_(layout) {
  const auto memory_bytes = std::to_string(static_cast<std::int64_t>(limits.memory_mb) << 20);
  auto make = [&](const Controller& c) {
    const fs::path dir = c.base / name;
    std::error_code ec;
    fs::create_directory(dir, ec);
    if (ec) throw std::runtime_error("cannot create cgroup " + dir.string() + ": " + ec.message());
    dirs_.push_back(dir);
    return dir;
  };
  memory_ = make(layout.memory);
  if (layout.memory.version == 1) {
    write_text(memory_ / "memory.swappiness", "0");
    if (!write_text(memory_ / "memory.limit_in_bytes", memory_bytes)) {
      throw std::runtime_error("cannot set memory.limit_in_bytes in " + memory_.string());
    }
    if (fs::exists(memory_ / "memory.memsw.limit_in_bytes")) {
      write_text(memory_ / "memory.memsw.limit_in_bytes", memory_bytes);
    }
  } else {
    if (!write_text(memory_ / "memory.max", memory_bytes)) {
      throw std::runtime_error("cannot set memory.max in " + memory_.string());
    }
    write_text(memory_ / "memory.swap.max", "0");
  }
  pids_ = layout.pids.base == layout.memory.base ? memory_ : make(layout.pids);
  if (!write_text(pids_ / "pids.max", std::to_string(limits.max_processes))) {
    throw std::runtime_error("cannot set pids.max in " + pids_.string());
  }
  cpu_ = layout.cpu.base == layout.memory.base
             ? memory_
             : (layout.cpu.base == layout.pids.base ? pids_ : make(layout.cpu));
}

JobCgroup::~JobCgroup() {
  kill_all();
  for (const auto& dir : dirs_) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::error_code ec;
      if (fs::remove(dir, ec) || !fs::exists(dir)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

void JobCgroup::add(pid_t pid) {
  for (const auto& dir : dirs_) {
    if (!write_text(dir / "cgroup.procs", std::to_string(pid))) {
      throw std::runtime_error("cannot move the job into " + dir.string());
    }
  }
}

std::int64_t JobCgroup::cpu_usage_ns() const {
  if (layout_.cpu.version == 1) return read_int(cpu_ / "cpuacct.usage");
  return read_key(cpu_ / "cpu.stat", "usage_usec") * 1000;
}

bool JobCgroup::oom_killed() const {
  if (layout_.memory.version == 1) {
    const fs::path control = memory_ / "memory.oom_control";
    return read_key(control, "oom_kill") > 0 || read_key(control, "under_oom") > 0;
  }
  return read_key(memory_ / "memory.events", "oom_kill") > 0;
}

std::int64_t JobCgroup::memory_peak() const {
  if (layout_.memory.version == 1) return read_int(memory_ / "memory.max_usage_in_bytes");
  return read_int(memory_ / "memory.peak");
}

std::vector<pid_t> JobCgroup::members(pid_t spare) const {
  std::set<pid_t> pids;
  for (const auto& dir : dirs_) {
    std::ifstream in(dir / "cgroup.procs");
    pid_t pid;
    while (in >> pid) {
      if (pid != spare) pids.insert(pid);
    }
  }
  return {pids.begin(), pids.end()};
}

bool JobCgroup::empty(pid_t spare) const {
  return members(spare).empty();
}

void JobCgroup::kill_all(pid_t spare) {
  if (layout_.pids.version == 2) write_text(pids_ / "cgroup.kill", "1");
  // v1 (or v2 without cgroup.kill): kill members until none is left; the pids limit bounds how
  // fast they can be replaced.
  for (int round = 0; round < 200; ++round) {
    const auto pids = members(spare);
    if (pids.empty()) return;
    for (pid_t pid : pids) ::kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(round < 10 ? 1 : 10));
  }
}

}  // namespace runner::sandbox::cgroups
