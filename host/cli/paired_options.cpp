#include "paired_options.hpp"

#include <cmath>
#include <iostream>

namespace costops::cli {

namespace po = boost::program_options;

namespace {

// The test needs three processes for a first look; beyond this a target is
// better measured on a quieter machine than with more workers.
constexpr std::int64_t kMinProcesses = 3;
constexpr std::int64_t kMaxProcesses = 1000;
constexpr double kMaxSeconds = 86400;

bool reject(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return false;
}

}  // namespace

po::options_description PairedOptions::describe() {
  po::options_description d("Paired A/B (with --ab-baseline-plugin-dir)");
  d.add_options()(
      "ab-paired", po::bool_switch(&paired_),
      "measure both builds inside each worker, batch by batch in random order within each pair, "
      "adding workers until the verdict at --alpha and --threshold is decided (sequential test, "
      "docs/comparison.md); the gating workflow")(
      "ab-max-time", po::value<double>(&max_seconds_)->default_value(2)->value_name("S"),
      "with --ab-paired: stop adding workers to a target once this many seconds are spent, "
      "after the first 3 (and again for its --ab-self-check)")(
      "ab-max-processes",
      po::value<std::int64_t>(&max_processes_)->default_value(10)->value_name("N"),
      "with --ab-paired: at most this many workers per target (at least 3); the test spends "
      "its --alpha over them")(
      "ab-self-check", po::bool_switch(&self_check_),
      "with --ab-paired: first compare each target's new build with a copy of itself (A vs "
      "A'); the change that check cannot rule out is the target's layout sensitivity, stored "
      "in results.json and used as the target's threshold when above --threshold");
  return d;
}

bool PairedOptions::apply(host::RunOptions& options) const {
  if ((paired_ || self_check_) && options.ab_baseline_plugin_dir.empty())
    return reject(std::string(paired_ ? "--ab-paired" : "--ab-self-check") +
                  " needs --ab-baseline-plugin-dir OLD (the build to compare with; give the "
                  "new build's directory for an A/A check)");
  if (self_check_ && !paired_) return reject("--ab-self-check goes with --ab-paired");
  if (!(max_seconds_ > 0) || !std::isfinite(max_seconds_) || max_seconds_ > kMaxSeconds)
    return reject("--ab-max-time " + std::to_string(max_seconds_) +
                  " is not a number of seconds above 0 and at most " +
                  std::to_string(static_cast<int>(kMaxSeconds)));
  if (max_processes_ < kMinProcesses || max_processes_ > kMaxProcesses)
    return reject("--ab-max-processes " + std::to_string(max_processes_) +
                  " is not a count from 3 (the fewest the test can judge) to 1000");
  if (paired_ && options.rounds != 1)
    return reject(
        "--rounds does not apply to --ab-paired: workers are added until the "
        "verdict is decided; bound them with --ab-max-processes and --ab-max-time");
  if (paired_ && options.measurement.instruction_iterations > 0)
    return reject(
        "--ab-paired measures time; --measure instructions is deterministic and "
        "needs no pairing (compare two runs with a --threshold)");
  options.ab_paired = paired_;
  options.ab_self_check = self_check_;
  options.ab_max_seconds = max_seconds_;
  options.ab_max_processes = static_cast<std::uint32_t>(max_processes_);
  return true;
}

}  // namespace costops::cli
