// Points in time: UTC, millisecond resolution, RFC 3339 text.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace costops::core {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

class TimestampError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Parses "2025-01-15T10:30:00Z", "2025-01-15T10:30:00.123Z" and offsets
// like "+02:00" (hours 00-23, minutes 00-59, as RFC 3339 allows). Throws
// TimestampError naming the text.
Timestamp parse_timestamp(std::string_view text);

// "2025-01-15T10:30:00.123Z" (milliseconds only when non-zero).
std::string format_timestamp(Timestamp t);
void append_timestamp(std::string& out, Timestamp t);

// Calendar helpers for grouping.
Timestamp start_of_hour(Timestamp t);
Timestamp start_of_day(Timestamp t);
Timestamp start_of_month(Timestamp t);

Timestamp from_unix_ms(std::int64_t ms);
std::int64_t to_unix_ms(Timestamp t);

}  // namespace costops::core
