// Standard-mode retry decisions: what is retried, how long to wait, and the retry quota.
#include "aws/retry.hpp"

#include <gtest/gtest.h>

namespace runner::aws {
namespace {

using std::chrono::milliseconds;

RetryOptions options(int attempts, milliseconds base = milliseconds(1000), int tokens = 500) {
  RetryOptions o;
  o.max_attempts = attempts;
  o.base_delay = base;
  o.token_bucket_capacity = tokens;
  return o;
}

TEST(RetryClassification, ServerErrorsAndThrottlingAreRetried) {
  for (long status : {500L, 502L, 503L, 504L}) {
    EXPECT_EQ(classify_response(status, ""), FailureKind::Transient) << status;
  }
  EXPECT_EQ(classify_response(503, "SlowDown"), FailureKind::Throttling);
  EXPECT_EQ(classify_response(429, ""), FailureKind::Throttling);
  EXPECT_EQ(classify_response(400, "ThrottlingException"), FailureKind::Throttling);
  EXPECT_EQ(classify_response(400, "RequestThrottled"), FailureKind::Throttling);
  EXPECT_EQ(classify_response(400, "RequestTimeout"), FailureKind::Transient);
}

TEST(RetryClassification, ThrottlingCodesOfJsonServicesAndTheirLegacyForms) {
  for (const char* code :
       {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "RequestThrottled", "KmsThrottled",
        "AWS.SimpleQueueService.RequestThrottled", "KMS.ThrottlingException",
        "AWS.SimpleQueueService.Throttling"}) {
    EXPECT_TRUE(is_throttling_code(code)) << code;
    EXPECT_EQ(classify_response(400, code), FailureKind::Throttling) << code;
  }
  EXPECT_TRUE(is_transient_code("AWS.SimpleQueueService.InternalError"));
  // A dotted code is matched by its last part only, not by a prefix or an inner part.
  for (const char* code : {"AWS.SimpleQueueService.NonExistentQueue", "Throttling.Other",
                           "ThrottlingExceptionX", "X.", "."}) {
    EXPECT_FALSE(is_throttling_code(code)) << code;
    EXPECT_EQ(classify_response(400, code), FailureKind::None) << code;
  }
}

TEST(RetryClassification, ClientErrorsAreNot) {
  for (const char* code :
       {"NoSuchKey", "AccessDenied", "SignatureDoesNotMatch", "QueueDoesNotExist",
        "InvalidParameterValue", "ReceiptHandleIsInvalid"}) {
    EXPECT_EQ(classify_response(400, code), FailureKind::None) << code;
    EXPECT_EQ(classify_response(403, code), FailureKind::None) << code;
  }
  EXPECT_EQ(classify_response(404, ""), FailureKind::None);
  EXPECT_EQ(classify_response(501, "NotImplemented"), FailureKind::None);
}

TEST(RetryStrategy, AttemptsAreBounded) {
  RetryStrategy r(options(3));
  EXPECT_TRUE(r.should_retry(1, FailureKind::Transient));
  EXPECT_TRUE(r.should_retry(2, FailureKind::Transient));
  EXPECT_FALSE(r.should_retry(3, FailureKind::Transient));
  EXPECT_FALSE(r.should_retry(1, FailureKind::None));
  RetryStrategy once(options(1));
  EXPECT_FALSE(once.should_retry(1, FailureKind::Throttling));
}

TEST(RetryStrategy, FullJitterExponentialBackoffCappedAt20s) {
  RetryStrategy r(options(10, milliseconds(1000)));
  r.set_random([] { return 0.999999; });
  EXPECT_NEAR(static_cast<double>(r.backoff(1).count()), 1000, 1);
  EXPECT_NEAR(static_cast<double>(r.backoff(2).count()), 2000, 1);
  EXPECT_NEAR(static_cast<double>(r.backoff(3).count()), 4000, 1);
  EXPECT_NEAR(static_cast<double>(r.backoff(5).count()), 16000, 1);
  EXPECT_NEAR(static_cast<double>(r.backoff(6).count()), 20000, 1);  // 32 s capped
  EXPECT_NEAR(static_cast<double>(r.backoff(30).count()), 20000, 1);
  r.set_random([] { return 0.25; });
  EXPECT_EQ(r.backoff(3).count(), 1000);
  r.set_random([] { return 0.0; });
  EXPECT_EQ(r.backoff(3).count(), 0);
}

TEST(RetryStrategy, RealJitterStaysWithinTheCeiling) {
  RetryStrategy r(options(10, milliseconds(100)));
  long long sum = 0;
  for (int i = 0; i < 1000; ++i) {
    auto d = r.backoff(3).count();
    ASSERT_GE(d, 0);
    ASSERT_LE(d, 400);
    sum += d;
  }
  EXPECT_GT(sum / 1000, 100);  // mean ~200: the jitter is spread, not stuck at 0
  EXPECT_LT(sum / 1000, 300);
}

TEST(RetryStrategy, TokenBucketStopsRetryStorms) {
  RetryStrategy r(options(3, milliseconds(1000), 12));
  EXPECT_TRUE(r.should_retry(1, FailureKind::Transient));  // 12 -> 7
  EXPECT_TRUE(r.should_retry(1, FailureKind::Transient));  // 7 -> 2
  EXPECT_FALSE(r.should_retry(1, FailureKind::Transient));
  EXPECT_EQ(r.tokens(), 2);
  r.on_success(true, FailureKind::Transient);  // refund 5
  EXPECT_EQ(r.tokens(), 7);
  EXPECT_FALSE(r.should_retry(1, FailureKind::Timeout));  // timeouts cost 10
  r.on_success(false, FailureKind::None);                 // +1
  EXPECT_EQ(r.tokens(), 8);
  for (int i = 0; i < 20; ++i) r.on_success(false, FailureKind::None);
  EXPECT_EQ(r.tokens(), 12);  // never above capacity
}

}  // namespace
}  // namespace runner::aws
