#pragma once
// Safe extraction of a submission ZIP into a fresh workspace (README, "Submissions").
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace runner::archive {

struct Limits {
  std::int64_t max_files = 10000;                         // file entries, folders not counted
  std::int64_t max_unzipped_bytes = 200LL * 1024 * 1024;  // bytes actually inflated
  std::int64_t max_zip_bytes = 50LL * 1024 * 1024;        // size of the archive itself
  std::int64_t max_name_bytes = 1024;                     // an entry's name, as stored
  std::int64_t max_depth = 64;                            // path components of an entry
};

// The submission is unacceptable; what() is the one-line reason shown to the student.
class InvalidArchive : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ExtractStats {
  std::int64_t files = 0;  // files written
  std::int64_t bytes = 0;  // bytes written
  int dropped = 0;         // junk and build-output entries skipped
  std::string unwrapped;   // the top folder that was unwrapped, if any
};

// Extracts `zip` into `dest` (an existing, empty directory). Every name is checked before anything
// is written (archive/entry_path.hpp, with `limits`' name and depth caps), and so is the whole
// tree: no path twice, no file also used as a folder. Files are then written beneath `dest` only
// (openat, O_NOFOLLOW, O_EXCL), and the size limits are enforced on the bytes inflated. Throws
// InvalidArchive on any rejected case: whatever the archive holds, no other exception comes from
// its content (only from the host, e.g. a full disk).
ExtractStats extract_submission(const std::filesystem::path& zip, const std::filesystem::path& dest,
                                const Limits& limits);

}  // namespace runner::archive
