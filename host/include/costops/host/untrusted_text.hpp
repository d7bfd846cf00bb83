// Text that comes from a plugin is untrusted data: descriptor strings, error
// buffers, metric keys and values, log lines, captured output, probe
// failures. It is read within its capacity, made valid UTF-8 (invalid
// sequences become U+FFFD; cutting never splits a character) where it
// enters the host, and escaped where it leaves: for terminals (no control
// or escape sequences), for Markdown and for HTML.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace costops::host {

// At most `max_bytes` of valid UTF-8 from `text` (cut at a character
// boundary), invalid bytes, overlong forms and surrogates replaced by U+FFFD.
std::string valid_utf8(std::string_view text, std::size_t max_bytes = std::string::npos);

// A C string a plugin filled or returned: read up to the first NUL but
// never past `capacity` bytes (a buffer without a terminator is not read
// beyond its end), then valid_utf8(…, max_bytes). Null gives "".
std::string text_from_plugin(const char* text, std::size_t capacity, std::size_t max_bytes);

// The last line of a child's output (trailing blank lines skipped), made
// valid UTF-8 and cut on a character boundary to at most `max_bytes`, then
// "..." when it was cut: it goes into reasons in results.json.
std::string last_output_line(std::string_view output, std::size_t max_bytes);

// For a terminal: made valid UTF-8, C0 and C1 controls, DEL and escape sequences removed
// (newline and tab kept when `keep_newlines`), so a plugin's message cannot
// move the cursor, erase a line or change colours; the bidirectional
// overrides, isolates and marks removed too (a name cannot read as another
// on screen), and U+2028/U+2029 made spaces.
std::string for_terminal(std::string_view text, bool keep_newlines = true);

// For one line of Markdown (a table cell or a list item), mid-line: made
// valid UTF-8, the characters that make emphasis, code, links, tables or
// quotes there (\ ` * _ [ ] | > ~) are backslash-escaped (not an underscore
// between two letters or digits, which CommonMark never reads as emphasis:
// x86_64 and target ids stay as they are), newlines become spaces, '<' and
// '&' are written as &lt; and &amp; so no HTML or entity is injected;
// bidirectional overrides and marks and U+2028/U+2029 become spaces, and
// other control characters and noncharacters U+FFFD.
// Safe at the start of a line too: leading blanks are dropped and a leading
// # + - = or list number's . or ) escaped (no heading, list, rule or code).
std::string markdown_escaped(std::string_view text);

// For HTML text or a quoted attribute value: made valid UTF-8, & < > " '
// written as character references, and control characters (other than
// tab, newline and carriage return; C1 included) and noncharacters (U+FFFE,
// U+FDD0, ...) replaced by U+FFFD, so no markup, script or attribute can be
// injected and the page has no character its parser reports as an error.
std::string html_escaped(std::string_view text);

enum class XmlPlace { text, attribute };

// For XML 1.0 text or a quoted attribute value (JUnit): made valid UTF-8,
// & < > " ' written as character references (so "]]>" and "--" cannot end
// anything), characters XML 1.0 cannot hold (C0 controls other than tab,
// newline and carriage return; U+FFFE, U+FFFF) dropped, carriage return
// written as &#13; and, in an attribute, newline and tab as &#10; and &#9;,
// so a reader gets them back instead of the parser's normalised spaces.
std::string xml_escaped(std::string_view text, XmlPlace place);

// JSON text made safe inside an HTML <script> element: '<', '>' and '&'
// written as \u003c, \u003e, \u0026 (so "</script>" and "<!--" cannot
// occur), U+2028 and U+2029 as \u2028, \u2029, and DEL, C1 controls and
// noncharacters (raw in JSON, errors to the HTML parser) as \u escapes too.
// Still the same JSON value.
// Precondition: `json` is JSON text (these characters occur only in strings).
std::string script_safe_json(std::string_view json);

// Why a metric key a plugin reported is refused, or "" when it is accepted:
// lowercase snake_case ([a-z][a-z0-9_]*, at most 64 bytes) and not a name
// the host writes itself.
std::string metric_key_problem(std::string_view key);

}  // namespace costops::host
