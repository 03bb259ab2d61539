#include "batch/inputs.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>

namespace runner::batch {
namespace {

namespace fs = std::filesystem;

bool is_zip(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".zip" && fs::is_regular_file(path);
}

std::vector<fs::path> visible_entries(const fs::path& folder) {
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (!ignored_entry(entry.path())) entries.push_back(entry.path());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

// A student's folder: the one ZIP it holds (LMS exports wrap each upload in a folder), or the
// folder itself (the student uploaded loose files).
Submission from_student_folder(const fs::path& folder) {
  const auto entries = visible_entries(folder);
  if (entries.size() == 1 && is_zip(entries.front())) {
    return {folder.filename().string(), entries.front(), false};
  }
  return {folder.filename().string(), folder, true};
}

void add_folder(const fs::path& folder, std::vector<Submission>& out) {
  const std::size_t before = out.size();
  for (const auto& entry : visible_entries(folder)) {
    // Symbolic links are followed here: the folder is the course staff's, not a student's.
    if (fs::is_directory(entry)) {
      out.push_back(from_student_folder(entry));
    } else if (is_zip(entry)) {
      out.push_back({entry.stem().string(), entry, false});
    }
  }
  if (out.size() == before) {
    throw InputError("no submissions in " + folder.string() +
                     " (expected ZIP files or one folder per student)");
  }
}

// The batch writes results.csv and report.html beside the submissions' folders.
void check_reserved(const std::vector<Submission>& subs) {
  for (const auto& s : subs) {
    if (s.id == "results.csv" || s.id == "report.html") {
      throw InputError("submission id '" + s.id + "' (" + s.path.string() +
                       ") is the name of a batch output; rename it");
    }
  }
}

void check_duplicates(const std::vector<Submission>& subs) {
  std::map<std::string, std::vector<fs::path>> by_id;
  for (const auto& s : subs) by_id[s.id].push_back(s.path);
  std::string message;
  for (const auto& [id, paths] : by_id) {
    if (paths.size() < 2) continue;
    message += "\n  " + id + ":";
    for (const auto& p : paths) message += " " + p.string();
  }
  if (!message.empty()) throw InputError("duplicate submission ids:" + message);
}

}  // namespace

bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i]));
    const bool db = std::isdigit(static_cast<unsigned char>(b[j]));
    if (da && db) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ei++;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ej++;
      // Leading zeros aside, the longer run is the larger number.
      std::string_view na(a.data() + i, ei - i), nb(b.data() + j, ej - j);
      while (na.size() > 1 && na.front() == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb.front() == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      i++;
      j++;
    }
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;  // equal but for leading zeros: still a strict order
}

bool ignored_entry(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.empty() || name.front() == '.' || name == "__MACOSX";
}

std::vector<Submission> collect_submissions(const std::vector<fs::path>& inputs) {
  std::vector<Submission> subs;
  for (const auto& input : inputs) {
    if (fs::is_directory(input)) {
      add_folder(input, subs);
    } else if (is_zip(input)) {
      subs.push_back({input.stem().string(), input, false});
    } else {
      throw InputError("not a ZIP file or a folder: " + input.string());
    }
  }
  check_duplicates(subs);
  check_reserved(subs);
  std::sort(subs.begin(), subs.end(),
            [](const Submission& a, const Submission& b) { return natural_less(a.id, b.id); });
  return subs;
}

}  // namespace runner::batch
