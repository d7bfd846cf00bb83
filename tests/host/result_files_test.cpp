// The file writers and readers: the canonical record, results.json
// (written, then read back), summary.md (against a golden file), the
// progress lines, and atomic replacement.
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
#include "costops/host/progress_reporter.hpp"
#include "costops/host/raw_record.hpp"
#include "costops/host/result_aggregation.hpp"
#include "costops/host/results_file.hpp"
#include "costops/host/summary_markdown.hpp"
#include "costops/host/target_analysis.hpp"
#include "costops/host/thread_scaling.hpp"
#include "fixture_paths.hpp"
#include "golden_files.hpp"

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

TEST_CASE("the raw record is exactly the canonical BenchmarkResult shape") {
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
  CHECK(fast.at("flags").as_array().empty());
  // The median-based rates beside the specification's mean-based metrics.
  const auto& stats = fast.at("statistics").as_object();
  const double median = stats.at("median_ns").to_number<double>();
  CHECK(stats.at("operations_per_second_median").to_number<double>() ==
        doctest::Approx(1e9 / median));
  CHECK(stats.at("throughput_mb_per_sec_median").to_number<double>() ==
        doctest::Approx(2'000'000 * 1e3 / median));
  CHECK(stats.at("items_per_second_median").to_number<double>() ==
        doctest::Approx(10 * 1e9 / median));
  CHECK(fast.at("measurement").at("overhead_ns_per_iteration").to_number<double>() ==
        doctest::Approx(0.04));

  const std::string md = summary_markdown(report, "2026-01-02T03:04:05.678Z");
  CHECK(md.find("| Target | Operations/sec | Avg Duration (ns) | Notes |") != std::string::npos);
  CHECK(md.find("| broken | N/A | N/A | **crashed**: killed by SIGSEGV") != std::string::npos);
  CHECK(md.find("### fast") != std::string::npos);
}

TEST_CASE("summary.md scales declared families by their argument, not by their ids") {
  SuiteReport report;
  const std::pair<const char*, std::int64_t> members[] = {
      {"aggregator_small", 100}, {"aggregator_medium", 1000}, {"aggregator_large", 10000}};
  const double ns[] = {100.0, 1000.0, 20000.0};
  for (std::size_t i = 0; i < 3; ++i) {
    report.targets.push_back(finished_target(members[i].first, ns[i]));
    report.targets.back().family = "aggregator";
    report.targets.back().argument = members[i].second;
    report.targets.back().complexity_variable = "records";
  }
  report.targets.push_back(finished_target("lonely_5", 1.0));  // a number in an id is no family
  const std::string md = summary_markdown(report, "2026-01-02T03:04:05.678Z");
  REQUIRE(md.find("## Scaling") != std::string::npos);
  CHECK(md.find("### aggregator\n") != std::string::npos);
  CHECK(md.find("### lonely\n") == std::string::npos);
  CHECK(md.find("| 10000 |") != std::string::npos);
  CHECK(md.find("2.00×") != std::string::npos);  // 10000 records cost twice as much per record
  // 1, 1 and 2 ns per record: neither O(n) nor O(n log n) fits well enough
  // to tell them apart, and the summary says so rather than pick one.
  CHECK(md.find("aggregator: complexity not determined: O(records log records) fits only") !=
        std::string::npos);
}

