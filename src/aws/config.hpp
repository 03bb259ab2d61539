#pragma once
// Client settings, read from an explicit variable map (the process environment, a .env file,
// or a test's own map) rather than from getenv deep inside the library.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials.hpp"
#include "aws/http.hpp"
#include "aws/retry.hpp"

namespace runner::aws {

// Receives one line per HTTP attempt (operation, method, URL, status, duration). Secrets never
// reach it: signatures and tokens are masked.
using LogSink = std::function<void(std::string_view)>;

struct ClientConfig {
  std::string region;                       // AWS_REGION, AWS_DEFAULT_REGION, then the profile's
  std::optional<std::string> endpoint;      // AWS_ENDPOINT_URL
  std::optional<std::string> endpoint_s3;   // AWS_ENDPOINT_URL_S3
  std::optional<std::string> endpoint_sqs;  // AWS_ENDPOINT_URL_SQS
  // AWS_S3_FORCE_PATH_STYLE; when unset, path style is used exactly when a custom S3 endpoint is.
  std::optional<bool> s3_force_path_style;
  RetryOptions retry;  // max_attempts from AWS_MAX_ATTEMPTS
  HttpOptions http;    // ca_bundle from AWS_CA_BUNDLE, proxy from HTTPS_PROXY
  std::chrono::milliseconds request_timeout{30000};    // SQS calls (long polls add their wait)
  std::chrono::milliseconds transfer_timeout{900000};  // S3 object bodies
  LogSink log;

  // Throws std::invalid_argument naming the variable for malformed values.
  static ClientConfig from_env(const Env& env);
};

}  // namespace runner::aws
