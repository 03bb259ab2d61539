#include "archive/entry_path.hpp"

#include <array>

namespace runner::archive {

std::string EntryPath::joined() const {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

EntryPathResult parse_entry_path(std::string_view name) {
  const std::string shown = "'" + std::string(name) + "'";
  if (name.empty()) return std::string("empty entry name");
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return "control character in entry name " + shown;
  }
  std::string normal(name);
  for (char& c : normal) {
    if (c == '\\') c = '/';
  }
  if (normal.front() == '/') return "absolute path " + shown;
  if (normal.size() >= 2 && normal[1] == ':' &&
      std::isalpha(static_cast<unsigned char>(normal[0]))) {
    return "absolute path " + shown;
  }
  EntryPath path;
  path.is_dir = normal.back() == '/';
  std::size_t start = 0;
  while (start <= normal.size()) {
    auto end = normal.find('/', start);
    if (end == std::string::npos) end = normal.size();
    const std::string part = normal.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return "path escapes the archive " + shown;
    if (part.size() > 255) return "path component too long in " + shown;
    path.parts.push_back(part);
  }
  if (path.parts.empty()) return "empty path " + shown;
  return path;
}

bool is_junk(const EntryPath& path) {
  for (const auto& part : path.parts) {
    if (part == "__MACOSX") return true;
  }
  if (path.is_dir) return false;
  const std::string& leaf = path.parts.back();
  return leaf == ".DS_Store" || leaf == "Thumbs.db" ||
         (leaf.size() > 6 && leaf.ends_with(".class"));
}

bool is_build_output(const EntryPath& path) {
  static const std::array<std::string_view, 4> outputs{"target", "build", "out", ".gradle"};
  const bool is_folder = path.is_dir || path.parts.size() > 1;
  if (!is_folder) return false;
  for (auto output : outputs) {
    if (path.parts.front() == output) return true;
  }
  return false;
}

}  // namespace runner::archive
