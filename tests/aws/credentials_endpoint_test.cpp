// The remote credential sources against local stand-ins on 127.0.0.1: the ECS container
// endpoint (relative and full URI, authorization token and token file) and EC2 IMDSv2, plus
// caching and refresh before Expiration. Nothing here contacts 169.254.x.x.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "aws/error.hpp"
#include "aws/s3.hpp"
#include "support/local_servers.hpp"

namespace runner::aws {
namespace {

using namespace std::chrono;

std::string iso(Clock::time_point t) {
  std::string d = amz_date(t);  // 20300102T030405Z -> 2030-01-02T03:04:05Z
  return fmt::format("{}-{}-{}T{}:{}:{}Z", d.substr(0, 4), d.substr(4, 2), d.substr(6, 2),
                     d.substr(9, 2), d.substr(11, 2), d.substr(13, 2));
}

// An HTTP server on 127.0.0.1 in a background thread.
class LocalServer {
 public:
  LocalServer() {
    server_.set_keep_alive_timeout(1);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op before the accept loop runs, so wait for it (bounded: 5 s).
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~LocalServer() {
    server_.stop();
    thread_.join();
  }
  httplib::Server& operator*() { return server_; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

std::string credentials_json(const std::string& key, Clock::time_point expiration,
                             const std::string& token = "SESSIONTOKEN") {
  return nlohmann::json{{"AccessKeyId", key},
                        {"SecretAccessKey", "secret-" + key},
                        {"Token", token},
                        {"Expiration", iso(expiration)}}
      .dump();
}

DefaultCredentialsChain::Options options_for(const LocalServer& ecs) {
  DefaultCredentialsChain::Options o;
  o.remote.ecs_host = ecs.url();
  o.remote.imds_endpoint = "http://127.0.0.1:1";  // never the real 169.254.169.254
  return o;
}

TEST(ContainerCredentials, RelativeUri) {
  LocalServer ecs;
  std::atomic<int> hits = 0;
  (*ecs).Get("/v2/credentials/task-1", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_content(credentials_json("ASIATASK", Clock::now() + hours(6)), "application/json");
  });
  DefaultCredentialsChain chain(
      {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task-1"},
       {"HOME", "/nonexistent"}},
      options_for(ecs));
  Credentials c = chain.get();
  EXPECT_EQ(c.access_key_id, "ASIATASK");
  EXPECT_EQ(c.secret_access_key, "secret-ASIATASK");
  EXPECT_EQ(c.session_token, "SESSIONTOKEN");
  EXPECT_EQ(c.source, "container");
  chain.get();
  EXPECT_EQ(hits, 1);  // cached: six hours to go
}

TEST(ContainerCredentials, FullUriWithTokenAndTokenFile) {
  LocalServer ecs;
  (*ecs).Get("/creds", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "token-from-file") {
      res.status = 401;
      return;
    }
    res.set_content(credentials_json("ASIAFULL", Clock::now() + hours(1)), "application/json");
  });
  testing::TempDir dir;
  testing::write_file(dir / "token", "token-from-file\n");
  Env env = {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/creds"},
             {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "plain-token"},
             {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", (dir / "token").string()},
             {"HOME", dir.path().string()}};
  // The file wins over the variable (EKS Pod Identity rotates the file).
  EXPECT_EQ(DefaultCredentialsChain(env, options_for(ecs)).get().access_key_id, "ASIAFULL");
  env.erase("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  try {
    DefaultCredentialsChain(env, options_for(ecs)).get();
    FAIL() << "the wrong token was accepted";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.http_status(), 401);
    EXPECT_EQ(std::string(e.what()).find("plain-token"), std::string::npos);  // no secret in text
  }
}

TEST(ContainerCredentials, PlainHttpOnlyToLoopbackOrEcsHosts) {
  Env env = {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds"},
             {"HOME", "/nonexistent"}};
  try {
    DefaultCredentialsChain(env).get();
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "InvalidConfiguration") << e.what();
  }
}

TEST(ContainerCredentials, ConfiguredButDownIsAnErrorNotAFallThroughToImds) {
  LocalServer imds;
  std::atomic<int> imds_hits = 0;
  (*imds).Put("/latest/api/token", [&](const httplib::Request&, httplib::Response& res) {
    ++imds_hits;
    res.set_content("T", "text/plain");
  });
  DefaultCredentialsChain::Options o;
  o.remote.ecs_host = "http://127.0.0.1:1";
  o.remote.timeout = milliseconds(300);
  Env env = {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"},
             {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url()},
             {"HOME", "/nonexistent"}};
  try {
    DefaultCredentialsChain(env, o).get();
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "CredentialsEndpointUnavailable") << e.what();
  }
  EXPECT_EQ(imds_hits, 0);
}

