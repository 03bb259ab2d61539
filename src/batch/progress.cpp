#include "batch/progress.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace runner::batch {

std::string finished_line(int index, int total, const std::string& id, const std::string& status,
                          double score, double max_score, double seconds) {
  return fmt::format("[{}/{}] {} {} {:g}/{:g} ({:.1f} s)", index, total, id, status, score,
                     max_score, seconds);
}

namespace {

std::string duration(double seconds) {
  const int s = static_cast<int>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

// Terminal columns of a UTF-8 string whose characters are each one column wide.
int columns(const std::string& text) {
  return static_cast<int>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string progress_bar(const Tally& t, int width) {
  const double share = t.total > 0 ? static_cast<double>(t.done) / t.total : 1;
  std::string tail = fmt::format(" {:3.0f}%", share * 100);
  if (t.done > 0 && t.elapsed_s > 0) {
    const double per_min = t.done / t.elapsed_s * 60;
    tail += fmt::format("  {:.1f}/min", per_min);
    if (t.done < t.total) {
      tail += "  ETA " + duration((t.total - t.done) * t.elapsed_s / t.done);
    } else {
      tail += "  in " + duration(t.elapsed_s);
    }
  }
  if (t.running > 0) tail += fmt::format("  ({} running)", t.running);
  std::string counts;
  for (const auto& [status, n] : t.by_status) counts += fmt::format("  {} {}", status, n);
  const std::string head = fmt::format("{}/{} ", t.done, t.total);
  // The bar takes what the numbers leave, between 10 and 40 columns; the counts go first when
  // the terminal is narrow.
  int bar = std::clamp(width - columns(head) - columns(tail) - columns(counts) - 2, 10, 40);
  if (columns(head) + bar + 2 + columns(tail) + columns(counts) > width) counts.clear();
  bar = std::clamp(width - columns(head) - columns(tail) - columns(counts) - 2, 1, 40);
  const int filled = static_cast<int>(share * bar);
  std::string line = head + "[";
  for (int i = 0; i < bar; i++) line += i < filled ? "█" : "░";
  line += "]" + tail + counts;
  return line;
}

}  // namespace runner::batch
