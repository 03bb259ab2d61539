#include "cli/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "util/text.hpp"

namespace runner::cli {
namespace {

constexpr const char* kGreen = "\033[32m";
constexpr const char* kRed = "\033[31m";
constexpr const char* kYellow = "\033[33m";
constexpr const char* kBold = "\033[1m";
constexpr const char* kReset = "\033[0m";

std::string paint(const std::string& text, const char* color, bool enabled) {
  return enabled ? std::string(color) + text + kReset : text;
}

const char* status_color(grading::Status status) {
  switch (status) {
    case grading::Status::Completed:
      return kGreen;
    case grading::Status::Error:
      return kRed;
    default:
      return kYellow;
  }
}

// The first line of a failure message, short enough for a table.
std::string short_reason(const std::string& output) {
  const std::string first = output.substr(0, output.find('\n'));
  return util::truncate_utf8(first, 70);
}

}  // namespace

void print_summary(std::ostream& out, const grading::Verdict& v, bool color) {
  std::size_t width = 4;
  for (const auto& t : v.score.tests) width = std::max(width, t.name.size());
  width = std::min<std::size_t>(width, 60);

  out << paint(fmt::format("{:<{}}  {:<7}  {:>13}", "Test", width, "Status", "Points"), kBold,
               color)
      << "\n";
  for (const auto& t : v.score.tests) {
    const std::string status = report::to_string(t.status);
    const char* c = t.status == report::TestStatus::Passed   ? kGreen
                    : t.status == report::TestStatus::Failed ? kRed
                                                             : kYellow;
    std::string line = fmt::format("{:<{}}  ", t.name, width) +
                       paint(fmt::format("{:<7}", status), c, color) +
                       fmt::format("  {:>6.2f} / {:<5.2f}", t.score, t.max_score);
    if (t.status != report::TestStatus::Passed && !t.output.empty()) {
      line += "  " + short_reason(t.output);
    }
    out << line << "\n";
  }
  out << "\n"
      << paint(fmt::format("Score: {:.2f} / {:.2f}", v.score.score, v.score.max_score), kBold,
               color)
      << "   Status: " << paint(grading::to_string(v.status), status_color(v.status), color)
      << fmt::format("   ({:.1f} s)", v.execution_time) << "\n";
  out << v.output << "\n";
}

void ProgressLine::show(grading::Progress stage) {
  if (!enabled_) return;
  const char* text = "";
  switch (stage) {
    case grading::Progress::Preparing:
      text = "preparing the workspace";
      break;
    case grading::Progress::Building:
      text = "building";
      break;
    case grading::Progress::Testing:
      text = "running the tests";
      break;
    case grading::Progress::Scoring:
      text = "scoring";
      break;
  }
  std::cerr << "\r\033[K⏳ " << text << "…" << std::flush;
  shown_ = true;
}

void ProgressLine::clear() {
  if (enabled_ && shown_) std::cerr << "\r\033[K" << std::flush;
  shown_ = false;
}

}  // namespace runner::cli
