#pragma once
// Landlock (Linux 5.13+): confines the job's reads to an allowlist and its writes to its own
// folder in `basic`.
#include <string>
#include <utility>
#include <vector>

namespace runner::sandbox::landlock {

// The kernel's Landlock ABI version; 0 when Landlock is absent or disabled.
int abi_version();

// A ruleset prepared in the runner (opening the paths), enforced in the child.
struct Ruleset {
  int fd = -1;  // -1 when Landlock is unavailable
  int abi = 0;
};

// What every job may read (and execute) wherever it runs: /usr (the JDK under /usr/lib/jvm,
// Maven, Gradle, /usr/share/java, /usr/share/maven-repo), /etc, /bin, /sbin and /lib* (symlinks
// into /usr on merged-usr systems), /proc, /sys, /dev, and the targets of /etc/resolv.conf,
// /etc/hosts and /etc/localtime when those are symlinks leading out of the list. Paths absent on
// this host are left out.
std::vector<std::string> system_readable();

// Reading files, listing folders and executing are allowed only beneath `readable` (folders, or
// single files: read and execute) and `writable`; writing (creating, removing, renaming,
// truncating) only beneath `writable` (folders) and to `writable_files` (e.g. /dev/null). A path
// that does not exist is skipped, except in `writable`. Looking a path up, stat(2) and readlink(2)
// are not confined (Landlock does not cover them). With ABI >= 4 and !allow_tcp, TCP bind and
// connect are denied too; with ABI >= 6, signals to and abstract sockets of processes outside the
// job are denied. Throws std::runtime_error.
Ruleset prepare(const std::vector<std::string>& writable,
                const std::vector<std::string>& writable_files,
                const std::vector<std::string>& readable, bool allow_tcp);
void close(Ruleset& ruleset);

// The kernel's ephemeral port range (net.ipv4.ip_local_port_range, which IPv6 uses too), e.g.
// {32768, 60999}.
std::pair<int, int> ephemeral_ports();

// A TCP-only ruleset (ABI >= 4; fd -1 below), enforced as a layer of its own on top of prepare()'s
// (which then must allow TCP): bind(2) only to port 0 (an ephemeral port the kernel picks) and
// connect(2) only to ports first..last; any other TCP bind or connect fails with EACCES. Landlock
// sees ports, not addresses, and not UDP. Throws std::runtime_error.
Ruleset prepare_tcp(int first, int last);

// In the child, after no_new_privs: async-signal-safe. False on failure.
bool enforce(const Ruleset& ruleset);

}  // namespace runner::sandbox::landlock
