// The file writers: the canonical record, results.json, summary.md, and
// atomic replacement.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "costops/host/atomic_file.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/output_directory.hpp"
#include "costops/host/raw_record.hpp"
#include "costops/host/results_file.hpp"
#include "costops/host/summary_markdown.hpp"
#include "costops/host/target_analysis.hpp"

using namespace costops::host;
namespace fs = std::filesystem;

namespace {

TargetResult finished_target(const std::string& id, double ns_per_op) {
  TargetResult r;
  r.target_id = id;
  r.description = "test target";
  r.status = TargetStatus::ok;
  r.timestamp = "2026-01-02T03:04:05.678Z";
  r.plugin.path = "/p/x.so";
  r.plugin.name = "x";
  r.plugin.version = "1.0.0";
  r.plugin.abi_major = 1;
  TargetMeasurement m;
  m.succeeded = true;
  m.batch_iterations = 1000;
  m.empty_batch_ns = 40;
  for (int i = 0; i < 20; ++i) m.samples.push_back({1000, ns_per_op * 1000 * (1 + 0.001 * i), 0});
  m.bytes_per_operation = 2'000'000;
  m.items_per_operation = 10;
  m.plugin_metrics.emplace_back("records_per_aggregation", 1000.0);
  m.plugin_metrics.emplace_back("database", std::string("sqlite"));
  m.plugin_metrics.emplace_back("avg_duration_ns", 1.0);  // clashes: the host's value wins
  r.measurement = m;
  finalize_target_result(r);
  return r;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path fresh_dir(const char* name) {
  const fs::path dir =
      fs::temp_directory_path() / (std::string(name) + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

}  // namespace

TEST_CASE("the raw record is exactly the seeds' canonical shape") {
  const TargetResult r = finished_target("aggregator", 1000.0);
  const boost::json::value record = raw_record_json(r);
  const auto& o = record.as_object();
  CHECK(o.size() == 3);
  CHECK(o.at("target_id").as_string() == "aggregator");
  CHECK(o.at("timestamp").as_string() == "2026-01-02T03:04:05.678Z");
  const auto& metrics = o.at("metrics").as_object();
  for (const char* key : {"operations_per_second", "avg_duration_ns", "min_duration_ns",
                          "max_duration_ns", "p50_duration_ns", "p95_duration_ns",
                          "p99_duration_ns", "total_iterations", "total_duration_ms"})
    CHECK_MESSAGE(metrics.contains(key), key);
  CHECK(metrics.at("total_iterations").to_number<std::uint64_t>() == 20000);
  CHECK(metrics.at("avg_duration_ns").to_number<std::uint64_t>() == 1010);  // mean of 1000..1019
  CHECK(metrics.at("min_duration_ns").to_number<std::uint64_t>() == 1000);
  // 2 MB per operation at ~990k ops/s.
  const double ops = metrics.at("operations_per_second").to_number<double>();
  CHECK(metrics.at("throughput_mb_per_sec").to_number<double>() == doctest::Approx(2 * ops));
  CHECK(metrics.at("items_per_second").to_number<double>() == doctest::Approx(10 * ops));
  CHECK(metrics.at("records_per_aggregation").to_number<double>() == 1000);
  CHECK(metrics.at("database").as_string() == "sqlite");
}

TEST_CASE("no NaN or infinity reaches a file") {
  CHECK(to_pretty_json(boost::json::value(std::nan(""))) == "null\n");
  CHECK(finite_or_null(1.0 / 0.0).is_null());
  CHECK(to_pretty_json(boost::json::value(2.0)) == "2.0\n");
  CHECK(to_pretty_json(boost::json::value(0.1)) == "0.1\n");
}

TEST_CASE("results.json holds status, statistics, samples and the summary") {
  SuiteReport report;
  report.host_version = "0.1.0";
  report.started_at = "2026-01-02T03:04:05.000Z";
  report.targets.push_back(finished_target("fast", 10.0));
  report.targets.push_back(finished_target("slow", 1000.0));
  TargetResult crashed;
  crashed.target_id = "broken";
  crashed.status = TargetStatus::crashed;
  crashed.reason = "killed by SIGSEGV (Segmentation fault)";
  report.targets.push_back(crashed);
  const auto json = results_json(report);
  const auto& summary = json.at("summary").as_object();
  CHECK(summary.at("total_benchmarks").to_number<int>() == 3);
  CHECK(summary.at("total_iterations").to_number<int>() == 40000);
  CHECK(summary.at("fastest_benchmark").as_string() == "fast");
  CHECK(summary.at("slowest_benchmark").as_string() == "slow");
  CHECK(summary.at("status_counts").at("crashed").to_number<int>() == 1);
  const auto& broken = json.at("targets").as_array()[2].as_object();
  CHECK(broken.at("status").as_string() == "crashed");
  CHECK(broken.at("statistics").is_null());
  CHECK(broken.at("metrics").as_object().empty());
  const auto& fast = json.at("targets").as_array()[0].as_object();
  CHECK(fast.at("samples").at("elapsed_ns").as_array().size() == 20);
  CHECK(fast.at("statistics").at("basis").as_string() == "ns_per_operation_of_batch_mean");
  CHECK(fast.at("measurement").at("overhead_ns_per_iteration").to_number<double>() ==
        doctest::Approx(0.04));

  const std::string md = summary_markdown(report, "2026-01-02T03:04:05.678Z");
  CHECK(md.find("| Target | Operations/sec | Avg Duration (ns) | Notes |") != std::string::npos);
  CHECK(md.find("| broken | N/A | N/A | **crashed**: killed by SIGSEGV") != std::string::npos);
  CHECK(md.find("### fast") != std::string::npos);
}

TEST_CASE("summary.md gets a scaling section for families of sizes") {
  SuiteReport report;
  report.targets.push_back(finished_target("aggregator_100", 100.0));
  report.targets.push_back(finished_target("aggregator_1000", 1000.0));
  report.targets.push_back(finished_target("aggregator_10000", 20000.0));
  report.targets.push_back(finished_target("lonely_5", 1.0));
  const std::string md = summary_markdown(report, "2026-01-02T03:04:05.678Z");
  REQUIRE(md.find("## Scaling") != std::string::npos);
  CHECK(md.find("### aggregator\n") != std::string::npos);
  CHECK(md.find("### lonely\n") == std::string::npos);
  CHECK(md.find("| 10000 |") != std::string::npos);
  CHECK(md.find("2.00×") != std::string::npos);  // 10000 records cost twice as much per record
}

TEST_CASE("atomic writes replace whole files and refuse symlinks") {
  const fs::path dir = fresh_dir("costops-atomic");
  fs::create_directories(dir);
  write_file_atomically(dir / "a.json", "first");
  write_file_atomically(dir / "a.json", "second");
  CHECK(read_file(dir / "a.json") == "second");
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  CHECK(files == 1);  // no temporary left behind

  fs::create_symlink("/etc/passwd", dir / "link.json");
  CHECK_THROWS_AS(write_file_atomically(dir / "link.json", "x"), FileWriteError);
  CHECK_THROWS_WITH_AS(write_file_atomically(dir / "missing" / "a.json", "x"),
                       doctest::Contains("missing/a.json"), FileWriteError);

  std::ofstream(dir / ".b.json.cost-ops-tmp-123") << "half";
  remove_stale_temporaries(dir);
  CHECK_FALSE(fs::exists(dir / ".b.json.cost-ops-tmp-123"));
  fs::remove_all(dir);
}

TEST_CASE("the output directory writes raw records and suite files") {
  const fs::path dir = fresh_dir("costops-output");
  OutputDirectory output(dir);
  SuiteReport report;
  report.targets.push_back(finished_target("export_csv", 5000.0));
  output.write_raw_record(report.targets[0]);
  output.write_suite_files(report, true);
  const auto record = boost::json::parse(read_file(dir / "raw" / "export_csv.json"));
  CHECK(record.at("target_id").as_string() == "export_csv");
  CHECK(boost::json::parse(read_file(dir / "results.json")).at("schema_version") == 1);
  CHECK(read_file(dir / "summary.md").find("export_csv") != std::string::npos);

  if (::geteuid() != 0) {  // root writes anywhere; the check is meaningless then
    fs::permissions(dir / "raw", fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THROWS_AS(OutputDirectory{dir}, FileWriteError);
    fs::permissions(dir / "raw", fs::perms::owner_all);
  }
  std::ofstream(dir / "file") << "x";
  CHECK_THROWS_WITH_AS(OutputDirectory{dir / "file" / "sub"}, doctest::Contains("--output"),
                       FileWriteError);
  fs::remove_all(dir);
}
