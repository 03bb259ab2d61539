#pragma once
// The seccomp filter of every sandboxed job: a deny list answered with EPERM (never a kill, so
// Java sees an ordinary exception), compiled once in the runner and loaded in the child.
#include <linux/filter.h>

#include <vector>

namespace runner::sandbox::seccomp {

struct Policy {
  bool allow_inet = false;     // AF_INET / AF_INET6 sockets
  bool allow_netlink = false;  // AF_NETLINK sockets
};

// The compiled BPF program; throws std::runtime_error when libseccomp fails.
std::vector<sock_filter> compile(const Policy& policy);

// Loads `program` into the calling process (needs no_new_privs or CAP_SYS_ADMIN).
// Async-signal-safe. Returns false on failure.
bool load(const std::vector<sock_filter>& program);

// Whether this kernel and libseccomp can filter (for the host probe).
bool available();

}  // namespace runner::sandbox::seccomp
