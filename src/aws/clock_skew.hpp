#pragma once
// Clock skew correction, as the AWS SDKs do it (Java's ClockSkewAdjuster, the JS SDK's
// systemClockOffset): when a service rejects a request because its signing time is too far from
// the service's clock, the client learns the offset (server time - local time) from the
// response, signs again with the corrected time, and uses the offset for later requests.
//
// A response is a clock-skew error of a request signed at `signed_at` when the server's time is
// known (the Date header, else the time SQS quotes in "Signature expired: ... (20240101T120000Z
// - 15 min.)") and either
//   - its code is about the clock for certain: RequestTimeTooSkewed, RequestExpired,
//     RequestInTheFuture, or InvalidSignatureException/AuthFailure/SignatureDoesNotMatch whose
//     message says the signature expired or is not yet current; or
//   - it may be about the clock (InvalidSignatureException, SignatureDoesNotMatch, AuthFailure,
//     or any HTTP 401/403) and the server's time differs from `signed_at` by more than
//     kClockSkewThreshold (4 minutes, Java's threshold). A wrong secret key with a correct
//     clock gives SignatureDoesNotMatch too; that is not retried.
#include <chrono>
#include <optional>
#include <string>

#include "aws/http.hpp"
#include "aws/time_format.hpp"

namespace runner::aws {

inline constexpr std::chrono::minutes kClockSkewThreshold{4};

// The six codes the SDKs list as clock skew errors.
bool is_clock_skew_code(const std::string& code);

// The server's clock as a response reports it: the Date header, else a time quoted in the
// message ("... is now earlier than 20130401T034613Z (20130401T040113Z - 15 min.)").
std::optional<Clock::time_point> server_time(const HttpResponse& response,
                                             const std::string& message);

// The server's time when `response` (with its parsed error code and message) is a clock-skew
// error of a request signed at `signed_at`; nullopt otherwise.
std::optional<Clock::time_point> clock_skew_server_time(const HttpResponse& response,
                                                        const std::string& code,
                                                        const std::string& message,
                                                        Clock::time_point signed_at);

}  // namespace runner::aws
