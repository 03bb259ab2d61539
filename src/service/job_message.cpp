#include "service/job_message.hpp"

#include <nlohmann/json.hpp>

namespace runner::service {

namespace {
std::string string_field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}
}  // namespace

ParseResult parse_job_message(const std::string& body) {
  ParseResult r;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error&) {
    r.error = "message body is not JSON";
    return r;
  }
  if (!j.is_object()) {
    r.error = "message body is not a JSON object";
    return r;
  }
  r.submission_id = string_field(j, "submissionId");
  r.pit_id = string_field(j, "pitId");
  const std::string zip_key = string_field(j, "zipKey");
  std::string missing;
  using Field = std::pair<const char*, const std::string*>;
  for (auto [name, value] : {Field{"submissionId", &r.submission_id}, Field{"pitId", &r.pit_id},
                             Field{"zipKey", &zip_key}}) {
    if (value->empty()) missing += std::string(missing.empty() ? "" : ", ") + name;
  }
  if (!missing.empty()) {
    r.error = "message lacks string field(s): " + missing;
    return r;
  }
  if (!is_safe_pit_id(r.pit_id)) {
    // It names a folder under RUNNER_PITS_DIR: no runner can ever have such a PIT.
    r.error = "pitId is not a folder name (separators, '..' or control characters)";
    return r;
  }
  r.job = JobMessage{r.submission_id, r.pit_id, zip_key};
  return r;
}

bool is_safe_pit_id(const std::string& id) {
  if (id.empty() || id == "." || id == ".." || id.size() > 200) return false;
  for (unsigned char c : id) {
    if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace runner::service
