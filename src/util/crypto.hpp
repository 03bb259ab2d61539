#pragma once
// Hashes SigV4 and SQS need (SHA-256, HMAC-SHA256, MD5), on OpenSSL's EVP interface.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace runner::util {

std::string to_hex(std::string_view bytes);

// Raw digests (32 bytes / 16 bytes); *_hex give lowercase hex.
std::string sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string md5_hex(std::string_view data);

// SHA-256 of a file, read in blocks so large files never sit in memory. Throws
// std::runtime_error when the file cannot be read.
std::string sha256_file_hex(const std::filesystem::path& path);

// SHA-256 over a folder's tree: every entry's path relative to `dir` (sorted, '/'-separated),
// its type and, for files, its content; symlinks by their target, never followed. Two trees
// with the same names and bytes have the same digest wherever they sit.
std::string tree_sha256_hex(const std::filesystem::path& dir);

// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string finish_hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace runner::util
