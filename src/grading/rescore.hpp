#pragma once
// Rescoring (README, "For course staff": `runner regrade --rescore`): a stored verdict's
// per-test results scored again with the PIT's current weights and max_score, without building
// or running anything.
#include <string>

#include "grading/verdict.hpp"
#include "pit/pit.hpp"

namespace runner::grading {

struct Rescored {
  Verdict verdict;      // the stored one with the new scores (status, output, tests' outcomes kept)
  std::string refused;  // non-empty: why it cannot be rescored (the PIT's tests changed)
};

// The stored verdict's tests must be exactly the tests the PIT now expects for it (same names):
// when the PIT added, removed or renamed tests, only a regrade can say how the code does.
Rescored rescore(const Verdict& stored, const pit::Pit& pit);

}  // namespace runner::grading
