#include "sandbox/seccomp.hpp"

#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "util/unique_fd.hpp"

namespace runner::sandbox::seccomp {
namespace {

// Syscalls a build or a test never needs; each fails with EPERM.
constexpr const char* kDenied[] = {
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "kexec_load",
    "kexec_file_load",
    "bpf",
    "keyctl",
    "add_key",
    "request_key",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "perf_event_open",
    "unshare",
    "setns",
    "init_module",
    "finit_module",
    "delete_module",
    "swapon",
    "swapoff",
    "reboot",
    "acct",
    "settimeofday",
    "clock_settime",
    "adjtimex",
    "clock_adjtime",
    "userfaultfd",
    "open_by_handle_at",
    "name_to_handle_at",
    "quotactl",
    "syslog",
    "vhangup",
    "fanotify_init",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "pidfd_getfd",
    "sethostname",
    "setdomainname",
    "iopl",
    "ioperm",
    "lookup_dcookie",
    "kcmp",
    "personality",
};

constexpr int kMaxFamily = 46;  // AF_MAX on Linux 6.x

using Context = std::unique_ptr<void, void (*)(scmp_filter_ctx)>;

void check(int rc, const std::string& what) {
  if (rc != 0) throw std::runtime_error("seccomp: " + what + ": " + std::strerror(-rc));
}

}  // namespace

std::vector<sock_filter> compile(const Policy& policy) {
  Context ctx(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
  if (!ctx) throw std::runtime_error("seccomp_init failed");
  const auto eperm = SCMP_ACT_ERRNO(EPERM);
  for (const char* name : kDenied) {
    const int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture
    check(seccomp_rule_add(ctx.get(), eperm, nr, 0), name);
  }
  // New namespaces through clone(); clone3 passes its flags in memory seccomp cannot read, so it
  // reports ENOSYS and glibc falls back to clone().
  const scmp_datum_t ns_flags = CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
                                CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
  for (scmp_datum_t flag = 1; flag != 0; flag <<= 1) {
    if ((ns_flags & flag) == 0) continue;
    check(seccomp_rule_add(ctx.get(), eperm, SCMP_SYS(clone), 1,
                           SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag)),
          "clone");
  }
  check(seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0), "clone3");
  // Socket families: an allow list, written as one deny rule per other family.
  for (int family = 0; family < kMaxFamily; ++family) {
    bool allowed = family == AF_UNIX;
    if (policy.allow_inet && (family == AF_INET || family == AF_INET6)) allowed = true;
    if (policy.allow_netlink && family == AF_NETLINK) allowed = true;
    if (allowed) continue;
    check(seccomp_rule_add(ctx.get(), eperm, SCMP_SYS(socket), 1,
                           SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(family))),
          "socket");
  }
  check(seccomp_rule_add(ctx.get(), eperm, SCMP_SYS(socket), 1,
                         SCMP_A0(SCMP_CMP_GE, static_cast<scmp_datum_t>(kMaxFamily))),
        "socket");
  // Export the BPF through a memfd (seccomp_export_bpf_mem needs libseccomp 2.6).
  util::UniqueFd fd(memfd_create("seccomp-bpf", MFD_CLOEXEC));
  if (!fd.valid()) throw std::runtime_error("memfd_create failed");
  check(seccomp_export_bpf(ctx.get(), fd.get()), "export");
  const off_t size = lseek(fd.get(), 0, SEEK_END);
  if (size <= 0 || size % static_cast<off_t>(sizeof(sock_filter)) != 0) {
    throw std::runtime_error("seccomp: bad BPF size");
  }
  std::vector<sock_filter> program(static_cast<std::size_t>(size) / sizeof(sock_filter));
  if (pread(fd.get(), program.data(), static_cast<std::size_t>(size), 0) != size) {
    throw std::runtime_error("seccomp: cannot read BPF");
  }
  return program;
}

bool load(const std::vector<sock_filter>& program) {
  sock_fprog prog{static_cast<unsigned short>(program.size()),
                  const_cast<sock_filter*>(program.data())};
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0;
}

bool available() {
  return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
}

}  // namespace runner::sandbox::seccomp
