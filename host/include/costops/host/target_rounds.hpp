// One target's rounds: the first runs and calibrates it, each later one
// (--rounds) runs it again in a fresh worker with the first round's batch
// size and merges the samples. Each call is a fault boundary: whatever goes
// wrong while handling one target ends as that target's status, never as an
// exception that stops the suite.
#pragma once

#include <cstdint>
#include <string>

#include "costops/host/plugin_plan.hpp"
#include "costops/host/progress_reporter.hpp"
#include "costops/host/target_executor.hpp"

namespace costops::host {

// Where a target stands in the run, for progress output.
struct TargetPosition {
  std::size_t index = 0;  // 0-based
  std::size_t total = 0;
  std::uint32_t round = 1;
};

// What every round of every target shares.
struct RoundRunner {
  TargetExecutor& executor;
  ProgressReporter& progress;
  const MeasurementSettings& measurement;
  double noisy_relative_mad;  // the noise warning's limit (target_analysis.hpp)
  // Which build's side an A/B run measures ("old", "new"); "" otherwise.
  // Progress lines carry it, and from round 2 on "round N": each such line
  // shows that round's own figures, not the samples merged so far.
  std::string side = {};
};

// A target's result before anything ran: its id, description and plugin.
TargetResult result_skeleton(const PlannedTarget& target);

// Statistics and warnings of a result whose samples are in, then the
// progress line (labelled with the side and, from round 2 on, the round);
// the result is marked invalid if even that fails.
void finish(TargetResult& result, const RoundRunner& runner, std::uint32_t round = 0);

// Round 1: run, finalize and report the target. not_run when interrupted
// before it started.
TargetResult run_first_round(const RoundRunner& runner, const PlannedTarget& target,
                             TargetPosition position);

// A later round of a target that is still ok: merges the new samples, or
// records how the round failed (the target is then no longer ok). An
// interrupted round leaves the result as it was.
void run_later_round(const RoundRunner& runner, TargetResult& result, const PlannedTarget& target,
                     TargetPosition position);

}  // namespace costops::host
