#pragma once
// The S3 operations Runner needs, over the REST API with SigV4. Object bodies stream between
// the network and files, so an object's size does not bound memory.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "aws/service_client.hpp"

namespace runner::aws {

struct ObjectInfo {
  std::uint64_t size = 0;
  std::string etag;
  std::string content_type;
  std::string last_modified;
};

class S3Client {
 public:
  S3Client(ClientConfig config, std::shared_ptr<CredentialsProvider> credentials);
  S3Client(std::shared_ptr<ServiceClient> service);

  // Downloads to `destination` (via a temporary sibling renamed on success, so a failed or
  // oversized download never leaves a partial file). With `max_bytes`, a larger object is
  // refused with code "ObjectTooLarge": from Content-Length before the body when the server
  // sends it, else as soon as the limit is passed.
  // HeadBucket: returns when the bucket answers; throws AwsError (404: no such bucket, 403: no
  // s3:ListBucket on it) otherwise.
  void head_bucket(const std::string& bucket);

  ObjectInfo get_object(const std::string& bucket, const std::string& key,
                        const std::filesystem::path& destination,
                        std::optional<std::uint64_t> max_bytes = std::nullopt);

  // Uploads a file (streamed; hashed in a first pass for the signature). Returns the ETag.
  std::string put_object_file(const std::string& bucket, const std::string& key,
                              const std::filesystem::path& source,
                              const std::string& content_type = "application/octet-stream");
  // Uploads bytes held in memory. Returns the ETag.
  std::string put_object(const std::string& bucket, const std::string& key, std::string data,
                         const std::string& content_type = "application/octet-stream");

  // nullopt when the object does not exist (404); other failures throw.
  std::optional<ObjectInfo> head_object(const std::string& bucket, const std::string& key);

  void delete_object(const std::string& bucket, const std::string& key);
  // For tests and tools; production buckets are made by infrastructure code.
  void create_bucket(const std::string& bucket);

  ServiceClient& service() { return *service_; }

 private:
  ServiceRequest request(const std::string& operation, const std::string& method,
                         const std::string& bucket, const std::string& key) const;
  std::shared_ptr<ServiceClient> service_;
};

// Parses an S3 error response (XML <Error> document, or only the status for HEAD and empty
// bodies) into code, message and request id.
ServiceErrorInfo parse_s3_error(const HttpResponse& response);

}  // namespace runner::aws