TEST(ContainerCredentials, ServerErrorsAreRetriedWithBackoff) {
  LocalServer ecs;
  std::atomic<int> hits = 0;
  std::vector<steady_clock::time_point> at;
  std::mutex m;
  (*ecs).Get("/creds", [&](const httplib::Request&, httplib::Response& res) {
    {
      std::lock_guard lock(m);
      at.push_back(steady_clock::now());
    }
    if (++hits <= 2) {
      res.status = hits == 1 ? 500 : 503;
      return;
    }
    res.set_content(credentials_json("ASIARETRIED", Clock::now() + hours(1)), "application/json");
  });
  Env env = {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"}, {"HOME", "/nonexistent"}};
  EXPECT_EQ(DefaultCredentialsChain(env, options_for(ecs)).get().access_key_id, "ASIARETRIED");
  EXPECT_EQ(hits, 3);
  std::lock_guard lock(m);
  ASSERT_EQ(at.size(), 3u);
  EXPECT_GE(at[1] - at[0], milliseconds(100));  // 100 ms, then 200 ms
  EXPECT_GE(at[2] - at[1], milliseconds(200));
  EXPECT_LT(at[2] - at[0], seconds(3));
}

TEST(ContainerCredentials, TimeoutsAreRetried) {
  LocalServer ecs;
  std::atomic<int> hits = 0;
  (*ecs).Get("/creds", [&](const httplib::Request&, httplib::Response& res) {
    if (++hits <= 2) std::this_thread::sleep_for(milliseconds(800));  // past the 300 ms timeout
    res.set_content(credentials_json("ASIASLOW", Clock::now() + hours(1)), "application/json");
  });
  DefaultCredentialsChain::Options o = options_for(ecs);
  o.remote.timeout = milliseconds(300);
  Env env = {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"}, {"HOME", "/nonexistent"}};
  EXPECT_EQ(DefaultCredentialsChain(env, o).get().access_key_id, "ASIASLOW");
  EXPECT_EQ(hits, 3);
}

TEST(ContainerCredentials, ClientErrorsAreNotRetried) {
  LocalServer ecs;
  std::atomic<int> hits = 0;
  (*ecs).Get("/creds", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.status = 403;
  });
  Env env = {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"}, {"HOME", "/nonexistent"}};
  try {
    DefaultCredentialsChain(env, options_for(ecs)).get();
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "CredentialsEndpointError") << e.what();
    EXPECT_EQ(e.http_status(), 403);
    EXPECT_FALSE(e.retryable());
  }
  EXPECT_EQ(hits, 1);
}

TEST(ContainerCredentials, EndpointDownForGoodIsOneLineNamingTheEndpoint) {
  DefaultCredentialsChain::Options o;
  o.remote.ecs_host = "http://127.0.0.1:1";  // nothing listens there
  o.remote.imds_endpoint = "http://127.0.0.1:1";
  Env env = {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task"},
             {"HOME", "/nonexistent"}};
  const auto start = steady_clock::now();
  try {
    DefaultCredentialsChain(env, o).get();
    FAIL();
  } catch (const AwsError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    EXPECT_EQ(what.rfind("credentials ContainerCredentials http://127.0.0.1:1/v2/credentials/task "
                         "failed: CredentialsEndpointUnavailable: ",
                         0),
              0u)
        << what;
    EXPECT_NE(what.find("after 3 attempts"), std::string::npos) << what;
    EXPECT_EQ(e.attempts(), 3);
    EXPECT_TRUE(e.retryable());
    EXPECT_TRUE(e.is_network());
    EXPECT_EQ(e.http_status(), 0);
  }
  EXPECT_GE(steady_clock::now() - start, milliseconds(300));  // backed off 100 + 200 ms

  // A server that keeps failing: the last status is in the error.
  LocalServer ecs;
  std::atomic<int> hits = 0;
  (*ecs).Get("/creds", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.status = 502;
  });
  DefaultCredentialsChain::Options down = options_for(ecs);
  down.remote.attempts = 4;
  down.remote.retry_base_delay = milliseconds(10);
  try {
    DefaultCredentialsChain(
        {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/creds"}, {"HOME", "/nonexistent"}},
        down)
        .get();
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_STREQ(e.what(),
                 fmt::format("credentials ContainerCredentials {}/creds failed: "
                             "CredentialsEndpointUnavailable (HTTP 502): the endpoint answered "
                             "with a server error after 4 attempts",
                             ecs.url())
                     .c_str());
    EXPECT_FALSE(e.is_network());
    EXPECT_TRUE(e.retryable());
  }
  EXPECT_EQ(hits, 4);
}

TEST(ContainerCredentials, EnvironmentComesFirst) {
  LocalServer ecs;
  std::atomic<int> hits = 0;
  (*ecs).Get("/creds", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_content(credentials_json("ASIA", Clock::now() + hours(1)), "application/json");
  });
  Env env = {{"AWS_ACCESS_KEY_ID", "AKIAENV"},
             {"AWS_SECRET_ACCESS_KEY", "s"},
             {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"}};
  EXPECT_EQ(DefaultCredentialsChain(env, options_for(ecs)).get().access_key_id, "AKIAENV");
  EXPECT_EQ(hits, 0);
}

// IMDSv2 stand-in: a session token from PUT is required on every GET.
struct FakeImds {
  LocalServer server;
  std::atomic<int> token_puts = 0, credential_gets = 0;
  std::atomic<int> token_failures = 0;  // the next this many token PUTs answer 503
  std::atomic<bool> failing = false;
  std::function<Clock::time_point()> expiration;
  FakeImds() {
    (*server).Put("/latest/api/token", [this](const httplib::Request& req, httplib::Response& res) {
      ++token_puts;
      if (token_failures > 0) {
        --token_failures;
        res.status = 503;
        return;
      }
      if (req.get_header_value("x-aws-ec2-metadata-token-ttl-seconds").empty()) {
        res.status = 400;
        return;
      }
      res.set_content("IMDS-SESSION-TOKEN", "text/plain");
    });
    auto authorized = [](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("x-aws-ec2-metadata-token") != "IMDS-SESSION-TOKEN") {
        res.status = 401;
        return false;
      }
      return true;
    };
    (*server).Get("/latest/meta-data/iam/security-credentials/",
                  [=](const httplib::Request& req, httplib::Response& res) {
                    if (authorized(req, res)) res.set_content("runner-role", "text/plain");
                  });
    (*server).Get("/latest/meta-data/iam/security-credentials/runner-role",
                  [=, this](const httplib::Request& req, httplib::Response& res) {
                    if (!authorized(req, res)) return;
                    if (failing) {
                      res.status = 500;
                      return;
                    }
                    int n = ++credential_gets;
                    nlohmann::json doc = nlohmann::json::parse(
                        credentials_json("ASIAIMDS" + std::to_string(n), expiration()));
                    doc["Code"] = "Success";
                    res.set_content(doc.dump(), "application/json");
                  });
  }
};

TEST(ImdsCredentials, TokenThenRoleThenCredentials) {
  FakeImds imds;
  imds.expiration = [] { return Clock::now() + hours(6); };
  DefaultCredentialsChain chain(
      {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.server.url() + "/"}, {"HOME", "/nonexistent"}});
  Credentials c = chain.get();
  EXPECT_EQ(c.access_key_id, "ASIAIMDS1");
  EXPECT_EQ(c.source, "imds");
  EXPECT_EQ(imds.token_puts, 1);
  EXPECT_EQ(imds.credential_gets, 1);
}

