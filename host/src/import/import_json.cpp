#include "import_json.hpp"

#include "costops/host/untrusted_text.hpp"

#include <cmath>

namespace costops::host::import_json {

namespace json = boost::json;

json::value parse_file(const std::filesystem::path& file) {
  return parse_text(read_import_file(file), file);
}

json::value parse_text(const std::string& text, const std::filesystem::path& file) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec)
    throw ImportError(file.string() + ": not valid JSON (" + ec.message() +
                      "); a truncated file? Run the tool again and import its complete output");
  return doc;
}

namespace {

// The value as JSON text, cut short: a message names it, never dumps it.
std::string shown(const json::value* value) {
  if (value == nullptr) return "missing";
  std::string text = json::serialize(*value);
  constexpr std::size_t kShown = 60;
  if (text.size() > kShown) text = valid_utf8(text, kShown) + "…";  // never half a character
  return text;
}

}  // namespace

void refuse(const Where& where, const json::value* value, std::string_view expected) {
  throw ImportError(where.file.string() + ": " +
                    (where.field.empty() ? "the top level" : where.field) + " is " + shown(value) +
                    "; expected " + std::string(expected));
}

const json::object& object_of(const json::value& v, const Where& where) {
  if (!v.is_object()) refuse(where, &v, "an object");
  return v.get_object();
}

const json::array& array_of(const json::value& v, const Where& where) {
  if (!v.is_array()) refuse(where, &v, "an array");
  return v.get_array();
}

const json::value& member(const json::object& o, std::string_view key, const Where& where) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) refuse(where.at(key), v, "a value");
  return *v;
}

const json::object& object_member(const json::object& o, std::string_view key, const Where& where) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_object()) refuse(where.at(key), v, "an object");
  return v->get_object();
}

const json::array& array_member(const json::object& o, std::string_view key, const Where& where) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) refuse(where.at(key), v, "an array");
  return v->get_array();
}

std::string string_member(const json::object& o, std::string_view key, const Where& where) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) refuse(where.at(key), v, "a string");
  return std::string(v->get_string());
}

double number_of(const json::value& v, const Where& where, double minimum) {
  if (!v.is_number()) refuse(where, &v, "a number");
  const double number = v.to_number<double>();  // any JSON number converts to double
  if (!std::isfinite(number) || number < minimum)
    refuse(where, &v,
           minimum == 0 ? "a number >= 0" : "a number >= " + json::serialize(json::value(minimum)));
  return number;
}

double number_member(const json::object& o, std::string_view key, const Where& where,
                     double minimum) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) refuse(where.at(key), v, "a number");
  return number_of(*v, where.at(key), minimum);
}

std::uint64_t count_of(const json::value& v, const Where& where) {
  const double count = number_of(v, where, 1);
  if (count > 1e18 || count != std::floor(count))
    refuse(where, &v, "a whole count from 1 to 10^18");
  return static_cast<std::uint64_t>(count);
}

std::uint64_t count_member(const json::object& o, std::string_view key, const Where& where) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) refuse(where.at(key), v, "a count");
  return count_of(*v, where.at(key));
}

std::optional<std::string> optional_string(const json::object& o, std::string_view key,
                                           const Where& where) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) refuse(where.at(key), v, "a string");
  return std::string(v->get_string());
}

std::optional<double> optional_number(const json::object& o, std::string_view key,
                                      const Where& where, double minimum) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return number_of(*v, where.at(key), minimum);
}

}  // namespace costops::host::import_json
