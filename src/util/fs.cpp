#include "util/fs.hpp"

#include <stdlib.h>

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

void write_file(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
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

void copy_tree_over(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path target = to / fs::relative(it->path(), from);
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
