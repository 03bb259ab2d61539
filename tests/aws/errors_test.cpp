// Error documents of both protocols, and the one-line error message.
#include <gtest/gtest.h>

#include "aws/error.hpp"
#include "aws/retry.hpp"
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
      R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."})"));
  EXPECT_EQ(info.code, "QueueDoesNotExist");
  EXPECT_EQ(info.message, "The specified queue does not exist.");
  auto old =
      parse_json_error(response(400, R"({"__type":"InvalidSignatureException","Message":"m"})"));
  EXPECT_EQ(old.code, "InvalidSignatureException");
  EXPECT_EQ(old.message, "m");
  auto header = parse_json_error(
      response(403, "", {{"x-amzn-errortype", "UnrecognizedClientException:http://internal/"}}));
  EXPECT_EQ(header.code, "UnrecognizedClientException");
  EXPECT_EQ(parse_json_error(response(500, "oops")).code, "Http500");
  EXPECT_EQ(parse_json_error(response(500, "oops")).message, "oops");
  EXPECT_EQ(parse_json_error(response(400, R"({"code":"com.amazonaws.sqs#OverLimit"})")).code,
            "OverLimit");
}

TEST(SqsErrors, TypeIsStrippedOfNamespaceAndUrlSuffix) {
  EXPECT_EQ(json_error_code("com.amazonaws.sqs#QueueDoesNotExist"), "QueueDoesNotExist");
  EXPECT_EQ(json_error_code("AWS.SimpleQueueService.NonExistentQueue"),
            "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(
      json_error_code(
          "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/"),
      "ThrottlingException");
  // ':' is cut first, so a '#' in the URL part does not matter.
  EXPECT_EQ(json_error_code("com.amazon.coral.service#InvalidSignatureException:http://x/#frag"),
            "InvalidSignatureException");
  EXPECT_EQ(json_error_code("aws.protocoltests#Weird#Nested"), "Nested");
  EXPECT_EQ(json_error_code(""), "");

  auto info = parse_json_error(response(
      400,
      R"({"__type":"ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/","message":"Rate exceeded"})"));
  EXPECT_EQ(info.code, "ThrottlingException");
  EXPECT_EQ(info.message, "Rate exceeded");
}

TEST(SqsErrors, QueryErrorHeaderCodeWins) {
  auto info = parse_json_error(response(
      400,
      R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."})",
      {{"x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"}}));
  EXPECT_EQ(info.code, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(info.message, "The specified queue does not exist.");
  // Without a ';' the whole value is the code; an empty code part is ignored.
  EXPECT_EQ(parse_json_error(
                response(400, R"({"__type":"com.amazonaws.sqs#A"})", {{"x-amzn-query-error", "B"}}))
                .code,
            "B");
  EXPECT_EQ(parse_json_error(response(400, R"({"__type":"com.amazonaws.sqs#A"})",
                                      {{"x-amzn-query-error", ";Sender"}}))
                .code,
            "A");
  // With no body at all, the header alone gives the code.
  EXPECT_EQ(parse_json_error(response(400, "",
                                      {{"x-amzn-query-error",
                                        "AWS.SimpleQueueService.QueueDeletedRecently;Sender"}}))
                .code,
            "AWS.SimpleQueueService.QueueDeletedRecently");
}

TEST(SqsErrors, ThrottlingTypesAreRetried) {
  for (const char* type :
       {"ThrottlingException", "com.amazonaws.sqs#ThrottlingException",
        "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/",
        "com.amazonaws.sqs#RequestThrottled", "Throttling", "com.amazonaws.sqs#KmsThrottled",
        "ThrottledException", "TooManyRequestsException", "RequestThrottledException",
        "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"}) {
    std::string body = R"({"__type":")" + std::string(type) + R"(","message":"slow down"})";
    auto info = parse_json_error(response(400, body));
    EXPECT_EQ(classify_response(400, info.code), FailureKind::Throttling)
        << type << " " << info.code;
  }
  // The legacy codes SQS sends in x-amzn-query-error are throttling too.
  for (const char* query :
       {"AWS.SimpleQueueService.RequestThrottled;Sender", "KMS.ThrottlingException;Sender",
        "RequestThrottled;Sender", "Throttling;Sender"}) {
    auto info = parse_json_error(response(400, R"({"__type":"com.amazonaws.sqs#KmsThrottled"})",
                                          {{"x-amzn-query-error", query}}));
    EXPECT_EQ(classify_response(400, info.code), FailureKind::Throttling) << query;
  }
  // Not throttling: stays a client error.
  auto missing = parse_json_error(
      response(400, R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist"})",
               {{"x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"}}));
  EXPECT_EQ(classify_response(400, missing.code), FailureKind::None);
  auto internal = parse_json_error(response(
      500,
      R"({"__type":"InternalFailure:http://internal.amazon.com/coral/com.amazon.coral.service/"})"));
  EXPECT_EQ(internal.code, "InternalFailure");
  EXPECT_EQ(classify_response(400, internal.code), FailureKind::Transient);
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
  EXPECT_TRUE(retried.retryable());
  EXPECT_FALSE(retried.is_network());
  EXPECT_EQ(retried.attempts(), 3);
}

TEST(AwsError, ExposesTheFaultClassification) {
  AwsError::Details d;
  d.service = "sqs";
  d.operation = "ReceiveMessage";
  d.code = "ConnectionFailed";
  d.message = "Couldn't connect to server";
  d.attempts = 3;
  d.retryable = true;
  d.network = true;
  AwsError refused(d);
  EXPECT_EQ(refused.code(), "ConnectionFailed");
  EXPECT_EQ(refused.http_status(), 0);
  EXPECT_TRUE(refused.retryable());
  EXPECT_TRUE(refused.is_network());
  EXPECT_EQ(refused.attempts(), 3);
  // The defaults: not retryable, not a network failure.
  AwsError::Details p;
  p.service = "s3";
  p.operation = "GetObject";
  p.code = "NoSuchKey";
  AwsError plain(p);
  EXPECT_FALSE(plain.retryable());
  EXPECT_FALSE(plain.is_network());
  EXPECT_STREQ(plain.what(), "s3 GetObject failed: NoSuchKey");
}

}  // namespace
}  // namespace runner::aws