TEST(ImdsCredentials, FailingTwiceThenAnsweringIsRetried) {
  FakeImds imds;
  imds.expiration = [] { return Clock::now() + hours(6); };
  imds.token_failures = 2;
  DefaultCredentialsChain chain(
      {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.server.url()}, {"HOME", "/nonexistent"}});
  EXPECT_EQ(chain.get().access_key_id, "ASIAIMDS1");
  EXPECT_EQ(imds.token_puts, 3);
  EXPECT_EQ(imds.credential_gets, 1);
}

TEST(ImdsCredentials, UnreachableIsNamedInTheChainsError) {
  DefaultCredentialsChain::Options o;
  o.remote.imds_endpoint = "http://127.0.0.1:1";
  try {
    DefaultCredentialsChain({{"HOME", "/nonexistent"}}, o).get();
    FAIL();
  } catch (const AwsError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.code(), "NoCredentials");
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    EXPECT_NE(what.find("instance metadata (CredentialsEndpointUnavailable from "
                        "http://127.0.0.1:1/latest/api/token: "),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("after 3 attempts)"), std::string::npos) << what;
  }
}

TEST(ImdsCredentials, DisabledByVariable) {
  FakeImds imds;
  imds.expiration = [] { return Clock::now() + hours(6); };
  EXPECT_THROW(DefaultCredentialsChain({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.server.url()},
                                        {"AWS_EC2_METADATA_DISABLED", "true"},
                                        {"HOME", "/nonexistent"}})
                   .get(),
               AwsError);
  EXPECT_EQ(imds.token_puts, 0);
}

