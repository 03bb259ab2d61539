#pragma once
// What S3 and SQS share: resolve credentials, sign each attempt with SigV4, send it, classify
// the failure, and retry in the SDKs' standard mode. Service-specific parts (the wire format of
// errors, the shape of requests) stay in s3.cpp and sqs.cpp.
//
// Clock skew: when a response is a clock-skew error (see clock_skew.hpp), the client stores
// offset = server time - local time, signs the request again with the corrected time and sends
// it at once (no backoff, no retry tokens; once per send()). Every later request is signed at
// local time + offset.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "aws/config.hpp"
#include "aws/credentials.hpp"
#include "aws/http.hpp"
#include "aws/retry.hpp"
#include "aws/sigv4.hpp"
#include "aws/url.hpp"

namespace runner::aws {

struct ServiceRequest {
  std::string operation;  // "GetObject"; for errors and logs
  std::string resource;   // "s3://bucket/key"; for errors and logs
  std::string method = "GET";
  Url endpoint;
  std::string path = "/";  // encoded, as on the wire
  QueryParams query;       // unencoded
  Headers headers;         // extra headers to send and sign (content-type, x-amz-target, ...)
  std::string body;
  std::filesystem::path body_file;  // streams the body from this file instead
  std::string payload_hash;         // hex SHA-256 of the body; computed from `body` when empty
  std::filesystem::path response_file;
  std::optional<std::uint64_t> max_response_bytes;
  std::chrono::milliseconds timeout{30000};
};

struct ServiceErrorInfo {
  std::string code;
  std::string message;
  std::string request_id;
};
using ErrorParser = std::function<ServiceErrorInfo(const HttpResponse&)>;

class ServiceClient {
 public:
  // `service` is the SigV4 signing name ("s3", "sqs"). A null http or retry gets a fresh one.
  ServiceClient(std::string service, ClientConfig config,
                std::shared_ptr<CredentialsProvider> credentials,
                std::shared_ptr<HttpClient> http = nullptr,
                std::shared_ptr<RetryStrategy> retry = nullptr);

  // Sends with retries. Returns the 2xx response; throws AwsError otherwise.
  HttpResponse send(const ServiceRequest& request, const ErrorParser& parse_error);

  const ClientConfig& config() const { return config_; }
  RetryStrategy& retry() { return *retry_; }
  const std::string& signing_region() const { return signing_region_; }
  // Test seam: the local clock (x-amz-date is this plus clock_offset()).
  void set_clock(std::function<Clock::time_point()> now) { now_ = std::move(now); }
  // The learned clock correction (server time - local time); zero until a skew error is seen.
  std::chrono::milliseconds clock_offset() const {
    return std::chrono::milliseconds(clock_offset_ms_.load());
  }

 private:
  struct Call;
  struct Outcome;
  // The steps of send(): describe the call once; per attempt sign it, send it and read the
  // error, correct the clock when the error says it is off; then back off or give up.
  Call describe(const ServiceRequest& request, const ErrorParser& parse_error) const;
  HttpRequest sign(const Call& call, Clock::time_point& signed_at) const;
  Outcome try_once(const Call& call, int attempt, int counted, bool may_correct_clock);
  void read_error_response(const Call& call, const HttpResponse& response,
                           Clock::time_point signed_at, bool may_correct_clock, Outcome& outcome);
  bool correct_clock(const Call& call, const HttpResponse& response, const ServiceErrorInfo& info,
                     Clock::time_point signed_at);
  void back_off_or_throw(const Call& call, Outcome outcome, int counted);
  void log(const std::string& line) const;

  std::string service_;
  ClientConfig config_;
  std::string signing_region_;
  std::shared_ptr<CredentialsProvider> credentials_;
  std::shared_ptr<HttpClient> http_;
  std::shared_ptr<RetryStrategy> retry_;
  std::function<Clock::time_point()> now_ = [] { return Clock::now(); };
  std::atomic<long long> clock_offset_ms_{0};
};

// The default credentials for a config's environment: the SDK chain with caching.
std::shared_ptr<CredentialsProvider> default_credentials(const Env& env);

}  // namespace runner::aws
