#pragma once
// Glob patterns over '/'-separated relative paths, as used by the PIT's `protected` list.
#include <string_view>

namespace runner::pit {

// `*` and `?` match within one path component; `**` matches any number of components
// (including none). A pattern ending in "/**" also matches the folder itself.
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace runner::pit
