#include "aws/http.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <system_error>

namespace runner::aws {

namespace {

constexpr std::uint64_t kExpectContinueThreshold = 1 << 20;
constexpr std::size_t kMaxErrorBody = 1 << 20;  // error documents are small; cap what we keep

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// The URL without its query, for error messages.
std::string url_for_message(const std::string& url) {
  return url.substr(0, url.find('?'));
}

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};

// Per-request state shared with the libcurl callbacks.
struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  CURL* easy = nullptr;
  // upload
  std::unique_ptr<FILE, FileCloser> upload_file;
  std::uint64_t upload_offset = 0;  // for in-memory bodies
  // download
  std::unique_ptr<FILE, FileCloser> download_file;
  bool created_download = false;
  bool too_large = false;
  bool local_io_error = false;
  std::string local_io_message;

  long status() const {
    long code = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    return code;
  }
};

bool is_success(long status) {
  return status >= 200 && status < 300;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line: headers of an interim response (100 Continue) are dropped.
    t->response->headers.clear();
    return line.size();
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  std::string name = lower(trim(line.substr(0, colon)));
  std::string value = trim(line.substr(colon + 1));
  if (name == "content-length" && t->request->max_response_bytes && is_success(t->status())) {
    // Abort before the body arrives when the object is known to be too large.
    std::uint64_t length = 0;
    for (char c : value) {
      if (c < '0' || c > '9') break;
      length = length * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (length > *t->request->max_response_bytes) {
      t->too_large = true;
      return 0;
    }
  }
  t->response->headers.emplace_back(std::move(name), std::move(value));
  return line.size();
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  bool success = is_success(t->status());
  if (success && t->request->max_response_bytes &&
      t->response->body_bytes + n > *t->request->max_response_bytes) {
    t->too_large = true;
    return 0;
  }
  t->response->body_bytes += n;
  if (success && !t->request->response_file.empty()) {
    if (!t->download_file) {
      t->download_file.reset(std::fopen(t->request->response_file.c_str(), "wb"));
      if (!t->download_file) {
        t->local_io_error = true;
        t->local_io_message = "cannot open " + t->request->response_file.string() + " for writing";
        return 0;
      }
      t->created_download = true;
    }
    if (std::fwrite(data, 1, n, t->download_file.get()) != n) {
      t->local_io_error = true;
      t->local_io_message = "error writing " + t->request->response_file.string();
      return 0;
    }
    return n;
  }
  if (!success && t->response->body.size() >= kMaxErrorBody) return n;  // keep the head only
  t->response->body.append(data, n);
  return n;
}

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t capacity = size * count;
  if (t->upload_file) {
    size_t n = std::fread(buffer, 1, capacity, t->upload_file.get());
    if (n == 0 && std::ferror(t->upload_file.get())) {
      t->local_io_error = true;
      t->local_io_message = "error reading " + t->request->body_file.string();
      return CURL_READFUNC_ABORT;
    }
    return n;
  }
  const std::string& body = t->request->body;
  size_t n = std::min<size_t>(capacity, body.size() - static_cast<size_t>(t->upload_offset));
  std::copy_n(body.data() + t->upload_offset, n, buffer);
  t->upload_offset += n;
  return n;
}

