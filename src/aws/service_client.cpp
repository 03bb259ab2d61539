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

// What stays the same across the attempts of one send().
struct ServiceClient::Call {
  const ServiceRequest& request;
  const ErrorParser& parse_error;
  std::string payload_hash;
  std::string url;
  std::string what;  // "aws s3 GetObject GET <url>", for log lines
};

// One attempt's result: the 2xx response, or the failure (with its retry class), or the news
// that the clock offset was corrected and the request should be signed and sent again at once.
struct ServiceClient::Outcome {
  std::optional<HttpResponse> response;
  AwsError::Details details;
  FailureKind kind = FailureKind::None;
  bool clock_corrected = false;
};

ServiceClient::Call ServiceClient::describe(const ServiceRequest& request,
                                            const ErrorParser& parse_error) const {
  std::string url = request.endpoint.origin() + request.path;
  if (!request.query.empty()) url += "?" + encode_query(request.query);
  std::string what =
      fmt::format("aws {} {} {} {}", service_, request.operation, request.method, url);
  return Call{request, parse_error,
              !request.payload_hash.empty() ? request.payload_hash : util::sha256_hex(request.body),
              std::move(url), std::move(what)};
}

HttpResponse ServiceClient::send(const ServiceRequest& request, const ErrorParser& parse_error) {
  const Call call = describe(request, parse_error);
  FailureKind last_failure = FailureKind::None;
  bool skew_corrected = false;  // the one immediate re-signed attempt was made
  for (int attempt = 1;; ++attempt) {
    // The attempt number the retry policy counts: a skew correction's extra attempt is free.
    const int counted = skew_corrected ? attempt - 1 : attempt;
    Outcome outcome = try_once(call, attempt, counted, !skew_corrected);
    if (outcome.response) {
      retry_->on_success(counted > 1, last_failure);
      return std::move(*outcome.response);
    }
    if (outcome.clock_corrected) {
      skew_corrected = true;
      continue;
    }
    last_failure = outcome.kind;
    back_off_or_throw(call, std::move(outcome), counted);
  }
}

HttpRequest ServiceClient::sign(const Call& call, Clock::time_point& signed_at) const {
  const ServiceRequest& request = call.request;
  Credentials creds = credentials_->get();
  SigningRequest signing;
  signing.method = request.method;
  signing.path = request.path;
  signing.query = request.query;
  signing.headers = request.headers;
  signing.headers.emplace_back("host", request.endpoint.authority());
  if (service_ == "s3") signing.headers.emplace_back("x-amz-content-sha256", call.payload_hash);
  signing.payload_hash = call.payload_hash;
  signed_at = now_() + std::chrono::milliseconds(clock_offset_ms_.load());
  add_signature(signing, creds, SigningScope{signing_region_, service_, signed_at});

  HttpRequest http_request;
  http_request.method = request.method;
  http_request.url = call.url;
  http_request.headers = std::move(signing.headers);
  http_request.body = request.body;
  http_request.body_file = request.body_file;
  http_request.response_file = request.response_file;
  http_request.max_response_bytes = request.max_response_bytes;
  http_request.timeout = request.timeout;
  return http_request;
}

ServiceClient::Outcome ServiceClient::try_once(const Call& call, int attempt, int counted,
                                               bool may_correct_clock) {
  Clock::time_point signed_at;
  const HttpRequest http_request = sign(call, signed_at);
  const int max_attempts = retry_->options().max_attempts;
  const auto start = std::chrono::steady_clock::now();
  Outcome outcome;
  outcome.details.service = service_;
  outcome.details.operation = call.request.operation;
  outcome.details.resource = call.request.resource;
  outcome.details.attempts = attempt;
  try {
    HttpResponse response = http_->perform(http_request);
    log(fmt::format("{} -> {} in {} ms (attempt {}/{}) [{}]", call.what, response.status,
                    elapsed_ms(start), counted, max_attempts,
                    describe_headers(http_request.headers)));
    if (response.status >= 200 && response.status < 300) {
      outcome.response = std::move(response);
    } else {
      read_error_response(call, response, signed_at, may_correct_clock, outcome);
    }
  } catch (const TransportError& e) {
    log(fmt::format("{} -> {} after {} ms (attempt {}/{})", call.what, e.what(), elapsed_ms(start),
                    counted, max_attempts));
    outcome.details.code = transport_code(e.kind());
    outcome.details.message = e.what();
    outcome.kind = transport_failure_kind(e.kind());
    outcome.details.network = outcome.kind != FailureKind::None;
  }
  return outcome;
}

void ServiceClient::read_error_response(const Call& call, const HttpResponse& response,
                                        Clock::time_point signed_at, bool may_correct_clock,
                                        Outcome& outcome) {
  ServiceErrorInfo info = call.parse_error(response);
  if (info.request_id.empty()) {
    info.request_id = response.header("x-amz-request-id")
                          .value_or(response.header("x-amzn-requestid").value_or(""));
  }
  outcome.details.code = info.code;
  outcome.details.message = info.message;
  outcome.details.request_id = info.request_id;
  outcome.details.http_status = response.status;
  outcome.kind = classify_response(response.status, info.code);
  if (may_correct_clock) {
    outcome.clock_corrected = correct_clock(call, response, info, signed_at);
  }
}

bool ServiceClient::correct_clock(const Call& call, const HttpResponse& response,
                                  const ServiceErrorInfo& info, Clock::time_point signed_at) {
  auto server = clock_skew_server_time(response, info.code, info.message, signed_at);
  if (!server) return false;
  const auto local = now_();
  const auto offset = std::chrono::duration_cast<std::chrono::milliseconds>(*server - local);
  clock_offset_ms_.store(offset.count());
  log(fmt::format(
      "{}: {} with server time {} and local time {}: clock offset now {} ms; signing again",
      call.what, info.code, amz_date(*server), amz_date(local), offset.count()));
  return true;
}

void ServiceClient::back_off_or_throw(const Call& call, Outcome outcome, int counted) {
  outcome.details.retryable = outcome.kind != FailureKind::None;
  if (!retry_->should_retry(counted, outcome.kind)) throw AwsError(std::move(outcome.details));
  auto delay = retry_->backoff(counted);
  log(fmt::format("{}: {} is retryable; attempt {} in {} ms", call.what, outcome.details.code,
                  counted + 1, delay.count()));
  retry_->sleep(delay);
}

std::shared_ptr<CredentialsProvider> default_credentials(const Env& env) {
  return std::make_shared<DefaultCredentialsChain>(env);
}

}  // namespace runner::aws
