// Every request the client sends here is re-signed by botocore (Debian's python3-botocore, an
// independent SigV4 implementation) in tests/aws/servers/sigv4_verifier.py, which answers 403
// when the signatures differ. Keys, paths, queries, bodies, credentials and regions are random.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "aws/error.hpp"
#include "aws/s3.hpp"
#include "aws/sqs.hpp"
#include "support/local_servers.hpp"

namespace runner::aws {
namespace {

class Random {
 public:
  explicit Random(unsigned seed) : rng_(seed) {}
  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  // Text mixing the characters that encoding gets wrong: space, + ~ / % = & ? # and UTF-8.
  std::string text(std::size_t max_len, bool allow_slash) {
    static const std::vector<std::string> pieces = {"a",
                                                    "Z",
                                                    "0",
                                                    "9",
                                                    "-",
                                                    "_",
                                                    ".",
                                                    "~",
                                                    " ",
                                                    "+",
                                                    "%",
                                                    "=",
                                                    "&",
                                                    "?",
                                                    "#",
                                                    "!",
                                                    "*",
                                                    "'",
                                                    "(",
                                                    ")",
                                                    ",",
                                                    ";",
                                                    ":",
                                                    "@",
                                                    "$",
                                                    "[",
                                                    "]",
                                                    "\xC3\xA9",
                                                    "\xC3\xBC",
                                                    "\xE1\x88\xB4",
                                                    "\xE6\x97\xA5\xE6\x9C\xAC",
                                                    "\xF0\x9F\x98\x80",
                                                    "/",
                                                    "./",
                                                    "../",
                                                    "%20"};
    std::string out;
    std::size_t len = 1 + below(max_len);
    while (out.size() < len) {
      const std::string& p = pieces[below(pieces.size())];
      if (!allow_slash && p.find('/') != std::string::npos) continue;
      out += p;
    }
    return out;
  }
  std::string alnum(std::size_t len, const std::string& alphabet) {
    std::string out;
    for (std::size_t i = 0; i < len; ++i) out.push_back(alphabet[below(alphabet.size())]);
    return out;
  }
  std::string bytes(std::size_t max_len) {
    std::string out(below(max_len + 1), '\0');
    for (auto& c : out) c = static_cast<char>(below(256));
    return out;
  }
  Credentials credentials() {
    Credentials c;
    c.access_key_id = "AKID" + alnum(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    c.secret_access_key =
        alnum(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    if (below(2) == 0) {
      c.session_token = alnum(200 + below(200),
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
    }
    return c;
  }

 private:
  std::mt19937 rng_;
};

const std::vector<std::string> kRegions = {"us-east-1", "eu-south-2", "ap-southeast-3",
                                           "cn-north-1"};

class SignatureVerify : public ::testing::Test {
 protected:
  void SetUp() override { verifier_ = testing::start_verifier(); }

  ClientConfig config(Random& r) {
    ClientConfig c = testing::local_config(verifier_->port());
    c.region = kRegions[r.below(kRegions.size())];
    c.retry.max_attempts = 1;  // a 403 here means a wrong signature: never hide it behind a retry
    return c;
  }
  std::shared_ptr<CredentialsProvider> register_credentials(const Credentials& c) {
    nlohmann::json body = {{c.access_key_id, c.secret_access_key}};
    EXPECT_EQ(
        testing::control(verifier_->port(), "POST", "/__verifier/credentials", body.dump()).status,
        200);
    return std::make_shared<StaticCredentialsProvider>(c);
  }
  nlohmann::json stats() {
    return nlohmann::json::parse(
        testing::control(verifier_->port(), "GET", "/__verifier/stats").body);
  }
  std::unique_ptr<testing::ChildProcess> verifier_;
  testing::TempDir dir_;
};

TEST_F(SignatureVerify, RandomS3KeysAndBodies) {
  Random r(20240601);
  int requests = 0;
  for (int i = 0; i < 40; ++i) {
    Credentials creds = r.credentials();
    S3Client s3(config(r), register_credentials(creds));
    std::string key = r.text(40, true);
    std::string body = r.bytes(3000);
    SCOPED_TRACE("key=" + key);
    if (i % 2 == 0) {
      s3.put_object("bucket-" + std::to_string(i), key, body, "application/x-" + r.alnum(5, "abc"));
    } else {
      testing::write_file(dir_ / "up", body);
      s3.put_object_file("bucket-" + std::to_string(i), key, dir_ / "up");
    }
    EXPECT_EQ(stats()["last"]["path"], "/bucket-" + std::to_string(i) + "/" + key);
    ASSERT_TRUE(s3.head_object("bucket-" + std::to_string(i), key));
    s3.get_object("bucket-" + std::to_string(i), key, dir_ / "down");
    EXPECT_EQ(testing::read_file(dir_ / "down"), body);
    s3.delete_object("bucket-" + std::to_string(i), key);
    requests += 4;
  }
  auto s = stats();
  EXPECT_EQ(s["rejected"], 0) << s["failures"].dump(2);
  EXPECT_EQ(s["verified"], requests);
}

TEST_F(SignatureVerify, RandomQueriesPathsAndMethodsForS3AndOtherServices) {
  Random r(7);
  int requests = 0;
  for (int i = 0; i < 60; ++i) {
    Credentials creds = r.credentials();
    std::string service = i % 2 == 0 ? "s3" : "sqs";
    ServiceClient client(service, config(r), register_credentials(creds));
    ServiceRequest req;
    req.operation = "Random";
    req.method = std::vector<std::string>{"GET", "PUT", "POST", "DELETE"}[r.below(4)];
    req.endpoint = Url::parse("http://127.0.0.1:" + std::to_string(verifier_->port()));
    std::string raw_path = "/" + r.text(30, true);
    req.path = uri_encode(raw_path, true);
    for (std::size_t q = r.below(5); q > 0; --q)
      req.query.emplace_back(r.text(10, true), r.text(10, true));
    if (r.below(3) == 0) req.query.emplace_back(r.text(5, false), "");  // valueless, like ?acl
    if (req.method == "PUT" || req.method == "POST") req.body = r.bytes(2000);
    if (r.below(2) == 0) req.headers.emplace_back("x-amz-meta-note", r.alnum(10, "abc  xyz"));
    req.headers.emplace_back("content-type", "application/octet-stream");
    SCOPED_TRACE(service + " " + req.method + " " + req.path + "?" + encode_query(req.query));
    ErrorParser parser = [](const HttpResponse& resp) { return parse_s3_error(resp); };
    if (req.method == "GET") {
      // The verifier serves GET only for stored paths; store one first.
      ServiceRequest put = req;
      put.method = "PUT";
      put.body = "stored";
      client.send(put, parser);
      ++requests;
      EXPECT_EQ(client.send(req, parser).body, "stored");
    } else {
      client.send(req, parser);
    }
    ++requests;
    auto last = stats()["last"];
    EXPECT_EQ(last["method"], req.method);
    EXPECT_EQ(last["path"], raw_path);
    EXPECT_EQ(last["query"].size(), req.query.size());
  }
  auto s = stats();
  EXPECT_EQ(s["rejected"], 0) << s["failures"].dump(2);
  EXPECT_EQ(s["verified"], requests);
}

TEST_F(SignatureVerify, RandomSqsJsonBodies) {
  Random r(99);
  for (int i = 0; i < 30; ++i) {
    Credentials creds = r.credentials();
    SqsClient sqs(config(r), register_credentials(creds));
    nlohmann::json input = {
        {"QueueUrl", "https://sqs.eu-south-2.amazonaws.com/1/" + r.text(10, false)},
        {"MessageBody", r.text(200, true)}};
    sqs.call("SendMessage", input);
    auto last = stats()["last"];
    EXPECT_EQ(last["service"], "sqs");
    EXPECT_EQ(last["signed_headers"],
              creds.session_token.empty()
                  ? nlohmann::json({"content-type", "host", "x-amz-date", "x-amz-target"})
                  : nlohmann::json({"content-type", "host", "x-amz-date", "x-amz-security-token",
                                    "x-amz-target"}));
  }
  auto s = stats();
  EXPECT_EQ(s["rejected"], 0) << s["failures"].dump(2);
  EXPECT_EQ(s["verified"], 30);
}

// The verifier is not a rubber stamp: a wrong secret is caught, and not retried.
TEST_F(SignatureVerify, WrongSecretIsRejected) {
  Random r(1);
  Credentials creds = r.credentials();
  register_credentials(creds);
  Credentials wrong = creds;
  wrong.secret_access_key[3] ^= 1;
  S3Client s3(testing::local_config(verifier_->port()),
              std::make_shared<StaticCredentialsProvider>(wrong));
  try {
    s3.put_object("b", "k", "v");
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "SignatureDoesNotMatch");
    EXPECT_EQ(e.http_status(), 403);
    EXPECT_EQ(e.details().attempts, 1);
  }
  EXPECT_EQ(stats()["rejected"], 1);
}

// TLS verification is on: a self-signed server is refused unless its certificate is the CA.
TEST_F(SignatureVerify, TlsIsVerified) {
  auto [rc, out] = testing::run(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " +
      (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string() + " 2>&1");
  ASSERT_EQ(rc, 0) << out;
  auto tls = testing::start_verifier((dir_ / "cert.pem").string(), (dir_ / "key.pem").string());
  Random r(5);
  Credentials creds = r.credentials();
  nlohmann::json secrets = {{creds.access_key_id, creds.secret_access_key}};
  {
    HttpOptions o;
    o.ca_bundle = (dir_ / "cert.pem").string();
    HttpClient trusted(o);
    HttpRequest req;
    req.method = "POST";
    req.url = "https://127.0.0.1:" + std::to_string(tls->port()) + "/__verifier/credentials";
    req.body = secrets.dump();
    ASSERT_EQ(trusted.perform(req).status, 200);
  }
  ClientConfig config = testing::local_config(tls->port());
  config.endpoint = "https://127.0.0.1:" + std::to_string(tls->port());
  try {
    S3Client(config, std::make_shared<StaticCredentialsProvider>(creds)).put_object("b", "k", "v");
    FAIL() << "a self-signed certificate was accepted";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "TlsError") << e.what();
    EXPECT_EQ(e.details().attempts, 1);
  }
  config.http.ca_bundle = (dir_ / "cert.pem").string();
  S3Client s3(config, std::make_shared<StaticCredentialsProvider>(creds));
  s3.put_object("b", "k", "over tls");
  s3.get_object("b", "k", dir_ / "k");
  EXPECT_EQ(testing::read_file(dir_ / "k"), "over tls");
}

}  // namespace
}  // namespace runner::aws