TEST(CredentialCache, RefreshesBeforeExpirationAndRidesOutFailedRefreshes) {
  FakeImds imds;
  const Clock::time_point t0 = Clock::now();
  std::atomic<long> offset_s = 0;  // the chain's clock runs from t0 + offset
  // Each fetch returns credentials valid for 10 minutes from the chain's "now".
  imds.expiration = [&] { return t0 + seconds(offset_s) + minutes(10); };
  DefaultCredentialsChain::Options o;
  o.refresh_before = minutes(5);
  o.now = [&] { return t0 + seconds(offset_s.load()); };
  DefaultCredentialsChain chain(
      {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.server.url()}, {"HOME", "/nonexistent"}}, o);
  EXPECT_EQ(chain.get().access_key_id, "ASIAIMDS1");
  offset_s = 4 * 60;  // 6 min left: still fresh
  EXPECT_EQ(chain.get().access_key_id, "ASIAIMDS1");
  EXPECT_EQ(imds.credential_gets, 1);
  offset_s = 6 * 60;  // 4 min left: inside the refresh window
  EXPECT_EQ(chain.get().access_key_id, "ASIAIMDS2");
  EXPECT_EQ(imds.credential_gets, 2);
  // The service fails: the old credentials (valid until t0+16 min) keep working meanwhile.
  imds.failing = true;
  offset_s = 13 * 60;
  EXPECT_EQ(chain.get().access_key_id, "ASIAIMDS2");
  // Once they expire, the failure surfaces.
  offset_s = 17 * 60;
  EXPECT_THROW(chain.get(), AwsError);
  imds.failing = false;
  EXPECT_EQ(chain.get().access_key_id, "ASIAIMDS3");
}

// End to end: container credentials (with a session token) sign S3 requests that botocore
// then verifies.
TEST(ContainerCredentials, SignRequestsBotocoreAccepts) {
  LocalServer ecs;
  (*ecs).Get("/creds", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(credentials_json("ASIAE2E", Clock::now() + hours(1), "TOKEN/with+chars="),
                    "application/json");
  });
  auto verifier = testing::start_verifier();
  ASSERT_EQ(testing::control(verifier->port(), "POST", "/__verifier/credentials",
                             R"({"ASIAE2E": "secret-ASIAE2E"})")
                .status,
            200);
  Env env = {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"}, {"HOME", "/nonexistent"}};
  auto chain = std::make_shared<DefaultCredentialsChain>(env, options_for(ecs));
  S3Client s3(testing::local_config(verifier->port()), chain);
  s3.put_object("bucket", "with token.txt", "signed with a session token");
  auto stats =
      nlohmann::json::parse(testing::control(verifier->port(), "GET", "/__verifier/stats").body);
  EXPECT_EQ(stats["verified"], 1) << stats.dump();
  EXPECT_EQ(stats["rejected"], 0) << stats.dump();
  EXPECT_EQ(
      stats["last"]["signed_headers"].dump(),
      R"(["content-type","host","x-amz-content-sha256","x-amz-date","x-amz-security-token"])");
}

}  // namespace
}  // namespace runner::aws
