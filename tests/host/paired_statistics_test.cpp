// The paired A/B statistics on synthetic pair data with known effects: no
// machine timing, so the results are the same on a loaded machine.
#include "costops/host/paired_statistics.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>

using namespace costops::host;

namespace {

// One process's pairs: the new side takes (1 + effect) x the baseline's time,
// times the process's own layout factor; both sides share an autocorrelated
// machine slowdown (AR(1) in the log, as a neighbour's bursts are), and each
// batch has its own independent noise.
struct ProcessModel {
  double effect = 0;
  double layout_sd = 0.002;   // between processes, relative
  double shared_sd = 0.05;    // the machine's state, hits both sides of a pair
  double shared_rho = 0.9;    // its autocorrelation from pair to pair
  double batch_noise = 0.01;  // each batch's own noise
  std::size_t pairs = 100;
};

std::vector<TimedPair> simulate_process(const ProcessModel& m, std::mt19937_64& random) {
  std::normal_distribution<double> normal(0.0, 1.0);
  const double layout = m.layout_sd * normal(random);
  double shared = 0;
  std::vector<TimedPair> pairs;
  for (std::size_t i = 0; i < m.pairs; ++i) {
    shared = m.shared_rho * shared +
             std::sqrt(1 - m.shared_rho * m.shared_rho) * m.shared_sd * normal(random);
    const double base = 1000 * std::exp(shared + m.batch_noise * normal(random));
    const double next =
        1000 * (1 + m.effect) * std::exp(layout + shared + m.batch_noise * normal(random));
    pairs.push_back({base, next, (random() & 1) != 0});
  }
  return pairs;
}

// The host's procedure: a process at a time, a look after each, stop when
// decided.
PairedEvidence sequential_trial(const ProcessModel& model, const PairedTestSettings& settings,
                                std::mt19937_64& random) {
  std::vector<double> estimates;
  PairedEvidence evidence;
  for (std::uint32_t k = 1; k <= settings.max_processes; ++k) {
    estimates.push_back(process_log_ratio(simulate_process(model, random)));
    evidence = evaluate_paired(estimates, settings, k == settings.max_processes);
    if (evidence.verdict != PairedVerdict::undecided) break;
  }
  return evidence;
}

}  // namespace

TEST_CASE("paired statistics: trimmed mean and t-test against hand-computed values") {
  CHECK(trimmed_mean({}, 0.2) == 0);
  CHECK(trimmed_mean({1, 2, 3, 4, 100}, 0.2) == doctest::Approx(3));  // 100 and 1 cut
  CHECK(trimmed_mean({1, 2, 3, 4, 100}, 0) == doctest::Approx(22));
  // mean 3, sd 1.5811, t = 4.2426 with 4 degrees of freedom: p = 0.01324.
  CHECK(one_sample_t_p_value(std::vector<double>{1, 2, 3, 4, 5}) ==
        doctest::Approx(0.01324).epsilon(1e-3));
  CHECK(one_sample_t_p_value(std::vector<double>{0.5}) == 1);
  CHECK(one_sample_t_p_value(std::vector<double>{0, 0, 0}) == 1);
  CHECK(one_sample_t_p_value(std::vector<double>{0.25, 0.25, 0.25}) == 0);
  // Pairs with a zero or non-finite time are not ratios.
  const std::vector<TimedPair> pairs = {{100, 110, false}, {0, 5, true}, {100, INFINITY, false}};
  CHECK(pair_log_ratios(pairs).size() == 1);
}

TEST_CASE("paired statistics: alpha spending never spends more than alpha") {
  PairedTestSettings settings;
  settings.alpha = 0.01;
  settings.min_processes = 3;
  settings.max_processes = 10;
  CHECK(look_alpha(1, settings) == 0);
  CHECK(look_alpha(2, settings) == 0);
  CHECK(look_alpha(11, settings) == 0);
  double total = 0;
  for (std::uint32_t k = 1; k <= 10; ++k) total += look_alpha(k, settings);
  CHECK(total == doctest::Approx(0.01));
  // Little early, more later (O'Brien-Fleming-like).
  CHECK(look_alpha(3, settings) == doctest::Approx(0.0009));
  CHECK(look_alpha(10, settings) > look_alpha(4, settings));
}

TEST_CASE(
    "paired statistics: a known +5% effect is found slower, with the effect inside the "
    "interval") {
  std::mt19937_64 random(7);
  ProcessModel model;
  model.effect = 0.05;
  PairedTestSettings settings;
  settings.alpha = 0.01;
  settings.threshold = 0.01;
  const PairedEvidence e = sequential_trial(model, settings, random);
  CHECK(e.verdict == PairedVerdict::slower);
  CHECK(e.change == doctest::Approx(0.05).epsilon(0.2));
  CHECK(e.low < 0.05);
  CHECK(e.high > 0.05);
  CHECK(e.processes_agree);
  CHECK(e.processes < settings.max_processes);  // decided early: an easy case
}

