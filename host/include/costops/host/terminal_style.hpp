// How text for a person's terminal looks: colour only on a terminal that
// wants it (not under NO_COLOR, TERM=dumb or a pipe), Unicode symbols only
// when the locale's character set is UTF-8 (ASCII fallbacks otherwise), and
// padding by display width rather than by bytes, so "µs" and "✓" line up.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace costops::host {

enum class Colour { none, green, red, yellow, dim, bold };

struct TerminalStyle {
  bool colour = false;
  bool unicode = false;

  // For the stream on file descriptor `fd` (isatty), the environment
  // (NO_COLOR, TERM) and the locale (LC_ALL, LC_CTYPE, LANG).
  static TerminalStyle detect(int fd);

  std::string paint(std::string_view text, Colour colour) const;
  std::string_view ok_mark() const { return unicode ? "✓" : "ok"; }
  std::string_view failed_mark() const { return unicode ? "✗" : "FAIL"; }
  std::string_view skipped_mark() const { return unicode ? "○" : "skip"; }
  std::string_view warning_mark() const { return unicode ? "⚠" : "!"; }
  std::string_view ellipsis() const { return unicode ? "…" : "..."; }
  std::string_view plus_minus() const { return unicode ? "±" : "+-"; }
  // A duration in scaled units ("81.20 ns", "1.234 µs"; "us" without Unicode).
  std::string duration(double ns) const;
  // `text` as this terminal can show it: without Unicode, the symbols the
  // host writes become ASCII (µs -> us, × -> x, → -> ->, ± -> +-, ≤ -> <=, … -> ...).
  std::string in_charset(std::string_view text) const;
};

// Columns of the terminal on `fd` (TIOCGWINSZ, else $COLUMNS); 0 = unknown.
std::size_t terminal_columns(int fd);

// `text` (no escape sequences) cut to at most `width` columns, ending in
// `ellipsis` when cut.
std::string truncate_to_width(std::string_view text, std::size_t width, std::string_view ellipsis);

// Columns `text` takes on a terminal: UTF-8 decoded, East Asian wide
// characters count two, combining marks and escape sequences none.
std::size_t display_width(std::string_view text);

// `text` followed by spaces up to `width` columns (never cut).
std::string pad_to_width(std::string_view text, std::size_t width);

}  // namespace costops::host
