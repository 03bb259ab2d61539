// Retries under injected faults: tests/aws/servers/fault_proxy.py sits between the client and
// fauxqs and fails the first N requests with an error status, a dropped connection or a delay,
// or plays a server whose clock disagrees with the client's (clock skew correction).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/error.hpp"
#include "aws/s3.hpp"
#include "aws/sqs.hpp"
#include "support/local_servers.hpp"
#include "util/crypto.hpp"

namespace runner::aws {
namespace {

using std::chrono::milliseconds;

class Faults : public ::testing::Test {
 protected:
  void SetUp() override {
    upstream_ = testing::start_fauxqs();
    proxy_ = testing::start_fault_proxy(upstream_->port());
    auto creds = std::make_shared<StaticCredentialsProvider>(testing::test_credentials());
    // Resources are made directly on the emulator, so the proxy counts only the tested calls.
    direct_s3_ = std::make_unique<S3Client>(testing::local_config(upstream_->port()), creds);
    direct_s3_->create_bucket("b");
    queue_ = SqsClient(testing::local_config(upstream_->port()), creds).create_queue("q");
  }

  ClientConfig proxied() { return testing::local_config(proxy_->port()); }
  std::shared_ptr<CredentialsProvider> creds() {
    return std::make_shared<StaticCredentialsProvider>(testing::test_credentials());
  }
  // Records the backoff delays instead of sleeping through them.
  void record_sleeps(ServiceClient& s) {
    s.retry().set_sleep([this](milliseconds d) { sleeps_.push_back(d); });
  }
  void fault(const nlohmann::json& f) {
    ASSERT_EQ(testing::control(proxy_->port(), "POST", "/__fault", f.dump()).status, 200);
  }
  nlohmann::json proxy_stats() {
    return nlohmann::json::parse(testing::control(proxy_->port(), "GET", "/__stats").body);
  }
  int proxied_requests() { return proxy_stats()["requests"]; }
  // The X-Amz-Date of each proxied request, as times.
  std::vector<Clock::time_point> signing_times() {
    std::vector<Clock::time_point> out;
    const nlohmann::json stats = proxy_stats();
    for (const auto& d : stats["amz_dates"]) {
      auto t = parse_amz_date(d.get<std::string>());
      EXPECT_TRUE(t) << d;
      out.push_back(t.value_or(Clock::time_point{}));
    }
    return out;
  }
  static std::chrono::seconds off_by(Clock::time_point t, Clock::time_point expected) {
    auto d = std::chrono::duration_cast<std::chrono::seconds>(t - expected);
    return d < std::chrono::seconds(0) ? -d : d;
  }

  std::unique_ptr<testing::ChildProcess> upstream_;
  std::unique_ptr<testing::ChildProcess> proxy_;
  std::unique_ptr<S3Client> direct_s3_;
  std::string queue_;
  std::vector<milliseconds> sleeps_;
  testing::TempDir dir_;
};

TEST_F(Faults, SlowDownIsRetriedWithJitteredBackoff) {
  S3Client s3(proxied(), creds());
  record_sleeps(s3.service());
  fault({{"mode", "status"}, {"status", 503}, {"code", "SlowDown"}, {"count", 2}});
  s3.put_object("b", "k", "data");
  EXPECT_EQ(proxied_requests(), 3);
  ASSERT_EQ(sleeps_.size(), 2u);
  EXPECT_LE(sleeps_[0], milliseconds(10));  // base 10 ms, full jitter
  EXPECT_LE(sleeps_[1], milliseconds(20));
  s3.get_object("b", "k", dir_ / "k");
  EXPECT_EQ(testing::read_file(dir_ / "k"), "data");
}

TEST_F(Faults, PersistentServerErrorGivesUpAfterThreeAttempts) {
  S3Client s3(proxied(), creds());
  record_sleeps(s3.service());
  direct_s3_->put_object("b", "k", "data");
  fault({{"mode", "status"}, {"status", 500}, {"code", "InternalError"}, {"count", 10}});
  try {
    s3.get_object("b", "k", dir_ / "k");
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_STREQ(e.what(),
                 "s3 GetObject s3://b/k failed: InternalError (HTTP 500): injected InternalError "
                 "[request id FAULT-REQUEST-ID] after 3 attempts");
    EXPECT_TRUE(e.retryable());
    EXPECT_FALSE(e.is_network());
  }
  EXPECT_EQ(proxied_requests(), 3);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "k"));
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path()));  // no partial downloads left behind
}

