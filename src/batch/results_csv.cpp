#include "batch/results_csv.hpp"

#include <fmt/format.h>

namespace runner::batch {

std::string csv_field(const std::string& text, bool is_text) {
  std::string value = text;
  if (is_text && !value.empty() &&
      std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) {
    value.insert(0, "'");
  }
  const bool quote = value.find_first_of(",\"\r\n") != std::string::npos ||
                     (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!quote) return value;
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string results_csv(const std::vector<Row>& rows) {
  const auto names = test_names(rows);
  std::string csv = "id,status,score,max_score,time_s";
  for (const auto& name : names) csv += "," + csv_field(name);
  csv += "\r\n";
  for (const auto& r : rows) {
    csv += csv_field(r.id) + "," + csv_field(r.status) + "," +
           fmt::format("{},{},{:.2f}", r.score, r.max_score, r.time_s);
    for (const auto& name : names) {
      std::string cell;
      for (const auto& t : r.tests) {
        if (t.name == name) cell = t.outcome;
      }
      csv += "," + csv_field(cell);
    }
    csv += "\r\n";
  }
  return csv;
}

}  // namespace runner::batch
