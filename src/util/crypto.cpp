#include "util/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace runner::util {

namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

std::string digest(const EVP_MD* md, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1) {
    throw std::runtime_error("OpenSSL digest failed");
  }
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

}  // namespace

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0x0f]);
  }
  return out;
}

std::string sha256(std::string_view data) {
  return digest(EVP_sha256(), data);
}
std::string sha256_hex(std::string_view data) {
  return to_hex(sha256(data));
}
std::string md5_hex(std::string_view data) {
  return to_hex(digest(EVP_md5(), data));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &len) == nullptr) {
    throw std::runtime_error("OpenSSL HMAC failed");
  }
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

struct Sha256::Impl {
  MdCtx ctx{EVP_MD_CTX_new()};
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 init failed");
  }
}
Sha256::~Sha256() = default;

void Sha256::update(std::string_view data) {
  if (EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size()) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 update failed");
  }
}

std::string Sha256::finish_hex() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx.get(), out.data(), &len) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 final failed");
  }
  return to_hex(std::string_view(reinterpret_cast<const char*>(out.data()), len));
}

std::string sha256_file_hex(const std::filesystem::path& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw std::runtime_error("cannot open " + path.string() + " for reading");
  Sha256 h;
  std::array<char, 1 << 16> buf{};
  while (true) {
    std::size_t n = std::fread(buf.data(), 1, buf.size(), f.get());
    if (n > 0) h.update(std::string_view(buf.data(), n));
    if (n < buf.size()) {
      if (std::ferror(f.get())) throw std::runtime_error("error reading " + path.string());
      break;
    }
  }
  return h.finish_hex();
}

std::string tree_sha256_hex(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, fs::path>> entries;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    entries.emplace_back(it->path().lexically_relative(dir).generic_string(), it->path());
  }
  std::sort(entries.begin(), entries.end());
  Sha256 hash;
  for (const auto& [name, path] : entries) {
    const auto status = fs::symlink_status(path);
    if (fs::is_symlink(status)) {
      hash.update("l " + name + " " + fs::read_symlink(path).string() + "\n");
    } else if (fs::is_directory(status)) {
      hash.update("d " + name + "\n");
    } else if (fs::is_regular_file(status)) {
      hash.update("f " + name + " " + sha256_file_hex(path) + "\n");
    } else {
      hash.update("o " + name + "\n");
    }
  }
  return hash.finish_hex();
}

}  // namespace runner::util
