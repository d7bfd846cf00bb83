// Typed, checked access to the fields of JSON read from outside the host
// process: worker messages, results files of other runs, history rows. Each
// function throws JsonFieldError naming the field and what is wrong with
// it; callers add where the document came from.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace costops::host {

class JsonFieldError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

const boost::json::object& as_object(const boost::json::value& v, std::string_view what);
const boost::json::value& field(const boost::json::object& o, std::string_view key);
std::string string_field(const boost::json::object& o, std::string_view key);
double number_field(const boost::json::object& o, std::string_view key);  // finite
std::uint64_t unsigned_field(const boost::json::object& o, std::string_view key);
std::int64_t signed_field(const boost::json::object& o, std::string_view key);
const boost::json::array& array_field(const boost::json::object& o, std::string_view key);

// A number converted exactly to T, or a JsonFieldError (boost's to_number
// throws its own exception type for lossy conversions).
template <class T>
T exact_number(const boost::json::value& v, std::string_view what) {
  boost::system::error_code ec;
  const T number = v.to_number<T>(ec);
  if (ec) throw JsonFieldError(std::string(what) + " is not a representable number");
  return number;
}

}  // namespace costops::host
