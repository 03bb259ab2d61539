#include "batch/report_html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "grading/status.hpp"

namespace runner::batch {
namespace {

using fmt::format;

std::string h(const std::string& text) {
  return html_escape(text);
}

double fraction(const Row& r) {
  return r.max_score > 0 ? r.score / r.max_score : 0;
}

int passed_tests(const Row& r) {
  return static_cast<int>(
      std::count_if(r.tests.begin(), r.tests.end(), [](auto& t) { return t.outcome == "passed"; }));
}

std::string badge(const std::string& status) {
  return format(R"(<span class="badge s-{}">{}</span>)", h(status), h(status));
}

std::string cards(const std::vector<Row>& rows, const ReportInfo& info) {
  std::vector<double> scores;
  for (const auto& r : rows) scores.push_back(r.score);
  std::sort(scores.begin(), scores.end());
  double mean = 0;
  for (double s : scores) mean += s;
  if (!scores.empty()) mean /= static_cast<double>(scores.size());
  const std::size_t n = scores.size();
  const double median = n == 0  ? 0
                        : n % 2 ? scores[n / 2]
                                : (scores[n / 2 - 1] + scores[n / 2]) / 2;
  const double max = rows.empty() ? 0 : rows.front().max_score;
  const auto full = std::count_if(rows.begin(), rows.end(), [](const Row& r) {
    return r.max_score > 0 && r.score >= r.max_score;
  });
  std::string html = R"(<div class="cards">)";
  auto card = [&](const std::string& value, const std::string& label) {
    html += format(R"(<div class="card"><div class="v">{}</div><div class="k">{}</div></div>)",
                   value, label);
  };
  card(std::to_string(rows.size()), "submissions graded");
  card(format("{:.2f} <small>/ {:g}</small>", mean, max), "mean score");
  card(format("{:.2f}", median), "median score");
  card(std::to_string(full), "full marks");
  if (info.not_graded > 0) card(std::to_string(info.not_graded), "not graded yet");
  return html + "</div>";
}

// Ten bins of the score as a share of the maximum; the last holds full marks too.
std::string histogram(const std::vector<Row>& rows) {
  constexpr int kBins = 10;
  int counts[kBins] = {};
  for (const auto& r : rows)
    counts[std::clamp(static_cast<int>(fraction(r) * kBins), 0, kBins - 1)]++;
  const int top = std::max(1, *std::max_element(counts, counts + kBins));
  const double max = rows.empty() ? 10 : rows.front().max_score;
  constexpr int kWidth = 520, kHeight = 220, kLeft = 30, kBottom = 30, kTop = 18;
  const double bin_w = static_cast<double>(kWidth - kLeft) / kBins;
  std::string svg = format(
      R"(<svg id="histogram" viewBox="0 0 {} {}" width="100%" role="img" aria-label="score histogram">)",
      kWidth, kHeight);
  const int plot_h = kHeight - kBottom - kTop;
  svg += format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#cbd2d9"/>)", kLeft,
                kHeight - kBottom, kWidth, kHeight - kBottom);
  for (int i = 0; i < kBins; i++) {
    const double x = kLeft + i * bin_w;
    const double bar_h = static_cast<double>(counts[i]) / top * plot_h;
    const double y = kHeight - kBottom - bar_h;
    if (counts[i] > 0) {
      svg += format(
          R"(<rect class="bar" data-count="{}" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" rx="3"><title>{} submissions</title></rect>)",
          counts[i], x + 3, y, bin_w - 6, bar_h, counts[i]);
      svg += format(R"(<text class="count" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)",
                    x + bin_w / 2, y - 4, counts[i]);
    }
    svg += format(R"(<text x="{:.1f}" y="{}" text-anchor="middle">{:g}–{:g}</text>)", x + bin_w / 2,
                  kHeight - kBottom + 16, max * i / kBins, max * (i + 1) / kBins);
  }
  return svg + "</svg>";
}

std::string status_breakdown(const std::vector<Row>& rows) {
  std::map<std::string, int> counts;
  for (const auto& r : rows) counts[r.status]++;
  std::string stack = R"(<div class="stack">)", legend = R"(<ul class="legend" id="statuses">)";
  for (const auto& info : grading::statuses()) {
    const std::string name(info.name);
    if (!info.final) continue;
    const int n = counts.count(name) ? counts[name] : 0;
    if (n > 0 && !rows.empty()) {
      stack += format(R"(<span class="s-{}" style="width:{:.2f}%" title="{} {}"></span>)", name,
                      100.0 * n / static_cast<double>(rows.size()), name, n);
    }
    legend += format(R"(<li data-status="{}"><span class="dot s-{}"></span>{} <b>{}</b></li>)",
                     name, name, name, n);
  }
  return stack + "</div>" + legend + "</ul>";
}

std::string test_rates(const std::vector<Row>& rows) {
  struct Rate {
    std::string name;
    int passed = 0, total = 0;
  };
  std::vector<Rate> rates;
  for (const auto& name : test_names(rows)) {
    Rate rate{name, 0, 0};
    for (const auto& r : rows) {
      for (const auto& t : r.tests) {
        if (t.name != name) continue;
        rate.total++;
        if (t.outcome == "passed") rate.passed++;
      }
    }
    rates.push_back(rate);
  }
  // The hardest tests first: what the course staff wants to look at.
  std::stable_sort(rates.begin(), rates.end(), [](const Rate& a, const Rate& b) {
    return static_cast<double>(a.passed) / std::max(1, a.total) <
           static_cast<double>(b.passed) / std::max(1, b.total);
  });
  std::string html =
      R"(<table id="tests"><thead><tr><th>Test</th><th>Pass rate</th><th class="num">Passed</th></tr></thead><tbody>)";
  for (const auto& rate : rates) {
    const double pct = rate.total ? 100.0 * rate.passed / rate.total : 0;
    html += format(
        R"(<tr><td>{}</td><td><div class="rate"><div class="track"><div class="fill" style="width:{:.1f}%"></div></div>{:.0f}%</div></td><td class="num">{}/{}</td></tr>)",
        h(rate.name), pct, pct, rate.passed, rate.total);
  }
  return html + "</tbody></table>";
}

