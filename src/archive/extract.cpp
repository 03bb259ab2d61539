#include "archive/extract.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <memory>
#include <set>
#include <system_error>
#include <vector>

#include "archive/entry_path.hpp"
#include "util/unique_fd.hpp"

namespace runner::archive {
namespace {

struct Entry {
  zip_uint64_t index;
  EntryPath path;
};

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

using util::UniqueFd;

std::string zip_error_text(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

std::unique_ptr<zip_t, ZipCloser> open_archive(const std::filesystem::path& zip) {
  int code = 0;
  zip_t* archive = zip_open(zip.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (archive == nullptr) {
    throw InvalidArchive("not a ZIP archive or corrupt (" + zip_error_text(code) + ")");
  }
  return std::unique_ptr<zip_t, ZipCloser>(archive);
}

// Rejects what the central directory already shows: encryption, links, special files.
void check_entry_kind(zip_t* archive, zip_uint64_t index, const std::string& name) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(archive, index, 0, &st) != 0) {
    throw InvalidArchive("corrupt entry '" + name + "'");
  }
  if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
    throw InvalidArchive("encrypted entry '" + name + "'");
  }
  zip_uint8_t opsys = 0;
  zip_uint32_t attributes = 0;
  if (zip_file_get_external_attributes(archive, index, 0, &opsys, &attributes) == 0 &&
      opsys == ZIP_OPSYS_UNIX) {
    const mode_t mode = attributes >> 16;
    if (S_ISLNK(mode)) throw InvalidArchive("symbolic link '" + name + "'");
    if (mode != 0 && !S_ISREG(mode) && !S_ISDIR(mode)) {
      throw InvalidArchive("special file '" + name + "'");
    }
  }
}

std::vector<Entry> read_entries(zip_t* archive, const Limits& limits) {
  const zip_int64_t count = zip_get_num_entries(archive, 0);
  std::vector<Entry> entries;
  std::set<std::string> files, dirs;
  std::int64_t file_count = 0;
  for (zip_int64_t i = 0; i < count; ++i) {
    const auto index = static_cast<zip_uint64_t>(i);
    const char* raw = zip_get_name(archive, index, ZIP_FL_ENC_GUESS);
    if (raw == nullptr) throw InvalidArchive("corrupt archive: unreadable entry name");
    auto parsed = parse_entry_path(raw);
    if (auto* reason = std::get_if<std::string>(&parsed)) throw InvalidArchive(*reason);
    EntryPath path = std::get<EntryPath>(std::move(parsed));
    check_entry_kind(archive, index, raw);

    const std::string key = path.joined();
    if (path.is_dir) {
      if (files.count(key)) throw InvalidArchive("duplicate path '" + key + "'");
      dirs.insert(key);
    } else {
      if (++file_count > limits.max_files) {
        throw InvalidArchive("more than " + std::to_string(limits.max_files) + " files");
      }
      if (files.count(key) || dirs.count(key)) {
        throw InvalidArchive("duplicate path '" + key + "'");
      }
      files.insert(key);
    }
    entries.push_back({index, std::move(path)});
  }
  // A file may not also be used as a folder ("a" and "a/b").
  for (const auto& file : files) {
    const auto it = files.lower_bound(file + "/");
    if (it != files.end() && it->starts_with(file + "/")) {
      throw InvalidArchive("duplicate path '" + file + "' (both a file and a folder)");
    }
  }
  return entries;
}

// While the root holds exactly one folder and no files, and that folder is not `src`, unwrap it.
std::string unwrap_single_folder(std::vector<Entry>& entries) {
  std::string unwrapped;
  while (!entries.empty()) {
    const std::string& top = entries.front().path.parts.front();
    bool single_folder = top != "src";
    for (const auto& e : entries) {
      const bool root_file = e.path.parts.size() == 1 && !e.path.is_dir;
      if (root_file || e.path.parts.front() != top) single_folder = false;
    }
    if (!single_folder) break;
    unwrapped += (unwrapped.empty() ? "" : "/") + top;
    std::vector<Entry> inner;
    for (auto& e : entries) {
      if (e.path.parts.size() == 1) continue;  // the folder entry itself
      e.path.parts.erase(e.path.parts.begin());
      inner.push_back(std::move(e));
    }
    entries = std::move(inner);
  }
  return unwrapped;
}

// Opens (creating as needed) the directory `parts[0..n)` beneath `root`, never following links.
UniqueFd open_dir_beneath(int root, const std::vector<std::string>& parts, std::size_t n) {
  UniqueFd current(dup(root));
  for (std::size_t i = 0; i < n; ++i) {
    const char* name = parts[i].c_str();
    if (mkdirat(current.get(), name, 0755) != 0 && errno != EEXIST) {
      throw std::system_error(errno, std::generic_category(), "mkdir " + parts[i]);
    }
    UniqueFd next(openat(current.get(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (next.get() < 0) throw std::system_error(errno, std::generic_category(), "open " + parts[i]);
    current = std::move(next);
  }
  return current;
}

void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "write");
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void inflate_entry(zip_t* archive, const Entry& entry, int root, const Limits& limits,
                   ExtractStats& stats) {
  const std::string name = entry.path.joined();
  UniqueFd dir = open_dir_beneath(root, entry.path.parts, entry.path.parts.size() - 1);
  UniqueFd out(openat(dir.get(), entry.path.parts.back().c_str(),
                      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (out.get() < 0) throw std::system_error(errno, std::generic_category(), "create " + name);

  std::unique_ptr<zip_file_t, ZipFileCloser> in(zip_fopen_index(archive, entry.index, 0));
  if (!in) throw InvalidArchive("corrupt entry '" + name + "': " + zip_strerror(archive));
  std::vector<char> buffer(64 * 1024);
  while (true) {
    const zip_int64_t n = zip_fread(in.get(), buffer.data(), buffer.size());
    if (n < 0) {
      throw InvalidArchive("corrupt entry '" + name + "': " + zip_file_strerror(in.get()));
    }
    if (n == 0) break;
    stats.bytes += n;
    if (stats.bytes > limits.max_unzipped_bytes) {
      throw InvalidArchive("more than " + std::to_string(limits.max_unzipped_bytes) +
                           " bytes uncompressed");
    }
    write_all(out.get(), buffer.data(), static_cast<std::size_t>(n));
  }
  ++stats.files;
}

}  // namespace

ExtractStats extract_submission(const std::filesystem::path& zip, const std::filesystem::path& dest,
                                const Limits& limits) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(zip, ec);
  if (ec) throw std::runtime_error("cannot read " + zip.string() + ": " + ec.message());
  if (static_cast<std::int64_t>(size) > limits.max_zip_bytes) {
    throw InvalidArchive("archive is " + std::to_string(size) + " bytes, over the limit of " +
                         std::to_string(limits.max_zip_bytes));
  }
  auto archive = open_archive(zip);
  std::vector<Entry> all = read_entries(archive.get(), limits);

  ExtractStats stats;
  std::vector<Entry> kept;
  for (auto& e : all) {
    if (is_junk(e.path)) {
      ++stats.dropped;
    } else {
      kept.push_back(std::move(e));
    }
  }
  stats.unwrapped = unwrap_single_folder(kept);

  UniqueFd root(open(dest.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (root.get() < 0) throw std::system_error(errno, std::generic_category(), dest.string());
  for (const auto& e : kept) {
    if (is_build_output(e.path)) {
      ++stats.dropped;
    } else if (e.path.is_dir) {
      open_dir_beneath(root.get(), e.path.parts, e.path.parts.size());
    } else {
      inflate_entry(archive.get(), e, root.get(), limits, stats);
    }
  }
  return stats;
}

}  // namespace runner::archive
