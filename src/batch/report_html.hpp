#pragma once
// report.html: one self-contained page about a batch (no network: inline CSS, SVG and script),
// for course staff to open from the out folder.
#include <string>
#include <vector>

#include "batch/results.hpp"

namespace runner::batch {

struct ReportInfo {
  std::string pit_id;
  std::string pit_title;
  std::string generated_at;  // shown as is, e.g. "2026-11-26 10:00 UTC"
  int not_graded = 0;        // submissions of the batch without a verdict (an interrupted run)
};

// & < > " ' as entities: every student-controlled string (ids, test names, messages) goes
// through this before it reaches the page.
std::string html_escape(const std::string& text);
// `text` as one URL path segment (RFC 3986 unreserved characters kept, the rest %XX), for the
// links to each `<id>/feedback.json`.
std::string url_segment(const std::string& text);
// `json` for a <script type="application/json"> block: < > & as \u escapes, so no string in it
// can close the block.
std::string script_safe_json(const std::string& json);

// The page: a score histogram, the status breakdown, each test's pass rate, the slowest
// submissions, and a table of every row (sortable by clicking a header; `?selftest` makes the
// page check its own sorting and write the result into #selftest). The rows are also embedded
// as JSON (#batch-data) for scripts and tests.
std::string report_html(const std::vector<Row>& rows, const ReportInfo& info);

// The page's style sheet and script (report_assets.cpp), kept apart from the markup.
const char* report_css();
const char* report_js();

}  // namespace runner::batch
