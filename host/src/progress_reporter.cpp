#include "costops/host/progress_reporter.hpp"

#include <unistd.h>

#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/sources/severity_logger.hpp>
#include <boost/log/trivial.hpp>
#include <boost/log/utility/setup/console.hpp>
#include <cstdio>
#include <iostream>

#include "costops/host/human_units.hpp"
#include "costops/host/raw_record.hpp"

namespace costops::host {

namespace logging = boost::log;
using Severity = logging::trivial::severity_level;

namespace {

void configure_logging(Verbosity verbosity) {
  static bool configured = false;
  if (configured) return;
  configured = true;
  auto sink = logging::add_console_log(std::clog, logging::keywords::format = "%Message%",
                                       logging::keywords::auto_flush = true);
  const Severity threshold = verbosity == Verbosity::verbose ? Severity::debug
                             : verbosity == Verbosity::quiet ? Severity::warning
                                                             : Severity::info;
  sink->set_filter(logging::trivial::severity >= threshold);
}

logging::sources::severity_logger<Severity>& logger() {
  static logging::sources::severity_logger<Severity> instance;
  return instance;
}

void emit(Severity severity, const std::string& message) {
  BOOST_LOG_SEV(logger(), severity) << message;
}

}  // namespace

std::string progress_line(const TargetResult& result) {
  if (result.status != TargetStatus::ok)
    return "✗ " + result.target_id + "  " + std::string(to_string(result.status)) + ": " +
           result.reason;
  // One statistic on the line, named: the median (ops/s is 1e9 / median,
  // not the specification's mean-based operations_per_second).
  const double median = result.stats.median;
  std::string line = "✓ " + result.target_id + "  median " + format_double("%.2f", median) +
                     " ns/op (" + human_rate(median > 0 ? 1e9 / median : 0) + " ops/s)  ±" +
                     format_double("%.1f%%", 100 * result.stats.coefficient_of_variation) + " cv";
  for (const auto& w : result.warnings) line += "  ⚠ " + w;
  return line;
}

ProgressReporter::ProgressReporter(Verbosity verbosity)
    : verbosity_(verbosity), live_(verbosity != Verbosity::quiet && ::isatty(STDERR_FILENO)) {
  configure_logging(verbosity);
}

void ProgressReporter::clear_live_line() {
  if (!live_line_shown_) return;
  std::clog << "\r\033[K" << std::flush;
  live_line_shown_ = false;
}

void ProgressReporter::info(const std::string& message) {
  clear_live_line();
  emit(Severity::info, message);
}
void ProgressReporter::detail(const std::string& message) {
  clear_live_line();
  emit(Severity::debug, message);
}
void ProgressReporter::warning(const std::string& message) {
  clear_live_line();
  emit(Severity::warning, "warning: " + message);
}
void ProgressReporter::error(const std::string& message) {
  clear_live_line();
  emit(Severity::error, "error: " + message);
}

void ProgressReporter::target_started(const std::string& target_id, std::size_t index,
                                      std::size_t total) {
  if (!live_) {
    detail("running " + target_id);
    return;
  }
  clear_live_line();
  std::clog << "… running " << target_id << " (" << index + 1 << "/" << total << ")" << std::flush;
  live_line_shown_ = true;
}

void ProgressReporter::target_finished(const TargetResult& result) {
  clear_live_line();
  // A failed target is shown even with --quiet; its line already says what.
  emit(result.status == TargetStatus::ok ? Severity::info : Severity::warning,
       progress_line(result));
  if (result.measurement)
    for (const auto& l : result.measurement->plugin_log)
      detail("  [" + result.target_id + "] " + l);
}

}  // namespace costops::host
