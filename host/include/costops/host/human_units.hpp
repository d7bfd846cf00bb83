// Numbers for people: "12.30 M" operations, "81.20 ns". Files keep raw
// numbers; only the summary and the progress output use these.
#pragma once

#include <string>

namespace costops::host {

std::string human_rate(double per_second);  // "12.30 M", "950.00", up to "E" (append a unit)
std::string human_duration(double ns);      // "81.20 ns", "1.234 ms"
std::string format_double(const char* printf_format, double value);

}  // namespace costops::host
