// Numbers for people: "12.30 M" operations, "81.20 ns". Files keep raw
// numbers; only the summary and the progress output use these.
#pragma once

#include <string>

namespace costops::host {

std::string human_rate(double per_second);  // "12.30 M", "950.00", up to "E" (append a unit)
std::string human_duration(double ns);      // "81.20 ns", "1.234 ms"
std::string format_double(const char* printf_format, double value);
// A number without scientific notation where people read it: whole numbers
// in full, fractions to four decimals without trailing zeros ("0.2",
// "100000"); beyond 1e15 or below 1e-4, four significant digits.
std::string number_without_exponent(double value);
// Instructions per operation: "510.9", "19.75 M" from a million on.
std::string instruction_count_text(double per_operation);

}  // namespace costops::host
