// Wall-clock time stamps for the files the host writes.
#pragma once

#include <optional>
#include <string>

namespace costops::host {

// Current time as RFC 3339 UTC with milliseconds: 2025-12-02T12:34:56.789Z.
std::string rfc3339_now();

// `text`, an RFC 3339 time ("2026-03-29T03:30:05.5+02:00", "...Z"), as the
// one form the result store keeps and compares: UTC, milliseconds,
// "2026-03-29T01:30:05.500Z". Stored times are compared as text, so every
// time must have this shape: "12:00:05Z" sorts after "12:00:05.500Z", and
// "...+02:00" by its local digits. Digits beyond the millisecond are cut.
// A time without a zone is UTC when `naive_is_utc` (tools that write UTC
// without saying so); otherwise, like any other text or a calendar field
// that does not exist (February 30, hour 24), std::nullopt.
std::optional<std::string> canonical_utc_time(const std::string& text, bool naive_is_utc = false);

}  // namespace costops::host
