#pragma once
// The one exception type the AWS client throws. what() is a single line that names the operation,
// the resource, the error code, the HTTP status and the request id, and never a secret.
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
  };

  explicit AwsError(Details details);

  const Details& details() const { return details_; }
  const std::string& code() const { return details_.code; }
  long http_status() const { return details_.http_status; }
  bool retryable() const { return details_.retryable; }

 private:
  static std::string format(const Details& d);
  Details details_;
};

}  // namespace runner::aws
