#pragma once
// One call to throw the AwsError of a failure that is not a retried service call (a local file,
// an unusable response, missing or unreachable credentials): attempts, retryable and network
// keep their defaults.
#include <string>

namespace runner::aws {

[[noreturn]] void throw_aws_error(const std::string& service, const std::string& operation,
                                  const std::string& resource, const std::string& code,
                                  const std::string& message, long http_status = 0);

}  // namespace runner::aws
