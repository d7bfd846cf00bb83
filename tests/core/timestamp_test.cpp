#include "costops/core/timestamp.hpp"

#include <doctest/doctest.h>

using namespace costops::core;

TEST_CASE("RFC 3339 timestamps round trip in UTC") {
  CHECK(format_timestamp(parse_timestamp("2025-01-15T10:30:00Z")) == "2025-01-15T10:30:00Z");
  CHECK(format_timestamp(parse_timestamp("2025-01-15T10:30:00.5Z")) == "2025-01-15T10:30:00.500Z");
  CHECK(format_timestamp(parse_timestamp("2025-01-15T12:30:00+02:00")) == "2025-01-15T10:30:00Z");
  CHECK(format_timestamp(parse_timestamp("2024-02-29T23:59:59-01:00")) == "2024-03-01T00:59:59Z");
  CHECK(to_unix_ms(parse_timestamp("1970-01-01T00:00:01.001Z")) == 1001);
}

TEST_CASE("malformed timestamps are refused with the text") {
  for (const char* bad :
       {"", "2025-01-15", "2025-01-15T10:30:00", "2025-02-30T00:00:00Z", "2025-01-15T25:00:00Z",
        "2025/01/15T10:30:00Z", "2025-01-15T10:30:00Zjunk", "2025-01-15T10:30:00.Z"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_timestamp(bad), TimestampError);
  }
  CHECK_THROWS_WITH_AS(parse_timestamp("yesterday"), doctest::Contains("\"yesterday\""),
                       TimestampError);
}

TEST_CASE("bucket starts") {
  const Timestamp t = parse_timestamp("2025-03-17T13:45:12.250Z");
  CHECK(format_timestamp(start_of_hour(t)) == "2025-03-17T13:00:00Z");
  CHECK(format_timestamp(start_of_day(t)) == "2025-03-17T00:00:00Z");
  CHECK(format_timestamp(start_of_month(t)) == "2025-03-01T00:00:00Z");
}

TEST_CASE("time-zone offsets beyond +23:59 are refused (RFC 3339)") {
  for (const char* bad : {"2025-01-15T10:30:00+99:99", "2025-01-15T10:30:00+24:00",
                          "2025-01-15T10:30:00-23:60", "2025-01-15T10:30:00+00:60"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH_AS(parse_timestamp(bad), doctest::Contains("offset out of range"),
                         TimestampError);
  }
  CHECK(format_timestamp(parse_timestamp("2025-01-15T23:59:00+23:59")) == "2025-01-15T00:00:00Z");
  CHECK(format_timestamp(parse_timestamp("2025-01-15T00:00:00-23:59")) == "2025-01-15T23:59:00Z");
}

TEST_CASE("calendar fields that do not exist are refused, not rolled over") {
  // Beyond the audit's offset case: a day, hour or second past its range
  // would otherwise normalise silently into another instant.
  for (const char* bad : {"2025-02-30T00:00:00Z", "2025-13-01T00:00:00Z", "2025-01-15T24:00:00Z",
                          "2025-01-15T10:60:00Z", "2025-01-00T10:00:00Z"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_timestamp(bad), TimestampError);
  }
  CHECK(format_timestamp(parse_timestamp("2024-02-29T00:00:00Z")) == "2024-02-29T00:00:00Z");
}
