#include "aws/error.hpp"

#include <fmt/format.h>

#include "aws/fail.hpp"

namespace runner::aws {

namespace {
// Error text comes from servers; keep the line a line.
std::string one_line(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  return out;
}
}  // namespace

AwsError::AwsError(Details details)
    : std::runtime_error(format(details)), details_(std::move(details)) {}

std::string AwsError::format(const Details& d) {
  std::string out = fmt::format("{} {}", d.service, d.operation);
  if (!d.resource.empty()) out += fmt::format(" {}", d.resource);
  out += " failed: ";
  out += d.code.empty() ? "error" : d.code;
  if (d.http_status != 0) out += fmt::format(" (HTTP {})", d.http_status);
  if (!d.message.empty()) out += fmt::format(": {}", one_line(d.message));
  if (!d.request_id.empty()) out += fmt::format(" [request id {}]", d.request_id);
  if (d.attempts > 1) out += fmt::format(" after {} attempts", d.attempts);
  return out;
}

void throw_aws_error(const std::string& service, const std::string& operation,
                     const std::string& resource, const std::string& code,
                     const std::string& message, long http_status) {
  AwsError::Details d;
  d.service = service;
  d.operation = operation;
  d.resource = resource;
  d.code = code;
  d.message = message;
  d.http_status = http_status;
  throw AwsError(std::move(d));
}

}  // namespace runner::aws
