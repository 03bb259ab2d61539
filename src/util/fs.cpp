#include "util/fs.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace runner::util {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string read_beneath(const fs::path& root, const fs::path& relative, std::size_t max_bytes) {
  const std::string what = (root / relative).string();
  const int dir = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0)
    throw std::system_error(errno, std::generic_category(), "cannot open " + root.string());
  open_how how{};
  how.flags = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  const int fd = static_cast<int>(::syscall(SYS_openat2, dir, relative.c_str(), &how, sizeof how));
  const int open_errno = errno;
  ::close(dir);
  if (fd < 0) {
    throw std::system_error(open_errno, std::generic_category(),
                            "cannot open " + what + " (no symbolic links, beneath the job folder)");
  }
  struct stat st {};
  std::string content;
  try {
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      throw std::runtime_error(what + " is not a regular file");
    }
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
      throw std::runtime_error(what + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    content.resize(max_bytes + 1);
    std::size_t got = 0;
    for (ssize_t n; got < content.size(); got += static_cast<std::size_t>(n)) {
      n = ::read(fd, content.data() + got, content.size() - got);
      if (n < 0 && errno == EINTR) {
        n = 0;
        continue;
      }
      if (n < 0) throw std::system_error(errno, std::generic_category(), "cannot read " + what);
      if (n == 0) break;
    }
    if (got > max_bytes) {
      throw std::runtime_error(what + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    content.resize(got);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return content;
}

void write_file(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void write_file_atomic(const fs::path& path, std::string_view content) {
  std::string temp = (path.parent_path() / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot write " + temp);
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    written += static_cast<std::size_t>(n);
  }
  // mkstemp makes the file 0600; the result keeps the mode write_file would give it.
  const bool ok = written == content.size() && ::fchmod(fd, 0644) == 0 && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = ok ? errno : saved;
    ::unlink(temp.c_str());
    throw std::system_error(error, std::generic_category(), "cannot write " + path.string());
  }
}

fs::path make_temp_dir(const fs::path& parent, const std::string& prefix) {
  fs::create_directories(parent);
  std::string templ = (parent / (prefix + "XXXXXX")).string();
  if (mkdtemp(templ.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(),
                            "cannot create a directory in " + parent.string());
  }
  return templ;
}

void remove_tree_quietly(const fs::path& path) noexcept {
  std::error_code ec;
  fs::remove_all(path, ec);  // remove_all does not follow symlinks
}

void copy_tree_over(const fs::path& from, const fs::path& to, const fs::path& skip) {
  fs::create_directories(to);
  for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path relative = fs::relative(it->path(), from);
    if (!skip.empty() && relative == skip) {
      it.disable_recursion_pending();
      continue;
    }
    const fs::path target = to / relative;
    if (it->is_symlink()) continue;
    if (it->is_directory()) {
      if (fs::is_symlink(target) || (fs::exists(target) && !fs::is_directory(target))) {
        fs::remove_all(target);
      }
      fs::create_directories(target);
    } else if (it->is_regular_file()) {
      if (fs::is_directory(fs::symlink_status(target))) fs::remove_all(target);
      fs::copy_file(it->path(), target, fs::copy_options::overwrite_existing);
    }
  }
}

std::string relative_slash(const fs::path& path, const fs::path& base) {
  return fs::relative(path, base).generic_string();
}

}  // namespace runner::util
