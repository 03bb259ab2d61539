#pragma once
// Turning an archive entry name into a safe relative path, or a reason to reject it.
#include <cstddef>
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

struct PathRules {
  std::size_t max_name_bytes = 1024;  // the whole entry name, as stored in the archive
  std::size_t max_depth = 64;         // path components, the file or folder itself included
  // Whether '\' separates folders: true for entries made on DOS/Windows hosts, whose tools may
  // write "src\Main.java". Elsewhere '\' is a character of the name, and rejected (below).
  bool backslash_separates = false;
};

// "." and empty parts are skipped. Rejected, with the entry named (see printable_name): names
// over `max_name_bytes`, paths deeper than `max_depth`, absolute paths, drive letters, "..",
// parts over 255 bytes, control characters (C0, DEL, C1), and the characters '"', '\' and '#'
// (they would change the meaning of a javac argument file that lists the sources). Everything
// else, e.g. spaces, letters of any script, '$', '-', '+', '@' and apostrophes, is an ordinary
// name.
EntryPathResult parse_entry_path(std::string_view name, const PathRules& rules = {});

// `name` quoted as one printable line: control characters, DEL and bytes that are not UTF-8
// become \xNN (C1 controls and U+2028/U+2029 \uNNNN), '\' becomes "\\", and names longer than
// `max_bytes` are cut with "...". E.g. 'src/a\nb' for a name holding a newline.
std::string printable_name(std::string_view name, std::size_t max_bytes = 200);

// Junk that is dropped wherever it appears: __MACOSX/, .DS_Store, ._* (AppleDouble files that
// macOS writes beside the real ones), Thumbs.db, *.class.
bool is_junk(const EntryPath& path);

// Build outputs dropped at the project root: target/, build/, out/, .gradle/.
bool is_build_output(const EntryPath& path);

}  // namespace runner::archive
