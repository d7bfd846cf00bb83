// Progress on stderr through Boost.Log: one line per finished target, a live
// "running" line while a target runs when stderr is a terminal.
#pragma once

#include <string>

#include "costops/host/suite_report.hpp"

namespace costops::host {

enum class Verbosity { quiet, normal, verbose };

class ProgressReporter {
 public:
  explicit ProgressReporter(Verbosity verbosity);

  void info(const std::string& message);     // hidden by --quiet
  void detail(const std::string& message);   // shown only with --verbose
  void warning(const std::string& message);  // always shown
  void error(const std::string& message);    // always shown

  void target_started(const std::string& target_id, std::size_t index, std::size_t total);
  void target_finished(const TargetResult& result);

 private:
  void clear_live_line();
  Verbosity verbosity_;
  bool live_ = false;  // stderr is a terminal and not quiet
  bool live_line_shown_ = false;
};

// "✓ cost_calculator  12.3 M ops/s  81.20 ns/op  ±0.8%" or "✗ bad  crashed: ..."
std::string progress_line(const TargetResult& result);

}  // namespace costops::host
