#include "batch/zip_folder.hpp"

#include <zip.h>

#include <stdexcept>
#include <string>

#include "util/fs.hpp"

namespace runner::batch {

namespace fs = std::filesystem;

void zip_folder(const fs::path& folder, const fs::path& zip) {
  int error = 0;
  zip_t* archive = zip_open(zip.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (archive == nullptr) throw std::runtime_error("cannot create " + zip.string());
  try {
    for (auto it = fs::recursive_directory_iterator(folder);
         it != fs::recursive_directory_iterator(); ++it) {
      if (it->is_symlink() || !it->is_regular_file()) continue;
      const std::string name = util::relative_slash(it->path(), folder);
      zip_source_t* source = zip_source_file(archive, it->path().c_str(), 0, -1);
      if (source == nullptr || zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8) < 0) {
        if (source != nullptr) zip_source_free(source);
        throw std::runtime_error("cannot add " + it->path().string() + " to " + zip.string());
      }
    }
  } catch (...) {
    zip_discard(archive);
    throw;
  }
  if (zip_close(archive) != 0) {
    const std::string why = zip_strerror(archive);
    zip_discard(archive);
    throw std::runtime_error("cannot write " + zip.string() + ": " + why);
  }
  // libzip writes no file for an empty archive; an empty file makes the core say "not a ZIP"
  // (INVALID_SUBMISSION), the student's verdict, rather than a runner error.
  if (!fs::exists(zip)) util::write_file(zip, "");
}

}  // namespace runner::batch
