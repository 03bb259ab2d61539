#pragma once
// Builds ZIP archives for tests with libzip, including the malicious shapes a student might send.
#include <filesystem>
#include <string>
#include <vector>

namespace runner::testing {

class ZipBuilder {
 public:
  ZipBuilder& file(const std::string& name, const std::string& content);
  ZipBuilder& dir(const std::string& name);
  ZipBuilder& symlink(const std::string& name, const std::string& target);
  ZipBuilder& fifo(const std::string& name);
  ZipBuilder& encrypted(const std::string& name, const std::string& content);
  // Every file under `root`, named `prefix` + its relative path.
  ZipBuilder& tree(const std::filesystem::path& root, const std::string& prefix = "");
  void write(const std::filesystem::path& zip) const;

 private:
  enum class Kind { File, Dir, Symlink, Fifo, Encrypted };
  struct Entry {
    Kind kind;
    std::string name;
    std::string content;
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

}  // namespace runner::testing