TEST_CASE("summary.md: a family over thread counts gets a thread scaling table") {
  SuiteReport report;
  // 1 thread: 100 ns; 2 threads: 100 ns each (perfect); 4 threads: 200 ns
  // each (aggregate only twice one thread's: 50%).
  const std::pair<std::uint32_t, double> counts[] = {{1, 100.0}, {2, 100.0}, {4, 200.0}};
  for (const auto& [threads, ns] : counts) {
    report.targets.push_back(finished_target("lookup_t" + std::to_string(threads), ns));
    report.targets.back().measurement->threads = threads;
  }
  report.targets.push_back(finished_target("plain_t2", 10.0));   // _t2 but one thread: no range
  report.targets.push_back(finished_target("single_t4", 10.0));  // one count alone: no table
  report.targets.back().measurement->threads = 4;
  const std::string md = summary_markdown(report, "2026-01-02T03:04:05.678Z");
  REQUIRE(md.find("## Thread scaling") != std::string::npos);
  CHECK(md.find("### lookup\n") != std::string::npos);
  CHECK(md.find("### plain\n") == std::string::npos);
  CHECK(md.find("### single\n") == std::string::npos);

  const std::vector<ThreadScaling> scaling = thread_scaling(
      {{"lookup_t1", 1, 100}, {"lookup_t4", 4, 200}, {"lookup_t2", 2, 100}, {"other_t2", 1, 5}});
  REQUIRE(scaling.size() == 1);
  const std::vector<ThreadScalingPoint>& p = scaling[0].points;
  REQUIRE(p.size() == 3);
  CHECK(p[1].threads == 2);  // ordered by thread count
  CHECK(p[0].operations_per_second == doctest::Approx(1e7));
  CHECK(p[2].operations_per_second == doctest::Approx(2e7));
  CHECK(p[2].operations_per_second_per_thread == doctest::Approx(5e6));
  CHECK(p[1].efficiency == doctest::Approx(1.0));
  CHECK(p[2].efficiency == doctest::Approx(0.5));
  // The fixture's median is 1.0095 x its time: 201.9 ns per thread on 4.
  CHECK(md.find("| 4 | 19.81 M | 4.95 M | 50% |") != std::string::npos);
  CHECK(md.find("| 2 | 19.81 M | 9.91 M | 100% |") != std::string::npos);

  SuiteReport unthreaded;  // no family over threads: no section at all
  unthreaded.targets.push_back(finished_target("fast", 10.0));
  CHECK(summary_markdown(unthreaded, "2026-01-02T03:04:05.678Z").find("Thread scaling") ==
        std::string::npos);
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

namespace {

TEST_CASE("the journal: one line per finished target, read back when results.json is missing") {
  const fs::path dir = fresh_dir("costops-journal");
  {
    OutputDirectory output(dir);
    output.write_journal_entry(finished_target("alpha", 99.0));
    output.write_journal_entry(finished_target("beta", 20.0));
    output.write_journal_entry(finished_target("alpha", 10.0));  // a later round
    TargetResult crashed;
    crashed.target_id = "gamma";
    crashed.status = TargetStatus::crashed;
    crashed.reason = "killed by SIGSEGV";
    output.write_journal_entry(crashed);
  }
  // The host died here: no results.json, but compare and --baseline still
  // find everything measured.
  CHECK_FALSE(fs::exists(dir / "results.json"));
  // A torn last line (the host died while appending) is not read, and said.
  std::ofstream(dir / kJournalFile, std::ios::app) << "{\"target_id\":\"del";
  const StoredRun recovered = load_stored_run(dir);
  CHECK(recovered.partial.find("is cut short") != std::string::npos);
  REQUIRE(recovered.targets.size() == 3);
  CHECK(recovered.targets[0].target_id == "alpha");
  CHECK(recovered.targets[0].ns_per_operation.front() < 20);  // the later line won
  CHECK(recovered.targets[1].ns_per_operation.size() ==
        finished_target("beta", 20.0).measurement->samples.size());
  CHECK(recovered.targets[2].status == TargetStatus::crashed);
  // A new run starts its own journal; the final files replace it.
  OutputDirectory again(dir);
  CHECK_FALSE(fs::exists(dir / kJournalFile));
  again.write_journal_entry(finished_target("alpha", 10.0));
  SuiteReport report;
  report.targets.push_back(finished_target("alpha", 10.0));
  again.write_suite_files(report, false);
  CHECK_FALSE(fs::exists(dir / kJournalFile));
  CHECK(fs::exists(dir / "raw" / "alpha.json"));
  CHECK(load_stored_run(dir).targets.size() == 1);
  fs::remove_all(dir);
}

SuiteReport golden_report() {
  SuiteReport report;
  report.host_version = "0.1.0";
  report.started_at = "2026-01-02T03:04:05.000Z";
  report.environment.host_name = "bench-host";
  report.environment.os = "Linux 6.1.0 x86_64";
  report.environment.cpu_model = "Example CPU";
  report.environment.logical_cpus = 2;
  report.environment.virtualization = "none";
  report.environment.host_version = "0.1.0";
  report.environment.host_compiler = "GNU 12.2.0";
  report.environment.host_build_type = "Release";
  report.command_line = {"cost-ops", "run", "--rounds", "3"};
  report.settings = {{"min_time_s", 0.5}, {"rounds", 3}, {"isolation", "process"}, {"filter", ""}};
  report.targets.push_back(finished_target("aggregator_100", 100.0));
  report.targets.back().measurement->plugin_metrics.emplace_back("yardstick_target",
                                                                 std::string("aggregator_1000"));
  report.targets.back().measurement->plugin_metrics.emplace_back("yardstick_goal_ratio", 0.2);
  report.targets.push_back(finished_target("aggregator_1000", 1000.0));
  report.targets.back().measurement->plugin_metrics.emplace_back("big_count", 100000.0);
  report.targets.back().flags = 0x3;  // uses threads, does I/O
  for (int i = 0; i < 2; ++i) {
    TargetResult& member = report.targets[static_cast<std::size_t>(i)];
    member.family = "aggregator";
    member.argument = i == 0 ? 100 : 1000;
    member.complexity_variable = "records";
  }
  TargetResult skipped;
  skipped.target_id = "gpu_only";
  skipped.status = TargetStatus::skipped;
  skipped.reason = "the target cannot run here: no GPU";
  report.targets.push_back(skipped);
  TargetResult crashed;
  crashed.target_id = "broken";
  crashed.status = TargetStatus::crashed;
  crashed.reason = "killed by SIGSEGV (Segmentation fault)";
  report.targets.push_back(crashed);
  PluginProbe bad;
  bad.path = "/plugins/bad.so";
  bad.status = TargetStatus::incompatible;
  bad.reason = "built for plugin ABI major 2";
  report.plugin_files.push_back(bad);
  return report;
}

using costops::test::check_golden;

}  // namespace

TEST_CASE("summary.md: text from an imported tool or the command line cannot break a line") {
  // An imported run's environment and warnings come from another tool's
  // file; the settings from the command line (--run-name).
  SuiteReport report = golden_report();
  const std::string hostile = "x|y\n# heading\r<script>alert(1)</script>\x1B[2K`*_ &lt;";
  report.environment.host_name = hostile;
  report.environment.os = hostile;
  report.environment.cpu_model = hostile;
  report.environment.virtualization = hostile;
  report.environment.warnings = {"the benchmarks ran on " + hostile};
  report.settings["run_name"] = hostile;
  report.baseline_name = hostile;
  report.baseline_comparison = "| Target |\n|---|\n";
  const std::string md = summary_markdown(report, "2026-01-02T03:04:05.678Z");
  CHECK(md.find("<script") == std::string::npos);
  CHECK(md.find("\n# heading") == std::string::npos);
  CHECK(md.find('\r') == std::string::npos);
  CHECK(md.find('\x1B') == std::string::npos);
  CHECK(md.find("x|y") == std::string::npos);                 // every | escaped
  CHECK(md.find("\\`\\*\\_ &amp;lt;") != std::string::npos);  // an entity stays text
  CHECK(md.find("- Host: x\\|y # heading &lt;script\\>") != std::string::npos);
}

TEST_CASE("aggregate summary.md: source names, files and reasons stay in their cells") {
  // A source is a directory (or a repository or machine name from the store);
  // a refused file's name and reason quote what was found there.
  AggregateReport report;
  SourceRecords source;
  source.name = "a|b\n# h <script>";
  source.records.emplace_back("fixture_x", boost::json::object{{"operations_per_second", 10.0}});
  source.refused.push_back({"/tmp/x`y|z.json", "not JSON: \"<b>|\r\n\x1B[2K\""});
  report.sources.push_back(source);
  const std::string md = aggregate_summary_markdown(report);
  CHECK(md.find("| Target | a\\|b # h &lt;script\\> |") != std::string::npos);
  CHECK(md.find("<script") == std::string::npos);
  CHECK(md.find("<b>") == std::string::npos);
  CHECK(md.find('\r') == std::string::npos);
  CHECK(md.find('\x1B') == std::string::npos);
  CHECK(md.find("\n# h") == std::string::npos);
  CHECK(md.find("x\\`y\\|z.json") != std::string::npos);
}

TEST_CASE("summary.md matches its golden file") {
  check_golden("summary.md", summary_markdown(golden_report(), "2026-01-02T03:04:05.678Z"));
}

TEST_CASE("progress lines and the tally match their golden files, in each terminal style") {
  const SuiteReport report = golden_report();
  const auto render = [&](const TerminalStyle& style) {
    std::string lines;
    for (const auto& t : report.targets) lines += progress_line(t, style) + "\n";
    return lines + tally_line(report, 42.25, style) + "\n";
  };
  check_golden("progress_utf8_colour.txt", render({true, true}));
  check_golden("progress_ascii.txt", render({false, false}));
}

TEST_CASE("padding counts display columns, not bytes") {
  CHECK(display_width("µs") == 2);
  CHECK(display_width("✓ ok") == 4);
  CHECK(display_width("\033[32m✓\033[0m") == 1);
  CHECK(display_width("日本") == 4);
  CHECK(pad_to_width("µs", 4) == "µs  ");
  CHECK(pad_to_width("toolong", 3) == "toolong");
}

TEST_CASE("results.json reads back as it was written") {
  SuiteReport report = golden_report();
  report.targets[1].measurement->samples[3].repetition = 1;
  const StoredRun run = parse_stored_run(to_pretty_json(results_json(report)), "r.json");
  REQUIRE(run.targets.size() == report.targets.size());
  CHECK(run.timestamp == report.started_at);
  for (std::size_t i = 0; i < run.targets.size(); ++i) {
    const TargetResult& written = report.targets[i];
    const StoredTarget& read = run.targets[i];
    CHECK(read.target_id == written.target_id);
    CHECK(read.status == written.status);
    CHECK(read.reason == written.reason);
    if (!written.measurement) {
      CHECK(read.ns_per_operation.empty());
      continue;
    }
    REQUIRE(read.ns_per_operation.size() == written.measurement->samples.size());
    for (std::size_t k = 0; k < read.ns_per_operation.size(); ++k) {
      // Boost.JSON 1.81 parses decimals to within one ulp, not always exactly.
      CHECK(read.ns_per_operation[k] ==
            doctest::Approx(written.measurement->samples[k].ns_per_operation()).epsilon(1e-15));
      CHECK(read.repetition[k] == written.measurement->samples[k].repetition);
    }
  }
}

TEST_CASE("results.json readers refuse duplicates, non-regular files and oversized files") {
  CHECK_THROWS_WITH_AS(parse_stored_run(R"({"targets":[{"target_id":"a","status":"failed"},
      {"target_id":"a","status":"failed"}]})",
                                        "d.json"),
                       doctest::Contains("appears twice"), ResultsFileError);
  CHECK_THROWS_WITH_AS(load_stored_run("/dev/zero"), doctest::Contains("not a regular file"),
                       ResultsFileError);
  const fs::path dir = fresh_dir("costops-fifo");
  fs::create_directories(dir);
  REQUIRE(::mkfifo((dir / "results.json").c_str(), 0600) == 0);
  CHECK_THROWS_WITH_AS(load_stored_run(dir), doctest::Contains("FIFO"), ResultsFileError);
  fs::remove_all(dir);
}

