// service::queue_visibility_seconds, which `runner serve` calls at start-up: it rides out an
// outage (retryable failures, with backoff) and then fails with a one-line error naming the
// queue, instead of guessing 30 s. fault_proxy.py sits between the client and fauxqs.
#include "service/cloud.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/error.hpp"
#include "support/local_servers.hpp"

namespace runner::aws {
namespace {

using std::chrono::milliseconds;

class QueueVisibility : public ::testing::Test {
 protected:
  void SetUp() override {
    upstream_ = testing::start_fauxqs();
    proxy_ = testing::start_fault_proxy(upstream_->port());
    queue_ = SqsClient(testing::local_config(upstream_->port()), creds())
                 .create_queue("jobs", {{"VisibilityTimeout", "45"}});
    retry_.sleep = [this](milliseconds d) { sleeps_.push_back(d); };
  }
  static std::shared_ptr<CredentialsProvider> creds() {
    return std::make_shared<StaticCredentialsProvider>(testing::test_credentials());
  }
  ClientConfig proxied() { return testing::local_config(proxy_->port()); }
  void fault(const nlohmann::json& f) {
    ASSERT_EQ(testing::control(proxy_->port(), "POST", "/__fault", f.dump()).status, 200);
  }
  int proxied_requests() {
    return nlohmann::json::parse(
        testing::control(proxy_->port(), "GET", "/__stats").body)["requests"];
  }
  // The message queue_visibility_seconds throws, or "" when it returns.
  std::string error_of(SqsClient& sqs, const std::string& url) {
    try {
      service::queue_visibility_seconds(sqs, url, retry_);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }

  std::unique_ptr<testing::ChildProcess> upstream_;
  std::unique_ptr<testing::ChildProcess> proxy_;
  std::string queue_;
  service::VisibilityRetry retry_;
  std::vector<milliseconds> sleeps_;
};

TEST_F(QueueVisibility, ReadsTheQueuesSetting) {
  SqsClient sqs(proxied(), creds());
  EXPECT_EQ(service::queue_visibility_seconds(sqs, queue_, retry_), 45);
  EXPECT_TRUE(sleeps_.empty());
  // The two-argument form (what `runner serve` calls) gives the same.
  EXPECT_EQ(service::queue_visibility_seconds(sqs, queue_), 45);
}

TEST_F(QueueVisibility, RidesOutAShortOutage) {
  SqsClient sqs(proxied(), creds());
  // Four failures: the client's own three attempts, then one more after the first backoff.
  fault({{"mode", "status"},
         {"status", 503},
         {"code", "ServiceUnavailable"},
         {"format", "json"},
         {"count", 4}});
  EXPECT_EQ(service::queue_visibility_seconds(sqs, queue_, retry_), 45);
  EXPECT_EQ(proxied_requests(), 5);
  EXPECT_EQ(sleeps_, std::vector<milliseconds>{milliseconds(1000)});
}

TEST_F(QueueVisibility, GivesUpAfterFiveTriesNamingTheQueueAndTheError) {
  SqsClient sqs(proxied(), creds());
  fault({{"mode", "status"},
         {"status", 503},
         {"code", "ServiceUnavailable"},
         {"format", "json"},
         {"count", 1000}});
  const std::string what = error_of(sqs, queue_);
  EXPECT_EQ(what, "cannot read the queue's VisibilityTimeout from " + queue_ +
                      ": sqs GetQueueAttributes " + queue_ +
                      " failed: ServiceUnavailable (HTTP 503): injected ServiceUnavailable "
                      "[request id FAULT-REQUEST-ID] after 3 attempts");
  EXPECT_EQ(proxied_requests(), 15);  // 5 tries of 3 attempts
  EXPECT_EQ(sleeps_, (std::vector<milliseconds>{milliseconds(1000), milliseconds(2000),
                                                milliseconds(4000), milliseconds(8000)}));
}

TEST_F(QueueVisibility, ConnectionFailuresAreRetriedToo) {
  SqsClient sqs(testing::local_config(1), creds());  // nothing listens on port 1
  const std::string url = "http://127.0.0.1:1/000000000000/jobs";
  const std::string what = error_of(sqs, url);
  EXPECT_EQ(what.rfind("cannot read the queue's VisibilityTimeout from " + url + ": ", 0), 0u)
      << what;
  EXPECT_NE(what.find("ConnectionFailed"), std::string::npos) << what;
  EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  EXPECT_EQ(sleeps_.size(), 4u);
}

TEST_F(QueueVisibility, AMissingQueueFailsAtOnce) {
  SqsClient sqs(proxied(), creds());
  const std::string missing = queue_ + "-missing";
  const std::string what = error_of(sqs, missing);
  EXPECT_EQ(what.rfind("cannot read the queue's VisibilityTimeout from " + missing + ": ", 0), 0u)
      << what;
  EXPECT_NE(what.find("AWS.SimpleQueueService.NonExistentQueue"), std::string::npos) << what;
  EXPECT_TRUE(sleeps_.empty());
  EXPECT_EQ(proxied_requests(), 1);
}

TEST_F(QueueVisibility, AnUnreachableCredentialsEndpointIsRetried) {
  DefaultCredentialsChain::Options o;
  o.remote.ecs_host = "http://127.0.0.1:1";
  o.remote.retry_base_delay = milliseconds(1);
  auto chain = std::make_shared<DefaultCredentialsChain>(
      Env{{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"}, {"HOME", "/nonexistent"}}, o);
  SqsClient sqs(proxied(), chain);
  retry_.tries = 2;
  const std::string what = error_of(sqs, queue_);
  EXPECT_NE(what.find("CredentialsEndpointUnavailable"), std::string::npos) << what;
  EXPECT_NE(what.find("http://127.0.0.1:1/creds"), std::string::npos) << what;
  EXPECT_EQ(sleeps_, std::vector<milliseconds>{milliseconds(1000)});
  EXPECT_EQ(proxied_requests(), 0);
}

}  // namespace
}  // namespace runner::aws