TEST_F(Faults, MaxAttemptsComesFromTheEnvironment) {
  ClientConfig config = ClientConfig::from_env(
      {{"AWS_REGION", "us-east-1"},
       {"AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(proxy_->port())},
       {"AWS_MAX_ATTEMPTS", "5"}});
  config.retry.base_delay = milliseconds(1);
  S3Client s3(config, creds());
  fault({{"mode", "status"}, {"status", 502}, {"code", "BadGateway"}, {"count", 10}});
  EXPECT_THROW(s3.put_object("b", "k", "v"), AwsError);
  EXPECT_EQ(proxied_requests(), 5);
}

TEST_F(Faults, ClientErrorsAreNotRetried) {
  S3Client s3(proxied(), creds());
  fault({{"mode", "status"}, {"status", 403}, {"code", "AccessDenied"}, {"count", 10}});
  try {
    s3.put_object("b", "k", "v");
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "AccessDenied");
    EXPECT_FALSE(e.retryable());
    EXPECT_FALSE(e.is_network());
    EXPECT_EQ(e.details().attempts, 1);
  }
  EXPECT_EQ(proxied_requests(), 1);
}

TEST_F(Faults, SqsThrottlingIsRetried) {
  SqsClient sqs(proxied(), creds());
  record_sleeps(sqs.service());
  fault({{"mode", "status"},
         {"status", 400},
         {"code", "ThrottlingException"},
         {"format", "json"},
         {"count", 2}});
  sqs.send_message(queue_, "hello");
  EXPECT_EQ(proxied_requests(), 3);
  EXPECT_EQ(sleeps_.size(), 2u);
  auto got = sqs.receive_messages(queue_, testing::receive_options(1));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "hello");
}

TEST_F(Faults, SqsThrottlingWithCoralTypeAndQueryErrorHeaderIsRetried) {
  SqsClient sqs(proxied(), creds());
  record_sleeps(sqs.service());
  fault({{"mode", "status"},
         {"status", 400},
         {"format", "json"},
         {"type",
          "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/"},
         {"query_error", "AWS.SimpleQueueService.RequestThrottled;Sender"},
         {"count", 2}});
  sqs.send_message(queue_, "throttled");
  EXPECT_EQ(proxied_requests(), 3);
  EXPECT_EQ(sleeps_.size(), 2u);

  fault({{"mode", "status"},
         {"status", 400},
         {"format", "json"},
         {"type", "com.amazonaws.sqs#KmsThrottled"},
         {"query_error", "KMS.ThrottlingException;Sender"},
         {"count", 10}});
  try {
    sqs.send_message(queue_, "throttled for good");
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "KMS.ThrottlingException") << e.what();
    EXPECT_TRUE(e.retryable());
    EXPECT_FALSE(e.is_network());
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_EQ(e.attempts(), 3);
  }
}

TEST_F(Faults, SqsFinalErrorNamesTypeAndMessage) {
  SqsClient sqs(proxied(), creds());
  record_sleeps(sqs.service());
  fault({{"mode", "status"},
         {"status", 503},
         {"code", "ServiceUnavailable"},
         {"format", "json"},
         {"count", 10}});
  try {
    sqs.receive_messages(queue_, testing::receive_options(0));
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(std::string(e.what()),
              "sqs ReceiveMessage " + queue_ +
                  " failed: ServiceUnavailable (HTTP 503): injected ServiceUnavailable [request id "
                  "FAULT-REQUEST-ID] after 3 attempts");
  }
}

TEST_F(Faults, DroppedConnectionsAreRetried) {
  SqsClient sqs(proxied(), creds());
  fault({{"mode", "drop"}, {"count", 2}});
  sqs.send_message(queue_, "survives");
  EXPECT_EQ(proxied_requests(), 3);

  // A download whose connection drops is retried into a fresh file.
  S3Client s3(proxied(), creds());
  direct_s3_->put_object("b", "obj", std::string(300000, 'z'));
  fault({{"mode", "drop"}, {"count", 1}});
  EXPECT_EQ(s3.get_object("b", "obj", dir_ / "obj").size, 300000u);
  EXPECT_EQ(testing::read_file(dir_ / "obj"), std::string(300000, 'z'));
}

