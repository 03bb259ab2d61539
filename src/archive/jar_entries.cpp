#include "archive/jar_entries.hpp"

#include <zip.h>

#include <memory>
#include <stdexcept>

namespace runner::archive {

std::set<std::string> jar_entries(const std::filesystem::path& jar) {
  int code = 0;
  std::unique_ptr<zip_t, decltype(&zip_discard)> archive(zip_open(jar.c_str(), ZIP_RDONLY, &code),
                                                         &zip_discard);
  if (!archive) throw std::runtime_error("cannot read the jar " + jar.string());
  std::set<std::string> names;
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    if (const char* name = zip_get_name(archive.get(), static_cast<zip_uint64_t>(i), 0))
      names.insert(name);
  }
  return names;
}

}  // namespace runner::archive
