#include "costops/host/terminal_style.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <utility>

#include "costops/host/human_units.hpp"

namespace costops::host {

namespace {

bool locale_is_utf8() {
  // The first of LC_ALL, LC_CTYPE, LANG that is set decides, as setlocale would.
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;
    const std::string_view v(value);
    return v.find("UTF-8") != std::string_view::npos || v.find("utf8") != std::string_view::npos ||
           v.find("UTF8") != std::string_view::npos || v.find("utf-8") != std::string_view::npos;
  }
  return false;  // the C locale
}

bool colour_wanted(int fd) {
  if (const char* no_colour = std::getenv("NO_COLOR"); no_colour && *no_colour) return false;
  if (const char* term = std::getenv("TERM"); term == nullptr || std::strcmp(term, "dumb") == 0)
    return false;
  return ::isatty(fd) == 1;
}

bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

bool is_combining(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0xFE00 && c <= 0xFE0F);
}

}  // namespace

TerminalStyle TerminalStyle::detect(int fd) {
  return {colour_wanted(fd), locale_is_utf8()};
}

std::string TerminalStyle::paint(std::string_view text, Colour c) const {
  if (!colour || c == Colour::none) return std::string(text);
  const char* code = c == Colour::green    ? "32"
                     : c == Colour::red    ? "31"
                     : c == Colour::yellow ? "33"
                     : c == Colour::dim    ? "2"
                                           : "1";
  return "\033[" + std::string(code) + "m" + std::string(text) + "\033[0m";
}

std::string TerminalStyle::duration(double ns) const {
  return in_charset(human_duration(ns));
}

std::string TerminalStyle::in_charset(std::string_view text) const {
  std::string out(text);
  if (unicode) return out;
  static constexpr std::pair<std::string_view, std::string_view> kAscii[] = {
      {"µ", "u"},  {"×", "x"}, {"→", "->"}, {"≤", "<="}, {"≥", ">="},   {"…", "..."},
      {"±", "+-"}, {"–", "-"}, {"—", "-"},  {"✓", "ok"}, {"✗", "FAIL"}, {"⚠", "!"},
      {"▲", "^"},  {"▼", "v"}, {"○", "o"},  {"·", "-"},  {"🔴 ", ""},    {"🟢 ", ""}};
  for (const auto& [symbol, ascii] : kAscii)
    for (auto at = out.find(symbol); at != std::string::npos; at = out.find(symbol, at)) {
      out.replace(at, symbol.size(), ascii);
      at += ascii.size();
    }
  return out;
}

std::size_t terminal_columns(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS"); columns && *columns) {
    char* end = nullptr;
    const unsigned long value = std::strtoul(columns, &end, 10);
    if (end && *end == '\0' && value > 0 && value < 10000) return value;
  }
  return 0;
}

std::string truncate_to_width(std::string_view text, std::size_t width, std::string_view ellipsis) {
  if (display_width(text) <= width) return std::string(text);
  const std::size_t room = width > display_width(ellipsis) ? width - display_width(ellipsis) : 0;
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2;
    const std::string_view character = text.substr(i, length);
    if (display_width(out) + display_width(character) > room) break;
    out += character;
    i += length;
  }
  return out + std::string(ellipsis);
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0x1B) {  // CSI escape: ESC [ ... final byte 0x40-0x7E
      i += 2;
      while (i < text.size() && !(text[i] >= 0x40 && text[i] <= 0x7E)) ++i;
      ++i;
      continue;
    }
    const std::size_t length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2;
    char32_t c = length == 1 ? byte : byte & (0xFF >> (length + 1));
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k)
      c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    width += is_combining(c) ? 0 : is_wide(c) ? 2 : 1;
    i += length;
  }
  return width;
}

std::string pad_to_width(std::string_view text, std::size_t width) {
  const std::size_t used = display_width(text);
  return std::string(text) + std::string(used < width ? width - used : 0, ' ');
}

}  // namespace costops::host
