#include "aws/endpoints.hpp"

#include <stdexcept>

#include "aws/uri_encode.hpp"

namespace runner::aws {

namespace {
void require_region(const ClientConfig& config, const char* service) {
  if (config.region.empty()) {
    throw std::invalid_argument(std::string("no AWS region configured for ") + service +
                                " (set AWS_REGION)");
  }
}

std::string strip_trailing_slash(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}
}  // namespace

std::string dns_suffix(const std::string& region) {
  return region.rfind("cn-", 0) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
}

Url sqs_endpoint(const ClientConfig& config) {
  if (config.endpoint_sqs) return Url::parse(*config.endpoint_sqs);
  if (config.endpoint) return Url::parse(*config.endpoint);
  require_region(config, "SQS");
  return Url::parse("https://sqs." + config.region + "." + dns_suffix(config.region));
}

bool virtual_host_compatible(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  if (bucket.front() == '-' || bucket.back() == '-') return false;
  for (char c : bucket) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;  // dots would break TLS wildcard matching, so they count as bad too
  }
  return true;
}

S3Location s3_location(const ClientConfig& config, const std::string& bucket,
                       const std::string& key) {
  if (bucket.empty()) throw std::invalid_argument("empty S3 bucket name");
  std::optional<std::string> custom = config.endpoint_s3 ? config.endpoint_s3 : config.endpoint;
  S3Location loc;
  if (custom) {
    loc.endpoint = Url::parse(*custom);
  } else {
    require_region(config, "S3");
    loc.endpoint = Url::parse("https://s3." + config.region + "." + dns_suffix(config.region));
  }
  bool path_style =
      config.s3_force_path_style.value_or(custom.has_value()) || !virtual_host_compatible(bucket);
  std::string base = strip_trailing_slash(loc.endpoint.path);
  loc.endpoint.path.clear();
  std::string encoded_key = uri_encode(key, true);
  if (path_style) {
    loc.path = base + "/" + uri_encode(bucket, false);
    if (!key.empty()) loc.path += "/" + encoded_key;
  } else {
    loc.endpoint.host = bucket + "." + loc.endpoint.host;
    loc.path = base + "/" + encoded_key;
  }
  return loc;
}

}  // namespace runner::aws
