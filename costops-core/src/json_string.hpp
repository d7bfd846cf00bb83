// Appending a string as a JSON string literal, for the writers that build
// JSON text directly into a reused buffer (exports, stored tags) instead of
// through a JSON DOM. Private to costops-core.
#pragma once

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

}  // namespace costops::core::detail
