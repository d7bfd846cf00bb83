// The statistics of the paired A/B mode (`run --ab-paired`): the old and the
// new build measured batch by batch in one worker, several workers per
// target, a verdict as soon as the evidence decides it.
//
// The unit of the test is the worker process, not the pair. Pairs inside one
// process are autocorrelated (drift, a neighbour's burst spans many pairs)
// and share that process's code placement; processes are independent. So
// each process is reduced to one robust estimate (a trimmed mean of its
// pairs' log ratios: a few disturbed pairs cannot move it), and the process
// estimates are tested with a one-sample t-test: the batch-means method with
// the process as the batch, which carries the between-process variance into
// the test instead of assuming it away.
//
// Sequential stopping: the host looks after every process from the third on
// and stops as soon as the verdict is decided. Each look gets its own share
// of alpha from an alpha-spending function (Lan & DeMets 1983; the power
// family alpha * t^2 of Kim & DeMets 1987, O'Brien-Fleming-like: little alpha
// early, most at the end), where t is the look's share of the most processes
// allowed. The shares add up to at most alpha, so by the union (Bonferroni)
// bound the false-alarm rate holds under optional stopping whatever the
// looks' correlation: conservative next to the exact recursive boundaries,
// but with no normality assumption between looks. Stopping to declare "no
// change" never adds false alarms, so it needs no alpha.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace costops::host {

// One pair: the same batch size run once by each side, back to back.
struct TimedPair {
  double baseline_ns = 0;
  double new_ns = 0;
  bool new_first = false;  // which side ran first in this pair (random)
};

// The share of pairs cut from each end before averaging a process's log
// ratios: up to this share of disturbed pairs (either direction) is ignored.
inline constexpr double kPairTrimFraction = 0.2;

// Mean of `values` after dropping floor(trim x n) values from each end; 0 for
// no values.
double trimmed_mean(std::vector<double> values, double trim_fraction);

// log(new / baseline) of every pair with both times positive and finite.
std::vector<double> pair_log_ratios(std::span<const TimedPair> pairs);

// One process's estimate: the trimmed mean of its pairs' log ratios.
double process_log_ratio(std::span<const TimedPair> pairs);

enum class PairedVerdict { undecided, no_change, faster, slower, noisy };
std::string_view to_string(PairedVerdict verdict);

struct PairedTestSettings {
  double alpha = 0.01;
  double threshold = 0.01;  // relative change, 0.01 = 1%
  std::uint32_t min_processes = 3;
  std::uint32_t max_processes = 10;
};

// The alpha a look with `processes` processes may spend (0 before
// min_processes): alpha x (t_k^2 - t_(k-1)^2) with t = processes /
// max_processes, the first look taking everything up to its t.
double look_alpha(std::uint32_t processes, const PairedTestSettings& settings);

// The evidence after some processes, and what it decides.
struct PairedEvidence {
  std::size_t processes = 0;
  double change = 0;  // exp(mean of process log ratios) - 1
  double low = 0;     // interval of the change at confidence 1 - look alpha
  double high = 0;
  double p_value = 1;  // two-sided one-sample t-test of the process log ratios
  double look_alpha = 0;
  double between_process_sd = 0;  // of the process log ratios (~ relative)
  bool processes_agree = false;   // every process estimate has the change's sign
  PairedVerdict verdict = PairedVerdict::undecided;
};

// Evaluates a look. Before the last look (`final_look` false) the verdict is
// `undecided` unless decided: `slower`/`faster` when p < the look's alpha
// and |change| >= threshold, `no_change` when the whole interval lies within
// +-threshold. At the last look it is always decided, by compare's rule:
// |change| >= threshold is `slower`/`faster` when significant at the look's
// alpha and `noisy` when not; smaller changes are `no_change`.
PairedEvidence evaluate_paired(std::span<const double> process_log_ratios,
                               const PairedTestSettings& settings, bool final_look);

// Two-sided p-value of the one-sample t-test that `values` are centred on 0;
// 1 for fewer than 2 values or when all are 0; 0 when all are equal and not 0.
double one_sample_t_p_value(std::span<const double> values);

}  // namespace costops::host
