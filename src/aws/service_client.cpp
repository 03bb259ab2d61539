#include "aws/service_client.hpp"

#include <fmt/format.h>

#include "aws/clock_skew.hpp"
#include "aws/error.hpp"
#include "util/crypto.hpp"

namespace runner::aws {

namespace {

FailureKind transport_failure_kind(TransportError::Kind kind) {
  switch (kind) {
    case TransportError::Kind::Connect:
    case TransportError::Kind::Connection:
      return FailureKind::Transient;
    case TransportError::Kind::Timeout:
      return FailureKind::Timeout;
    default:
      // TLS verification failures, local file errors and size limits will not fix themselves.
      return FailureKind::None;
  }
}

std::string transport_code(TransportError::Kind kind) {
  switch (kind) {
    case TransportError::Kind::Connect:
      return "ConnectionFailed";
    case TransportError::Kind::Timeout:
      return "Timeout";
    case TransportError::Kind::Connection:
      return "ConnectionBroken";
    case TransportError::Kind::Tls:
      return "TlsError";
    case TransportError::Kind::TooLarge:
      return "ResponseTooLarge";
    case TransportError::Kind::LocalIo:
      return "LocalIoError";
    default:
      return "TransportError";
  }
}

long elapsed_ms(std::chrono::steady_clock::time_point start) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count());
}

}  // namespace

ServiceClient::ServiceClient(std::string service, ClientConfig config,
                             std::shared_ptr<CredentialsProvider> credentials,
                             std::shared_ptr<HttpClient> http, std::shared_ptr<RetryStrategy> retry)
    : service_(std::move(service)),
      config_(std::move(config)),
      credentials_(std::move(credentials)),
      http_(http ? std::move(http) : std::make_shared<HttpClient>(config_.http)),
      retry_(retry ? std::move(retry) : std::make_shared<RetryStrategy>(config_.retry)) {
  // Local emulators accept any region; real endpoints need the right one, which the endpoint
  // resolution already insists on.
  signing_region_ = config_.region.empty() ? "us-east-1" : config_.region;
}

void ServiceClient::log(const std::string& line) const {
  if (config_.log) config_.log(line);
}

HttpResponse ServiceClient::send(const ServiceRequest& request, const ErrorParser& parse_error) {
  const std::string payload_hash =
      !request.payload_hash.empty() ? request.payload_hash : util::sha256_hex(request.body);
  const int max_attempts = retry_->options().max_attempts;
  std::string url = request.endpoint.origin() + request.path;
  if (!request.query.empty()) url += "?" + encode_query(request.query);
  FailureKind last_failure = FailureKind::None;
  bool skew_corrected = false;  // the one immediate re-signed attempt was made

  for (int attempt = 1;; ++attempt) {
    // The attempt number the retry policy counts: a skew correction's extra attempt is free.
    const int counted = skew_corrected ? attempt - 1 : attempt;
    Credentials creds = credentials_->get();
    SigningRequest signing;
    signing.method = request.method;
    signing.path = request.path;
    signing.query = request.query;
    signing.headers = request.headers;
    signing.headers.emplace_back("host", request.endpoint.authority());
    if (service_ == "s3") signing.headers.emplace_back("x-amz-content-sha256", payload_hash);
    signing.payload_hash = payload_hash;
    const Clock::time_point signed_at = now_() + std::chrono::milliseconds(clock_offset_ms_.load());
    add_signature(signing, creds, SigningScope{signing_region_, service_, signed_at});

    HttpRequest http_request;
    http_request.method = request.method;
    http_request.url = url;
    http_request.headers = signing.headers;
    http_request.body = request.body;
    http_request.body_file = request.body_file;
    http_request.response_file = request.response_file;
    http_request.max_response_bytes = request.max_response_bytes;
    http_request.timeout = request.timeout;

    const auto start = std::chrono::steady_clock::now();
    const std::string what =
        fmt::format("aws {} {} {} {}", service_, request.operation, request.method, url);
    AwsError::Details details;
    details.service = service_;
    details.operation = request.operation;
    details.resource = request.resource;
    details.attempts = attempt;
    FailureKind kind = FailureKind::None;
    try {
      HttpResponse response = http_->perform(http_request);
      log(fmt::format("{} -> {} in {} ms (attempt {}/{}) [{}]", what, response.status,
                      elapsed_ms(start), counted, max_attempts,
                      describe_headers(http_request.headers)));
      if (response.status >= 200 && response.status < 300) {
        retry_->on_success(counted > 1, last_failure);
        return response;
      }
      ServiceErrorInfo info = parse_error(response);
      if (info.request_id.empty()) {
        info.request_id = response.header("x-amz-request-id")
                              .value_or(response.header("x-amzn-requestid").value_or(""));
      }
      details.code = info.code;
      details.message = info.message;
      details.request_id = info.request_id;
      details.http_status = response.status;
      kind = classify_response(response.status, info.code);
      if (!skew_corrected) {
        if (auto server = clock_skew_server_time(response, info.code, info.message, signed_at)) {
          const auto local = now_();
          const auto offset =
              std::chrono::duration_cast<std::chrono::milliseconds>(*server - local);
          clock_offset_ms_.store(offset.count());
          skew_corrected = true;
          log(
              fmt::format("{}: {} with server time {} and local time {}: clock offset now {} ms; "
                          "signing again",
                          what, info.code, amz_date(*server), amz_date(local), offset.count()));
          continue;
        }
      }
    } catch (const TransportError& e) {
      log(fmt::format("{} -> {} after {} ms (attempt {}/{})", what, e.what(), elapsed_ms(start),
                      counted, max_attempts));
      details.code = transport_code(e.kind());
      details.message = e.what();
      kind = transport_failure_kind(e.kind());
      details.network = kind != FailureKind::None;
    }
    details.retryable = kind != FailureKind::None;
    if (!retry_->should_retry(counted, kind)) throw AwsError(std::move(details));
    last_failure = kind;
    auto delay = retry_->backoff(counted);
    log(fmt::format("{}: {} is retryable; attempt {} in {} ms", what, details.code, counted + 1,
                    delay.count()));
    retry_->sleep(delay);
  }
}

std::shared_ptr<CredentialsProvider> default_credentials(const Env& env) {
  return std::make_shared<DefaultCredentialsChain>(env);
}

}  // namespace runner::aws
