#pragma once
// The entry names of a jar (a ZIP the runner trusts: Debian's libraries, never a submission),
// for questions such as "does any jar of the tests' class path hold org/assertj/core/api/?".
#include <filesystem>
#include <set>
#include <string>

namespace runner::archive {

// Every entry name of `jar` ("org/junit/Test.class", "org/junit/"); throws std::runtime_error
// naming the file when it is not a readable ZIP.
std::set<std::string> jar_entries(const std::filesystem::path& jar);

}  // namespace runner::archive
