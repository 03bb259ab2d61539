#pragma once
// What `runner grade-all` prints while it works: a live bar on a terminal, one line per finished
// submission otherwise (logs, CI). Pure text, so the shapes are unit-tested.
#include <map>
#include <string>

namespace runner::batch {

struct Tally {
  int total = 0;  // submissions this run grades (resumed ones excluded)
  int done = 0;   // finished, any status
  int running = 0;
  double elapsed_s = 0;
  std::map<std::string, int> by_status;  // "COMPLETED" -> 41
};

// One finished submission: "[12/50] alice COMPLETED 8/10 (0.7 s)".
std::string finished_line(int index, int total, const std::string& id, const std::string& status,
                          double score, double max_score, double seconds);

// The bar, at most `width` columns: " 12/50 [██████░░░░░░]  24%  31.2/min  ETA 1m14s  COMPLETED 9
// BUILD_FAILED 3". Rate and ETA appear once something finished.
std::string progress_bar(const Tally& tally, int width);

}  // namespace runner::batch