// libcurl rewinds the body when it must send it again on the same request (e.g. after a
// 100-continue exchange was cut short).
int on_seek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
  if (t->upload_file) {
    return fseeko(t->upload_file.get(), static_cast<off_t>(offset), SEEK_SET) == 0
               ? CURL_SEEKFUNC_OK
               : CURL_SEEKFUNC_FAIL;
  }
  if (static_cast<std::uint64_t>(offset) > t->request->body.size()) return CURL_SEEKFUNC_FAIL;
  t->upload_offset = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
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

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  std::string key = lower(name);
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
  Transfer t;
  t.request = &request;
  t.response = &response;
  t.easy = easy;

  std::uint64_t upload_size = 0;
  bool has_body = !request.body_file.empty() || !request.body.empty() || request.method == "PUT" ||
                  request.method == "POST";
  if (!request.body_file.empty()) {
    t.upload_file.reset(std::fopen(request.body_file.c_str(), "rb"));
    std::error_code ec;
    upload_size = std::filesystem::file_size(request.body_file, ec);
    if (!t.upload_file || ec) {
      throw TransportError(TransportError::Kind::LocalIo,
                           "cannot read " + request.body_file.string());
    }
  } else {
    upload_size = request.body.size();
  }

  char error_buffer[CURL_ERROR_SIZE] = {0};
  struct curl_slist* header_list = nullptr;
  auto free_headers = [&] { curl_slist_free_all(header_list); };
  try {
    set(easy, CURLOPT_URL, request.url.c_str());
    set(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    // S3 keys may contain "./" and "../"; they must reach the server untouched.
    set(easy, CURLOPT_PATH_AS_IS, 1L);
    set(easy, CURLOPT_NOSIGNAL, 1L);
    set(easy, CURLOPT_ERRORBUFFER, error_buffer);
    set(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    set(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    set(easy, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes);
    set(easy, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_time.count()));
    set(easy, CURLOPT_EXPECT_100_TIMEOUT_MS,
        static_cast<long>(options_.expect_continue_timeout.count()));
    set(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    set(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_bundle.empty()) set(easy, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    set(easy, CURLOPT_PROXY, options_.proxy.c_str());
    if (!options_.no_proxy.empty()) set(easy, CURLOPT_NOPROXY, options_.no_proxy.c_str());
    set(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
    set(easy, CURLOPT_FOLLOWLOCATION, 0L);
    set(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    set(easy, CURLOPT_HEADERFUNCTION, &on_header);
    set(easy, CURLOPT_HEADERDATA, &t);
    set(easy, CURLOPT_WRITEFUNCTION, &on_body);
    set(easy, CURLOPT_WRITEDATA, &t);

    if (request.method == "HEAD") {
      set(easy, CURLOPT_NOBODY, 1L);
    } else if (has_body) {
      set(easy, CURLOPT_UPLOAD, 1L);
      set(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload_size));
      set(easy, CURLOPT_READFUNCTION, &on_read);
      set(easy, CURLOPT_READDATA, &t);
      set(easy, CURLOPT_SEEKFUNCTION, &on_seek);
      set(easy, CURLOPT_SEEKDATA, &t);
      if (request.method != "PUT") set(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else if (request.method != "GET") {
      set(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    for (const auto& [name, value] : request.headers) {
      header_list = curl_slist_append(header_list, (name + ": " + value).c_str());
    }
    if (has_body) {
      header_list = curl_slist_append(header_list, upload_size >= kExpectContinueThreshold
                                                       ? "Expect: 100-continue"
                                                       : "Expect:");
    }
    set(easy, CURLOPT_HTTPHEADER, header_list);
  } catch (...) {
    free_headers();
    release(std::move(handle));
    throw;
  }

  CURLcode rc = curl_easy_perform(easy);
  free_headers();
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
  long new_connections = 0;
  curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &new_connections);
  response.reused_connection = new_connections == 0;
  // Disconnect the callbacks from this stack frame before the handle goes back to the pool.
  curl_easy_reset(easy);
  release(std::move(handle));

  bool download_ok = true;
  if (t.download_file) {
    download_ok = std::fflush(t.download_file.get()) == 0;
    t.download_file.reset();
  }
  auto remove_download = [&] {
    if (t.created_download) {
      std::error_code ec;
      std::filesystem::remove(request.response_file, ec);
    }
  };

  if (rc != CURLE_OK || !download_ok) {
    remove_download();
    std::string where = url_for_message(request.url);
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
    throw TransportError(classify(rc), fmt::format("{} ({})", detail, where));
  }
  if (is_success(response.status) && !request.response_file.empty() && !t.created_download) {
    // An empty object still produces a (empty) file.
    std::unique_ptr<FILE, FileCloser> f(std::fopen(request.response_file.c_str(), "wb"));
    if (!f) {
      throw TransportError(TransportError::Kind::LocalIo,
                           "cannot open " + request.response_file.string() + " for writing");
    }
  }
  return response;
}

}  // namespace runner::aws
