#include "costops/host/progress_reporter.hpp"

#include <unistd.h>

#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/sources/severity_logger.hpp>
#include <boost/log/trivial.hpp>
#include <boost/log/utility/setup/console.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>

#include "costops/host/human_units.hpp"
#include "costops/host/raw_record.hpp"
#include "costops/host/target_analysis.hpp"
#include "costops/host/untrusted_text.hpp"

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

// "  ⚠ noisy: ..." for each of the target's warnings.
std::string warnings_text(const TargetResult& result, const TerminalStyle& style) {
  std::string text;
  for (const auto& w : result.warnings)
    text += "  " + style.paint(std::string(style.warning_mark()) + " " + for_terminal(w, false),
                               Colour::yellow);
  return text;
}

}  // namespace

std::string progress_line(const TargetResult& result, const TerminalStyle& style,
                          std::string_view label) {
  // Reasons and warnings carry plugin text: no escape sequence reaches the terminal.
  const std::string reason = for_terminal(result.reason, false);
  const std::string name = for_terminal(result.target_id, false) +
                           (label.empty() ? "" : " [" + std::string(label) + "]");
  if (result.status == TargetStatus::skipped)
    return style.paint(style.skipped_mark(), Colour::yellow) + " " + name + "  skipped: " + reason;
  if (result.status != TargetStatus::ok)
    return style.paint(style.failed_mark(), Colour::red) + " " + name + "  " +
           std::string(to_string(result.status)) + ": " + reason;
  const double median = result.stats.median;
  if (result.measurement && result.measurement->instructions_per_operation > 0)
    // --measure instructions: the count is the figure; the time ran under
    // valgrind, many times slower than a native run, and is labelled so.
    return style.paint(style.ok_mark(), Colour::green) + " " + name + "  " +
           instruction_count_text(result.measurement->instructions_per_operation) +
           " instr/op  (wall under valgrind " + style.duration(median) + "/op)" +
           warnings_text(result, style);
  const double spread = median > 0 ? result.stats.median_absolute_deviation / median : 0;
  // A threaded target (ABI 1.4): the median is one thread's time per
  // operation, the rate the aggregate over its threads (as in the record).
  const std::uint32_t threads = result.measurement ? result.measurement->threads : 1;
  const std::string rate =
      (median > 0 ? human_rate(1e9 / median * threads) : std::string("0.00")) + " ops/s  " +
      (threads > 1 ? "(" + std::to_string(threads) + " threads, " +
                         human_rate(median > 0 ? 1e9 / median : 0) + " per thread)  "
                   : std::string());
  std::string line = style.paint(style.ok_mark(), Colour::green) + " " + name + "  median " +
                     style.duration(median) + "/op  " + rate + std::string(style.plus_minus()) +
                     format_double("%.1f%% MAD", 100 * spread);
  if (result.measurement)
    if (const std::string resources = cpu_and_allocations_text(*result.measurement);
        !resources.empty())
      line += "  " + resources;
  // The whole line through the terminal's charset: its parts come from
  // shared formatters (human units, resources) that write Unicode.
  return style.in_charset(line + warnings_text(result, style));
}

std::string tally_line(const SuiteReport& report, double elapsed_seconds,
                       const TerminalStyle& style) {
  std::map<TargetStatus, std::size_t> counts;
  for (const auto& t : report.targets) ++counts[t.status];
  const std::size_t n = report.targets.size();
  std::string line = std::to_string(n) + (n == 1 ? " target: " : " targets: ");
  bool first = true;
  for (const auto& [status, count] : counts) {
    const std::string part = std::to_string(count) + " " + std::string(to_string(status));
    line +=
        (first ? "" : ", ") + style.paint(part, status == TargetStatus::ok        ? Colour::green
                                                : status == TargetStatus::skipped ? Colour::yellow
                                                                                  : Colour::red);
    first = false;
  }
  return line + " in " + style.duration(elapsed_seconds * 1e9);
}

