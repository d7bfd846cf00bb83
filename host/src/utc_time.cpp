#include "costops/host/utc_time.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace costops::host {

std::string rfc3339_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[80];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

std::optional<std::string> canonical_utc_time(const std::string& text, bool naive_is_utc) {
  const auto digit = [&](std::size_t i) {
    return i < text.size() && text[i] >= '0' && text[i] <= '9';
  };
  const auto number = [&](std::size_t from, std::size_t count) {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (!digit(i)) return -1;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  std::tm fields{};
  fields.tm_year = number(0, 4) - 1900;
  fields.tm_mon = number(5, 2) - 1;
  fields.tm_mday = number(8, 2);
  fields.tm_hour = number(11, 2);
  fields.tm_min = number(14, 2);
  fields.tm_sec = number(17, 2);
  if (fields.tm_year < -1900 || fields.tm_mon < 0 || fields.tm_mday < 0 || fields.tm_hour < 0 ||
      fields.tm_min < 0 || fields.tm_sec < 0)
    return std::nullopt;
  std::size_t at = 19;
  int millis = 0;
  if (at < text.size() && text[at] == '.') {
    if (!digit(++at)) return std::nullopt;
    for (int place = 100; digit(at); ++at, place /= 10) millis += place * (text[at] - '0');
  }
  long offset_seconds = 0;
  const std::string zone = text.substr(at);
  if (zone == "Z" || zone == "z") {
  } else if (zone.empty()) {
    if (!naive_is_utc) return std::nullopt;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    const int hours = number(at + 1, 2), minutes = number(at + 4, 2);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return std::nullopt;
    offset_seconds = (zone[0] == '+' ? 1 : -1) * (hours * 3600L + minutes * 60L);
  } else {
    return std::nullopt;
  }
  // timegm normalises what does not exist (February 30 -> March 2): refused
  // instead. A leap second (:60) is refused too; no runner's clock shows one.
  std::tm checked = fields;
  const std::time_t local = timegm(&checked);
  if (checked.tm_year != fields.tm_year || checked.tm_mon != fields.tm_mon ||
      checked.tm_mday != fields.tm_mday || checked.tm_hour != fields.tm_hour ||
      checked.tm_min != fields.tm_min || checked.tm_sec != fields.tm_sec)
    return std::nullopt;
  const std::time_t utc = local - offset_seconds;
  std::tm out{};
  gmtime_r(&utc, &out);
  if (out.tm_year + 1900 < 0 || out.tm_year + 1900 > 9999) return std::nullopt;
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", out.tm_year + 1900,
                out.tm_mon + 1, out.tm_mday, out.tm_hour, out.tm_min, out.tm_sec, millis);
  return std::string(buffer);
}

}  // namespace costops::host
