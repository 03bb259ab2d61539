#pragma once
// Where each request goes. Real AWS: https://sqs.<region>.amazonaws.com and, for S3,
// virtual-hosted https://<bucket>.s3.<region>.amazonaws.com/<key>. A custom endpoint
// (AWS_ENDPOINT_URL_S3 / _SQS, else AWS_ENDPOINT_URL) replaces the host; S3 then uses path
// style (https://endpoint/<bucket>/<key>), as it does with AWS_S3_FORCE_PATH_STYLE=true.
#include <string>

#include "aws/config.hpp"
#include "aws/url.hpp"

namespace runner::aws {

// The DNS suffix of the region's partition: amazonaws.com, amazonaws.com.cn for China.
std::string dns_suffix(const std::string& region);

Url sqs_endpoint(const ClientConfig& config);

struct S3Location {
  Url endpoint;      // scheme, host, port (and a base path for custom endpoints)
  std::string path;  // encoded path on the wire: [/base]/[bucket/]key
};

// Throws std::invalid_argument for an empty bucket or a missing region without an endpoint.
S3Location s3_location(const ClientConfig& config, const std::string& bucket,
                       const std::string& key);

// Whether the bucket can be a DNS label of a TLS host (no dots, lower-case, 3-63 chars).
bool virtual_host_compatible(const std::string& bucket);

}  // namespace runner::aws
