#pragma once
// What `runner grade-all` grades: the submissions named by its arguments, as an LMS export gives
// them (README, "For course staff").
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace runner::batch {

// A usage error in the inputs (a missing path, two submissions with one id); what() says which.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Submission {
  std::string id;              // the ZIP's stem or the folder's name
  std::filesystem::path path;  // a ZIP, or a folder whose files are the submission
  bool is_folder = false;
};

// From each input: a ZIP is one submission; a folder contributes each ZIP in it and each
// subfolder (a subfolder holding exactly one ZIP is that ZIP, else its files are the
// submission). Other files, hidden entries (".*") and __MACOSX are ignored. Sorted by id in
// natural order (natural_less), as people number students.
// Throws InputError for a path that is neither, a folder with no submission, duplicate ids
// (all listed, with their paths) and ids that would collide with the batch's own outputs.
std::vector<Submission> collect_submissions(const std::vector<std::filesystem::path>& inputs);

// "s2" before "s10": digit runs compare as numbers, everything else byte by byte.
bool natural_less(const std::string& a, const std::string& b);

// True for the entries LMS exports and macOS add that are not submissions.
bool ignored_entry(const std::filesystem::path& path);

}  // namespace runner::batch
