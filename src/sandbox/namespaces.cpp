#include "sandbox/namespaces.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "util/unique_fd.hpp"

namespace runner::sandbox::namespaces {
namespace {

void write_proc(pid_t pid, const char* file, const std::string& text) {
  const std::string path = "/proc/" + std::to_string(pid) + "/" + file;
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    const int err = errno;
    if (fd >= 0) close(fd);
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
  }
  close(fd);
}

// The errno of unshare(clone_flags(false)) in a throwaway child (0: it worked), so the runner's
// own namespaces stay as they are; nullopt when the child gave no answer. Throws
// std::system_error when there is no pipe.
std::optional<int> unshare_in_child() {
  util::Pipe pipe;
  const pid_t pid = fork();
  if (pid == 0) {
    int err = 0;
    if (unshare(clone_flags(false)) != 0) err = errno;
    (void)!write(pipe.write.get(), &err, sizeof err);
    _exit(0);
  }
  pipe.write.reset();
  int err = -1;
  const bool got = read(pipe.read.get(), &err, sizeof err) == static_cast<ssize_t>(sizeof err);
  pipe.read.reset();
  if (pid > 0) waitpid(pid, nullptr, 0);
  if (!got) return std::nullopt;
  return err;
}

}  // namespace

int clone_flags(bool share_network) {
  int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
  if (!share_network) flags |= CLONE_NEWNET;
  return flags;
}

void write_id_maps(pid_t pid, unsigned setup_host_id, unsigned job_host_id) {
  const std::string map = "0 " + std::to_string(setup_host_id) + " 1\n" +
                          std::to_string(kJobIdInside) + " " + std::to_string(job_host_id) + " 1\n";
  write_proc(pid, "uid_map", map);
  write_proc(pid, "gid_map", map);
}

bool bring_loopback_up() {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  bool ok = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
  ok = ok && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
  close(fd);
  return ok;
}

bool set_hostname(const char* name) {
  return sethostname(name, std::strlen(name)) == 0;
}

bool available(std::string& reason) {
  std::optional<int> err;
  try {
    err = unshare_in_child();
  } catch (const std::system_error&) {
    reason = "pipe failed";
    return false;
  }
  if (!err) {
    reason = "the probe child failed";
    return false;
  }
  if (*err != 0) {
    reason = std::string("unshare(user, mount, pid, net, ipc, uts) failed: ") + std::strerror(*err);
    if (*err == EPERM || *err == ENOSPC) {
      reason +=
          " (user namespaces disabled: kernel.unprivileged_userns_clone, "
          "user.max_user_namespaces, or a seccomp/AppArmor policy of the container)";
    }
    return false;
  }
  return true;
}

}  // namespace runner::sandbox::namespaces
