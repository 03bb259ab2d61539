#include "aws/clock_skew.hpp"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "aws/ascii.hpp"

namespace runner::aws {

namespace {

bool one_of(const std::string& code, std::initializer_list<std::string_view> codes) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

// What AWS services say when the signing time is out of range: SQS and other coral services
// ("Signature expired: ...", "Signature not yet current: ..."), S3 ("The difference between the
// request time and the current time is too large"), EC2 ("... request has expired").
bool message_is_about_the_clock(const std::string& message) {
  const std::string m = ascii_lower(message);
  for (std::string_view phrase : {"signature expired", "not yet current", "skew",
                                  "request time and the current time", "request has expired"}) {
    if (m.find(phrase) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

bool is_clock_skew_code(const std::string& code) {
  return one_of(code, {"RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture",
                       "InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure"});
}

std::optional<Clock::time_point> server_time(const HttpResponse& response,
                                             const std::string& message) {
  if (auto date = response.header("date")) {
    if (auto t = parse_http_date(*date)) return t;
  }
  // "(20130401T040113Z - 15 min.)" or "(20140819T173329Z + 5 min.)": the server's time.
  for (auto open = message.find('('); open != std::string::npos;
       open = message.find('(', open + 1)) {
    if (auto t = parse_amz_date(std::string_view(message).substr(open + 1, 16))) {
      if (message.compare(open + 17, 3, " - ") == 0 || message.compare(open + 17, 3, " + ") == 0) {
        return t;
      }
    }
  }
  return std::nullopt;
}

std::optional<Clock::time_point> clock_skew_server_time(const HttpResponse& response,
                                                        const std::string& code,
                                                        const std::string& message,
                                                        Clock::time_point signed_at) {
  const bool maybe = is_clock_skew_code(code) || response.status == 401 || response.status == 403;
  if (!maybe) return std::nullopt;
  auto server = server_time(response, message);
  if (!server) return std::nullopt;
  const bool certain =
      one_of(code, {"RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"}) ||
      (one_of(code, {"InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure"}) &&
       message_is_about_the_clock(message));
  const auto skew = *server > signed_at ? *server - signed_at : signed_at - *server;
  if (certain || skew > kClockSkewThreshold) return server;
  return std::nullopt;
}

}  // namespace runner::aws
