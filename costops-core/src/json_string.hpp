// Appending a string as a JSON string literal, for the writers that build
// JSON text directly into a reused buffer (exports, stored tags) instead of
// through a JSON DOM. Private to costops-core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace costops::core::detail {

// Appends "value" with the escapes JSON requires: quote, backslash and every
// control character (\n, \r, \t by name, the rest as \u00XX).
inline void append_json_string(std::string& out, std::string_view value) {
  out.push_back('"');
  for (char c : value) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char hex[] = "0123456789abcdef";
          out.append("\\u00");
          out.push_back(hex[(c >> 4) & 0xf]);
          out.push_back(hex[c & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// The bitwise OR of every byte of `text`, spread over a 64-bit word (which
// byte lane holds which byte is unspecified): its 0x80 bits are clear exactly
// when the text is ASCII. Whole-word loads, overlapping at the ends, instead
// of a loop per byte, since short ids and names are the usual case on the
// validation and export paths; several fields' results can be ORed and
// tested once.
inline std::uint64_t or_of_bytes(std::string_view text) {
  const char* p = text.data();
  const std::size_t n = text.size();
  std::uint64_t head, tail;
  if (n > 16) {
    std::uint64_t word;
    std::memcpy(&tail, p + n - 8, 8);
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
      std::memcpy(&word, p + i, 8);
      tail |= word;
    }
    return tail;
  }
  if (n >= 8) {  // 8 to 16 bytes: two loads, no loop
    std::memcpy(&head, p, 8);
    std::memcpy(&tail, p + n - 8, 8);
    return head | tail;
  }
  if (n >= 4) {
    std::uint32_t head4, tail4;
    std::memcpy(&head4, p, 4);
    std::memcpy(&tail4, p + n - 4, 4);
    return head4 | tail4;
  }
  if (n == 0) return 0;
  // 1 to 3 bytes: the first, middle and last cover them all.
  return static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[n / 2]) |
         static_cast<unsigned char>(p[n - 1]);
}

// True when no byte has its top bit.
inline bool is_ascii(std::string_view text) {
  return (or_of_bytes(text) & 0x8080808080808080u) == 0;
}

// The offset of the first byte that does not belong to well-formed UTF-8
// (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF),
// or npos. JSON text must be UTF-8 (RFC 8259 section 8.1), and no escape
// can carry a byte that is not part of a character.
[[gnu::noinline]] inline std::size_t first_invalid_utf8(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The sequence length and the range of its second byte (which rules out
    // overlong forms, surrogates and values above U+10FFFF).
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high) return i;
    for (std::size_t k = 2; k < length; ++k)
      if ((byte(i + k) & 0xC0) != 0x80) return i;
    i += length;
  }
  return std::string_view::npos;
}

// As first_invalid_utf8, with the common ASCII case inline.
inline std::size_t invalid_utf8_at(std::string_view text) {
  return is_ascii(text) ? std::string_view::npos : first_invalid_utf8(text);
}

// "byte 0xff at offset 3 of \"ab\\xffc\"": for error messages about text
// that is not UTF-8, printable whatever the text holds.
inline std::string describe_invalid_utf8(std::string_view text, std::size_t at) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto hex_byte = [](std::string& out, unsigned char c) {
    out.append("\\x");
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 0xf]);
  };
  std::string out = "byte 0x";
  out.push_back(hex[static_cast<unsigned char>(text[at]) >> 4]);
  out.push_back(hex[static_cast<unsigned char>(text[at]) & 0xf]);
  out += " at offset " + std::to_string(at) + " of \"";
  for (char c : text.substr(0, 64)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\')
      hex_byte(out, u);
    else
      out.push_back(c);
  }
  if (text.size() > 64) out += "...";
  out.push_back('"');
  return out;
}

}  // namespace costops::core::detail
