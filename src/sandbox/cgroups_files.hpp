#pragma once
// Reading and writing cgroupfs control files, shared by the cgroup code (not part of its public
// face, sandbox/cgroups.hpp). Every path may lie in a fake tree built by the tests, so nothing
// here assumes the kernel is behind it.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace runner::sandbox::cgroups::files {

// The whole file; empty when it cannot be read.
std::string read_text(const std::filesystem::path& file);

// 0, or the errno of the failed open/write. A missing file is created, which only a fake tree
// allows: cgroupfs refuses, so a control file the kernel lacks is still an error.
int write_file(const std::filesystem::path& file, const std::string& value, bool append = false);

// One pid per write, newline-terminated (the kernel strips it; in a fake tree the lines add up).
int write_pid(const std::filesystem::path& procs, pid_t pid);

// The file as one integer; 0 when it is missing or not a number.
std::int64_t read_int(const std::filesystem::path& file);

// The value of `key` in "key value" lines (memory.events, cpu.stat, memory.oom_control); 0 when
// it is not there.
std::int64_t read_key(const std::filesystem::path& file, const std::string& key);

// Whitespace-separated words (cgroup.controllers, cgroup.subtree_control).
std::set<std::string> words(const std::filesystem::path& file);

// The pids a cgroup.procs lists.
std::vector<pid_t> read_pids(const std::filesystem::path& procs);

// Listed in a cgroup.procs and still there (a zombie too, until reaped). A fake tree keeps
// listing pids that are long gone.
bool exists(pid_t pid);

// Whether a cgroup can be made beneath `base` (one is made and removed again); `reason` says why
// not.
bool can_create_child(const std::filesystem::path& base, std::string& reason);

}  // namespace runner::sandbox::cgroups::files
