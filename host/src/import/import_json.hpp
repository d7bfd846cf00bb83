// Checked access to the JSON files other harnesses write, for the import
// readers: every error names the file, the field (a path like
// "benchmarks[3].real_time") and the value found. Unknown fields are never
// looked at, so extra fields of newer tool versions are ignored.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "costops/host/import/imported_run.hpp"

namespace costops::host::import_json {

// The file parsed; ImportError when it cannot be read or is not JSON (a
// truncated file says so).
boost::json::value parse_file(const std::filesystem::path& file);
// The same for `text` already read from `file` (named in the error).
boost::json::value parse_text(const std::string& text, const std::filesystem::path& file);

// A location inside one file, for messages: "FILE: FIELD".
struct Where {
  const std::filesystem::path& file;
  std::string field;
  Where at(std::string_view key) const {
    return {file, field.empty() ? std::string(key) : field + "." + std::string(key)};
  }
  Where at(std::size_t index) const { return {file, field + "[" + std::to_string(index) + "]"}; }
};

// Throws ImportError: "FILE: FIELD is VALUE; EXPECTED".
[[noreturn]] void refuse(const Where& where, const boost::json::value* value,
                         std::string_view expected);

const boost::json::object& object_of(const boost::json::value& v, const Where& where);
const boost::json::array& array_of(const boost::json::value& v, const Where& where);

// Required members (missing, null or of another type: refused).
const boost::json::value& member(const boost::json::object& o, std::string_view key,
                                 const Where& where);
const boost::json::object& object_member(const boost::json::object& o, std::string_view key,
                                         const Where& where);
const boost::json::array& array_member(const boost::json::object& o, std::string_view key,
                                       const Where& where);
std::string string_member(const boost::json::object& o, std::string_view key, const Where& where);
// A finite number >= `minimum`.
double number_member(const boost::json::object& o, std::string_view key, const Where& where,
                     double minimum = 0);
double number_of(const boost::json::value& v, const Where& where, double minimum = 0);

// A whole count in [1, 10^18] (iterations of a batch): larger would not
// convert to an integer, and no harness runs that many.
std::uint64_t count_of(const boost::json::value& v, const Where& where);
std::uint64_t count_member(const boost::json::object& o, std::string_view key, const Where& where);

// Optional members: nullopt when missing or null; present of another type: refused.
std::optional<std::string> optional_string(const boost::json::object& o, std::string_view key,
                                           const Where& where);
std::optional<double> optional_number(const boost::json::object& o, std::string_view key,
                                      const Where& where, double minimum = 0);

}  // namespace costops::host::import_json
