#include "aws/url.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace runner::aws {

Url Url::parse(std::string_view text) {
  Url url;
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    throw std::invalid_argument("not a URL (no scheme): " + std::string(text));
  }
  url.scheme = std::string(text.substr(0, scheme_end));
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (url.scheme != "http" && url.scheme != "https") {
    throw std::invalid_argument("unsupported URL scheme: " + std::string(text));
  }
  std::string_view rest = text.substr(scheme_end + 3);
  auto path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  if (path_start != std::string_view::npos) {
    std::string_view path = rest.substr(path_start);
    path = path.substr(0, path.find_first_of("?#"));
    url.path = std::string(path);
  }
  if (authority.find('@') != std::string_view::npos) {
    throw std::invalid_argument("URLs with user info are not supported: " + std::string(text));
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      throw std::invalid_argument("bad IPv6 URL: " + std::string(text));
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') throw std::invalid_argument("bad URL: " + std::string(text));
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) throw std::invalid_argument("URL without a host: " + std::string(text));
  url.host = std::string(host);
  std::transform(url.host.begin(), url.host.end(), url.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!port.empty()) {
    int value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535) {
        throw std::invalid_argument("bad port in URL: " + std::string(text));
      }
      value = value * 10 + (c - '0');
    }
    if (value <= 0 || value > 65535)
      throw std::invalid_argument("bad port in URL: " + std::string(text));
    url.port = value;
  }
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
