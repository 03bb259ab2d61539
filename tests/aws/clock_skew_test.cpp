// Clock skew detection (which responses make the client correct its clock) and the date formats
// it reads. The correction itself is tested end to end in faults_test.cpp.
#include "aws/clock_skew.hpp"

#include <gtest/gtest.h>

namespace runner::aws {
namespace {

using namespace std::chrono;

// 2024-03-10T12:00:00Z
const Clock::time_point kT = sys_days{year{2024} / March / 10} + hours{12};

HttpResponse response(long status, std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

std::string http_date(Clock::time_point t) {
  // What servers send: "Sun, 10 Mar 2024 12:00:00 GMT".
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{floor<seconds>(t - day)};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02ld:%02ld:%02ld GMT",
                kDays[weekday{day}.c_encoding()], static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

TEST(TimeFormat, ParsesHttpDates) {
  EXPECT_EQ(parse_http_date("Sun, 10 Mar 2024 12:00:00 GMT"), kT);
  EXPECT_EQ(parse_http_date("10 Mar 2024 12:00:00 GMT"), kT);  // the weekday is optional
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            sys_days{year{1994} / November / 6} + hours{8} + minutes{49} + seconds{37});
  EXPECT_EQ(parse_http_date(http_date(kT + hours(1))), kT + hours(1));
  for (const char* bad : {"", "Sun, 10 Mar 2024 12:00:00 UTC", "Sun, 10 Foo 2024 12:00:00 GMT",
                          "Sun, 31 Feb 2024 12:00:00 GMT", "Sun, 10 Mar 2024 25:00:00 GMT",
                          "Sunday, 10-Mar-24 12:00:00 GMT", "Sun Mar 10 12:00:00 2024"}) {
    EXPECT_FALSE(parse_http_date(bad)) << bad;
  }
}

TEST(TimeFormat, ParsesAmzDates) {
  EXPECT_EQ(parse_amz_date("20240310T120000Z"), kT);
  EXPECT_EQ(parse_amz_date(amz_date(kT + minutes(75))), kT + minutes(75));
  for (const char* bad :
       {"", "20240310T120000", "20240310 120000Z", "2024-03-10T12:00:00Z", "20241310T120000Z"}) {
    EXPECT_FALSE(parse_amz_date(bad)) << bad;
  }
}

TEST(ClockSkew, ServerTimeFromTheDateHeaderElseTheMessage) {
  EXPECT_EQ(server_time(response(403, {{"date", http_date(kT)}}), ""), kT);
  // SQS: "Signature expired: <request> is now earlier than <limit> (<server> - 15 min.)"
  const std::string expired =
      "Signature expired: 20240310T104500Z is now earlier than 20240310T114500Z "
      "(20240310T120000Z - 15 min.)";
  EXPECT_EQ(server_time(response(400), expired), kT);
  EXPECT_EQ(server_time(response(400),
                        "Signature not yet current: 20240310T130000Z is still later than "
                        "20240310T120500Z (20240310T120000Z + 5 min.)"),
            kT);
  // The header wins over the message.
  EXPECT_EQ(server_time(response(400, {{"date", http_date(kT + hours(2))}}), expired),
            kT + hours(2));
  // An unparsable header falls back to the message.
  EXPECT_EQ(server_time(response(400, {{"date", "yesterday"}}), expired), kT);
  EXPECT_FALSE(server_time(response(403), "The request signature we calculated does not match"));
  EXPECT_FALSE(server_time(response(403), "(20240310T120000Z)"));
}

TEST(ClockSkew, DefiniteSkewCodesAreCorrectedWheneverTheServerTimeIsKnown) {
  for (const char* code : {"RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"}) {
    auto r = response(403, {{"date", http_date(kT + hours(1))}});
    EXPECT_EQ(clock_skew_server_time(r, code, "", kT), kT + hours(1)) << code;
    EXPECT_EQ(clock_skew_server_time(r, code, "", kT + hours(1) - seconds(30)), kT + hours(1))
        << code;
    EXPECT_FALSE(clock_skew_server_time(response(403), code, "no time here", kT)) << code;
  }
}

TEST(ClockSkew, SignatureErrorsCountOnlyWithAClockMessageOrMoreThanFourMinutes) {
  const std::string mismatch =
      "The request signature we calculated does not match the signature you provided.";
  for (const char* code : {"SignatureDoesNotMatch", "InvalidSignatureException", "AuthFailure"}) {
    // A wrong secret key with a good clock: not a skew error.
    auto near = response(403, {{"date", http_date(kT + minutes(2))}});
    EXPECT_FALSE(clock_skew_server_time(near, code, mismatch, kT)) << code;
    auto edge = response(403, {{"date", http_date(kT - minutes(4))}});
    EXPECT_FALSE(clock_skew_server_time(edge, code, mismatch, kT)) << code;
    auto far = response(403, {{"date", http_date(kT - minutes(5))}});
    EXPECT_EQ(clock_skew_server_time(far, code, mismatch, kT), kT - minutes(5)) << code;
  }
  // SQS's skew answer: InvalidSignatureException, the server time only in the message.
  const std::string expired =
      "Signature expired: 20240310T115800Z is now earlier than 20240310T115500Z "
      "(20240310T120000Z - 5 min.)";
  EXPECT_EQ(
      clock_skew_server_time(response(400), "InvalidSignatureException", expired, kT - minutes(2)),
      kT);
  // S3's wording for a skew under 4 minutes still counts: the message says it is the clock.
  auto s3 = response(403, {{"date", http_date(kT + minutes(3))}});
  EXPECT_EQ(clock_skew_server_time(
                s3, "SignatureDoesNotMatch",
                "The difference between the request time and the current time is too large.", kT),
            kT + minutes(3));
}

TEST(ClockSkew, OtherAuthFailuresNeedAFarOffClockOtherErrorsNever) {
  auto far = response(403, {{"date", http_date(kT + hours(1))}});
  auto near = response(403, {{"date", http_date(kT + seconds(10))}});
  EXPECT_EQ(clock_skew_server_time(far, "AccessDenied", "Access Denied", kT), kT + hours(1));
  EXPECT_FALSE(clock_skew_server_time(near, "AccessDenied", "Access Denied", kT));
  auto unauthorized = response(401, {{"date", http_date(kT - hours(1))}});
  EXPECT_EQ(clock_skew_server_time(unauthorized, "Http401", "", kT), kT - hours(1));
  for (long status : {400L, 404L, 500L, 503L}) {
    auto r = response(status, {{"date", http_date(kT + hours(1))}});
    EXPECT_FALSE(clock_skew_server_time(r, "NoSuchKey", "", kT)) << status;
    EXPECT_FALSE(clock_skew_server_time(r, "InternalError", "", kT)) << status;
  }
  EXPECT_TRUE(is_clock_skew_code("RequestTimeTooSkewed"));
  EXPECT_FALSE(is_clock_skew_code("AccessDenied"));
}

}  // namespace
}  // namespace runner::aws
