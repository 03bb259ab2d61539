#pragma once
// The one exception type the AWS client throws. what() is a single line that names the operation,
// the resource, the error code, the HTTP status and the request id, and never a secret.
//
// Classifying a failure (what a caller needs to decide between "wait and try again", "fix the
// configuration" and "give up on this item"):
//   code()         the AWS error code ("NoSuchKey", "QueueDoesNotExist", "ThrottlingException")
//                  or a local one: "ConnectionFailed", "ConnectionBroken", "Timeout", "TlsError",
//                  "ResponseTooLarge", "LocalIoError" (transport), "NoCredentials",
//                  "CredentialsEndpointUnavailable", "InvalidConfiguration", "InvalidResponse".
//   http_status()  the status of the last response; 0 when no HTTP response was received.
//   retryable()    the last failure was of a kind the retry policy retries (throttling, 5xx,
//                  transient codes, broken connections, timeouts): the attempts ran out rather
//                  than the request being refused for good.
//   is_network()   the last failure was at the connection level (could not connect, the
//                  connection broke, or it timed out) with no HTTP response: the service, a
//                  proxy or the network is unreachable. Implies http_status() == 0.
//   attempts()     how many attempts were made.
#include <stdexcept>
#include <string>

namespace runner::aws {

class AwsError : public std::runtime_error {
 public:
  struct Details {
    std::string service;     // "s3", "sqs", "credentials", ...
    std::string operation;   // "GetObject", "ReceiveMessage", ...
    std::string resource;    // "s3://bucket/key", queue URL, ...
    std::string code;        // AWS error code ("NoSuchKey", "QueueDoesNotExist") or a local one
    std::string message;     // the service's message, or what went wrong locally
    std::string request_id;  // x-amz-request-id / x-amzn-RequestId when the service sent one
    long http_status = 0;    // 0 when no HTTP response was received
    int attempts = 0;        // how many attempts were made before giving up
    bool retryable = false;  // whether the last failure was of a retryable kind
    bool network = false;    // whether the last failure was a connection failure or timeout
  };

  explicit AwsError(Details details);

  const Details& details() const { return details_; }
  const std::string& code() const { return details_.code; }
  long http_status() const { return details_.http_status; }
  bool retryable() const { return details_.retryable; }
  bool is_network() const { return details_.network; }
  int attempts() const { return details_.attempts; }

 private:
  static std::string format(const Details& d);
  Details details_;
};

}  // namespace runner::aws
