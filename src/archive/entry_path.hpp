#pragma once
// Turning an archive entry name into a safe relative path, or a reason to reject it.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace runner::archive {

struct EntryPath {
  std::vector<std::string> parts;  // never empty, never "." or ".."
  bool is_dir = false;
  std::string joined() const;  // parts joined with '/'
};

// Either the path, or a one-line reason ("absolute path '/etc/passwd'").
using EntryPathResult = std::variant<EntryPath, std::string>;

// Backslashes count as separators (archives made on Windows); "." and empty parts are skipped.
// Rejected: absolute paths, drive letters, "..", control characters, parts over 255 bytes.
EntryPathResult parse_entry_path(std::string_view name);

// Junk that is dropped wherever it appears: __MACOSX/, .DS_Store, Thumbs.db, *.class.
bool is_junk(const EntryPath& path);

// Build outputs dropped at the project root: target/, build/, out/, .gradle/.
bool is_build_output(const EntryPath& path);

}  // namespace runner::archive
