#pragma once
// The body source and sink of one HttpClient request: the state libcurl's callbacks share, the
// callbacks themselves, and the upload and download files. Internal to http.cpp.
#include <curl/curl.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "aws/http.hpp"

namespace runner::aws::detail {

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

// Per-request state shared with the libcurl callbacks.
struct Transfer {
  Transfer(const HttpRequest& sent, HttpResponse& received, CURL* handle)
      : request(&sent), response(&received), easy(handle) {}

  const HttpRequest* request;
  HttpResponse* response;
  CURL* easy;
  // upload
  FilePtr upload_file;
  std::uint64_t upload_offset = 0;  // for in-memory bodies
  // download
  FilePtr download_file;
  bool created_download = false;
  bool too_large = false;
  bool local_io_error = false;
  std::string local_io_message;

  long status() const;

  // Opens the upload file when the body streams from one; returns the body's size. Throws
  // TransportError (LocalIo) when the file cannot be read.
  std::uint64_t open_upload();
  // Closes the download file; false when its buffered tail could not be written.
  bool close_download();
  // Removes a download file this transfer created, so no partial file is left behind.
  void remove_download() const;
  // After a 2xx response with no body bytes: creates the (empty) response file all the same.
  void ensure_download_file() const;
};

bool is_success(long status);

// The libcurl callbacks; `user` is the Transfer.
size_t on_header(char* data, size_t size, size_t count, void* user);
size_t on_body(char* data, size_t size, size_t count, void* user);
size_t on_read(char* buffer, size_t size, size_t count, void* user);
int on_seek(void* user, curl_off_t offset, int origin);

}  // namespace runner::aws::detail
