#include "costops/host/untrusted_text.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "costops/host/metric_keys.hpp"

namespace costops::host {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at `s[i]`, or 0 when it is not one
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t valid_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;   // overlong
    if (b0 == 0xED) high = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;   // overlong
    if (b0 == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  return length;
}

}  // namespace

std::string valid_utf8(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = valid_sequence_length(text, i);
    const std::string_view piece = length ? text.substr(i, length) : kReplacement;
    if (out.size() + piece.size() > max_bytes) break;  // never half a character
    out += piece;
    i += length ? length : 1;
  }
  return out;
}

std::string last_output_line(std::string_view output, std::size_t max_bytes) {
  while (!output.empty() &&
         (output.back() == '\n' || output.back() == ' ' || output.back() == '\r'))
    output.remove_suffix(1);
  const std::size_t start = output.find_last_of('\n');
  const std::string whole =
      valid_utf8(start == std::string_view::npos ? output : output.substr(start + 1));
  const std::string cut = valid_utf8(whole, max_bytes);
  return cut.size() < whole.size() ? cut + "..." : cut;
}

std::string text_from_plugin(const char* text, std::size_t capacity, std::size_t max_bytes) {
  if (text == nullptr) return {};
  const void* nul = std::memchr(text, '\0', capacity);
  const std::size_t length =
      nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - text) : capacity;
  return valid_utf8(std::string_view(text, length), max_bytes);
}

namespace {

// The length of an invisible format character at text[i] that reorders or
// breaks what a terminal shows, or 0: the bidirectional embeddings,
// overrides and isolates (U+202A..U+202E, U+2066..U+2069), the marks
// U+200E, U+200F and U+061C (a "Trojan Source" name reads as another on
// screen), and the line and paragraph separators U+2028, U+2029.
std::size_t display_control_length(std::string_view text, std::size_t i) {
  const auto at = [&](std::size_t k) {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u;
  };
  if (at(i) == 0xD8 && at(i + 1) == 0x9C) return 2;  // U+061C
  if (at(i) != 0xE2) return 0;
  const unsigned second = at(i + 1), third = at(i + 2);
  if (second == 0x80 && (third == 0x8E || third == 0x8F || (third >= 0xA8 && third <= 0xAE)))
    return 3;
  if (second == 0x81 && third >= 0xA6 && third <= 0xA9) return 3;
  return 0;
}

// The code point of the sequence at text[i] of valid UTF-8 and its length.
char32_t code_point_at(std::string_view text, std::size_t i, std::size_t& length) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  if (b(0) < 0x80) return length = 1, b(0);
  if (b(0) < 0xE0) return length = 2, char32_t((b(0) & 0x1F) << 6 | (b(1) & 0x3F));
  if (b(0) < 0xF0)
    return length = 3, char32_t((b(0) & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F));
  return length = 4,
         char32_t((b(0) & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F));
}

// Unicode's noncharacters (U+FDD0..U+FDEF and the last two of every plane):
// valid UTF-8, but XML cannot hold U+FFFE and U+FFFF and HTML's parser
// reports every one of them as an error.
bool is_noncharacter(char32_t c) {
  return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

// A control character (C0 other than tab, newline and carriage return, DEL,
// C1) or a noncharacter: what no text format here should carry as it is.
bool is_unprintable(char32_t c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F) ||
         is_noncharacter(c);
}

}  // namespace

std::string for_terminal(std::string_view raw, bool keep_newlines) {
  const std::string valid = valid_utf8(raw);  // no stray byte can start a sequence either
  const std::string_view text = valid;
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x1B) {  // ESC: skip a CSI (ESC [ ... final) or two-byte sequence
      if (i + 1 < text.size() && text[i + 1] == '[') {
        i += 2;
        while (i < text.size() && !(text[i] >= 0x40 && text[i] <= 0x7E)) ++i;
      } else if (i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0x80) {
        ++i;  // never half of a multi-byte character: only an ASCII final byte
      }
      continue;
    }
    if (c == '\n' || c == '\t') {
      out += keep_newlines ? static_cast<char>(c) : ' ';
      continue;
    }
    if (c < 0x20 || c == 0x7F) continue;
    if (const std::size_t length = display_control_length(text, i); length != 0) {
      // A separator still separates: one record per line stays one line.
      if (length == 3 && text[i + 1] == '\x80' && (text[i + 2] == '\xA8' || text[i + 2] == '\xA9'))
        out += ' ';
      i += length - 1;
      continue;
    }
    // C1 controls U+0080..U+009F arrive as C2 80..C2 9F in UTF-8.
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      ++i;
      continue;
    }
    out += static_cast<char>(c);
  }
  return out;
}

