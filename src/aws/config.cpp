#include "aws/config.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "util/text.hpp"

namespace runner::aws {

namespace {
std::optional<std::string> get(const Env& env, const std::string& name) {
  std::string value = util::value_of(env, name);
  if (value.empty()) return std::nullopt;
  return value;
}

bool parse_bool(const std::string& name, const std::string& value) {
  if (auto b = util::parse_bool(value)) return *b;
  throw std::invalid_argument(name + ": '" + value + "' is not true or false");
}
}  // namespace

ClientConfig ClientConfig::from_env(const Env& env) {
  ClientConfig c;
  if (auto r = get(env, "AWS_REGION")) {
    c.region = *r;
  } else if (auto d = get(env, "AWS_DEFAULT_REGION")) {
    c.region = *d;
  } else if (auto p = region_from_profile(env)) {
    c.region = *p;
  }
  c.endpoint = get(env, "AWS_ENDPOINT_URL");
  c.endpoint_s3 = get(env, "AWS_ENDPOINT_URL_S3");
  c.endpoint_sqs = get(env, "AWS_ENDPOINT_URL_SQS");
  if (auto v = get(env, "AWS_S3_FORCE_PATH_STYLE")) {
    c.s3_force_path_style = parse_bool("AWS_S3_FORCE_PATH_STYLE", *v);
  }
  if (auto v = get(env, "AWS_MAX_ATTEMPTS")) {
    int n = 0;
    bool ok = !v->empty() && v->size() < 4 &&
              std::all_of(v->begin(), v->end(), [](unsigned char ch) { return std::isdigit(ch); });
    if (ok) n = std::stoi(*v);
    if (!ok || n < 1) {
      throw std::invalid_argument("AWS_MAX_ATTEMPTS: '" + *v + "' is not an integer in [1, 999]");
    }
    c.retry.max_attempts = n;
  }
  if (auto v = get(env, "AWS_CA_BUNDLE")) c.http.ca_bundle = *v;
  for (const char* name : {"HTTPS_PROXY", "https_proxy"}) {
    if (auto v = get(env, name)) {
      c.http.proxy = *v;
      break;
    }
  }
  for (const char* name : {"NO_PROXY", "no_proxy"}) {
    if (auto v = get(env, name)) {
      c.http.no_proxy = *v;
      break;
    }
  }
  return c;
}

}  // namespace runner::aws
