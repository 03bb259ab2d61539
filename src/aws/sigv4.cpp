#include "aws/sigv4.hpp"

#include <fmt/format.h>

#include <map>

#include "aws/ascii.hpp"
#include "util/crypto.hpp"

namespace runner::aws {

namespace {

// Trim, and collapse each run of spaces inside the value to one (the spec's "Trimall").
std::string trim_all(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// RFC 3986 dot-segment removal plus empty-segment removal, as the SDKs do for non-S3 services.
std::string normalize_path(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string seg = path.substr(start, end - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& seg : segments) out += "/" + seg;
  if (out.empty()) return "/";
  if (path.size() > 1 && path.back() == '/') out.push_back('/');
  return out;
}

}  // namespace

std::string canonical_uri(const std::string& path, const std::string& service) {
  if (service == "s3") return path.empty() ? "/" : path;
  return uri_encode(normalize_path(path.empty() ? "/" : path), true);
}

std::pair<std::string, std::string> canonical_headers(const Headers& headers) {
  std::map<std::string, std::string> merged;
  for (const auto& [name, value] : headers) {
    auto key = ascii_lower(name);
    auto v = trim_all(value);
    auto [it, inserted] = merged.emplace(key, v);
    if (!inserted) it->second += "," + v;
  }
  std::string block;
  std::string names;
  for (const auto& [name, value] : merged) {
    block += name + ":" + value + "\n";
    if (!names.empty()) names.push_back(';');
    names += name;
  }
  return {block, names};
}

std::string signing_key(const std::string& secret, const std::string& day,
                        const std::string& region, const std::string& service) {
  std::string k_date = util::hmac_sha256("AWS4" + secret, day);
  std::string k_region = util::hmac_sha256(k_date, region);
  std::string k_service = util::hmac_sha256(k_region, service);
  return util::hmac_sha256(k_service, "aws4_request");
}

Signature sign(const SigningRequest& request, const Credentials& credentials,
               const SigningScope& scope) {
  Signature sig;
  auto [header_block, signed_names] = canonical_headers(request.headers);
  sig.signed_headers = signed_names;
  sig.canonical_request = fmt::format(
      "{}\n{}\n{}\n{}\n{}\n{}", request.method, canonical_uri(request.path, scope.service),
      canonical_query(request.query), header_block, signed_names, request.payload_hash);
  std::string day = amz_day(scope.time);
  std::string credential_scope =
      fmt::format("{}/{}/{}/aws4_request", day, scope.region, scope.service);
  sig.string_to_sign = fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", amz_date(scope.time),
                                   credential_scope, util::sha256_hex(sig.canonical_request));
  std::string key = signing_key(credentials.secret_access_key, day, scope.region, scope.service);
  sig.signature = util::to_hex(util::hmac_sha256(key, sig.string_to_sign));
  sig.authorization =
      fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
                  credentials.access_key_id, credential_scope, signed_names, sig.signature);
  return sig;
}

Signature add_signature(SigningRequest& request, const Credentials& credentials,
                        const SigningScope& scope) {
  request.headers.emplace_back("x-amz-date", amz_date(scope.time));
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  Signature sig = sign(request, credentials, scope);
  request.headers.emplace_back("Authorization", sig.authorization);
  return sig;
}

std::string describe_headers(const Headers& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    if (!out.empty()) out += ", ";
    auto key = ascii_lower(name);
    if (key == "authorization") {
      // Keep the non-secret parts (scope, signed header names); drop the signature and the
      // access key id, which together with a leaked secret would identify the account.
      auto pos = value.find("SignedHeaders=");
      auto end = value.find(',', pos);
      out += name + ": AWS4-HMAC-SHA256 <redacted> " +
             (pos == std::string::npos ? "" : value.substr(pos, end - pos));
    } else if (key == "x-amz-security-token" || key == "x-aws-ec2-metadata-token" ||
               key == "cookie") {
      out += name + ": <redacted>";
    } else {
      out += name + ": " + value;
    }
  }
  return out;
}

}  // namespace runner::aws
