#include "costops/host/run_history.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "costops/host/result_files.hpp"

using namespace costops::host;

namespace {

TargetResult result(const std::string& id, double median, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> noise(0, 0.01);
  TargetResult r;
  r.target_id = id;
  r.status = TargetStatus::ok;
  TargetMeasurement m;
  m.succeeded = true;
  for (int i = 0; i < 100; ++i) m.samples.push_back({100, 100 * median * (1 + noise(random)), 0});
  r.measurement = m;
  finalize_target_result(r);
  return r;
}

}  // namespace

TEST_CASE("runs are appended with their samples; a step change is flagged") {
  const auto file = std::filesystem::temp_directory_path() /
                    ("costops-history-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(file);
  {
    RunHistory history(file);
    const double medians[] = {100, 101, 100, 130, 131};
    for (int run = 0; run < 5; ++run) {
      SuiteReport report;
      report.started_at = "2026-01-0" + std::to_string(run + 1) + "T00:00:00Z";
      report.environment.git_commit = "commit" + std::to_string(run);
      report.targets.push_back(result("aggregator", medians[run], static_cast<std::uint64_t>(run)));
      TargetResult crashed;
      crashed.target_id = "broken";
      crashed.status = TargetStatus::crashed;
      report.targets.push_back(crashed);
      CHECK(history.append(report) == run + 1);
    }
  }
  RunHistory reopened(file);
  const auto entries = reopened.entries("aggregator");
  REQUIRE(entries.size() == 5);
  CHECK(entries[3].git_commit == "commit3");
  CHECK(entries[3].ns_per_operation.size() == 100);
  CHECK(entries[3].median_ns == doctest::Approx(130).epsilon(0.01));
  CHECK(reopened.entries("broken").at(0).status == "crashed");
  const std::string text = history_text("aggregator", entries, {});
  CHECK(text.find("▲ step: slower") != std::string::npos);
  CHECK(text.find("commit3") != std::string::npos);
  // Only the jump between runs 3 and 4 is a step.
  std::size_t steps = 0;
  for (std::size_t at = text.find("step:"); at != std::string::npos;
       at = text.find("step:", at + 1))
    ++steps;
  CHECK(steps == 1);
  CHECK(history_text("nothing", {}, {}).find("no recorded results") != std::string::npos);
  std::filesystem::remove(file);
  CHECK_THROWS_AS(RunHistory("/nonexistent-dir/h.db"), HistoryError);
}