std::string markdown_escaped(std::string_view raw) {
  const auto ascii_alnum = [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
  };
  std::string text = valid_utf8(raw);
  // At the start of a line (a description is a paragraph of its own):
  // indentation would make a code block, so it goes; a leading # + - = or
  // the "1." / "1)" of a numbered list would make a heading, list or rule,
  // so that character is escaped below.
  text.erase(0, std::min(text.find_first_not_of(" \t"), text.size()));
  const std::size_t digits = std::min(text.find_first_not_of("0123456789"), text.size());
  const bool numbered = digits > 0 && digits < text.size() &&
                        (text[digits] == '.' || text[digits] == ')') &&
                        (digits + 1 == text.size() || text[digits + 1] == ' ' ||
                         text[digits + 1] == '\t');  // "1. x" is a list item, "0.1.0" is not
  const std::size_t block_marker = !text.empty() && std::strchr("#+-=", text[0]) ? 0
                                   : numbered                                    ? digits
                                              : std::string::npos;
  std::string out;
  for (std::size_t i = 0, length = 0; i < text.size(); i += length) {
    const char32_t c = code_point_at(text, i, length);
    if (i == block_marker) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (const std::size_t control = display_control_length(text, i); control != 0) {
      out += ' ';  // a rendered table cell cannot read as another either
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (is_unprintable(c)) {
      out += "\uFFFD";  // as CommonMark does with NUL; HTML cannot carry the others either
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '&') {
      out += "&amp;";  // "&lt;" in a plugin's text stays those four characters
    } else if (c == '_' && i > 0 && i + 1 < text.size() && ascii_alnum(text[i - 1]) &&
               ascii_alnum(text[i + 1])) {
      out += '_';  // inside a word it is no emphasis (CommonMark): x86_64, target ids
    } else if (c < 0x80 && c != 0 && std::strchr("\\`*_[]|>~", static_cast<char>(c)) != nullptr) {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out.append(text, i, length);
    }
  }
  return out;
}

std::string html_escaped(std::string_view text) {
  const std::string valid = valid_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (std::size_t i = 0, length = 0; i < valid.size(); i += length) {
    const char32_t c = code_point_at(valid, i, length);
    if (is_unprintable(c))
      out += "\uFFFD";
    else if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else if (c == '\'')
      out += "&#39;";
    else
      out.append(valid, i, length);
  }
  return out;
}

std::string xml_escaped(std::string_view text, XmlPlace place) {
  const std::string valid = valid_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (std::size_t i = 0, length = 0; i < valid.size(); i += length) {
    const char32_t c = code_point_at(valid, i, length);
    if (c == 0xFFFE || c == 0xFFFF || (c < 0x20 && c != '\t' && c != '\n' && c != '\r'))
      continue;  // not an XML 1.0 Char: no parser accepts the document
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";  // "]]>" cannot occur either
    else if (c == '"')
      out += "&quot;";
    else if (c == '\'')
      out += "&apos;";
    else if (c == '\r')
      out += "&#13;";  // a parser turns a literal CR (and CR LF) into LF
    else if (place == XmlPlace::attribute && (c == '\n' || c == '\t'))
      out += c == '\n' ? "&#10;" : "&#9;";  // literal ones become spaces in an attribute
    else
      out.append(valid, i, length);
  }
  return out;
}

std::string script_safe_json(std::string_view json) {
  const std::string valid = valid_utf8(json);
  std::string out;
  out.reserve(valid.size());
  const auto escape = [&](char32_t unit) {
    char text[16];  // \u and at most four hex digits: the units are below 0x10000
    std::snprintf(text, sizeof text, "\\u%04x", static_cast<unsigned>(unit) & 0xFFFFu);
    out += text;
  };
  for (std::size_t i = 0, length = 0; i < valid.size(); i += length) {
    const char32_t c = code_point_at(valid, i, length);
    // Markup, U+2028/U+2029 (line ends in older JavaScript), and what the
    // HTML parser reports as an error even inside <script>: DEL, C1 controls
    // and noncharacters (JSON writes those raw). In strings only, as escapes
    // JSON.parse reads back (a UTF-16 pair above U+FFFF).
    if (c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029 || is_unprintable(c)) {
      if (c > 0xFFFF) {
        escape(0xD800 + ((c - 0x10000) >> 10));
        escape(0xDC00 + ((c - 0x10000) & 0x3FF));
      } else {
        escape(c);
      }
    } else {
      out.append(valid, i, length);
    }
  }
  return out;
}

std::string metric_key_problem(std::string_view key) {
  if (key.empty() || key.size() > 64 || key.front() < 'a' || key.front() > 'z' ||
      !std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      }))
    return "is not lowercase snake_case ([a-z][a-z0-9_]*, at most 64 characters)";
  const auto reserved = [&](const auto& names) {
    return std::find(std::begin(names), std::end(names), key) != std::end(names);
  };
  if (reserved(kRequiredMetricKeys) || reserved(kDerivedMetricKeys))
    return "is a name the host writes itself";
  return {};
}

}  // namespace costops::host
