#pragma once
// The human-readable result of `runner grade`: a table of tests, then score and status.
#include <ostream>

#include "grading/grader.hpp"
#include "grading/verdict.hpp"

namespace runner::cli {

// Colours only when `color` (stdout is a terminal).
void print_summary(std::ostream& out, const grading::Verdict& verdict, bool color);

// "⏳ building…" on one rewritten line of a terminal; nothing when not a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  ~ProgressLine() { clear(); }
  void show(grading::Progress stage);
  void clear();

 private:
  bool enabled_;
  bool shown_ = false;
};

}  // namespace runner::cli
