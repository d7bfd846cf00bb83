#include "costops/host/json_text.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "costops/host/untrusted_text.hpp"

namespace costops::host {

namespace {

void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
  out += text;
  // Keep doubles recognisable as such for readers that care ("2" -> "2.0").
  if (text.find_first_of(".eE") == std::string_view::npos) out += ".0";
}

// A string literal that is always valid UTF-8: whatever bytes a plugin got
// into a string, invalid sequences are written as U+FFFD here, so no path
// through the host can produce a file that is not UTF-8.
void append_string(std::string& out, std::string_view text) {
  out += boost::json::serialize(boost::json::string_view(valid_utf8(text)));
}

void write(std::string& out, const boost::json::value& value, int depth, bool pretty) {
  const auto indent = [&](int d) {
    if (pretty) out.append(static_cast<std::size_t>(d) * 2, ' ');
  };
  const char* newline = pretty ? "\n" : "";
  switch (value.kind()) {
    case boost::json::kind::object: {
      const auto& object = value.get_object();
      if (object.empty()) {
        out += "{}";
        return;
      }
      out += "{";
      out += newline;
      bool first = true;
      for (const auto& [key, item] : object) {
        if (!first) {
          out += ",";
          out += newline;
        }
        first = false;
        indent(depth + 1);
        append_string(out, key);
        out += pretty ? ": " : ":";
        write(out, item, depth + 1, pretty);
      }
      out += newline;
      indent(depth);
      out += "}";
      return;
    }
    case boost::json::kind::array: {
      const auto& array = value.get_array();
      if (array.empty()) {
        out += "[]";
        return;
      }
      // Arrays of scalars (samples) stay on one line.
      const bool flat = !pretty || std::all_of(array.begin(), array.end(), [](const auto& v) {
        return !v.is_object() && !v.is_array();
      });
      out += flat ? "[" : "[\n";
      bool first = true;
      for (const auto& item : array) {
        if (!first) out += !flat ? ",\n" : pretty ? ", " : ",";
        first = false;
        if (!flat) indent(depth + 1);
        write(out, item, depth + 1, pretty);
      }
      if (!flat) {
        out += "\n";
        indent(depth);
      }
      out += "]";
      return;
    }
    case boost::json::kind::double_:
      append_number(out, value.get_double());
      return;
    case boost::json::kind::string:
      append_string(out, value.get_string());
      return;
    default:
      out += boost::json::serialize(value);
      return;
  }
}

}  // namespace

std::string to_pretty_json(const boost::json::value& value) {
  std::string out;
  write(out, value, 0, true);
  out += "\n";
  return out;
}

std::string to_compact_json(const boost::json::value& value) {
  std::string out;
  write(out, value, 0, false);
  return out;
}

boost::json::value finite_or_null(double value) {
  if (std::isfinite(value)) return value;
  return nullptr;
}

}  // namespace costops::host
