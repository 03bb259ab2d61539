#include "aws/time_format.hpp"

#include <fmt/format.h>

#include <ctime>

namespace runner::aws {

namespace {
std::tm utc(Clock::time_point t) {
  std::time_t tt = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::optional<Clock::time_point> make_time(int year, int month, int day, int hour, int minute,
                                           int second) {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  using namespace std::chrono;
  auto ymd =
      year_month_day{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                     std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return time_point_cast<Clock::duration>(sys_days{ymd} + hours{hour} + minutes{minute} +
                                          seconds{second});
}
}  // namespace

std::string amz_date(Clock::time_point t) {
  std::tm tm = utc(t);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string amz_day(Clock::time_point t) {
  return amz_date(t).substr(0, 8);
}

std::optional<Clock::time_point> parse_iso8601(std::string_view s) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, month) ||
      s[7] != '-' || !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' ||
      !digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om)) {
      return std::nullopt;
    }
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;  // a timestamp without a zone is ambiguous
  }
  if (pos != s.size()) return std::nullopt;
  auto t = make_time(year, month, day, hour, minute, second);
  if (!t) return std::nullopt;
  return *t - std::chrono::minutes{offset_minutes};
}

std::optional<Clock::time_point> parse_amz_date(std::string_view s) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (s.size() != 16 || !digits(s, 0, 4, year) || !digits(s, 4, 2, month) ||
      !digits(s, 6, 2, day) || s[8] != 'T' || !digits(s, 9, 2, hour) || !digits(s, 11, 2, minute) ||
      !digits(s, 13, 2, second) || s[15] != 'Z') {
    return std::nullopt;
  }
  return make_time(year, month, day, hour, minute, second);
}

std::optional<Clock::time_point> parse_http_date(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (auto comma = s.find(','); comma != std::string_view::npos) {
    s.remove_prefix(comma + 1);
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  }
  // "06 Nov 1994 08:49:37 GMT"
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (s.size() != 24 || !digits(s, 0, 2, day) || s[2] != ' ' || s[6] != ' ' ||
      !digits(s, 7, 4, year) || s[11] != ' ' || !digits(s, 12, 2, hour) || s[14] != ':' ||
      !digits(s, 15, 2, minute) || s[17] != ':' || !digits(s, 18, 2, second) ||
      s.substr(20) != " GMT") {
    return std::nullopt;
  }
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (s.substr(3, 3) == kMonths[i]) month = i + 1;
  }
  return make_time(year, month, day, hour, minute, second);
}

}  // namespace runner::aws
