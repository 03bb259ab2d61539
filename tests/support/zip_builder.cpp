#include "support/zip_builder.hpp"

#include <sys/stat.h>
#include <zip.h>

#include <stdexcept>

#include "util/fs.hpp"

namespace runner::testing {

ZipBuilder& ZipBuilder::file(const std::string& name, const std::string& content) {
  entries_.push_back({Kind::File, name, content});
  return *this;
}
ZipBuilder& ZipBuilder::dir(const std::string& name) {
  entries_.push_back({Kind::Dir, name, ""});
  return *this;
}
ZipBuilder& ZipBuilder::symlink(const std::string& name, const std::string& target) {
  entries_.push_back({Kind::Symlink, name, target});
  return *this;
}
ZipBuilder& ZipBuilder::fifo(const std::string& name) {
  entries_.push_back({Kind::Fifo, name, ""});
  return *this;
}
ZipBuilder& ZipBuilder::encrypted(const std::string& name, const std::string& content) {
  entries_.push_back({Kind::Encrypted, name, content});
  return *this;
}

ZipBuilder& ZipBuilder::made_by(std::uint8_t opsys, std::uint32_t attributes) {
  if (entries_.empty()) throw std::logic_error("made_by() needs an entry before it");
  entries_.back().made_by = std::make_pair(opsys, attributes);
  return *this;
}

ZipBuilder& ZipBuilder::tree(const std::filesystem::path& root, const std::string& prefix) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file())
      file(prefix + util::relative_slash(e.path(), root), util::read_file(e));
  }
  return *this;
}

void ZipBuilder::write(const std::filesystem::path& path) const {
  int error = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (z == nullptr) throw std::runtime_error("zip_open failed for " + path.string());
  for (const auto& e : entries_) {
    zip_int64_t index = -1;
    if (e.kind == Kind::Dir) {
      index = zip_dir_add(z, e.name.c_str(), ZIP_FL_ENC_UTF_8);
    } else {
      // libzip copies the data when zip_close() runs; entries_ outlives that call.
      zip_source_t* src = zip_source_buffer(z, e.content.data(), e.content.size(), 0);
      index = zip_file_add(z, e.name.c_str(), src, ZIP_FL_ENC_UTF_8);
    }
    if (index < 0) throw std::runtime_error(std::string("zip add failed: ") + zip_strerror(z));
    const auto i = static_cast<zip_uint64_t>(index);
    if (e.kind == Kind::Symlink) {
      zip_file_set_external_attributes(z, i, 0, ZIP_OPSYS_UNIX, (S_IFLNK | 0777) << 16);
    } else if (e.kind == Kind::Fifo) {
      zip_file_set_external_attributes(z, i, 0, ZIP_OPSYS_UNIX, (S_IFIFO | 0644) << 16);
    } else if (e.kind == Kind::Encrypted) {
      zip_file_set_encryption(z, i, ZIP_EM_AES_256, "secret");
    }
    if (e.made_by) zip_file_set_external_attributes(z, i, 0, e.made_by->first, e.made_by->second);
  }
  if (zip_close(z) != 0) {
    const std::string message = zip_strerror(z);
    zip_discard(z);
    throw std::runtime_error("zip_close failed: " + message);
  }
}

TempDir::TempDir()
    : path_(util::make_temp_dir(std::filesystem::temp_directory_path(), "runner-test-")) {}
TempDir::~TempDir() {
  util::remove_tree_quietly(path_);
}

std::filesystem::path source_dir() {
  return RUNNER_SOURCE_DIR;
}

config::DataDirs data_dirs() {
  return {source_dir() / "share", config::built_in_data_dirs().testhost};
}

}  // namespace runner::testing
