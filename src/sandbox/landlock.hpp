#pragma once
// Landlock (Linux 5.13+): confines the job's writes to its own folder in `basic`.
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

// Everything may be read and executed; writing (creating, removing, renaming, truncating) is
// allowed only beneath `writable` (directories) and to `writable_files` (e.g. /dev/null). With
// ABI >= 4 and !allow_tcp, TCP bind and connect are denied too; with ABI >= 6, signals to and
// abstract sockets of processes outside the job are denied. Throws std::runtime_error.
Ruleset prepare(const std::vector<std::string>& writable,
                const std::vector<std::string>& writable_files, bool allow_tcp);
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
