// The flags a target declares (bench_target_v1.flags): spelled once for
// results.json ("flags") and for what people read (summary.md, report.html).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "costops/bench_target_v1.h"

namespace costops::host {

// "uses_threads", "does_io"; a bit this host does not know is kept as
// "unknown_0x4" rather than dropped.
inline std::vector<std::string> target_flag_names(std::uint32_t flags) {
  std::vector<std::string> names;
  if (flags & BENCH_TARGET_FLAG_USES_THREADS) names.emplace_back("uses_threads");
  if (flags & BENCH_TARGET_FLAG_DOES_IO) names.emplace_back("does_io");
  for (std::uint32_t bit = 0x4u; bit != 0; bit <<= 1)
    if (flags & bit) {
      char text[32];
      std::snprintf(text, sizeof text, "unknown_0x%x", static_cast<unsigned>(bit));
      names.emplace_back(text);
    }
  return names;
}

// "uses threads, does I/O" for people; "" without flags.
inline std::string target_flags_text(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names)
    text += (text.empty() ? "" : ", ") + (name == "uses_threads" ? std::string("uses threads")
                                          : name == "does_io"    ? std::string("does I/O")
                                                                 : name);
  return text;
}

}  // namespace costops::host
