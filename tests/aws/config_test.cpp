// Configuration from variables, and endpoint resolution (real AWS and custom endpoints).
#include "aws/config.hpp"

#include <gtest/gtest.h>

#include "aws/endpoints.hpp"

namespace runner::aws {
namespace {

TEST(ClientConfig, ReadsTheStandardVariables) {
  ClientConfig c = ClientConfig::from_env({{"AWS_REGION", "eu-south-2"},
                                           {"AWS_DEFAULT_REGION", "us-west-2"},
                                           {"AWS_ENDPOINT_URL", "http://localhost:4566"},
                                           {"AWS_ENDPOINT_URL_S3", "http://s3.local:9000"},
                                           {"AWS_ENDPOINT_URL_SQS", "http://sqs.local:9324"},
                                           {"AWS_S3_FORCE_PATH_STYLE", "true"},
                                           {"AWS_MAX_ATTEMPTS", "5"},
                                           {"AWS_CA_BUNDLE", "/etc/ca.pem"},
                                           {"HTTPS_PROXY", "http://proxy:3128"}});
  EXPECT_EQ(c.region, "eu-south-2");
  EXPECT_EQ(c.endpoint, "http://localhost:4566");
  EXPECT_EQ(c.endpoint_s3, "http://s3.local:9000");
  EXPECT_EQ(c.endpoint_sqs, "http://sqs.local:9324");
  EXPECT_EQ(c.s3_force_path_style, true);
  EXPECT_EQ(c.retry.max_attempts, 5);
  EXPECT_EQ(c.http.ca_bundle, "/etc/ca.pem");
  EXPECT_EQ(c.http.proxy, "http://proxy:3128");
}

TEST(ClientConfig, Defaults) {
  ClientConfig c = ClientConfig::from_env({{"AWS_DEFAULT_REGION", "us-west-2"}});
  EXPECT_EQ(c.region, "us-west-2");
  EXPECT_EQ(c.retry.max_attempts, 3);
  EXPECT_EQ(c.retry.max_backoff, std::chrono::milliseconds(20000));
  EXPECT_FALSE(c.endpoint);
  EXPECT_FALSE(c.s3_force_path_style);
  EXPECT_EQ(c.http.proxy, "");
}

TEST(ClientConfig, RejectsBadValues) {
  EXPECT_THROW(ClientConfig::from_env({{"AWS_MAX_ATTEMPTS", "0"}}), std::invalid_argument);
  EXPECT_THROW(ClientConfig::from_env({{"AWS_MAX_ATTEMPTS", "three"}}), std::invalid_argument);
  EXPECT_THROW(ClientConfig::from_env({{"AWS_S3_FORCE_PATH_STYLE", "maybe"}}),
               std::invalid_argument);
}

ClientConfig region(const std::string& r) {
  ClientConfig c;
  c.region = r;
  return c;
}

TEST(Endpoints, RealAwsIsVirtualHostedS3AndRegionalSqs) {
  S3Location loc = s3_location(region("eu-south-2"), "runner-bucket", "submissions/a b+c.zip");
  EXPECT_EQ(loc.endpoint.origin(), "https://runner-bucket.s3.eu-south-2.amazonaws.com");
  EXPECT_EQ(loc.path, "/submissions/a%20b%2Bc.zip");
  EXPECT_EQ(sqs_endpoint(region("eu-south-2")).origin(), "https://sqs.eu-south-2.amazonaws.com");
  EXPECT_EQ(sqs_endpoint(region("cn-north-1")).origin(), "https://sqs.cn-north-1.amazonaws.com.cn");
}

TEST(Endpoints, PathStyleWhenForcedOrForUnsafeBucketNames) {
  ClientConfig c = region("eu-south-2");
  c.s3_force_path_style = true;
  S3Location loc = s3_location(c, "runner-bucket", "k");
  EXPECT_EQ(loc.endpoint.origin(), "https://s3.eu-south-2.amazonaws.com");
  EXPECT_EQ(loc.path, "/runner-bucket/k");
  // Dots break the TLS wildcard certificate, so such buckets go path-style.
  EXPECT_EQ(s3_location(region("eu-south-2"), "my.bucket", "k").path, "/my.bucket/k");
  EXPECT_FALSE(virtual_host_compatible("Upper"));
  EXPECT_FALSE(virtual_host_compatible("ab"));
  EXPECT_TRUE(virtual_host_compatible("runner-1"));
}

TEST(Endpoints, CustomEndpointsArePathStyleAndServiceSpecificWins) {
  ClientConfig c = region("us-east-1");
  c.endpoint = "http://127.0.0.1:4566";
  S3Location loc = s3_location(c, "b", "dir/ключ");
  EXPECT_EQ(loc.endpoint.origin(), "http://127.0.0.1:4566");
  EXPECT_EQ(loc.path, "/b/dir/%D0%BA%D0%BB%D1%8E%D1%87");
  EXPECT_EQ(s3_location(c, "bucket", "").path, "/bucket");
  c.endpoint_s3 = "http://s3.local:9000/prefix/";
  EXPECT_EQ(s3_location(c, "b", "k").endpoint.origin(), "http://s3.local:9000");
  EXPECT_EQ(s3_location(c, "b", "k").path, "/prefix/b/k");
  EXPECT_EQ(sqs_endpoint(c).origin(), "http://127.0.0.1:4566");
  c.endpoint_sqs = "http://sqs.local:9324";
  EXPECT_EQ(sqs_endpoint(c).origin(), "http://sqs.local:9324");
  // Explicitly not path style: virtual-hosted on the custom host.
  c.s3_force_path_style = false;
  EXPECT_EQ(s3_location(c, "bucket", "k").endpoint.origin(), "http://bucket.s3.local:9000");
}

TEST(Endpoints, NeedARegionWithoutACustomEndpoint) {
  EXPECT_THROW(s3_location(ClientConfig{}, "b", "k"), std::invalid_argument);
  EXPECT_THROW(sqs_endpoint(ClientConfig{}), std::invalid_argument);
  EXPECT_THROW(s3_location(region("us-east-1"), "", "k"), std::invalid_argument);
}

}  // namespace
}  // namespace runner::aws