TEST_F(Faults, DropsExhaustAttemptsWithAClearError) {
  SqsClient sqs(proxied(), creds());
  fault({{"mode", "drop"}, {"count", 10}});
  try {
    sqs.send_message(queue_, "lost");
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ConnectionBroken") << e.what();
    EXPECT_EQ(e.details().attempts, 3);
    EXPECT_TRUE(e.is_network());
    EXPECT_NE(std::string(e.what()).find("after 3 attempts"), std::string::npos);
  }
}

TEST_F(Faults, TimeoutsAreRetriedThenReported) {
  ClientConfig config = proxied();
  config.request_timeout = milliseconds(700);
  SqsClient sqs(config, creds());
  fault({{"mode", "delay"}, {"seconds", 2}, {"count", 1}});
  auto start = std::chrono::steady_clock::now();
  sqs.get_queue_attributes(queue_);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(proxied_requests(), 2);

  fault({{"mode", "delay"}, {"seconds", 2}, {"count", 10}});
  start = std::chrono::steady_clock::now();
  try {
    sqs.get_queue_attributes(queue_);
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "Timeout") << e.what();
    EXPECT_EQ(e.details().attempts, 3);
    EXPECT_TRUE(e.is_network());
  }
  // Three bounded attempts, not a hang.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST_F(Faults, LargeUploadRejectedBeforeItsBodyIsRetriedFromTheFile) {
  // 2 MiB: sent with Expect: 100-continue; the proxy answers 503 before reading the body.
  std::string data(2 << 20, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7919 % 251);
  testing::write_file(dir_ / "up.bin", data);
  S3Client s3(proxied(), creds());
  fault({{"mode", "status"}, {"status", 503}, {"code", "SlowDown"}, {"count", 1}});
  s3.put_object_file("b", "up.bin", dir_ / "up.bin", "application/zip");
  EXPECT_EQ(proxied_requests(), 2);
  EXPECT_EQ(proxy_stats()["early_rejections"], 1);  // refused after the headers alone
  direct_s3_->get_object("b", "up.bin", dir_ / "back.bin");
  EXPECT_EQ(util::sha256_file_hex(dir_ / "back.bin"), util::sha256_hex(data));
  EXPECT_EQ(direct_s3_->head_object("b", "up.bin")->content_type, "application/zip");

  // And a connection dropped mid-upload: the body is re-read from the start.
  fault({{"mode", "drop"}, {"count", 1}});
  s3.put_object_file("b", "up2.bin", dir_ / "up.bin");
  direct_s3_->get_object("b", "up2.bin", dir_ / "back2.bin");
  EXPECT_EQ(util::sha256_file_hex(dir_ / "back2.bin"), util::sha256_hex(data));
}

TEST_F(Faults, ServerClockAnHourAheadIsLearnedFromTheDateHeader) {
  // S3 answers 403 RequestTimeTooSkewed with its own Date, an hour ahead of ours.
  S3Client s3(proxied(), creds());
  record_sleeps(s3.service());
  fault({{"mode", "skew"}, {"seconds", 3600}, {"code", "RequestTimeTooSkewed"}});
  const auto before = Clock::now();
  s3.put_object("b", "skewed", "data");
  auto times = signing_times();
  ASSERT_EQ(times.size(), 2u);
  EXPECT_LE(off_by(times[0], before), std::chrono::seconds(5));  // the local clock
  // Signed again at once with the server's time, no backoff.
  EXPECT_LE(off_by(times[1], before + std::chrono::hours(1)), std::chrono::seconds(5));
  EXPECT_TRUE(sleeps_.empty());
  EXPECT_EQ(proxy_stats()["faults"], 1);
  auto offset = s3.service().clock_offset();
  EXPECT_GT(offset, std::chrono::minutes(59));
  EXPECT_LT(offset, std::chrono::minutes(61));
  // Later requests use the offset: no more rejections.
  s3.get_object("b", "skewed", dir_ / "skewed");
  EXPECT_EQ(testing::read_file(dir_ / "skewed"), "data");
  times = signing_times();
  ASSERT_EQ(times.size(), 3u);
  EXPECT_LE(off_by(times[2], Clock::now() + std::chrono::hours(1)), std::chrono::seconds(5));
  EXPECT_EQ(proxy_stats()["faults"], 1);
}