TEST_CASE("a plugin built without optimisation is flagged on each of its targets") {
  TargetResult t = finished_target("slow_build", 10.0);
  t.plugin.build_info = "GNU 12.2.0, Debug, unoptimized (-O0)";
  finalize_target_result(t);
  REQUIRE_FALSE(t.warnings.empty());
  CHECK(t.warnings.back().find("without optimisation") != std::string::npos);
  CHECK(t.warnings.back().find("CMAKE_BUILD_TYPE=Release") != std::string::npos);
  // A Rust kit plugin is told Cargo's command.
  TargetResult rust = finished_target("rust_debug", 10.0);
  rust.plugin.build_info = "rustc, cargo debug profile, unoptimized";
  finalize_target_result(rust);
  REQUIRE_FALSE(rust.warnings.empty());
  CHECK(rust.warnings.back().find("`cargo build --release`") != std::string::npos);
  t.plugin.build_info = "GNU 12.2.0, Release, optimized";
  finalize_target_result(t);
  CHECK(std::none_of(t.warnings.begin(), t.warnings.end(), [](const std::string& w) {
    return w.find("optimisation") != std::string::npos;
  }));
}

TEST_CASE("an ASCII terminal's progress line is ASCII, CPU time and allocations included") {
  TargetResult t = finished_target("busy", 2500.0);  // µs-scale times
  for (Sample& s : t.measurement->samples) s.cpu_ns = s.elapsed_ns;
  t.measurement->allocations.iterations = 10;
  t.measurement->allocations.allocations = 30;
  t.measurement->allocations.bytes_allocated = 3000;
  finalize_target_result(t);
  const std::string ascii = progress_line(t, TerminalStyle{false, false});
  CHECK(ascii.find("allocs") != std::string::npos);
  CHECK(ascii.find("cpu 2.5") != std::string::npos);
  CHECK(std::all_of(ascii.begin(), ascii.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
  const std::string unicode = progress_line(t, TerminalStyle{false, true});
  CHECK(unicode.find("·") != std::string::npos);
}