std::string feedback_link(const Row& r, const std::string& text) {
  return format(R"(<a href="{}/feedback.json">{}</a>)", h(url_segment(r.id)), text);
}

std::string slowest(const std::vector<Row>& rows) {
  std::vector<const Row*> order;
  for (const auto& r : rows) order.push_back(&r);
  std::stable_sort(order.begin(), order.end(),
                   [](const Row* a, const Row* b) { return a->time_s > b->time_s; });
  if (order.size() > 10) order.resize(10);
  std::string html =
      R"(<table id="slowest"><thead><tr><th>Submission</th><th>Status</th><th class="num">Time (s)</th></tr></thead><tbody>)";
  for (const Row* r : order) {
    html += format(R"(<tr><td>{}</td><td>{}</td><td class="num">{:.1f}</td></tr>)",
                   feedback_link(*r, h(r->id)), badge(r->status), r->time_s);
  }
  return html + "</tbody></table>";
}

std::string submissions_table(const std::vector<Row>& rows) {
  std::string html =
      R"(<table id="submissions"><thead><tr><th data-col="id">Submission</th><th data-col="status">Status</th><th class="num" data-col="score">Score</th><th class="num" data-col="max">Max</th><th class="num" data-col="passed">Tests passed</th><th class="num" data-col="time">Time (s)</th><th data-col="output">Output</th></tr></thead><tbody>)";
  for (const auto& r : rows) {
    const std::string first_line = r.output.substr(0, r.output.find('\n'));
    html += format(
        R"(<tr><td data-v="{0}">{1} <small><a href="{2}/log.txt">log</a></small></td><td data-v="{3}">{4}</td><td class="num" data-v="{5}">{5:.2f}</td><td class="num" data-v="{6}">{6:g}</td><td class="num" data-v="{7}">{7}/{8}</td><td class="num" data-v="{9:.2f}">{9:.1f}</td><td class="out" data-v="{10}" title="{10}">{10}</td></tr>)",
        h(r.id), feedback_link(r, h(r.id)), h(url_segment(r.id)), h(r.status), badge(r.status),
        r.score, r.max_score, passed_tests(r), r.tests.size(), r.time_s, h(first_line));
  }
  return html + "</tbody></table>";
}

nlohmann::ordered_json data_json(const std::vector<Row>& rows, const ReportInfo& info) {
  nlohmann::ordered_json data;
  data["pit_id"] = info.pit_id;
  data["generated_at"] = info.generated_at;
  data["rows"] = nlohmann::ordered_json::array();
  for (const auto& r : rows) {
    nlohmann::ordered_json tests = nlohmann::ordered_json::object();
    for (const auto& t : r.tests) tests[t.name] = t.outcome;
    data["rows"].push_back({{"id", r.id},
                            {"status", r.status},
                            {"score", r.score},
                            {"max_score", r.max_score},
                            {"time_s", r.time_s},
                            {"tests", tests}});
  }
  return data;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string url_segment(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += format("%{:02X}", c);
    }
  }
  return out;
}

std::string script_safe_json(const std::string& json) {
  std::string out;
  for (const char c : json) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out += c;
  }
  return out;
}

std::string report_html(const std::vector<Row>& rows, const ReportInfo& info) {
  const std::string title = info.pit_title.empty() ? info.pit_id : info.pit_title;
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  // No network at all: a page opened from a student-controlled out folder must not load anything.
  html +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">";
  html += format("<title>{} — batch report</title><style>{}</style></head><body>", h(title),
                 report_css());
  html += format(
      "<header><h1>{} <small>({})</small></h1><p>runner grade-all · {} · {} "
      "submissions</p></header><main>",
      h(title), h(info.pit_id), h(info.generated_at), rows.size());
  html += cards(rows, info);
  html +=
      R"(<div class="grid2"><section><h2>Score distribution</h2>)" + histogram(rows) +
      R"(<p class="note">Submissions per band of points; the last band holds full marks.</p></section>)";
  html += "<section><h2>Status</h2>" + status_breakdown(rows) +
          "<h2 style=\"margin-top:18px\">Slowest submissions</h2>" + slowest(rows) +
          "</section></div>";
  html +=
      "<section><h2>Pass rate per test</h2>" + test_rates(rows) +
      R"(<p class="note">Hardest first. A test that did not run counts as not passed.</p></section>)";
  html += "<section><h2>All submissions</h2>" + submissions_table(rows) +
          R"(<p class="note">Click a column header to sort.</p></section>)";
  html += R"(<pre id="selftest"></pre></main>)";
  html +=
      "<script type=\"application/json\" id=\"batch-data\">" +
      script_safe_json(
          data_json(rows, info).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) +
      "</script>";
  html += std::string("<script>") + report_js() + "</script></body></html>\n";
  return html;
}

}  // namespace runner::batch
