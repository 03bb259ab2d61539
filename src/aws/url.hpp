#pragma once
// Just enough URL handling for service endpoints: scheme://host[:port][/base/path].
#include <optional>
#include <string>
#include <string_view>

namespace runner::aws {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower-case; IPv6 literals keep their brackets
  std::optional<int> port;
  std::string path;  // the encoded path as it goes on the wire; "" when absent

  // Throws std::invalid_argument on anything that is not an http(s) URL with a host.
  static Url parse(std::string_view text);

  // The Host header value: the port is included only when it is not the scheme's default,
  // which is what HTTP clients send and therefore what must be signed.
  std::string authority() const;
  // scheme://authority (no path).
  std::string origin() const;
};

}  // namespace runner::aws
