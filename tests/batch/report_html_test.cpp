// report.html (batch/report_html.hpp): the data it shows, and that no student string is markup.
#include "batch/report_html.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "batch/progress.hpp"

namespace runner::batch {
namespace {

Row row(const std::string& id, const std::string& status, double score,
        std::vector<TestCell> tests = {}) {
  return {id, status, score, 10, 1.5, "output of " + id, std::move(tests)};
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) n++;
  return n;
}

// The JSON the page embeds for scripts and tests.
nlohmann::json embedded(const std::string& html) {
  const std::string open = R"(<script type="application/json" id="batch-data">)";
  const auto start = html.find(open) + open.size();
  return nlohmann::json::parse(html.substr(start, html.find("</script>", start) - start));
}

TEST(BatchReport, EscapesEveryStudentString) {
  EXPECT_EQ(html_escape(R"(<a href="x">'&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  const std::string evil = "<script>alert(1)</script>";
  const std::string html =
      report_html({row(evil, "COMPLETED", 5, {{"T.<img src=x onerror=alert(2)>", "passed", 1, 1}})},
                  {"calculator", "Calc <b>", "now", 0});
  EXPECT_EQ(html.find(evil), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("Calc <b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  // The only scripts are the page's own two blocks.
  EXPECT_EQ(count(html, "<script"), 2);
  EXPECT_EQ(count(html, "</script>"), 2);
  // The link's path is percent-encoded, then escaped.
  EXPECT_NE(html.find(R"(href="%3Cscript%3Ealert%281%29%3C%2Fscript%3E/feedback.json")"),
            std::string::npos);
  // The embedded data survives the escaping intact.
  EXPECT_EQ(embedded(html)["rows"][0]["id"], evil);
}

TEST(BatchReport, ShowsTheDataOfEveryRow) {
  std::vector<Row> rows;
  for (int i = 0; i < 7; i++) {
    rows.push_back(
        row("s" + std::to_string(i), "COMPLETED", i, {{"T.a", i > 3 ? "passed" : "failed", 0, 1}}));
  }
  rows.push_back(row("late", "TIMEOUT", 10, {{"T.a", "did-not-run", 0, 1}}));
  rows.back().time_s = 99;
  const std::string html = report_html(rows, {"calculator", "Calculator", "2026-01-01", 2});
  // Histogram: scores 0..6 and 10 fall in 8 bins of one each.
  EXPECT_EQ(count(html, R"(<rect class="bar" data-count="1")"), 8);
  // Status breakdown.
  EXPECT_NE(
      html.find(
          R"(<li data-status="COMPLETED"><span class="dot s-COMPLETED"></span>COMPLETED <b>7</b>)"),
      std::string::npos);
  EXPECT_NE(html.find(R"(TIMEOUT <b>1</b>)"), std::string::npos);
  // Pass rate: 3 of 8.
  EXPECT_NE(html.find(R"(<td class="num">3/8</td>)"), std::string::npos);
  // Slowest first.
  const auto slowest = html.find(R"(<table id="slowest">)");
  EXPECT_NE(html.find(">late</a>", slowest), std::string::npos);
  EXPECT_LT(html.find(">late</a>", slowest), html.find(">s0</a>", slowest));
  // One table row per submission, each linking its feedback and log.
  const auto table = html.substr(html.find(R"(<table id="submissions">)"));
  EXPECT_EQ(count(table, "<tr>"), 9);  // header + 8
  EXPECT_EQ(count(table, "/feedback.json\""), 8);
  EXPECT_NE(html.find("not graded yet"), std::string::npos);
  const auto data = embedded(html);
  ASSERT_EQ(data["rows"].size(), 8u);
  EXPECT_EQ(data["rows"][7]["status"], "TIMEOUT");
  EXPECT_EQ(data["rows"][7]["tests"]["T.a"], "did-not-run");
  // Self-contained: nothing loaded from anywhere.
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
}

TEST(BatchProgress, PlainLineAndBar) {
  EXPECT_EQ(finished_line(12, 50, "alice", "COMPLETED", 8, 10, 0.66),
            "[12/50] alice COMPLETED 8/10 (0.7 s)");
  Tally t;
  t.total = 50;
  t.done = 10;
  t.running = 2;
  t.elapsed_s = 60;
  t.by_status = {{"COMPLETED", 9}, {"TIMEOUT", 1}};
  const std::string bar = progress_bar(t, 120);
  EXPECT_EQ(bar.rfind("10/50 [", 0), 0u) << bar;
  EXPECT_NE(bar.find(" 20%  10.0/min  ETA 4m00s  (2 running)  COMPLETED 9  TIMEOUT 1"),
            std::string::npos)
      << bar;
  // Narrow: the counts go, the bar stays.
  const std::string narrow = progress_bar(t, 60);
  EXPECT_EQ(narrow.find("COMPLETED"), std::string::npos) << narrow;
  EXPECT_NE(narrow.find("ETA"), std::string::npos) << narrow;
}

}  // namespace
}  // namespace runner::batch
