#pragma once
// Builds ZIP archives for tests with libzip, including the malicious shapes a student might send.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/share_dir.hpp"

namespace runner::testing {

class ZipBuilder {
 public:
  ZipBuilder& file(const std::string& name, const std::string& content);
  ZipBuilder& dir(const std::string& name);
  ZipBuilder& symlink(const std::string& name, const std::string& target);
  ZipBuilder& fifo(const std::string& name);
  ZipBuilder& encrypted(const std::string& name, const std::string& content);
  // Sets the last entry's "version made by" host (ZIP_OPSYS_*) and external attributes, as the
  // tool that wrote it would: e.g. (ZIP_OPSYS_UNIX, 0644 << 16) for Python's zipfile.writestr,
  // (ZIP_OPSYS_DOS, 0x20) for Windows Explorer. Without it libzip writes a Unix host and mode.
  ZipBuilder& made_by(std::uint8_t opsys, std::uint32_t attributes);
  // Every file under `root`, named `prefix` + its relative path.
  ZipBuilder& tree(const std::filesystem::path& root, const std::string& prefix = "");
  void write(const std::filesystem::path& zip) const;

 private:
  enum class Kind { File, Dir, Symlink, Fifo, Encrypted };
  struct Entry {
    Kind kind;
    std::string name;
    std::string content;
    std::optional<std::pair<std::uint8_t, std::uint32_t>> made_by{};
  };
  std::vector<Entry> entries_;
};

// A fresh directory under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// The project's source tree (examples/, share/), fixed at build time.
std::filesystem::path source_dir();

// The runner's data as the tests use it: the source tree's share/ and the built test host.
config::DataDirs data_dirs();

}  // namespace runner::testing
