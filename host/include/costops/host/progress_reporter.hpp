// Progress on stderr through Boost.Log. On a terminal: a live line with the
// running target, its place in the run and an estimate of the time left,
// replaced by one result line per finished target. Off a terminal (CI logs):
// a line when each target starts and one when it ends. A tally closes the
// run. Colour and symbols follow TerminalStyle.
#pragma once

#include <chrono>
#include <string>

#include "costops/host/suite_report.hpp"
#include "costops/host/terminal_style.hpp"

namespace costops::host {

enum class Verbosity { quiet, normal, verbose };

class ProgressReporter {
 public:
  explicit ProgressReporter(Verbosity verbosity);
  ProgressReporter(Verbosity verbosity, TerminalStyle style, bool live);

  void info(const std::string& message);     // hidden by --quiet
  void detail(const std::string& message);   // shown only with --verbose
  void warning(const std::string& message);  // always shown
  void error(const std::string& message);    // always shown

  // How many target runs (targets × rounds) the run will make: the basis of
  // the estimate of the time left.
  void run_started(std::size_t target_runs);
  void target_started(const std::string& target_id, std::size_t index, std::size_t total);
  // `label` ("new, round 2") says which side and round the line's figures are.
  void target_finished(const TargetResult& result, std::string_view label = {});
  // "37 targets: 35 ok, 1 failed, 1 skipped in 42.3 s".
  void run_finished(const SuiteReport& report);

 private:
  void clear_live_line();
  std::string time_left() const;
  Verbosity verbosity_;
  TerminalStyle style_;
  bool live_ = false;  // stderr is a terminal and not quiet
  bool live_line_shown_ = false;
  std::size_t planned_runs_ = 0;
  std::size_t finished_runs_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// "✓ cost_calculator  81.20 ns/op  12.32 M ops/s  ±0.8% MAD" (median-based),
// "✗ bad  crashed: ...", in `style`.
// With a `label`, "✓ cost_calculator [new, round 2]  81.20 ns/op ...".
std::string progress_line(const TargetResult& result, const TerminalStyle& style,
                          std::string_view label = {});

// "37 targets: 35 ok, 1 failed, 1 crashed in 42.3 s" (statuses in a fixed order).
std::string tally_line(const SuiteReport& report, double elapsed_seconds,
                       const TerminalStyle& style);

}  // namespace costops::host
