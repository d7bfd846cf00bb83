#include "costops/core/timestamp.hpp"

#include <charconv>

namespace costops::core {

using namespace std::chrono;

namespace {

[[noreturn]] void bad(std::string_view text, const char* why) {
  throw TimestampError("invalid timestamp \"" + std::string(text.substr(0, 64)) + "\": " + why +
                       " (expected RFC 3339, e.g. 2025-01-15T10:30:00Z)");
}

int digits(std::string_view text, std::size_t at, std::size_t count, std::string_view whole) {
  if (at + count > text.size()) bad(whole, "too short");
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') bad(whole, "a digit was expected");
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

void append_two(std::string& out, unsigned value) {
  out.push_back(static_cast<char>('0' + value / 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

}  // namespace

Timestamp parse_timestamp(std::string_view text) {
  if (text.size() < 20) bad(text, "too short");
  const int y = digits(text, 0, 4, text);
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      text[13] != ':' || text[16] != ':')
    bad(text, "wrong separators");
  const int mo = digits(text, 5, 2, text);
  const int d = digits(text, 8, 2, text);
  const int h = digits(text, 11, 2, text);
  const int mi = digits(text, 14, 2, text);
  const int s = digits(text, 17, 2, text);
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok()) bad(text, "no such date");
  if (h > 23 || mi > 59 || s > 60) bad(text, "time out of range");
  std::size_t at = 19;
  int millis = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    int scale = 100;
    const std::size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      millis += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == start) bad(text, "no digits after '.'");
  }
  if (at >= text.size()) bad(text, "missing time zone (Z or +HH:MM)");
  int offset_minutes = 0;
  if (text[at] == 'Z' || text[at] == 'z') {
    ++at;
  } else if (text[at] == '+' || text[at] == '-') {
    if (at + 6 != text.size() || text[at + 3] != ':') bad(text, "offset must be +HH:MM");
    const int offset_hours = digits(text, at + 1, 2, text);
    const int offset_mins = digits(text, at + 4, 2, text);
    // RFC 3339's time-numoffset: hours 00-23, minutes 00-59.
    if (offset_hours > 23 || offset_mins > 59) bad(text, "offset out of range (+00:00 to +23:59)");
    offset_minutes = offset_hours * 60 + offset_mins;
    if (text[at] == '-') offset_minutes = -offset_minutes;
    at += 6;
  } else {
    bad(text, "missing time zone (Z or +HH:MM)");
  }
  if (at != text.size()) bad(text, "unexpected text after the time zone");
  const auto local =
      sys_days(date) + hours(h) + minutes(mi) + seconds(std::min(s, 59)) + milliseconds(millis);
  return time_point_cast<milliseconds>(local - minutes(offset_minutes));
}

void append_timestamp(std::string& out, Timestamp t) {
  const auto day_point = floor<days>(t);
  const year_month_day date{day_point};
  const hh_mm_ss time{t - day_point};
  const int y = static_cast<int>(date.year());
  char year[8];
  const auto [end, ec] = std::to_chars(year, year + sizeof year, y);
  (void)ec;
  for (auto n = end - year; n < 4; ++n) out.push_back('0');
  out.append(year, end);
  out.push_back('-');
  append_two(out, static_cast<unsigned>(date.month()));
  out.push_back('-');
  append_two(out, static_cast<unsigned>(date.day()));
  out.push_back('T');
  append_two(out, static_cast<unsigned>(time.hours().count()));
  out.push_back(':');
  append_two(out, static_cast<unsigned>(time.minutes().count()));
  out.push_back(':');
  append_two(out, static_cast<unsigned>(time.seconds().count()));
  const auto ms = static_cast<unsigned>(time.subseconds().count());
  if (ms != 0) {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + ms / 100));
    append_two(out, ms % 100);
  }
  out.push_back('Z');
}

std::string format_timestamp(Timestamp t) {
  std::string out;
  append_timestamp(out, t);
  return out;
}

Timestamp start_of_hour(Timestamp t) {
  return time_point_cast<milliseconds>(floor<hours>(t));
}
Timestamp start_of_day(Timestamp t) {
  return time_point_cast<milliseconds>(floor<days>(t));
}
Timestamp start_of_month(Timestamp t) {
  const year_month_day date{floor<days>(t)};
  return time_point_cast<milliseconds>(sys_days(date.year() / date.month() / 1));
}

Timestamp from_unix_ms(std::int64_t ms) {
  return Timestamp(milliseconds(ms));
}
std::int64_t to_unix_ms(Timestamp t) {
  return t.time_since_epoch().count();
}

}  // namespace costops::core
