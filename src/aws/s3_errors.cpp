// S3's error format: <Error><Code/><Message/><RequestId/>...</Error>, or nothing at all for HEAD.
#include <fmt/format.h>

#include <pugixml.hpp>

#include "aws/s3.hpp"

namespace runner::aws {

namespace {
std::string code_for_status(long status) {
  switch (status) {
    case 301:
      return "PermanentRedirect";
    case 307:
      return "TemporaryRedirect";
    case 400:
      return "BadRequest";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 412:
      return "PreconditionFailed";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    default:
      return fmt::format("Http{}", status);
  }
}
}  // namespace

ServiceErrorInfo parse_s3_error(const HttpResponse& response) {
  ServiceErrorInfo info;
  pugi::xml_document doc;
  if (!response.body.empty() && doc.load_buffer(response.body.data(), response.body.size())) {
    pugi::xml_node error = doc.child("Error");
    info.code = error.child_value("Code");
    info.message = error.child_value("Message");
    info.request_id = error.child_value("RequestId");
  } else if (!response.body.empty()) {
    // Not XML: a proxy or load balancer answered. Quote the start of it.
    info.message = response.body.substr(0, 200);
  }
  if (info.code.empty()) info.code = code_for_status(response.status);
  if (auto region = response.header("x-amz-bucket-region");
      region && (response.status == 301 || response.status == 400 || response.status == 403)) {
    info.message += fmt::format(" (bucket is in region {})", *region);
  }
  return info;
}

}  // namespace runner::aws
