#include "aws/http.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include "aws/ascii.hpp"
#include "aws/http_transfer.hpp"

namespace runner::aws {

namespace {

using detail::Transfer;

constexpr std::uint64_t kExpectContinueThreshold = 1 << 20;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The URL without its query, for error messages.
std::string url_for_message(const std::string& url) {
  return url.substr(0, url.find('?'));
}

TransportError::Kind classify(CURLcode code) {
  using K = TransportError::Kind;
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return K::Connect;
    case CURLE_OPERATION_TIMEDOUT:
      return K::Timeout;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:  // usually a reset during the handshake
      return K::Connection;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return K::Tls;
    default:
      return K::Other;
  }
}

template <typename T>
void set(CURL* easy, CURLoption option, T value) {
  CURLcode rc = curl_easy_setopt(easy, option, value);
  if (rc != CURLE_OK) {
    throw TransportError(
        TransportError::Kind::Other,
        fmt::format("curl_easy_setopt({}): {}", static_cast<int>(option), curl_easy_strerror(rc)));
  }
}

struct HeaderListFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, HeaderListFree>;

bool has_body(const HttpRequest& request) {
  return !request.body_file.empty() || !request.body.empty() || request.method == "PUT" ||
         request.method == "POST";
}

// Where to connect, how long to wait and how to check the peer: the client's options plus the
// request's URL and timeout.
void set_connection_options(CURL* easy, const HttpOptions& options, const HttpRequest& request,
                            char* error_buffer) {
  set(easy, CURLOPT_URL, request.url.c_str());
  set(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  // S3 keys may contain "./" and "../"; they must reach the server untouched.
  set(easy, CURLOPT_PATH_AS_IS, 1L);
  set(easy, CURLOPT_NOSIGNAL, 1L);
  set(easy, CURLOPT_ERRORBUFFER, error_buffer);
  set(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  set(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  set(easy, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
  set(easy, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
  set(easy, CURLOPT_EXPECT_100_TIMEOUT_MS,
      static_cast<long>(options.expect_continue_timeout.count()));
  set(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  set(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_bundle.empty()) set(easy, CURLOPT_CAINFO, options.ca_bundle.c_str());
  set(easy, CURLOPT_PROXY, options.proxy.c_str());
  if (!options.no_proxy.empty()) set(easy, CURLOPT_NOPROXY, options.no_proxy.c_str());
  set(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
  set(easy, CURLOPT_FOLLOWLOCATION, 0L);
  set(easy, CURLOPT_TCP_KEEPALIVE, 1L);
}

// The method, and the callbacks that feed the body in and take the response out.
void set_method_and_body(CURL* easy, Transfer& t, std::uint64_t upload_size) {
  const HttpRequest& request = *t.request;
  set(easy, CURLOPT_HEADERFUNCTION, &detail::on_header);
  set(easy, CURLOPT_HEADERDATA, &t);
  set(easy, CURLOPT_WRITEFUNCTION, &detail::on_body);
  set(easy, CURLOPT_WRITEDATA, &t);
  if (request.method == "HEAD") {
    set(easy, CURLOPT_NOBODY, 1L);
  } else if (has_body(request)) {
    set(easy, CURLOPT_UPLOAD, 1L);
    set(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload_size));
    set(easy, CURLOPT_READFUNCTION, &detail::on_read);
    set(easy, CURLOPT_READDATA, &t);
    set(easy, CURLOPT_SEEKFUNCTION, &detail::on_seek);
    set(easy, CURLOPT_SEEKDATA, &t);
    if (request.method != "PUT") set(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method != "GET") {
    set(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

// The request's headers, plus Expect: large bodies wait for the server's go-ahead, smaller ones
// go without it (an empty "Expect:" keeps curl from adding its own).
HeaderList header_list(const HttpRequest& request, std::uint64_t upload_size) {
  curl_slist* list = nullptr;
  for (const auto& [name, value] : request.headers) {
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  if (has_body(request)) {
    list = curl_slist_append(
        list, upload_size >= kExpectContinueThreshold ? "Expect: 100-continue" : "Expect:");
  }
  return HeaderList(list);
}

// The TransportError for a failed transfer: the callbacks' own verdicts (size cap, local file
// errors) before curl's code, which for those is only "aborted by callback".
[[noreturn]] void throw_transfer_error(const Transfer& t, CURLcode rc, bool download_ok,
                                       const char* error_buffer) {
  const HttpRequest& request = *t.request;
  if (t.too_large) {
    throw TransportError(
        TransportError::Kind::TooLarge,
        fmt::format("response body exceeds the {}-byte limit", *request.max_response_bytes));
  }
  if (t.local_io_error || !download_ok) {
    throw TransportError(TransportError::Kind::LocalIo,
                         t.local_io_message.empty()
                             ? "error writing " + request.response_file.string()
                             : t.local_io_message);
  }
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
  throw TransportError(classify(rc), fmt::format("{} ({})", detail, url_for_message(request.url)));
}

// Sets every option of one request on a freshly reset handle; the returned list must outlive
// the transfer.
HeaderList configure(CURL* easy, const HttpOptions& options, Transfer& t, std::uint64_t upload_size,
                     char* error_buffer) {
  set_connection_options(easy, options, *t.request, error_buffer);
  set_method_and_body(easy, t, upload_size);
  HeaderList headers = header_list(*t.request, upload_size);
  set(easy, CURLOPT_HTTPHEADER, headers.get());
  return headers;
}

// Runs the transfer; the status and whether a kept-alive connection carried it go to `response`.
CURLcode run(CURL* easy, HttpResponse& response) {
  CURLcode rc = curl_easy_perform(easy);
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
  long new_connections = 0;
  curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &new_connections);
  response.reused_connection = new_connections == 0;
  return rc;
}

// After the transfer: closes the download, and on failure removes it and throws.
void finish(Transfer& t, CURLcode rc, const char* error_buffer) {
  const bool download_ok = t.close_download();
  if (rc != CURLE_OK || !download_ok) {
    t.remove_download();
    throw_transfer_error(t, rc, download_ok, error_buffer);
  }
  t.ensure_download_file();
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  std::string key = ascii_lower(name);
  for (const auto& [n, v] : headers) {
    if (n == key) return v;
  }
  return std::nullopt;
}

struct HttpClient::Handle {
  CURL* easy = nullptr;
  Handle() : easy(curl_easy_init()) {
    if (!easy) throw TransportError(TransportError::Kind::Other, "curl_easy_init failed");
  }
  ~Handle() { curl_easy_cleanup(easy); }
};

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)) {
  global_init();
}
HttpClient::~HttpClient() = default;

std::unique_ptr<HttpClient::Handle> HttpClient::acquire() {
  std::lock_guard lock(mutex_);
  if (idle_.empty()) return std::make_unique<Handle>();
  auto h = std::move(idle_.back());
  idle_.pop_back();
  return h;
}

void HttpClient::release(std::unique_ptr<Handle> handle) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < 16) idle_.push_back(std::move(handle));
}

HttpResponse HttpClient::perform(const HttpRequest& request) {
  auto handle = acquire();
  CURL* easy = handle->easy;
  // Reset clears the options but keeps the handle's connection cache, so the next request to
  // the same host reuses the open connection.
  curl_easy_reset(easy);

  HttpResponse response;
  Transfer t(request, response, easy);
  const std::uint64_t upload_size = t.open_upload();
  char error_buffer[CURL_ERROR_SIZE] = {0};
  HeaderList headers;
  try {
    headers = configure(easy, options_, t, upload_size, error_buffer);
  } catch (...) {
    release(std::move(handle));
    throw;
  }

  CURLcode rc = run(easy, response);
  // Disconnect the callbacks from this stack frame before the handle goes back to the pool.
  curl_easy_reset(easy);
  release(std::move(handle));
  finish(t, rc, error_buffer);
  return response;
}

}  // namespace runner::aws
