#pragma once
// A small HTTP client on libcurl. Easy handles are pooled and reused, so connections (and TLS
// sessions) are kept alive between requests; the pool makes one HttpClient safe to share between
// threads. Bodies can stream from and to files, so large objects never sit in memory.
//
// Expect: 100-continue is handled rather than disabled: uploads of at least 1 MiB send it and
// wait up to `expect_continue_timeout` for the server's go-ahead, so a request S3 rejects
// (bad signature, missing bucket) is answered before the body is sent. Smaller bodies go
// without it, saving a round trip.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace runner::aws {

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{5000};
  // A transfer slower than `low_speed_bytes` per second for `low_speed_time` is abandoned, so
  // a stalled connection is noticed even when the total timeout is long.
  long low_speed_bytes = 1;
  std::chrono::seconds low_speed_time{30};
  std::chrono::milliseconds expect_continue_timeout{1000};
  std::string ca_bundle;  // CA file (AWS_CA_BUNDLE); empty: the system default
  std::string proxy;      // "" means no proxy; libcurl's own environment lookup is not used
  std::string no_proxy;
  std::string user_agent = "runner-aws/1";
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  // Body: `body` unless `body_file` is set.
  std::string body;
  std::filesystem::path body_file;
  // Where a 2xx response body goes: memory unless `response_file` is set. Error bodies always go
  // to memory (capped) so they can be parsed.
  std::filesystem::path response_file;
  std::optional<std::uint64_t> max_response_bytes;  // abort early past this many bytes
  std::chrono::milliseconds timeout{60000};         // whole request; 0 = none
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;                                          // memory body (or error body)
  std::uint64_t body_bytes = 0;                              // bytes received in total
  bool reused_connection = false;  // sent on a connection kept alive from an earlier request
  std::optional<std::string> header(std::string_view name) const;
};

class TransportError : public std::runtime_error {
 public:
  enum class Kind {
    Connect,     // could not resolve or connect
    Timeout,     // connect or total timeout, or the transfer stalled
    Connection,  // the connection broke mid-request (reset, closed, empty reply)
    Tls,         // certificate verification or handshake failure
    TooLarge,    // response larger than max_response_bytes
    LocalIo,     // reading the upload file or writing the download file failed
    Other,
  };
  TransportError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs one request (no retries). A non-2xx status is a response, not an exception; a
  // transport failure throws TransportError. A partially written response_file is removed.
  HttpResponse perform(const HttpRequest& request);

  const HttpOptions& options() const { return options_; }

 private:
  struct Handle;
  std::unique_ptr<Handle> acquire();
  void release(std::unique_ptr<Handle> handle);

  HttpOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Handle>> idle_;
};

}  // namespace runner::aws
