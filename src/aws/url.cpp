#include "aws/url.hpp"

#include <stdexcept>
#include <utility>

#include "aws/ascii.hpp"

namespace runner::aws {

namespace {

[[noreturn]] void bad_url(const char* problem, std::string_view text) {
  throw std::invalid_argument(std::string(problem) + ": " + std::string(text));
}

// "host[:port]" or "[v6 literal][:port]" as host and port ("" when absent).
std::pair<std::string_view, std::string_view> split_authority(std::string_view authority,
                                                              std::string_view text) {
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) bad_url("bad IPv6 URL", text);
    std::string_view host = authority.substr(0, close + 1);
    if (close + 1 == authority.size()) return {host, {}};
    if (authority[close + 1] != ':') bad_url("bad URL", text);
    return {host, authority.substr(close + 2)};
  }
  if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    return {authority.substr(0, colon), authority.substr(colon + 1)};
  }
  return {authority, {}};
}

int parse_port(std::string_view port, std::string_view text) {
  int value = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || value > 65535) bad_url("bad port in URL", text);
    value = value * 10 + (c - '0');
  }
  if (value <= 0 || value > 65535) bad_url("bad port in URL", text);
  return value;
}

}  // namespace

Url Url::parse(std::string_view text) {
  Url url;
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) bad_url("not a URL (no scheme)", text);
  url.scheme = ascii_lower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") bad_url("unsupported URL scheme", text);
  std::string_view rest = text.substr(scheme_end + 3);
  auto path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  if (path_start != std::string_view::npos) {
    std::string_view path = rest.substr(path_start);
    url.path = std::string(path.substr(0, path.find_first_of("?#")));
  }
  if (authority.find('@') != std::string_view::npos) {
    bad_url("URLs with user info are not supported", text);
  }
  auto [host, port] = split_authority(authority, text);
  if (host.empty()) bad_url("URL without a host", text);
  url.host = ascii_lower(host);
  if (!port.empty()) url.port = parse_port(port, text);
  return url;
}

std::string Url::authority() const {
  bool default_port =
      !port || (scheme == "http" && *port == 80) || (scheme == "https" && *port == 443);
  return default_port ? host : host + ":" + std::to_string(*port);
}

std::string Url::origin() const {
  return scheme + "://" + authority();
}

}  // namespace runner::aws
