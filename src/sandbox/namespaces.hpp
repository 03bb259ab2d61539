#pragma once
// Linux namespaces for `full`: which ones, the uid/gid maps the runner writes for the child, and
// what the child sets up inside them (loopback, hostname).
#include <sys/types.h>

#include <string>

namespace runner::sandbox::namespaces {

// The uid (and gid) the job's processes have inside their user namespace.
inline constexpr unsigned kJobIdInside = 1000;

// CLONE_NEW* flags of a job: user, mount, pid, ipc, uts, and net unless `share_network`.
int clone_flags(bool share_network);

// Runner side: maps uid/gid 0 inside to `setup_host_id` and kJobIdInside to `job_host_id` for
// process `pid`, which has just unshared its user namespace. Throws std::runtime_error.
void write_id_maps(pid_t pid, unsigned setup_host_id, unsigned job_host_id);

// Child side (async-signal-safe enough for a forked child): brings `lo` up in the new network
// namespace, sets the hostname. False on failure.
bool bring_loopback_up();
bool set_hostname(const char* name);

// Whether this host lets the runner create user namespaces with the others (for the probe):
// forks a child that tries; on failure `reason` says why.
bool available(std::string& reason);

}  // namespace runner::sandbox::namespaces
