#pragma once
// results.csv: one line per graded submission, for a spreadsheet or the LMS's grade import.
#include <string>
#include <vector>

#include "batch/results.hpp"

namespace runner::batch {

// One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or edge spaces,
// quotes doubled. A text field starting with = + - @ or a tab is prefixed with ' so that a
// spreadsheet shows it instead of running it as a formula (ids are student-controlled).
std::string csv_field(const std::string& text, bool is_text = true);

// Header id,status,score,max_score,time_s, then one column per test (test_names(rows)); each
// cell the test's outcome (results.hpp), empty when the submission has no such test. CRLF line
// ends, as RFC 4180 and spreadsheets expect.
std::string results_csv(const std::vector<Row>& rows);

}  // namespace runner::batch
