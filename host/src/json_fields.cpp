#include "costops/host/json_fields.hpp"

#include <cmath>
#include <cstdint>

namespace costops::host {

namespace json = boost::json;

const json::object& as_object(const json::value& v, std::string_view what) {
  if (!v.is_object()) throw JsonFieldError(std::string(what) + " is not a JSON object");
  return v.get_object();
}

const json::value& field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) throw JsonFieldError("missing field \"" + std::string(key) + "\"");
  return *v;
}

std::string string_field(const json::object& o, std::string_view key) {
  const json::value& v = field(o, key);
  if (!v.is_string()) throw JsonFieldError("field \"" + std::string(key) + "\" is not a string");
  return std::string(v.get_string());
}

double number_field(const json::object& o, std::string_view key) {
  const json::value& v = field(o, key);
  if (!v.is_number()) throw JsonFieldError("field \"" + std::string(key) + "\" is not a number");
  boost::system::error_code ec;
  const double number = v.to_number<double>(ec);
  if (ec || !std::isfinite(number))
    throw JsonFieldError("field \"" + std::string(key) + "\" is not a finite number");
  return number;
}

std::uint64_t unsigned_field(const json::object& o, std::string_view key) {
  const json::value& v = field(o, key);
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
  throw JsonFieldError("field \"" + std::string(key) + "\" is not a non-negative integer");
}

std::int64_t signed_field(const json::object& o, std::string_view key) {
  const json::value& v = field(o, key);
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v.get_uint64());
  throw JsonFieldError("field \"" + std::string(key) + "\" is not an integer");
}

const json::array& array_field(const json::object& o, std::string_view key) {
  const json::value& v = field(o, key);
  if (!v.is_array()) throw JsonFieldError("field \"" + std::string(key) + "\" is not an array");
  return v.get_array();
}

}  // namespace costops::host
