#include "grading/test_libraries.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include "archive/jar_entries.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace runner::grading {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTestLibraries[] = {"org.junit", "org.hamcrest", "org.assertj",
                                               "org.mockito", "junit"};

bool has_prefix(const std::set<std::string>& entries, const std::string& prefix) {
  const auto it = entries.lower_bound(prefix);
  return it != entries.end() && it->starts_with(prefix);
}

// A class by its dotted name, nested classes included (a.b.Outer.Inner is a/b/Outer$Inner).
bool has_class(const std::set<std::string>& entries, std::string dotted) {
  std::string path = dotted;
  std::replace(path.begin(), path.end(), '.', '/');
  while (true) {
    if (entries.count(path + ".class")) return true;
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return false;
    path[slash] = '$';
  }
}

// `import static a.b.C.member;` needs a.b.C; `import a.b.*;` a package (or the nested classes
// of a class); `import a.b.C;` and `import static a.b.C.*;` the class.
bool resolves(const std::set<std::string>& entries, const std::string& name, bool is_static,
              bool star) {
  if (is_static && !star) {
    const auto dot = name.rfind('.');
    return dot != std::string::npos && has_class(entries, name.substr(0, dot));
  }
  if (star && !is_static) {
    std::string folder = name + "/";
    std::replace(folder.begin(), folder.end(), '.', '/');
    return has_prefix(entries, folder) || has_class(entries, name);
  }
  return has_class(entries, name);
}

}  // namespace

bool is_test_library(std::string_view name) {
  return std::any_of(std::begin(kTestLibraries), std::end(kTestLibraries), [&](auto library) {
    return name == library || (name.starts_with(library) && name.size() > library.size() &&
                               name[library.size()] == '.');
  });
}

std::vector<MissingImport> missing_test_imports(const pit::Pit& pit,
                                                const std::vector<fs::path>& class_path) {
  const fs::path root = pit.overlay_dir / "src/test/java";
  std::vector<MissingImport> missing;
  if (!fs::is_directory(root)) return missing;
  std::set<std::string> entries;
  for (const auto& jar : class_path) entries.merge(archive::jar_entries(jar));
  std::vector<fs::path> sources;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".java") sources.push_back(e.path());
  }
  std::sort(sources.begin(), sources.end());
  static const std::regex import_line(R"(^\s*import\s+(static\s+)?([A-Za-z_][\w.]*?)(\.\*)?\s*;)");
  for (const auto& source : sources) {
    const auto lines = util::split(util::read_file(source), '\n');
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::smatch m;
      if (!std::regex_search(lines[i], m, import_line)) continue;
      const std::string name = m[2].str();
      if (!is_test_library(name)) continue;
      if (resolves(entries, name, m[1].matched, m[3].matched)) continue;
      missing.push_back({util::relative_slash(source, pit.dir), static_cast<int>(i + 1),
                         name + (m[3].matched ? ".*" : "")});
    }
  }
  return missing;
}

}  // namespace runner::grading
