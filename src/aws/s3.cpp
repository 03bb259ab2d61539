#include "aws/s3.hpp"

#include <fmt/format.h>

#include <random>

#include "aws/endpoints.hpp"
#include "aws/error.hpp"
#include "aws/fail.hpp"
#include "util/crypto.hpp"

namespace runner::aws {

namespace {

std::string resource_name(const std::string& bucket, const std::string& key) {
  return key.empty() ? "s3://" + bucket : "s3://" + bucket + "/" + key;
}

ObjectInfo info_from(const HttpResponse& r) {
  ObjectInfo info;
  if (auto len = r.header("content-length")) {
    try {
      info.size = std::stoull(*len);
    } catch (const std::exception&) {
      info.size = 0;
    }
  }
  info.etag = r.header("etag").value_or("");
  info.content_type = r.header("content-type").value_or("");
  info.last_modified = r.header("last-modified").value_or("");
  return info;
}

// A local file failed the request (before or after the exchange with S3).
[[noreturn]] void local_io_error(const ServiceRequest& r, const std::string& message) {
  throw_aws_error("s3", r.operation, r.resource, "LocalIoError", message);
}

std::filesystem::path temporary_sibling(const std::filesystem::path& destination) {
  std::random_device rd;
  return destination.parent_path() /
         fmt::format(".{}.part-{:08x}", destination.filename().string(), rd());
}

}  // namespace

S3Client::S3Client(ClientConfig config, std::shared_ptr<CredentialsProvider> credentials)
    : service_(std::make_shared<ServiceClient>("s3", std::move(config), std::move(credentials))) {}

S3Client::S3Client(std::shared_ptr<ServiceClient> service) : service_(std::move(service)) {}

ServiceRequest S3Client::request(const std::string& operation, const std::string& method,
                                 const std::string& bucket, const std::string& key) const {
  S3Location loc = s3_location(service_->config(), bucket, key);
  ServiceRequest r;
  r.operation = operation;
  r.resource = resource_name(bucket, key);
  r.method = method;
  r.endpoint = loc.endpoint;
  r.path = loc.path;
  r.timeout = service_->config().request_timeout;
  return r;
}

ObjectInfo S3Client::get_object(const std::string& bucket, const std::string& key,
                                const std::filesystem::path& destination,
                                std::optional<std::uint64_t> max_bytes) {
  ServiceRequest r = request("GetObject", "GET", bucket, key);
  r.timeout = service_->config().transfer_timeout;
  r.max_response_bytes = max_bytes;
  std::filesystem::path temp = temporary_sibling(destination);
  r.response_file = temp;
  HttpResponse response;
  try {
    response = service_->send(r, parse_s3_error);
  } catch (const AwsError& e) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    if (e.code() != "ResponseTooLarge") throw;
    AwsError::Details d = e.details();
    d.code = "ObjectTooLarge";
    d.message = fmt::format("object is larger than the {}-byte limit", *max_bytes);
    throw AwsError(std::move(d));
  }
  std::error_code ec;
  std::filesystem::rename(temp, destination, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    local_io_error(r, "cannot move the download to " + destination.string() + ": " + ec.message());
  }
  ObjectInfo info = info_from(response);
  info.size = response.body_bytes;
  return info;
}

std::string S3Client::put_object_file(const std::string& bucket, const std::string& key,
                                      const std::filesystem::path& source,
                                      const std::string& content_type) {
  ServiceRequest r = request("PutObject", "PUT", bucket, key);
  r.timeout = service_->config().transfer_timeout;
  r.body_file = source;
  try {
    r.payload_hash = util::sha256_file_hex(source);
  } catch (const std::runtime_error& e) {
    local_io_error(r, e.what());
  }
  r.headers.emplace_back("content-type", content_type);
  return service_->send(r, parse_s3_error).header("etag").value_or("");
}

std::string S3Client::put_object(const std::string& bucket, const std::string& key,
                                 std::string data, const std::string& content_type) {
  ServiceRequest r = request("PutObject", "PUT", bucket, key);
  r.body = std::move(data);
  r.headers.emplace_back("content-type", content_type);
  return service_->send(r, parse_s3_error).header("etag").value_or("");
}

std::optional<ObjectInfo> S3Client::head_object(const std::string& bucket, const std::string& key) {
  ServiceRequest r = request("HeadObject", "HEAD", bucket, key);
  try {
    return info_from(service_->send(r, parse_s3_error));
  } catch (const AwsError& e) {
    if (e.http_status() == 404) return std::nullopt;
    throw;
  }
}

void S3Client::head_bucket(const std::string& bucket) {
  service_->send(request("HeadBucket", "HEAD", bucket, ""), parse_s3_error);
}

void S3Client::delete_object(const std::string& bucket, const std::string& key) {
  service_->send(request("DeleteObject", "DELETE", bucket, key), parse_s3_error);
}

void S3Client::create_bucket(const std::string& bucket) {
  ServiceRequest r = request("CreateBucket", "PUT", bucket, "");
  const std::string& region = service_->signing_region();
  if (region != "us-east-1") {
    // Outside us-east-1, S3 wants the region restated in the body.
    r.body = fmt::format(
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
        region);
    r.headers.emplace_back("content-type", "application/xml");
  }
  service_->send(r, parse_s3_error);
}

}  // namespace runner::aws
