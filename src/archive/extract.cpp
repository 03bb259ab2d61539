#include "archive/extract.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <map>
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

// The first name that appears twice in the archive, or "" (opened without ZIP_CHECKCONS, which
// refuses such archives outright).
std::string first_duplicate_name(const std::filesystem::path& zip) {
  int code = 0;
  std::unique_ptr<zip_t, ZipCloser> archive(zip_open(zip.c_str(), ZIP_RDONLY, &code));
  if (!archive) return "";
  std::set<std::string> seen;
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    const char* raw = zip_get_name(archive.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_GUESS);
    if (raw != nullptr && !seen.insert(raw).second) return raw;
  }
  return "";
}

std::unique_ptr<zip_t, ZipCloser> open_archive(const std::filesystem::path& zip) {
  int code = 0;
  zip_t* archive = zip_open(zip.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (archive == nullptr && code == ZIP_ER_EXISTS) {
    const std::string name = first_duplicate_name(zip);
    if (!name.empty()) throw InvalidArchive("duplicate path " + printable_name(name));
  }
  if (archive == nullptr) {
    throw InvalidArchive("not a ZIP archive or corrupt (" + zip_error_text(code) + ")");
  }
  return std::unique_ptr<zip_t, ZipCloser>(archive);
}

// Hosts whose tools write '\' between folders ("src\Main.java").
bool backslash_separates(zip_uint8_t opsys) {
  return opsys == ZIP_OPSYS_DOS || opsys == ZIP_OPSYS_OS_2 || opsys == ZIP_OPSYS_WINDOWS_NTFS ||
         opsys == ZIP_OPSYS_VFAT;
}

// Hosts whose external attributes carry a Unix mode in their high 16 bits.
bool has_unix_mode(zip_uint8_t opsys) {
  return opsys == ZIP_OPSYS_UNIX || opsys == ZIP_OPSYS_OS_X;
}

// Rejects what the central directory already shows: encryption, links, special files. A Unix mode
// without a file type (Python's zipfile.writestr writes 0o600 or 0o644, some tools 0) says nothing:
// the name decides, as for the DOS and Windows hosts. A folder mode makes the entry a folder.
void check_entry_kind(zip_t* archive, zip_uint64_t index, zip_uint8_t opsys,
                      zip_uint32_t attributes, EntryPath& path, const std::string& shown) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(archive, index, 0, &st) != 0) {
    throw InvalidArchive("corrupt entry " + shown);
  }
  if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
    throw InvalidArchive("encrypted entry " + shown);
  }
  if (!has_unix_mode(opsys)) return;
  const mode_t type = static_cast<mode_t>(attributes >> 16) & S_IFMT;
  if (type == S_IFLNK) throw InvalidArchive("symbolic link " + shown);
  if (type == S_IFDIR) {
    path.is_dir = true;
  } else if (type != 0 && type != S_IFREG) {
    throw InvalidArchive("special file " + shown);
  }
}

// Every path once, and no file also used as a folder ("a" beside "a/b" or "a/b/"), whatever the
// order of the entries. Checked on the whole list before anything is written.
void check_tree(const std::vector<Entry>& entries) {
  std::map<std::string, bool> is_dir;  // joined path -> whether it is a folder entry
  for (const auto& e : entries) {
    const std::string key = e.path.joined();
    const auto [it, inserted] = is_dir.emplace(key, e.path.is_dir);
    if (inserted) continue;
    if (it->second == e.path.is_dir) throw InvalidArchive("duplicate path " + printable_name(key));
    throw InvalidArchive("duplicate path " + printable_name(key) + " (both a file and a folder)");
  }
  // Paths beneath "a/" sort together, from the first one not below "a/".
  for (const auto& [key, dir] : is_dir) {
    if (dir) continue;
    const std::string prefix = key + "/";
    const auto below = is_dir.lower_bound(prefix);
    if (below != is_dir.end() && below->first.starts_with(prefix)) {
      throw InvalidArchive("duplicate path " + printable_name(key) + " (both a file and a folder)");
    }
  }
}

