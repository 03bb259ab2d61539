#pragma once
// Small filesystem helpers shared by the modules that prepare and read a job's workspace.
#include <filesystem>
#include <string>
#include <string_view>

namespace runner::util {

namespace fs = std::filesystem;

// Reads a whole (small) file; throws std::runtime_error naming the path on failure.
std::string read_file(const fs::path& path);

// Reads `relative` beneath `root`, a folder the job could write to, without trusting it: no
// symbolic link is followed at any component and the path may not leave `root` (openat2 with
// RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), it must be a regular file (opened non-blocking, so a
// FIFO cannot stall the runner) and at most `max_bytes` long. Throws std::runtime_error saying
// which rule failed.
std::string read_beneath(const fs::path& root, const fs::path& relative, std::size_t max_bytes);

// Writes `content` to `path`, replacing it; throws std::runtime_error naming the path on failure.
void write_file(const fs::path& path, std::string_view content);

// The same, but readers see either the old file or the whole new one, never a part: `content`
// goes to a temporary file beside `path`, flushed to disk, then renamed over it. A file whose
// presence means "done" (feedback.json: `runner grade-all` resumes by it) must be written so.
void write_file_atomic(const fs::path& path, std::string_view content);

// Creates a fresh, private (0700) directory `<parent>/<prefix>XXXXXX`.
fs::path make_temp_dir(const fs::path& parent, const std::string& prefix);

// Removes a tree without following symlinks; never throws (cleanup runs on error paths).
void remove_tree_quietly(const fs::path& path) noexcept;

// Copies `from` over `to` recursively, overwriting files; symlinks in `from` are not followed.
// `skip`, relative to `from`, is left out with everything beneath it.
void copy_tree_over(const fs::path& from, const fs::path& to, const fs::path& skip = {});

// A path relative to `base`, with '/' separators.
std::string relative_slash(const fs::path& path, const fs::path& base);

}  // namespace runner::util
