// How a target (or a plugin file) ended. The spelling is part of the file
// formats (results.json, summary.md) and the progress output.
#pragma once

#include <optional>
#include <string_view>

namespace costops::host {

enum class TargetStatus {
  ok,            // measured
  failed,        // the plugin returned an error (its message is kept)
  crashed,       // the child died from a signal or exited unexpectedly
  timed_out,     // killed after --timeout
  incompatible,  // ABI major, struct size or architecture mismatch
  invalid,       // not a shared library, no entry symbol, bad descriptor, duplicate id
  not_run,       // interrupted (Ctrl-C) before the target started
  skipped,       // setup() said it cannot run here (BENCH_STATUS_UNSUPPORTED): not a failure
};

constexpr std::string_view to_string(TargetStatus status) {
  switch (status) {
    case TargetStatus::ok:
      return "ok";
    case TargetStatus::failed:
      return "failed";
    case TargetStatus::crashed:
      return "crashed";
    case TargetStatus::timed_out:
      return "timed_out";
    case TargetStatus::incompatible:
      return "incompatible";
    case TargetStatus::invalid:
      return "invalid";
    case TargetStatus::not_run:
      return "not_run";
    case TargetStatus::skipped:
      return "skipped";
  }
  return "invalid";
}

std::optional<TargetStatus> parse_target_status(std::string_view text);

// True for the statuses that do not make a run fail: measured, or skipped
// because the target said it cannot run on this machine.
constexpr bool counts_as_success(TargetStatus status) {
  return status == TargetStatus::ok || status == TargetStatus::skipped;
}

}  // namespace costops::host