std::vector<Entry> read_entries(zip_t* archive, const Limits& limits) {
  const zip_int64_t count = zip_get_num_entries(archive, 0);
  std::vector<Entry> entries;
  std::int64_t file_count = 0;
  PathRules rules;
  rules.max_name_bytes = static_cast<std::size_t>(limits.max_name_bytes);
  rules.max_depth = static_cast<std::size_t>(limits.max_depth);
  for (zip_int64_t i = 0; i < count; ++i) {
    const auto index = static_cast<zip_uint64_t>(i);
    const char* raw = zip_get_name(archive, index, ZIP_FL_ENC_GUESS);
    if (raw == nullptr) throw InvalidArchive("corrupt archive: unreadable entry name");
    zip_uint8_t opsys = ZIP_OPSYS_DEFAULT;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(archive, index, 0, &opsys, &attributes) != 0) {
      throw InvalidArchive("corrupt entry " + printable_name(raw));
    }
    rules.backslash_separates = backslash_separates(opsys);
    auto parsed = parse_entry_path(raw, rules);
    if (auto* reason = std::get_if<std::string>(&parsed)) throw InvalidArchive(*reason);
    EntryPath path = std::get<EntryPath>(std::move(parsed));
    check_entry_kind(archive, index, opsys, attributes, path, printable_name(raw));
    if (!path.is_dir && ++file_count > limits.max_files) {
      throw InvalidArchive("more than " + std::to_string(limits.max_files) + " files");
    }
    entries.push_back({index, std::move(path)});
  }
  check_tree(entries);
  return entries;
}

// The jar tool adds META-INF/MANIFEST.MF at the archive's root. When the root META-INF holds
// nothing else, it is the tool's and not the student's: dropped, so that `jar cf s.zip MyProject`
// unwraps like any other archive. Returns how many entries were dropped.
int drop_jar_manifest(std::vector<Entry>& entries) {
  bool manifest = false;
  for (const auto& e : entries) {
    if (e.path.parts.front() != "META-INF") continue;
    const bool is_manifest =
        !e.path.is_dir && e.path.parts.size() == 2 && e.path.parts[1] == "MANIFEST.MF";
    const bool is_folder = e.path.is_dir && e.path.parts.size() == 1;
    if (!is_manifest && !is_folder) return 0;
    manifest = manifest || is_manifest;
  }
  if (!manifest) return 0;
  const auto before = entries.size();
  std::erase_if(entries, [](const Entry& e) { return e.path.parts.front() == "META-INF"; });
  return static_cast<int>(before - entries.size());
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
    if (next.get() < 0 && errno == ENOTDIR) {
      // Only the archive wrote here: a file where it needs a folder (check_tree rules it out).
      std::string path;
      for (std::size_t j = 0; j <= i; ++j) path += (j == 0 ? "" : "/") + parts[j];
      throw InvalidArchive("duplicate path " + printable_name(path) +
                           " (both a file and a folder)");
    }
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
  if (out.get() < 0 && errno == EEXIST) {
    // Only the archive wrote here: the path twice (check_tree rules it out).
    throw InvalidArchive("duplicate path " + printable_name(name));
  }
  if (out.get() < 0) throw std::system_error(errno, std::generic_category(), "create " + name);

  std::unique_ptr<zip_file_t, ZipFileCloser> in(zip_fopen_index(archive, entry.index, 0));
  if (!in) {
    throw InvalidArchive("corrupt entry " + printable_name(name) + ": " + zip_strerror(archive));
  }
  std::vector<char> buffer(64 * 1024);
  while (true) {
    const zip_int64_t n = zip_fread(in.get(), buffer.data(), buffer.size());
    if (n < 0) {
      throw InvalidArchive("corrupt entry " + printable_name(name) + ": " +
                           zip_file_strerror(in.get()));
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
  stats.dropped = drop_jar_manifest(all);
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
