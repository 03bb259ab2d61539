#pragma once
// The job's view of the file system in `full`: a tmpfs root holding read-only binds of what
// builds need (/usr, selected /etc entries, the runner's share dir), the job folder writable,
// private /tmp, /dev/shm and a minimal /dev, and /proc of the job's pid namespace.
#include <cstdint>
#include <string>
#include <vector>

namespace runner::sandbox::mounts {

struct Bind {
  std::string source;
  std::string target;  // path inside the sandbox
  bool writable = false;
  // An O_PATH descriptor of `source` opened by the runner (-1: use the path). The child mounts
  // through it, since its own host uid may not traverse the runner's folders.
  int fd = -1;
};

struct Plan {
  std::string new_root;     // an empty directory on the host used as the mount point
  std::vector<Bind> binds;  // directories and files
  std::vector<std::pair<std::string, std::string>> symlinks;  // link path, target
  std::string job_root;                                       // bound writable at the same path
  int job_root_fd = -1;
  std::int64_t tmp_bytes = 0;  // size of the private /tmp
  std::string passwd, group;   // contents of /etc/passwd and /etc/group
};

// The default plan: /usr, /etc entries the JDK, Maven and Gradle read, `extra_read_only`
// (e.g. the runner's share dir), and the job folder.
Plan default_plan(const std::string& new_root, const std::string& job_root,
                  const std::vector<std::string>& extra_read_only, std::int64_t tmp_bytes);

// Runner side: opens every bind source O_PATH (existing ones only; absent ones are dropped).
void open_sources(Plan& plan);
void close_sources(Plan& plan);

// In the child, inside new user + mount + pid namespaces with CAP_SYS_ADMIN there: builds the
// tree and pivots into it. On failure returns false with `failed_step` naming what failed.
bool enter(const Plan& plan, const char** failed_step);

}  // namespace runner::sandbox::mounts