TEST_F(Faults, LocalClockAnHourBehindIsCorrectedForSqsFromTheMessage) {
  // SQS's way: InvalidSignatureException "Signature expired: ... (<server time> - 5 min.)", and
  // here no Date header at all. The server's clock is right; ours runs an hour late.
  SqsClient sqs(proxied(), creds());
  sqs.service().set_clock([] { return Clock::now() - std::chrono::hours(1); });
  fault({{"mode", "skew"},
         {"seconds", 0},
         {"status", 400},
         {"code", "InvalidSignatureException"},
         {"format", "json"},
         {"date_header", false}});
  sqs.send_message(queue_, "on time");
  auto times = signing_times();
  ASSERT_EQ(times.size(), 2u);
  EXPECT_LE(off_by(times[0], Clock::now() - std::chrono::hours(1)), std::chrono::seconds(5));
  EXPECT_LE(off_by(times[1], Clock::now()), std::chrono::seconds(5));
  EXPECT_GT(sqs.service().clock_offset(), std::chrono::minutes(59));
  auto got = sqs.receive_messages(queue_, testing::receive_options(1));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "on time");
  EXPECT_EQ(proxy_stats()["faults"], 1);
  EXPECT_EQ(proxied_requests(), 3);
}

TEST_F(Faults, SignatureDoesNotMatchIsASkewOnlyBeyondFourMinutes) {
  // A wrong signature from a client with a good clock: not retried, not corrected.
  S3Client s3(proxied(), creds());
  fault({{"mode", "status"}, {"status", 403}, {"code", "SignatureDoesNotMatch"}, {"count", 10}});
  try {
    s3.put_object("b", "k", "v");
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "SignatureDoesNotMatch");
    EXPECT_FALSE(e.retryable());
    EXPECT_EQ(e.attempts(), 1);
  }
  EXPECT_EQ(proxied_requests(), 1);
  EXPECT_EQ(s3.service().clock_offset(), milliseconds(0));

  // The same code from a server ten minutes ahead: corrected.
  ASSERT_EQ(testing::control(proxy_->port(), "POST", "/__reset").status, 200);
  fault({{"mode", "skew"},
         {"seconds", 600},
         {"code", "SignatureDoesNotMatch"},
         {"message",
          "The request signature we calculated does not match the signature you "
          "provided."}});
  s3.put_object("b", "k", "v");
  EXPECT_EQ(proxied_requests(), 2);
  EXPECT_GT(s3.service().clock_offset(), std::chrono::minutes(9));
}

TEST_F(Faults, SkewCorrectionIsTriedOncePerRequest) {
  // A server that rejects every signing time (tolerance -1): one correction, then the error.
  S3Client s3(proxied(), creds());
  record_sleeps(s3.service());
  fault({{"mode", "skew"}, {"seconds", 3600}, {"tolerance", -1}});
  try {
    s3.put_object("b", "k", "v");
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "RequestTimeTooSkewed") << e.what();
    EXPECT_EQ(e.http_status(), 403);
    EXPECT_FALSE(e.retryable());
    EXPECT_EQ(e.attempts(), 2);
  }
  EXPECT_EQ(proxied_requests(), 2);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(Faults, SkewCorrectionDoesNotUseUpRetries) {
  // With a single attempt allowed, the re-signed attempt still happens: it is free.
  ClientConfig config = proxied();
  config.retry.max_attempts = 1;
  S3Client s3(config, creds());
  s3.service().set_clock([] { return Clock::now() - std::chrono::minutes(30); });
  fault({{"mode", "skew"}, {"seconds", 0}});
  s3.put_object("b", "k", "v");
  EXPECT_EQ(proxied_requests(), 2);
  EXPECT_EQ(s3.service().retry().tokens(), 500);  // no retry tokens taken
}

TEST_F(Faults, ConnectionRefusedIsRetriedThenReported) {
  ClientConfig config = testing::local_config(1);  // nothing listens on port 1
  S3Client s3(config, creds());
  record_sleeps(s3.service());
  try {
    s3.head_object("b", "k");
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ConnectionFailed") << e.what();
    EXPECT_EQ(e.details().attempts, 3);
    EXPECT_TRUE(e.is_network());
    EXPECT_TRUE(e.retryable());
    EXPECT_EQ(e.http_status(), 0);
  }
  EXPECT_EQ(sleeps_.size(), 2u);
}

}  // namespace
}  // namespace runner::aws