TEST_CASE("paired statistics: a faster build is faster") {
  std::mt19937_64 random(8);
  ProcessModel model;
  model.effect = -0.03;
  PairedTestSettings settings;
  CHECK(sequential_trial(model, settings, random).verdict == PairedVerdict::faster);
}

TEST_CASE(
    "paired statistics: A/A false alarms stay under alpha with optional stopping and "
    "autocorrelated pairs") {
  // 1000 simulated A/A comparisons with strongly autocorrelated shared noise
  // and per-process layout offsets: the sequential procedure must not exceed
  // alpha. (Seeded: the figure is the same on every run.)
  std::mt19937_64 random(42);
  ProcessModel model;
  model.pairs = 40;
  PairedTestSettings settings;
  settings.alpha = 0.05;
  settings.threshold = 0.001;  // tiny: almost any significant change would be a verdict
  int alarms = 0, decided_early = 0;
  const int trials = 1000;
  for (int t = 0; t < trials; ++t) {
    const PairedEvidence e = sequential_trial(model, settings, random);
    alarms += e.verdict == PairedVerdict::slower || e.verdict == PairedVerdict::faster;
    decided_early += e.processes < settings.max_processes;
  }
  CHECK(alarms <= trials * 0.05);
  MESSAGE("A/A false alarms: " << alarms << "/" << trials << ", decided early: " << decided_early);

  // The same data treated the naive way -- every pair an independent unit --
  // cries wolf: that is why the process is the unit.
  std::mt19937_64 again(42);
  int naive_alarms = 0;
  for (int t = 0; t < 200; ++t) {
    std::vector<double> ratios;
    for (int k = 0; k < 5; ++k) {
      const auto r = pair_log_ratios(simulate_process(model, again));
      ratios.insert(ratios.end(), r.begin(), r.end());
    }
    naive_alarms += one_sample_t_p_value(ratios) < 0.05;
  }
  CHECK(naive_alarms > 200 * 0.1);
}

TEST_CASE("paired statistics: a few disturbed pairs do not decide the verdict") {
  // The case: a clear +8% change where a few baseline batches ran 37%
  // and 102% slower (a neighbour's burst hitting one side of a pair).
  std::mt19937_64 random(3);
  ProcessModel model;
  model.effect = 0.08;
  model.shared_sd = 0.01;
  std::vector<double> clean, disturbed;
  for (int k = 0; k < 5; ++k) {
    std::vector<TimedPair> pairs = simulate_process(model, random);
    clean.push_back(process_log_ratio(pairs));
    pairs[10].baseline_ns *= 1.37;
    pairs[20].baseline_ns *= 2.02;
    pairs[30].new_ns *= 3;  // and one new-side batch three times as slow
    disturbed.push_back(process_log_ratio(pairs));
  }
  for (std::size_t k = 0; k < clean.size(); ++k) CHECK(std::abs(disturbed[k] - clean[k]) < 0.01);
  PairedTestSettings settings;
  settings.max_processes = 5;
  const PairedEvidence e = evaluate_paired(disturbed, settings, true);
  CHECK(e.verdict == PairedVerdict::slower);
  CHECK(e.change == doctest::Approx(0.08).epsilon(0.1));
}

TEST_CASE(
    "paired statistics: one disturbed process makes an A/A noisy or no change, never a "
    "verdict") {
  // Four quiet processes near 0 and one at +15%: the between-process spread
  // grows and the test refuses to call it.
  const std::vector<double> estimates = {0.001, -0.002, 0.0015, -0.0005, std::log(1.15)};
  PairedTestSettings settings;
  settings.max_processes = 5;
  const PairedEvidence e = evaluate_paired(estimates, settings, true);
  CHECK(e.verdict != PairedVerdict::slower);
  CHECK(e.verdict != PairedVerdict::faster);
  CHECK_FALSE(e.processes_agree);
  CHECK(e.between_process_sd > 0.05);
}

TEST_CASE(
    "paired statistics: a tight A/A stops early with no change; too few processes "
    "decide nothing") {
  PairedTestSettings settings;
  settings.threshold = 0.01;
  settings.max_processes = 10;
  const std::vector<double> tight = {0.0002, -0.0001, 0.0001};
  const PairedEvidence e = evaluate_paired(tight, settings, false);
  CHECK(e.verdict == PairedVerdict::no_change);
  CHECK(e.low > -0.01);
  CHECK(e.high < 0.01);
  const std::vector<double> two = {0.2, 0.2};
  CHECK(evaluate_paired(two, settings, false).verdict == PairedVerdict::undecided);
  CHECK(to_string(PairedVerdict::no_change) == "no change");
}
