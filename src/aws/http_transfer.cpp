#include "aws/http_transfer.hpp"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "aws/ascii.hpp"
#include "util/text.hpp"

namespace runner::aws::detail {

namespace {

constexpr std::size_t kMaxErrorBody = 1 << 20;  // error documents are small; cap what we keep

std::string cannot_open_message(const std::filesystem::path& path) {
  return "cannot open " + path.string() + " for writing";
}

// The leading decimal digits of a header value (Content-Length), as a number.
std::uint64_t leading_number(std::string_view value) {
  std::uint64_t number = 0;
  for (char c : value) {
    if (c < '0' || c > '9') break;
    number = number * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return number;
}

// A 2xx body bound for the response file: opened on the first bytes, so a failed request
// never creates it.
size_t write_to_download(Transfer& t, const char* data, size_t n) {
  if (!t.download_file) {
    t.download_file.reset(std::fopen(t.request->response_file.c_str(), "wb"));
    if (!t.download_file) {
      t.local_io_error = true;
      t.local_io_message = cannot_open_message(t.request->response_file);
      return 0;
    }
    t.created_download = true;
  }
  if (std::fwrite(data, 1, n, t.download_file.get()) != n) {
    t.local_io_error = true;
    t.local_io_message = "error writing " + t.request->response_file.string();
    return 0;
  }
  return n;
}

}  // namespace

long Transfer::status() const {
  long code = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
  return code;
}

std::uint64_t Transfer::open_upload() {
  if (request->body_file.empty()) return request->body.size();
  upload_file.reset(std::fopen(request->body_file.c_str(), "rb"));
  std::error_code ec;
  std::uint64_t size = std::filesystem::file_size(request->body_file, ec);
  if (!upload_file || ec) {
    throw TransportError(TransportError::Kind::LocalIo,
                         "cannot read " + request->body_file.string());
  }
  return size;
}

bool Transfer::close_download() {
  if (!download_file) return true;
  bool flushed = std::fflush(download_file.get()) == 0;
  download_file.reset();
  return flushed;
}

void Transfer::remove_download() const {
  if (!created_download) return;
  std::error_code ec;
  std::filesystem::remove(request->response_file, ec);
}

void Transfer::ensure_download_file() const {
  if (!is_success(response->status) || request->response_file.empty() || created_download) return;
  FilePtr f(std::fopen(request->response_file.c_str(), "wb"));
  if (!f) {
    throw TransportError(TransportError::Kind::LocalIo,
                         cannot_open_message(request->response_file));
  }
}

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
  std::string name = ascii_lower(util::trim(line.substr(0, colon)));
  std::string value = util::trim(line.substr(colon + 1));
  if (name == "content-length" && t->request->max_response_bytes && is_success(t->status()) &&
      leading_number(value) > *t->request->max_response_bytes) {
    // Abort before the body arrives when the object is known to be too large.
    t->too_large = true;
    return 0;
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
  if (success && !t->request->response_file.empty()) return write_to_download(*t, data, n);
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

}  // namespace runner::aws::detail
