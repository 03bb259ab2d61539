// Credential sources reached over HTTP: the ECS container endpoint and EC2 IMDSv2.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "aws/ascii.hpp"
#include "aws/credentials.hpp"
#include "aws/error.hpp"
#include "aws/fail.hpp"
#include "aws/http.hpp"
#include "aws/url.hpp"
#include "util/text.hpp"

namespace runner::aws {

namespace {

constexpr char kContainerOperation[] = "ContainerCredentials";

[[noreturn]] void fail(const std::string& operation, const std::string& resource,
                       const std::string& code, const std::string& message, long status = 0) {
  throw_aws_error("credentials", operation, resource, code, message, status);
}

HttpOptions metadata_http_options(const RemoteCredentialsOptions& o) {
  HttpOptions h;
  h.connect_timeout = o.timeout;
  h.proxy = "";  // metadata endpoints are link-local: never through a proxy
  return h;
}

bool network_failure(TransportError::Kind kind) {
  return kind == TransportError::Kind::Connect || kind == TransportError::Kind::Connection ||
         kind == TransportError::Kind::Timeout;
}

// One GET/PUT, retried with backoff (base, 2 base, 4 base, ...) on connection failures,
// timeouts and 5xx. When every attempt fails: AwsError CredentialsEndpointUnavailable naming
// the URL, the last failure and the number of attempts.
HttpResponse fetch(HttpClient& http, const HttpRequest& request, const RemoteCredentialsOptions& o,
                   const std::string& operation) {
  const int attempts = std::max(1, o.attempts);
  AwsError::Details d;
  d.service = "credentials";
  d.operation = operation;
  d.resource = request.url;
  d.code = "CredentialsEndpointUnavailable";
  d.retryable = true;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    d.attempts = attempt;
    try {
      HttpResponse r = http.perform(request);
      if (r.status < 500) return r;
      d.http_status = r.status;
      d.network = false;
      d.message = "the endpoint answered with a server error";
    } catch (const TransportError& e) {
      d.http_status = 0;
      d.message = e.what();
      d.network = network_failure(e.kind());
      if (!d.network) {
        // TLS failures and the like will not fix themselves.
        d.retryable = false;
        break;
      }
    }
    if (attempt < attempts) {
      std::this_thread::sleep_for(o.retry_base_delay * (1 << std::min(attempt - 1, 16)));
    }
  }
  throw AwsError(std::move(d));
}

// A credentials document: a 200 carrying the JSON that the ECS endpoint and IMDS both send.
Credentials fetch_credentials(HttpClient& http, const HttpRequest& request,
                              const RemoteCredentialsOptions& o, const std::string& operation,
                              const std::string& source) {
  HttpResponse r = fetch(http, request, o, operation);
  if (r.status != 200) {
    fail(operation, request.url, "CredentialsEndpointError", "unexpected response", r.status);
  }
  try {
    return parse_credentials_json(r.body, source);
  } catch (const std::runtime_error& e) {
    fail(operation, request.url, "InvalidCredentialsResponse", e.what(), r.status);
  }
}

// Plain http is allowed only to hosts that cannot be intercepted off the machine, as the SDKs do.
bool allowed_http_host(const std::string& host) {
  return host.rfind("127.", 0) == 0 || host == "localhost" || host == "[::1]" ||
         host == "169.254.170.2" || host == "169.254.170.23" || host == "[fd00:ec2::23]";
}

std::string read_token_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    fail(kContainerOperation, path, "InvalidConfiguration",
         "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string token = buffer.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI against the ECS host, else the checked
// AWS_CONTAINER_CREDENTIALS_FULL_URI.
std::string container_url(const Env& env, const std::string& ecs_host) {
  if (std::string relative = util::value_of(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
      !relative.empty()) {
    if (relative.front() != '/') relative.insert(relative.begin(), '/');
    return ecs_host + relative;
  }
  std::string url = util::value_of(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  Url parsed;
  try {
    parsed = Url::parse(url);
  } catch (const std::invalid_argument& e) {
    fail(kContainerOperation, "AWS_CONTAINER_CREDENTIALS_FULL_URI", "InvalidConfiguration",
         e.what());
  }
  if (parsed.scheme == "http" && !allowed_http_host(parsed.host)) {
    fail(kContainerOperation, url, "InvalidConfiguration",
         "AWS_CONTAINER_CREDENTIALS_FULL_URI over http must point to a loopback or ECS/EKS "
         "address");
  }
  return url;
}

// The Authorization value: the token file wins over the variable.
std::string container_token(const Env& env, const std::string& url) {
  std::string token;
  if (std::string file = util::value_of(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
      !file.empty()) {
    token = read_token_file(file);
  } else {
    token = util::value_of(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (token.find_first_of("\r\n") != std::string::npos) {
    fail(kContainerOperation, url, "InvalidConfiguration",
         "the container authorization token contains a newline");
  }
  return token;
}

}  // namespace

ContainerCredentialsProvider::ContainerCredentialsProvider(Env env,
                                                           RemoteCredentialsOptions options)
    : env_(std::move(env)), options_(std::move(options)) {}

bool ContainerCredentialsProvider::configured(const Env& env) {
  return !util::value_of(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty() ||
         !util::value_of(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI").empty();
}

Credentials ContainerCredentialsProvider::get() {
  const std::string url = container_url(env_, options_.ecs_host);
  const std::string token = container_token(env_, url);
  HttpClient http(metadata_http_options(options_));
  HttpRequest request;
  request.url = url;
  request.timeout = options_.timeout;
  if (!token.empty()) request.headers.emplace_back("Authorization", token);
  return fetch_credentials(http, request, options_, kContainerOperation, "container");
}

ImdsCredentialsProvider::ImdsCredentialsProvider(Env env, RemoteCredentialsOptions options)
    : env_(std::move(env)), options_(std::move(options)) {}

bool ImdsCredentialsProvider::disabled(const Env& env) {
  return ascii_lower(util::value_of(env, "AWS_EC2_METADATA_DISABLED")) == "true";
}

Credentials ImdsCredentialsProvider::get() {
  const std::string op = "InstanceMetadata";
  std::string endpoint = util::value_of(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (endpoint.empty()) endpoint = options_.imds_endpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  HttpClient http(metadata_http_options(options_));

  HttpRequest token_request;
  token_request.method = "PUT";
  token_request.url = endpoint + "/latest/api/token";
  token_request.timeout = options_.timeout;
  token_request.headers.emplace_back("x-aws-ec2-metadata-token-ttl-seconds", "21600");
  HttpResponse token = fetch(http, token_request, options_, op);
  if (token.status != 200 || token.body.empty()) {
    fail(op, token_request.url, "ImdsTokenError", "could not get an IMDSv2 session token",
         token.status);
  }

  const std::string base = endpoint + "/latest/meta-data/iam/security-credentials/";
  HttpRequest role_request;
  role_request.url = base;
  role_request.timeout = options_.timeout;
  role_request.headers.emplace_back("x-aws-ec2-metadata-token", token.body);
  HttpResponse role = fetch(http, role_request, options_, op);
  std::string role_name = role.body.substr(0, role.body.find_first_of("\r\n"));
  if (role.status != 200 || role_name.empty()) {
    fail(op, base, "NoInstanceRole", "the instance has no IAM role attached", role.status);
  }

  HttpRequest creds_request = role_request;
  creds_request.url = base + role_name;
  return fetch_credentials(http, creds_request, options_, op, "imds");
}

}  // namespace runner::aws
