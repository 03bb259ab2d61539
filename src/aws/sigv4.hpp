#pragma once
// AWS Signature Version 4 (header-based), written from the published algorithm:
// canonical request -> string to sign -> derived signing key -> HMAC signature.
#include <string>
#include <utility>
#include <vector>

#include "aws/credentials.hpp"
#include "aws/time_format.hpp"
#include "aws/uri_encode.hpp"

namespace runner::aws {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct SigningRequest {
  std::string method;
  // The path exactly as it goes on the request line. S3 signs it as is (it is already encoded
  // once and S3 forbids normalization); every other service normalizes it and encodes it again.
  std::string path;
  QueryParams query;         // unencoded name/value pairs
  Headers headers;           // the headers to sign; must contain "host"
  std::string payload_hash;  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

struct SigningScope {
  std::string region;
  std::string service;
  Clock::time_point time;
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // hex
  std::string authorization;   // the full Authorization header value
};

std::string canonical_uri(const std::string& path, const std::string& service);
// Lower-cased names, values trimmed with inner runs of spaces collapsed, sorted, repeated
// names joined with ','. Returns {canonical headers block, signed headers list}.
std::pair<std::string, std::string> canonical_headers(const Headers& headers);
std::string signing_key(const std::string& secret, const std::string& day,
                        const std::string& region, const std::string& service);

// Signs `request`, which must already carry x-amz-date (and x-amz-security-token when the
// credentials have a session token) among its headers.
Signature sign(const SigningRequest& request, const Credentials& credentials,
               const SigningScope& scope);

// Adds x-amz-date, x-amz-security-token (when present) and Authorization to `request.headers`
// and returns the signature details.
Signature add_signature(SigningRequest& request, const Credentials& credentials,
                        const SigningScope& scope);

// For logs: the headers with secret-bearing values (Authorization, security token) masked.
std::string describe_headers(const Headers& headers);

}  // namespace runner::aws