namespace {

// A live (rewritten) progress line needs a terminal that understands the
// erase-line code: not a pipe, not TERM=dumb or unset.
bool live_line_possible() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) == 1 && term != nullptr && *term != '\0' &&
         std::string_view(term) != "dumb";
}

}  // namespace

ProgressReporter::ProgressReporter(Verbosity verbosity)
    : ProgressReporter(verbosity, TerminalStyle::detect(STDERR_FILENO),
                       verbosity != Verbosity::quiet && live_line_possible()) {}

ProgressReporter::ProgressReporter(Verbosity verbosity, TerminalStyle style, bool live)
    : verbosity_(verbosity), style_(style), live_(live) {
  configure_logging(verbosity);
}

void ProgressReporter::clear_live_line() {
  if (!live_line_shown_) return;
  std::clog << "\r\033[K" << std::flush;
  live_line_shown_ = false;
}

// Messages may carry plugin text or paths a plugin chose (file names can
// hold escapes and newlines): the second check before the terminal, after
// the one where the text entered the host. Only the reporter's own
// colours are painted after it.
void ProgressReporter::info(const std::string& message) {
  clear_live_line();
  emit(Severity::info, style_.in_charset(for_terminal(message)));
}
void ProgressReporter::detail(const std::string& message) {
  clear_live_line();
  emit(Severity::debug, style_.in_charset(for_terminal(message)));
}
void ProgressReporter::warning(const std::string& message) {
  clear_live_line();
  emit(Severity::warning,
       style_.paint("warning: ", Colour::yellow) + style_.in_charset(for_terminal(message)));
}
void ProgressReporter::error(const std::string& message) {
  clear_live_line();
  emit(Severity::error,
       style_.paint("error: ", Colour::red) + style_.in_charset(for_terminal(message)));
}

void ProgressReporter::run_started(std::size_t target_runs) {
  planned_runs_ = target_runs;
  finished_runs_ = 0;
  started_ = std::chrono::steady_clock::now();
}

// The mean time of the target runs so far times the runs left; "" until one
// has finished.
std::string ProgressReporter::time_left() const {
  if (finished_runs_ == 0 || planned_runs_ <= finished_runs_) return {};
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double left = elapsed / static_cast<double>(finished_runs_) *
                      static_cast<double>(planned_runs_ - finished_runs_);
  if (left < 1) return ", under 1 s left";
  return ", about " +
         (left < 60 ? format_double("%.0f s", left) : format_double("%.1f min", left / 60)) +
         " left";
}

void ProgressReporter::target_started(const std::string& target_id, std::size_t index,
                                      std::size_t total) {
  const std::string where = "[" + std::to_string(index + 1) + "/" + std::to_string(total) + "]";
  const std::string id = for_terminal(target_id, false);
  clear_live_line();
  if (!live_) {
    emit(Severity::info, style_.paint(where, Colour::dim) + " running " + id + time_left());
    return;
  }
  // One line less than the terminal is wide: a line that wrapped could not be
  // erased by the next one, and a narrow terminal would keep stale lines.
  std::string text = style_.in_charset(std::string(style_.ellipsis()) + " " + where + " running " +
                                       for_terminal(target_id, false) + time_left());
  if (const std::size_t columns = terminal_columns(STDERR_FILENO); columns > 1)
    text = truncate_to_width(text, columns - 1, style_.ellipsis());
  std::clog << style_.paint(text, Colour::dim) << std::flush;
  live_line_shown_ = true;
}

void ProgressReporter::target_finished(const TargetResult& result, std::string_view label) {
  clear_live_line();
  ++finished_runs_;
  // A failed target is shown even with --quiet; its line already says what.
  emit(counts_as_success(result.status) ? Severity::info : Severity::warning,
       style_.in_charset(progress_line(result, style_, label)));
  if (result.measurement)
    for (const auto& l : result.measurement->plugin_log)
      detail("  [" + result.target_id + "] " + for_terminal(l, false));  // detail() checks again
}

void ProgressReporter::run_finished(const SuiteReport& report) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  clear_live_line();
  emit(Severity::info, tally_line(report, elapsed, style_));
}

}  // namespace costops::host
