// Error documents of both protocols, and the one-line error message.
#include <gtest/gtest.h>

#include "aws/error.hpp"
#include "aws/s3.hpp"
#include "aws/sqs.hpp"

namespace runner::aws {
namespace {

HttpResponse response(long status, std::string body,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(S3Errors, ParsesTheXmlDocument) {
  auto info = parse_s3_error(
      response(404,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
               "<Message>The specified key does not exist.</Message><Key>a/b.zip</Key>"
               "<RequestId>4442587FB7D0A2F9</RequestId><HostId>xyz</HostId></Error>"));
  EXPECT_EQ(info.code, "NoSuchKey");
  EXPECT_EQ(info.message, "The specified key does not exist.");
  EXPECT_EQ(info.request_id, "4442587FB7D0A2F9");
}

TEST(S3Errors, EmptyOrForeignBodiesFallBackToTheStatus) {
  EXPECT_EQ(parse_s3_error(response(404, "")).code, "NotFound");
  EXPECT_EQ(parse_s3_error(response(403, "")).code, "Forbidden");
  auto info = parse_s3_error(response(502, "<html>Bad Gateway</html>"));
  EXPECT_EQ(info.code, "Http502");
  auto proxy = parse_s3_error(response(503, "upstream connect error"));
  EXPECT_EQ(proxy.code, "ServiceUnavailable");
  EXPECT_EQ(proxy.message, "upstream connect error");
  auto moved = parse_s3_error(response(301, "", {{"x-amz-bucket-region", "eu-south-2"}}));
  EXPECT_EQ(moved.code, "PermanentRedirect");
  EXPECT_NE(moved.message.find("eu-south-2"), std::string::npos);
}

TEST(SqsErrors, ParsesJsonType) {
  auto info = parse_json_error(response(
      400,
      R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."})",
      {{"x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"}}));
  EXPECT_EQ(info.code, "QueueDoesNotExist");
  EXPECT_EQ(info.message,
            "The specified queue does not exist. (AWS.SimpleQueueService.NonExistentQueue)");
  auto old =
      parse_json_error(response(400, R"({"__type":"InvalidSignatureException","Message":"m"})"));
  EXPECT_EQ(old.code, "InvalidSignatureException");
  EXPECT_EQ(old.message, "m");
  auto header = parse_json_error(
      response(403, "", {{"x-amzn-errortype", "UnrecognizedClientException:http://internal/"}}));
  EXPECT_EQ(header.code, "UnrecognizedClientException");
  EXPECT_EQ(parse_json_error(response(500, "oops")).code, "Http500");
}

TEST(AwsError, OneLineWithCodeResourceAndRequestId) {
  AwsError e({.service = "s3",
              .operation = "GetObject",
              .resource = "s3://bucket/submissions/x.zip",
              .code = "NoSuchKey",
              .message = "The specified key\ndoes not exist.",
              .request_id = "REQ123",
              .http_status = 404,
              .attempts = 1});
  EXPECT_STREQ(e.what(),
               "s3 GetObject s3://bucket/submissions/x.zip failed: NoSuchKey (HTTP 404): The "
               "specified key does not exist. [request id REQ123]");
  AwsError::Details d;
  d.service = "sqs";
  d.operation = "ReceiveMessage";
  d.code = "ServiceUnavailable";
  d.http_status = 503;
  d.attempts = 3;
  d.retryable = true;
  AwsError retried(d);
  EXPECT_STREQ(retried.what(),
               "sqs ReceiveMessage failed: ServiceUnavailable (HTTP 503) after 3 attempts");
}

}  // namespace
}  // namespace runner::aws
