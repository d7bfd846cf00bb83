#include "costops/host/target_rounds.hpp"

#include <exception>

#include "costops/host/child_process.hpp"
#include "costops/host/target_analysis.hpp"
#include "costops/host/untrusted_text.hpp"
#include "costops/host/utc_time.hpp"

namespace costops::host {

namespace {

// Runs one round of one target; anything thrown on the way (a malformed
// result the parser let through, memory exhaustion, a host bug) becomes an
// `invalid` outcome naming what happened.
TargetOutcome guarded_run(TargetExecutor& executor, const PlannedTarget& target,
                          const MeasurementSettings& settings) {
  try {
    return executor.run(target.plugin->path, target.target.id, settings);
  } catch (const std::exception& e) {
    TargetOutcome failed;
    failed.status = TargetStatus::invalid;
    failed.reason = std::string("the host could not handle this target's result: ") + e.what();
    return failed;
  } catch (...) {
    TargetOutcome failed;
    failed.status = TargetStatus::invalid;
    failed.reason = "the host could not handle this target's result (unknown error)";
    return failed;
  }
}

}  // namespace

TargetResult result_skeleton(const PlannedTarget& target) {
  TargetResult result;
  result.target_id = target.target.id;
  result.description = target.target.description;
  result.family = target.target.family;
  result.argument = target.target.argument;
  result.complexity_variable = target.target.complexity_variable;
  result.flags = target.target.flags;
  result.plugin = without_targets(*target.plugin);
  return result;
}

// Statistics and warnings; the result is marked invalid if even that fails.
void analyse(TargetResult& result, const RoundRunner& runner) {
  result.timestamp = rfc3339_now();
  try {
    finalize_target_result(result, runner.noisy_relative_mad);
  } catch (const std::exception& e) {
    result.status = TargetStatus::invalid;
    result.reason = std::string("the host could not analyse the samples: ") + e.what();
    result.measurement.reset();
  }
}

// "old, round 3": what a progress line of this side and round is labelled.
std::string line_label(const RoundRunner& runner, std::uint32_t round) {
  if (round < 2) return runner.side;
  return runner.side + (runner.side.empty() ? "" : ", ") + "round " + std::to_string(round);
}

void finish(TargetResult& result, const RoundRunner& runner, std::uint32_t round) {
  analyse(result, runner);
  runner.progress.target_finished(result, line_label(runner, round));
}

TargetResult run_first_round(const RoundRunner& runner, const PlannedTarget& target,
                             TargetPosition position) {
  TargetResult result = result_skeleton(target);
  if (interrupt_requested()) {
    result.status = TargetStatus::not_run;
    result.reason = "not run: the host was interrupted";
    return result;
  }
  runner.progress.target_started(target.target.id, position.index, position.total);
  TargetOutcome outcome = guarded_run(runner.executor, target, runner.measurement);
  result.status = outcome.status;
  result.reason = outcome.reason;
  result.plugin_output = std::move(outcome.plugin_output);
  if (outcome.status == TargetStatus::ok) result.measurement = std::move(outcome.measurement);
  finish(result, runner, position.round);
  if (!result.plugin_output.empty())
    runner.progress.detail("  output of " + result.target_id + ":\n" +
                           for_terminal(result.plugin_output));
  return result;
}

void run_later_round(const RoundRunner& runner, TargetResult& result, const PlannedTarget& target,
                     TargetPosition position) {
  MeasurementSettings again = runner.measurement;
  again.fixed_batch_iterations = result.measurement->batch_iterations;
  runner.progress.target_started(result.target_id, position.index, position.total);
  TargetOutcome outcome = guarded_run(runner.executor, target, again);
  if (outcome.status == TargetStatus::ok) {
    // The line shows this round alone: a slow process stays visible instead
    // of vanishing into the median of every round so far.
    TargetResult round_only = result_skeleton(target);
    round_only.status = TargetStatus::ok;
    round_only.measurement = outcome.measurement;
    finish(round_only, runner, position.round);
    merge_round(*result.measurement, std::move(outcome.measurement));
    analyse(result, runner);
    if (!counts_as_success(result.status)) runner.progress.target_finished(result, "all rounds");
  } else if (outcome.status == TargetStatus::not_run && interrupt_requested()) {
    return;  // Ctrl-C: the rounds that finished stand
  } else {
    result.status = outcome.status;
    result.reason = "in round " + std::to_string(position.round) + ": " + outcome.reason;
    result.measurement.reset();
    finish(result, runner, position.round);
  }
  if (!outcome.plugin_output.empty()) result.plugin_output += outcome.plugin_output;
}

}  // namespace costops::host
