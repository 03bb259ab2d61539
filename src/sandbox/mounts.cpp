#include "sandbox/mounts.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

namespace runner::sandbox::mounts {
namespace {

namespace fs = std::filesystem;

// <linux/mount.h> of Debian 12 lacks mount_setattr's struct.
struct MountAttr {
  std::uint64_t attr_set;
  std::uint64_t attr_clr;
  std::uint64_t propagation;
  std::uint64_t userns_fd;
};
constexpr std::uint64_t kAttrRdonly = 0x1, kAttrNosuid = 0x2, kAttrNodev = 0x4;
constexpr unsigned kAtRecursive = 0x8000;
#ifndef SYS_mount_setattr
constexpr long SYS_mount_setattr = 442;
#endif

bool set_attr(const std::string& path, std::uint64_t attrs) {
  MountAttr attr{attrs, 0, 0, 0};
  return syscall(SYS_mount_setattr, AT_FDCWD, path.c_str(), kAtRecursive, &attr, sizeof attr) == 0;
}

bool make_dirs(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  return !ec;
}

bool make_file(const std::string& path) {
  if (!make_dirs(fs::path(path).parent_path())) return false;
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  close(fd);
  return true;
}

bool write_file(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok;
}

bool bind(const std::string& root, const Bind& b) {
  struct stat st {};
  char source[64];
  if (b.fd >= 0) {
    std::snprintf(source, sizeof source, "/proc/self/fd/%d", b.fd);
    if (fstat(b.fd, &st) != 0) return false;
  } else if (stat(b.source.c_str(), &st) != 0) {
    return true;  // absent on this host: skip
  }
  const std::string target = root + b.target;
  if (S_ISDIR(st.st_mode) ? !make_dirs(target) : !make_file(target)) return false;
  const char* from = b.fd >= 0 ? source : b.source.c_str();
  if (mount(from, target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    return false;
  }
  const std::uint64_t nodev = S_ISCHR(st.st_mode) ? 0 : kAttrNodev;  // /dev/null stays usable
  return set_attr(target, (b.writable ? 0 : kAttrRdonly) | kAttrNosuid | nodev);
}

bool tmpfs(const std::string& target, const std::string& options) {
  return make_dirs(target) &&
         mount("tmpfs", target.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0;
}

}  // namespace

Plan default_plan(const std::string& new_root, const std::string& job_root,
                  const std::vector<std::string>& extra_read_only, std::int64_t tmp_bytes) {
  Plan plan;
  plan.new_root = new_root;
  plan.job_root = job_root;
  plan.tmp_bytes = tmp_bytes;
  plan.binds.push_back({"/usr", "/usr", false});
  // Merged /usr (Debian 12): /bin, /lib... are symlinks into it; bind them if they are not.
  for (const char* dir : {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
    std::error_code ec;
    if (fs::is_symlink(dir, ec)) {
      plan.symlinks.emplace_back(dir, fs::read_symlink(dir, ec).string());
    } else if (fs::is_directory(dir, ec)) {
      plan.binds.push_back({dir, dir, false});
    }
  }
  for (const char* entry : {"/etc/alternatives",    "/etc/java-17-openjdk", "/etc/java-21-openjdk",
                            "/etc/maven",           "/etc/mavenrc",         "/etc/ssl",
                            "/etc/ca-certificates", "/etc/ld.so.cache",     "/etc/ld.so.conf",
                            "/etc/ld.so.conf.d",    "/etc/localtime",       "/etc/timezone",
                            "/etc/nsswitch.conf",   "/etc/host.conf",       "/etc/gai.conf",
                            "/etc/mime.types",      "/etc/magic",           "/etc/python3",
                            "/etc/python3.11",      "/etc/gradle"}) {
    plan.binds.push_back({entry, entry, false});
  }
  for (const auto& path : extra_read_only) plan.binds.push_back({path, path, false});
  for (const char* dev : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"}) {
    plan.binds.push_back({dev, dev, true});
  }
  plan.passwd =
      "root:x:0:0:root:/root:/usr/sbin/nologin\n"
      "job:x:1000:1000:job:/nonexistent:/usr/sbin/nologin\n"
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
  plan.group = "root:x:0:\njob:x:1000:\nnogroup:x:65534:\n";
  return plan;
}

void open_sources(Plan& plan) {
  std::vector<Bind> kept;
  for (auto& b : plan.binds) {
    b.fd = open(b.source.c_str(), O_PATH | O_CLOEXEC);
    if (b.fd >= 0) kept.push_back(b);
  }
  plan.binds = std::move(kept);
  plan.job_root_fd = open(plan.job_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
}

void close_sources(Plan& plan) {
  for (auto& b : plan.binds) {
    if (b.fd >= 0) close(b.fd);
    b.fd = -1;
  }
  if (plan.job_root_fd >= 0) close(plan.job_root_fd);
  plan.job_root_fd = -1;
}

bool enter(const Plan& plan, const char** failed_step) {
  auto fail = [&](const char* step) {
    *failed_step = step;
    return false;
  };
  const std::string& root = plan.new_root;
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return fail("make / private");
  if (!tmpfs(root, "mode=0755,size=16m")) return fail("mount the root tmpfs");
  if (!write_file(root + "/.runner-sandbox", "")) return fail("write to the root tmpfs");
  // The private /tmp comes before the binds: a read-only path that lives under /tmp (the runner's
  // share dir in a checkout under /tmp, say) is then bound inside it instead of hidden by it.
  if (!tmpfs(root + "/tmp", "mode=1777,size=" + std::to_string(plan.tmp_bytes))) {
    return fail("mount /tmp");
  }
  for (const auto& b : plan.binds) {
    if (!bind(root, b)) {
      *failed_step = "bind mount";
      errno = errno ? errno : EINVAL;
      return false;
    }
  }
  for (const auto& [link, target] : plan.symlinks) {
    if (symlink(target.c_str(), (root + link).c_str()) != 0) return fail("symlink");
  }
  if (!make_dirs(root + "/etc") || !write_file(root + "/etc/passwd", plan.passwd) ||
      !write_file(root + "/etc/group", plan.group) ||
      !write_file(root + "/etc/hostname", "runner\n") ||
      !write_file(root + "/etc/hosts", "127.0.0.1 localhost runner\n::1 localhost\n")) {
    return fail("write /etc");
  }
  for (const auto& [name, target] : {std::pair<const char*, const char*>{"fd", "/proc/self/fd"},
                                     {"stdin", "/proc/self/fd/0"},
                                     {"stdout", "/proc/self/fd/1"},
                                     {"stderr", "/proc/self/fd/2"}}) {
    if (symlink(target, (root + "/dev/" + name).c_str()) != 0) return fail("/dev symlinks");
  }
  if (!tmpfs(root + "/dev/shm", "mode=1777,size=64m")) return fail("mount /dev/shm");
  if (!make_dirs(root + "/proc") || mount("proc", (root + "/proc").c_str(), "proc",
                                          MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    return fail("mount /proc");
  }
  if (!bind(root, {plan.job_root, plan.job_root, true, plan.job_root_fd})) {
    return fail("bind the job folder");
  }
  if (chdir(root.c_str()) != 0 || syscall(SYS_pivot_root, ".", ".") != 0 ||
      umount2(".", MNT_DETACH) != 0 || chdir("/") != 0) {
    return fail("pivot_root");
  }
  // The root itself (its tmpfs, not the binds beneath it) becomes read-only.
  MountAttr attr{kAttrRdonly, 0, 0, 0};
  if (syscall(SYS_mount_setattr, AT_FDCWD, "/", 0U, &attr, sizeof attr) != 0) {
    return fail("make / read-only");
  }
  return true;
}

}  // namespace runner::sandbox::mounts
