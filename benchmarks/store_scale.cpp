// The result store at fleet scale: loads RUNS runs of TARGETS targets with
// SAMPLES samples each into a store (an SQLite file or a postgresql:// URL),
// timing every append, then times `history TARGET` over all of them (the
// store query alone, and with the step detection) and `history
// --regressions` over every series (open, query, step detection).
//   store_scale LOCATION [RUNS=1000] [TARGETS=40] [SAMPLES=100]
// benchmarks/store_scale.sh runs it on both engines.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "costops/host/history_report.hpp"
#include "costops/host/result_store.hpp"
#include "costops/host/store/fleet_regressions.hpp"
#include "costops/host/target_analysis.hpp"

using namespace costops::host;
using Clock = std::chrono::steady_clock;

namespace {

double milliseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))];
}

// One run as `cost-ops run` would store it: every target measured, four machines.
RunRecord synthetic_run(int run, int targets, int samples, std::mt19937_64& random) {
  std::normal_distribution<double> noise(0, 0.02);
  SuiteReport report;
  char started[40];  // one run a minute: runs are ordered by when they ran
  std::snprintf(started, sizeof started, "2026-02-%02dT%02d:%02d:00.000Z", 1 + run / 1440,
                run / 60 % 24, run % 60);
  report.started_at = started;
  for (int t = 0; t < targets; ++t) {
    TargetResult r;
    r.target_id = "target_" + std::to_string(t);
    r.status = TargetStatus::ok;
    TargetMeasurement m;
    m.succeeded = true;
    m.batch_iterations = 1000;
    for (int s = 0; s < samples; ++s)
      m.samples.push_back(
          {1000, 1000 * (50.0 + t) * (1 + noise(random)), static_cast<std::uint32_t>(s % 5)});
    r.measurement = m;
    finalize_target_result(r);
    report.targets.push_back(std::move(r));
  }
  const std::string machine = "machine-" + std::to_string(run % 4);
  report.source = {"github.com/acme/bench",
                   "c" + std::to_string(run),
                   "main",
                   machine,
                   machine,
                   "cpu",
                   "",
                   {"scale"}};
  return make_run_record(report);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: store_scale LOCATION [RUNS] [TARGETS] [SAMPLES]\n");
    return 2;
  }
  const std::string location = argv[1];
  const int runs = argc > 2 ? std::stoi(argv[2]) : 1000;
  const int targets = argc > 3 ? std::stoi(argv[3]) : 40;
  const int samples = argc > 4 ? std::stoi(argv[4]) : 100;
  try {
    const auto store = open_result_store(location);
    std::mt19937_64 random(42);
    std::vector<double> insert_ms;
    for (int run = 0; run < runs; ++run) {
      const RunRecord record = synthetic_run(run, targets, samples, random);
      const auto start = Clock::now();
      store->append(record);
      insert_ms.push_back(milliseconds_since(start));
    }
    std::vector<double> query_ms, history_ms;
    std::size_t rows = 0;
    for (int repeat = 0; repeat < 10; ++repeat) {
      const std::string target = "target_" + std::to_string(repeat % targets);
      auto start = Clock::now();
      const auto entries = store->entries(target, {});
      query_ms.push_back(milliseconds_since(start));
      start = Clock::now();
      const auto with_steps = open_result_store(location)->entries(target, {});
      const std::string text = render_history(target, with_steps, {}, HistoryFormat::text);
      history_ms.push_back(milliseconds_since(start));
      rows = entries.size();
    }
    std::vector<double> regressions_ms;
    std::size_t found = 0;
    for (int repeat = 0; repeat < 5; ++repeat) {
      const auto start = Clock::now();
      const auto reader = open_result_store(location, {StoreAccess::read});
      found = find_regressions(*reader, {}, kDefaultRegressionRuns, {}).size();
      regressions_ms.push_back(milliseconds_since(start));
    }
    std::printf("store: %s\nloaded: %d runs x %d targets x %d samples\n", store->location().c_str(),
                runs, targets, samples);
    std::printf("insert per run (ms): median %.2f, p95 %.2f, max %.2f\n", quantile(insert_ms, 0.5),
                quantile(insert_ms, 0.95), quantile(insert_ms, 1.0));
    std::printf("history TARGET over %zu runs, store query (ms): median %.1f, max %.1f\n", rows,
                quantile(query_ms, 0.5), quantile(query_ms, 1.0));
    std::printf("history TARGET with open + step detection + text (ms): median %.1f, max %.1f\n",
                quantile(history_ms, 0.5), quantile(history_ms, 1.0));
    std::printf(
        "history --regressions over every series (%zu found), open + query + steps (ms): "
        "median %.1f, max %.1f\n",
        found, quantile(regressions_ms, 0.5), quantile(regressions_ms, 1.0));
  } catch (const HistoryError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
