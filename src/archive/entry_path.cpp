#include "archive/entry_path.hpp"

#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>

namespace runner::archive {

namespace {

std::string hex_escape(const char* format, std::uint32_t value) {
  std::array<char, 12> buffer{};
  std::snprintf(buffer.data(), buffer.size(), format, value);
  return buffer.data();
}

// The length of the UTF-8 sequence at `at` and its code point, or 0 when it is not valid UTF-8
// (bad lead or continuation byte, overlong form, surrogate, past U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t at, std::uint32_t& code_point) {
  const auto lead = static_cast<unsigned char>(s[at]);
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, min = 0x80, code_point = lead & 0x1fu;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, min = 0x800, code_point = lead & 0x0fu;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, min = 0x10000, code_point = lead & 0x07u;
  } else {
    return 0;
  }
  if (at + length > s.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const auto c = static_cast<unsigned char>(s[at + i]);
    if ((c & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (c & 0x3fu);
  }
  if (code_point < min || code_point > 0x10ffff) return 0;
  if (code_point >= 0xd800 && code_point <= 0xdfff) return 0;
  return length;
}

bool is_c1_control(std::string_view s, std::size_t at) {
  return static_cast<unsigned char>(s[at]) == 0xc2 && at + 1 < s.size() &&
         static_cast<unsigned char>(s[at + 1]) >= 0x80 &&
         static_cast<unsigned char>(s[at + 1]) <= 0x9f;
}

}  // namespace

std::string EntryPath::joined() const {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::string printable_name(std::string_view name, std::size_t max_bytes) {
  std::string out = "'";
  std::size_t i = 0;
  while (i < name.size()) {
    if (i >= max_bytes) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(name[i]);
    if (c == '\\') {
      out += "\\\\";
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      out += hex_escape("\\x%02x", c);
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      std::uint32_t code_point = 0;
      const std::size_t length = utf8_sequence(name, i, code_point);
      if (length == 0) {
        out += hex_escape("\\x%02x", c);
        ++i;
      } else if (code_point <= 0x9f || code_point == 0x2028 || code_point == 0x2029) {
        out += hex_escape("\\u%04x", code_point);
        i += length;
      } else {
        out.append(name.substr(i, length));
        i += length;
      }
    }
  }
  return out + "'";
}

EntryPathResult parse_entry_path(std::string_view name, const PathRules& rules) {
  if (name.empty()) return std::string("empty entry name");
  if (name.size() > rules.max_name_bytes) {
    return "entry name longer than " + std::to_string(rules.max_name_bytes) + " bytes " +
           printable_name(name, 100);
  }
  const std::string shown = printable_name(name);
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f || is_c1_control(name, i)) {
      return "control character in entry name " + shown;
    }
  }
  std::string normal(name);
  if (rules.backslash_separates) {
    for (char& c : normal) {
      if (c == '\\') c = '/';
    }
  }
  if (normal.front() == '/') return "absolute path " + shown;
  if (normal.size() >= 2 && normal[1] == ':' &&
      std::isalpha(static_cast<unsigned char>(normal[0]))) {
    return "absolute path " + shown;
  }
  // A javac argument file lists each source as "path"; these would end the quote, start an
  // escape or a comment there.
  for (char c : normal) {
    if (c == '"' || c == '\\' || c == '#') {
      return "unsafe character " + printable_name(std::string_view(&c, 1)) + " in entry name " +
             shown;
    }
  }
  EntryPath path;
  path.is_dir = normal.back() == '/';
  std::size_t start = 0;
  while (start <= normal.size()) {
    auto end = normal.find('/', start);
    if (end == std::string::npos) end = normal.size();
    const std::string_view part = std::string_view(normal).substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return "path escapes the archive " + shown;
    if (part.size() > 255) return "path component longer than 255 bytes in " + shown;
    if (path.parts.size() == rules.max_depth) {
      return "path deeper than " + std::to_string(rules.max_depth) + " levels " + shown;
    }
    path.parts.emplace_back(part);
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
  return leaf == ".DS_Store" || leaf == "Thumbs.db" || leaf.starts_with("._") ||
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
