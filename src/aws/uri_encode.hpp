#pragma once
// Percent-encoding exactly as SigV4 defines it: every byte except the unreserved characters
// A-Z a-z 0-9 - _ . ~ becomes %XX with upper-case hex (so a space is %20, never '+', and '~'
// stays as is). '/' is kept only when asked, for S3 object keys in paths.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runner::aws {

std::string uri_encode(std::string_view s, bool keep_slash);

// Decodes %XX sequences; a malformed sequence is kept literally. '+' stays '+'.
std::string uri_decode(std::string_view s);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=2" from unencoded pairs, each name and value encoded, in the given order.
std::string encode_query(const QueryParams& params);

// The SigV4 canonical query string: encoded pairs sorted by name, then by value.
std::string canonical_query(const QueryParams& params);

}  // namespace runner::aws
