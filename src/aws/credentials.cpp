// Local credential sources: environment variables and the shared credentials/config files.
#include "aws/credentials.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "aws/ini.hpp"
#include "util/text.hpp"

namespace runner::aws {

namespace {

std::string home_file(const Env& env, const std::string& override_var, const char* relative) {
  std::string path = util::value_of(env, override_var);
  if (path.empty()) {
    std::string home = util::value_of(env, "HOME");
    if (home.empty()) return {};
    return home + "/.aws/" + relative;
  }
  if (path.rfind("~/", 0) == 0) return util::value_of(env, "HOME") + path.substr(1);
  return path;
}

// nullopt when the file does not exist; throws when it exists but cannot be read.
std::optional<IniFile> read_ini(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_ini(buffer.str());
}

const IniSection* find_config_section(const IniFile& file, const std::string& profile) {
  // The config file names profiles "[profile NAME]", except the default, which may be
  // "[default]" (and "[profile default]" is accepted too).
  for (const auto& [name, section] : file) {
    if (name.rfind("profile", 0) == 0 && name.size() > 7 && (name[7] == ' ' || name[7] == '\t')) {
      std::string rest = name.substr(8);
      rest.erase(0, rest.find_first_not_of(" \t"));
      if (rest == profile) return &section;
    }
  }
  if (profile == "default") {
    auto it = file.find("default");
    if (it != file.end()) return &it->second;
  }
  return nullptr;
}

std::optional<Credentials> from_section(const IniSection& s, const std::string& source) {
  auto id = s.find("aws_access_key_id");
  auto secret = s.find("aws_secret_access_key");
  if (id == s.end() || secret == s.end() || id->second.empty() || secret->second.empty()) {
    return std::nullopt;
  }
  Credentials c;
  c.access_key_id = id->second;
  c.secret_access_key = secret->second;
  if (auto token = s.find("aws_session_token"); token != s.end()) c.session_token = token->second;
  c.source = source;
  return c;
}

}  // namespace

std::optional<Credentials> credentials_from_env(const Env& env) {
  Credentials c;
  c.access_key_id = util::value_of(env, "AWS_ACCESS_KEY_ID");
  c.secret_access_key = util::value_of(env, "AWS_SECRET_ACCESS_KEY");
  if (c.access_key_id.empty() || c.secret_access_key.empty()) return std::nullopt;
  c.session_token = util::value_of(env, "AWS_SESSION_TOKEN");
  c.source = "environment";
  return c;
}

std::string profile_name(const Env& env) {
  std::string p = util::value_of(env, "AWS_PROFILE");
  return p.empty() ? "default" : p;
}

std::optional<Credentials> credentials_from_profile(const Env& env) {
  std::string profile = profile_name(env);
  std::string source = "profile " + profile;
  if (auto creds = read_ini(home_file(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials"))) {
    if (auto it = creds->find(profile); it != creds->end()) {
      if (auto c = from_section(it->second, source)) return c;
    }
  }
  if (auto config = read_ini(home_file(env, "AWS_CONFIG_FILE", "config"))) {
    if (const IniSection* s = find_config_section(*config, profile)) {
      if (auto c = from_section(*s, source)) return c;
    }
  }
  return std::nullopt;
}

std::optional<std::string> region_from_profile(const Env& env) {
  auto config = read_ini(home_file(env, "AWS_CONFIG_FILE", "config"));
  if (!config) return std::nullopt;
  const IniSection* s = find_config_section(*config, profile_name(env));
  if (s == nullptr) return std::nullopt;
  auto it = s->find("region");
  if (it == s->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

Credentials parse_credentials_json(const std::string& body, const std::string& source) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error("response is not JSON");
  }
  if (!doc.is_object()) throw std::runtime_error("response is not a JSON object");
  // IMDS reports failures in-band: {"Code": "...", "Message": "..."}.
  if (auto code = doc.find("Code"); code != doc.end() && code->is_string() && *code != "Success") {
    std::string message = doc.value("Message", "");
    throw std::runtime_error("credentials endpoint returned Code " + code->get<std::string>() +
                             (message.empty() ? "" : ": " + message));
  }
  auto field = [&](const char* name) -> std::string {
    auto it = doc.find(name);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  Credentials c;
  c.access_key_id = field("AccessKeyId");
  c.secret_access_key = field("SecretAccessKey");
  c.session_token = field("Token");
  c.source = source;
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    throw std::runtime_error("response lacks AccessKeyId or SecretAccessKey");
  }
  if (std::string exp = field("Expiration"); !exp.empty()) {
    c.expiration = parse_iso8601(exp);
    if (!c.expiration) throw std::runtime_error("unparseable Expiration '" + exp + "'");
  }
  return c;
}

}  // namespace runner::aws
