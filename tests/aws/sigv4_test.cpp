// SigV4 against the worked examples AWS publishes: the SigV4 test suite (get-vanilla & co.), the
// IAM ListUsers example of the general signing docs, and the S3 header-signing examples. The
// expected hex strings are the published ones.
#include "aws/sigv4.hpp"

#include <gtest/gtest.h>

#include "util/crypto.hpp"

namespace runner::aws {
namespace {

using namespace std::chrono;

Clock::time_point at(const std::string& iso) {
  return *parse_iso8601(iso);
}

Credentials suite_credentials() {
  return {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt, "test"};
}

Credentials s3_doc_credentials() {
  return {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", std::nullopt,
          "test"};
}

const std::string kEmptySha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// One request of the SigV4 test suite (host example.amazonaws.com, service "service").
Signature suite(const std::string& method, const std::string& path, QueryParams query,
                Headers extra = {}, const std::string& body = "") {
  SigningRequest r;
  r.method = method;
  r.path = path;
  r.query = std::move(query);
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  r.headers.insert(r.headers.end(), extra.begin(), extra.end());
  r.payload_hash = util::sha256_hex(body);
  return sign(r, suite_credentials(), {"us-east-1", "service", at("2015-08-30T12:36:00Z")});
}

TEST(SigV4Suite, GetVanilla) {
  Signature s = suite("GET", "/", {});
  EXPECT_EQ(
      s.canonical_request,
      "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" +
          kEmptySha);
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(s.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Suite, PostVanilla) {
  EXPECT_EQ(suite("POST", "/", {}).signature,
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST(SigV4Suite, QueryOrderKeyCase) {
  EXPECT_EQ(suite("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}).signature,
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4Suite, Utf8Query) {
  EXPECT_EQ(suite("GET", "/", {{"\xE1\x88\xB4", "bar"}}).signature,
            "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04");
}

TEST(SigV4Suite, Unreserved) {
  EXPECT_EQ(suite("GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", {})
                .signature,
            "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f");
}

TEST(SigV4Suite, SpaceInPath) {
  // The suite's request line carries a raw space; non-S3 services encode the path once more.
  Signature s = suite("GET", "/example space/", {});
  EXPECT_NE(s.canonical_request.find("\n/example%20space/\n"), std::string::npos);
  EXPECT_EQ(s.signature, "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741");
}

TEST(SigV4Suite, Utf8Path) {
  EXPECT_EQ(suite("GET", "/\xE1\x88\xB4", {}).signature,
            "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

TEST(SigV4Suite, PostXWwwFormUrlencoded) {
  EXPECT_EQ(suite("POST", "/", {}, {{"Content-Type", "application/x-www-form-urlencoded"}},
                  "Param1=value1")
                .signature,
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

TEST(SigV4Suite, HeaderKeySort) {
  EXPECT_EQ(suite("POST", "/", {}, {{"My-Header1", "value1"}}).signature,
            "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c");
}

// The IAM ListUsers example of the general SigV4 documentation, step by step.
TEST(SigV4Docs, IamListUsers) {
  SigningRequest r;
  r.method = "GET";
  r.path = "/";
  r.query = {{"Action", "ListUsers"}, {"Version", "2010-05-08"}};
  r.headers = {{"Host", "iam.amazonaws.com"},
               {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"X-Amz-Date", "20150830T123600Z"}};
  r.payload_hash = kEmptySha;
  Signature s = sign(r, suite_credentials(), {"us-east-1", "iam", at("2015-08-30T12:36:00Z")});
  EXPECT_EQ(util::sha256_hex(s.canonical_request),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(util::to_hex(signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830",
                                     "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  EXPECT_EQ(s.signature, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

// The S3 examples ("Signature calculations for the Authorization header").
Signature s3_example(const std::string& method, const std::string& path, QueryParams query,
                     Headers extra, const std::string& payload_hash) {
  SigningRequest r;
  r.method = method;
  r.path = path;
  r.query = std::move(query);
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"x-amz-date", "20130524T000000Z"},
               {"x-amz-content-sha256", payload_hash}};
  r.headers.insert(r.headers.end(), extra.begin(), extra.end());
  r.payload_hash = payload_hash;
  return sign(r, s3_doc_credentials(), {"us-east-1", "s3", at("2013-05-24T00:00:00Z")});
}

TEST(SigV4S3Docs, GetObject) {
  Signature s = s3_example("GET", "/test.txt", {}, {{"Range", "bytes=0-9"}}, kEmptySha);
  EXPECT_EQ(s.signed_headers, "host;range;x-amz-content-sha256;x-amz-date");
  EXPECT_EQ(util::sha256_hex(s.canonical_request),
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4S3Docs, PutObject) {
  std::string body = "Welcome to Amazon S3.";
  std::string hash = util::sha256_hex(body);
  EXPECT_EQ(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  Signature s = s3_example(
      "PUT", "/test%24file.text", {},
      {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
      hash);
  EXPECT_EQ(s.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4S3Docs, GetBucketLifecycle) {
  EXPECT_EQ(s3_example("GET", "/", {{"lifecycle", ""}}, {}, kEmptySha).signature,
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4S3Docs, ListObjects) {
  EXPECT_EQ(s3_example("GET", "/", {{"max-keys", "2"}, {"prefix", "J"}}, {}, kEmptySha).signature,
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, CanonicalHeadersTrimAndMerge) {
  auto [block, names] = canonical_headers(
      {{"My-Header1", "  a   b   c  "}, {"X-B", "1"}, {"x-b", " 2 "}, {"Host", "h"}});
  EXPECT_EQ(block, "host:h\nmy-header1:a b c\nx-b:1,2\n");
  EXPECT_EQ(names, "host;my-header1;x-b");
}

TEST(SigV4, CanonicalUriS3KeepsPathAsSent) {
  EXPECT_EQ(canonical_uri("/b/a%20b//./c", "s3"), "/b/a%20b//./c");
  EXPECT_EQ(canonical_uri("", "s3"), "/");
  // Other services normalize, then encode again (so %20 becomes %2520).
  EXPECT_EQ(canonical_uri("/a/./b/../c//d%20e", "sqs"), "/a/c/d%2520e");
  EXPECT_EQ(canonical_uri("", "sqs"), "/");
}

TEST(SigV4, AddSignatureAddsDateTokenAndAuthorization) {
  SigningRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"host", "sqs.eu-south-2.amazonaws.com"}};
  r.payload_hash = kEmptySha;
  Credentials c = suite_credentials();
  c.session_token = "SESSION/TOKEN+=";
  Signature s = add_signature(r, c, {"eu-south-2", "sqs", at("2024-02-03T04:05:06Z")});
  ASSERT_EQ(r.headers.size(), 4u);
  EXPECT_EQ(r.headers[1], (std::pair<std::string, std::string>{"x-amz-date", "20240203T040506Z"}));
  EXPECT_EQ(r.headers[2].second, "SESSION/TOKEN+=");
  EXPECT_EQ(s.signed_headers, "host;x-amz-date;x-amz-security-token");
  EXPECT_EQ(r.headers[3].first, "Authorization");
  EXPECT_NE(r.headers[3].second.find("Credential=AKIDEXAMPLE/20240203/eu-south-2/sqs/aws4_request"),
            std::string::npos);
}

TEST(SigV4, DescribeHeadersHidesSecrets) {
  SigningRequest r;
  r.method = "GET";
  r.path = "/";
  r.headers = {{"host", "h"}};
  r.payload_hash = kEmptySha;
  Credentials c = suite_credentials();
  c.session_token = "VERYSECRETTOKEN";
  Signature s = add_signature(r, c, {"us-east-1", "s3", at("2024-02-03T04:05:06Z")});
  std::string text = describe_headers(r.headers);
  EXPECT_EQ(text.find("VERYSECRETTOKEN"), std::string::npos);
  EXPECT_EQ(text.find(s.signature), std::string::npos);
  EXPECT_EQ(text.find("AKIDEXAMPLE"), std::string::npos);
  EXPECT_EQ(text.find(c.secret_access_key), std::string::npos);
  EXPECT_NE(text.find("SignedHeaders=host;x-amz-date;x-amz-security-token"), std::string::npos);
}

}  // namespace
}  // namespace runner::aws
