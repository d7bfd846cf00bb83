#include "costops/host/human_units.hpp"

#include <cmath>
#include <cstdio>

namespace costops::host {

std::string format_double(const char* printf_format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, printf_format, value);
  return text;
}

std::string human_rate(double per_second) {
  if (per_second >= 1e18) return format_double("%.2f E", per_second / 1e18);
  if (per_second >= 1e15) return format_double("%.2f P", per_second / 1e15);
  if (per_second >= 1e12) return format_double("%.2f T", per_second / 1e12);
  if (per_second >= 1e9) return format_double("%.2f G", per_second / 1e9);
  if (per_second >= 1e6) return format_double("%.2f M", per_second / 1e6);
  if (per_second >= 1e3) return format_double("%.2f k", per_second / 1e3);
  return format_double("%.2f", per_second);
}

std::string human_duration(double ns) {
  if (ns >= 1e9) return format_double("%.3f s", ns / 1e9);
  if (ns >= 1e6) return format_double("%.3f ms", ns / 1e6);
  if (ns >= 1e3) return format_double("%.3f µs", ns / 1e3);
  return format_double("%.2f ns", ns);
}

std::string number_without_exponent(double value) {
  if (std::abs(value) < 1e15 && value == std::floor(value)) return format_double("%.0f", value);
  if (std::abs(value) >= 1e15 || std::abs(value) < 1e-4) return format_double("%.4g", value);
  std::string text = format_double("%.4f", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string instruction_count_text(double per_operation) {
  return per_operation >= 1e6 ? human_rate(per_operation) : format_double("%.1f", per_operation);
}

}  // namespace costops::host
