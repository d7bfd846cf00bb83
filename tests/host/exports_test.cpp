// Every export carries every target in its own way: Google Benchmark's
// error/skip rows, JUnit's error/failure/skipped, and the formats that
// cannot hold a failure say which targets they left out. Built from a
// results.json written here, so the expected figures are known exactly.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "costops/host/exports.hpp"
#include "costops/host/target_flags.hpp"

using namespace costops::host;
namespace json = boost::json;

namespace {

// A measured target: two repetitions of two batches of 1000 iterations,
// batch times 100, 300 | 200, 400 ns/op; CPU time half the wall time,
// or not measured (null) when `cpu` is false.
json::object measured(const std::string& id, bool cpu) {
  json::array cpu_ns{50e3, 150e3, 100e3, 200e3};
  if (!cpu) cpu_ns = {nullptr, nullptr, nullptr, nullptr};
  return json::object{{"target_id", id},
                      {"status", "ok"},
                      {"reason", ""},
                      {"plugin", {{"name", "fixture"}, {"version", "1.0"}}},
                      {"statistics",
                       {{"samples", 4},
                        {"mean_ns", 250.0},
                        {"median_ns", 250.0},
                        {"median_ci95_low_ns", 100.0},
                        {"median_ci95_high_ns", 400.0},
                        {"cpu_time_per_op_ns", cpu ? json::value(125.0) : json::value(nullptr)}}},
                      {"metrics",
                       {{"total_iterations", 4000},
                        {"total_duration_ms", 1.0},
                        {"operations_per_second", 4e6},
                        {"bytes_per_operation", 1000},
                        {"throughput_mb_per_sec", 4000.0},
                        {"values_per_sum", 64},
                        {"language", "c99"}}},
                      {"samples",
                       {{"iterations", {1000, 1000, 1000, 1000}},
                        {"elapsed_ns", {100e3, 300e3, 200e3, 400e3}},
                        {"repetition", {0, 0, 1, 1}},
                        {"process", {0, 0, 1, 1}},
                        {"cpu_ns", cpu_ns}}}};
}

json::object not_measured(const std::string& id, const std::string& status,
                          const std::string& reason) {
  return json::object{
      {"target_id", id},       {"status", status},
      {"reason", reason},      {"plugin", {{"name", "fixture"}, {"version", "1.0"}}},
      {"statistics", nullptr}, {"metrics", json::object()},
      {"samples", nullptr}};
}

json::value results() {
  return json::object{{"timestamp", "2026-12-03T02:00:00Z"},
                      {"host_version", "1.0.0"},
                      {"source", {{"commit", "abc123"}, {"branch", "main"}, {"dirty", false}}},
                      {"targets",
                       {measured("fast", true), measured("no_cpu", false),
                        not_measured("crashes", "crashed", "killed by SIGSEGV <&>"),
                        not_measured("hangs", "timed_out", "killed after 2 s"),
                        not_measured("declines", "skipped", "needs a GPU")}}};
}

const json::object& row(const json::array& rows, std::string_view name,
                        std::string_view run_type = "", int repetition = 0) {
  for (const json::value& r : rows) {
    const json::object& o = r.get_object();
    if (o.at("name").get_string() != name) continue;
    if (!run_type.empty() && o.at("run_type").get_string() != run_type) continue;
    if (o.contains("repetition_index") && o.at("repetition_index").to_number<int>() != repetition)
      continue;
    return o;
  }
  FAIL("no row " << name);
  throw 0;
}

double num(const json::object& o, std::string_view key) {
  return o.at(key).to_number<double>();
}

}  // namespace

TEST_CASE("gbench-json: error and skip rows, measured CPU time, real aggregates, counters") {
  const ExportedText out = export_results(results(), ExportFormat::gbench_json, {{}, "before"});
  CHECK(out.left_out.empty());
  const json::value doc = json::parse(out.text);
  const json::array& rows = doc.at("benchmarks").get_array();
  CHECK(doc.at("context").at("cost_ops_run").get_string() == "before");
  CHECK(doc.at("context").at("source_commit").get_string() == "abc123");

  const json::object& crashed = row(rows, "crashes");
  CHECK(crashed.at("error_occurred").get_bool());
  CHECK(crashed.at("error_message").get_string() == "crashed: killed by SIGSEGV <&>");
  CHECK(row(rows, "hangs").at("error_occurred").get_bool());
  const json::object& skipped = row(rows, "declines");
  CHECK_FALSE(skipped.contains("error_occurred"));
  CHECK(skipped.at("skipped").get_bool());
  CHECK(skipped.at("skip_message").get_string() == "skipped: needs a GPU");

  // Iteration rows: one per repetition, its median, CPU time its own.
  const json::object& first = row(rows, "fast", "iteration", 0);
  CHECK(num(first, "real_time") == doctest::Approx(200));
  CHECK(num(first, "cpu_time") == doctest::Approx(100));
  CHECK(num(first, "iterations") == 2000);
  CHECK(num(first, "repetitions") == 2);
  CHECK(num(first, "bytes_per_second") == doctest::Approx(1000 * 1e9 / 200));
  CHECK(num(first, "values_per_sum") == 64);
  CHECK(first.at("label").get_string() == "language=c99");
  CHECK(num(row(rows, "fast", "iteration", 1), "real_time") == doctest::Approx(300));
  // Not measured: compare.py needs the field, so it repeats the wall time
  // and the label says so.
  for (const json::object* r :
       {&row(rows, "no_cpu", "iteration", 0), &row(rows, "no_cpu_median")}) {
    CHECK(num(*r, "cpu_time") == num(*r, "real_time"));
    CHECK(std::string(r->at("label").get_string()).find("cpu_time not measured") !=
          std::string::npos);
  }

  // Aggregates over the four batches: 100, 200, 300, 400 ns/op.
  const double stddev = std::sqrt((150.0 * 150 + 50 * 50 + 50 * 50 + 150 * 150) / 3);
  const json::object& mean = row(rows, "fast_mean");
  CHECK(mean.at("run_type").get_string() == "aggregate");
  CHECK(mean.at("aggregate_name").get_string() == "mean");
  CHECK(mean.at("time_unit").get_string() == "ns");
  CHECK(num(mean, "iterations") == 4);
  CHECK(num(mean, "real_time") == doctest::Approx(250));
  CHECK(num(row(rows, "fast_median"), "real_time") == doctest::Approx(250));
  CHECK(num(row(rows, "fast_median"), "cpu_time") == doctest::Approx(125));
  CHECK(num(row(rows, "fast_stddev"), "real_time") == doctest::Approx(stddev));
  CHECK(num(row(rows, "fast_stddev"), "cpu_time") == doctest::Approx(stddev / 2));
  const json::object& cv = row(rows, "fast_cv");
  CHECK(cv.at("aggregate_unit").get_string() == "percentage");
  CHECK(num(cv, "real_time") == doctest::Approx(stddev / 250));
  CHECK(num(cv, "bytes_per_second") > 0);
  // A plugin metric is one value: no spread is claimed for it.
  CHECK(num(row(rows, "fast_mean"), "values_per_sum") == 64);
  CHECK_FALSE(cv.contains("values_per_sum"));
}

TEST_CASE("junit: crash and timeout are errors, skipped is skipped, regression is a failure") {
  ExportOptions options;
  options.run_name = "after & co";
  options.regressions = {{"fast", "fast: +30% slower"}, {"crashes", "crashes: ok → crashed"}};
  const std::string xml = export_results(results(), ExportFormat::junit, options).text;
  CHECK(xml.find("<testsuite name=\"after &amp; co\" tests=\"5\" failures=\"1\" errors=\"2\" "
                 "skipped=\"1\"") != std::string::npos);
  CHECK(xml.find("<error message=\"crashes: ok → crashed\" type=\"crashed\">") !=
        std::string::npos);
  CHECK(xml.find("<error message=\"timed_out: killed after 2 s\" type=\"timed_out\">") !=
        std::string::npos);
  CHECK(xml.find("<skipped message=\"skipped: needs a GPU\"/>") != std::string::npos);
  CHECK(xml.find("<failure message=\"fast: +30% slower\" type=\"regression\">") !=
        std::string::npos);
  CHECK(xml.find("type=\"crashed\"") < xml.find("name=\"hangs\""));  // in target order
  // The numbers travel with the testcase.
  CHECK(xml.find("<system-out>median 250 ns per operation (95% interval 100 .. 400 ns)") !=
        std::string::npos);
  CHECK(xml.find("throughput 4000 MB/s") != std::string::npos);
  CHECK(xml.find("<property name=\"source_branch\" value=\"main\"/>") != std::string::npos);
  // No comparison: nothing is a failure.
  const std::string plain = export_results(results(), ExportFormat::junit).text;
  CHECK(plain.find("<failure") == std::string::npos);
  CHECK(plain.find("<testsuite name=\"cost-ops\"") != std::string::npos);
}

TEST_CASE("bmf and github-action-benchmark name the targets they cannot hold") {
  for (const ExportFormat format : {ExportFormat::bmf, ExportFormat::github_action_benchmark}) {
    const ExportedText out = export_results(results(), format);
    REQUIRE(out.left_out.size() == 3);
    CHECK(out.left_out[0] == "crashes (crashed: killed by SIGSEGV <&>)");
    CHECK(out.text.find("crashes") == std::string::npos);
    CHECK(out.text.find("\"fast\"") != std::string::npos);
    const std::string warning = left_out_warning(format, out.left_out);
    CHECK(warning.find("3 targets left out") != std::string::npos);
    CHECK(warning.find("hangs (timed_out: killed after 2 s)") != std::string::npos);
  }
  CHECK(left_out_warning(ExportFormat::bmf, {}).empty());
  // Plugin text on a terminal: no escape sequence survives.
  CHECK(left_out_warning(ExportFormat::bmf, {"x (crashed: \x1b[2Jgone)"}).find('\x1b') ==
        std::string::npos);
  CHECK(export_results(results(), ExportFormat::csv).left_out.empty());
}

TEST_CASE("exports: counts no integer holds and an infinite time are read without overflow") {
  json::value doc = results();
  json::object& fast = doc.at("targets").as_array()[0].as_object();
  fast["statistics"].as_object()["samples"] = 1e300;
  fast["metrics"].as_object()["total_iterations"] = -1e300;
  fast["metrics"].as_object()["total_duration_ms"] = std::numeric_limits<double>::infinity();
  doc.as_object()["environment"] = {{"logical_cpus", 1e300}, {"cpu_mhz", -1e300}};
  const std::string xml = export_results(doc, ExportFormat::junit).text;
  CHECK(xml.find("inf") == std::string::npos);
  CHECK(xml.find("time=\"0.000000\"") != std::string::npos);  // the infinite duration
  CHECK(xml.find(std::to_string(std::numeric_limits<std::uint64_t>::max()) + " samples") !=
        std::string::npos);
  CHECK(xml.find(", 0 iterations") != std::string::npos);
  const json::value gbench = json::parse(export_results(doc, ExportFormat::gbench_json).text);
  CHECK(gbench.at("context").at("num_cpus").to_number<double>() ==
        std::numeric_limits<unsigned>::max());
  CHECK(gbench.at("context").at("mhz_per_cpu").to_number<double>() == 0);
  // A median no number holds is no measurement BMF or the action can show.
  fast["statistics"].as_object()["median_ns"] = std::numeric_limits<double>::infinity();
  for (const ExportFormat format : {ExportFormat::bmf, ExportFormat::github_action_benchmark}) {
    const ExportedText out = export_results(doc, format);
    CHECK(out.text.find("\"fast\"") == std::string::npos);
    CHECK(out.text.find("null") == std::string::npos);
    REQUIRE(!out.left_out.empty());
    CHECK(out.left_out[0] == "fast (its median is not a finite number)");
  }
}

TEST_CASE("gbench-json: a plugin metric named like a Google Benchmark key is no counter") {
  json::value doc = results();
  json::object& metrics = doc.at("targets").as_array()[0].as_object()["metrics"].as_object();
  metrics["error_occurred"] = 1;
  metrics["skipped"] = 1;
  metrics["aggregate_name"] = 2;
  metrics["label"] = 3;
  const json::value out = json::parse(export_results(doc, ExportFormat::gbench_json).text);
  for (const json::value& r : out.at("benchmarks").as_array()) {
    const json::object& o = r.as_object();
    if (o.at("name").as_string().find("fast") != 0) continue;
    CHECK_FALSE(o.contains("error_occurred"));
    CHECK_FALSE(o.contains("skipped"));
    CHECK((!o.contains("aggregate_name") || o.at("aggregate_name").is_string()));
    CHECK((!o.contains("label") || o.at("label").is_string()));
    if (o.at("run_type") == "iteration") CHECK(o.contains("values_per_sum"));  // others stay
  }
}

TEST_CASE("junit: plugin text with every control, noncharacters and line ends stays XML") {
  json::value doc = results();
  std::string hostile;
  for (char c = 1; c < 0x20; ++c) hostile += c;
  hostile += "\x7F\xEF\xBF\xBE\xEF\xBF\xBF]]><script>\"'";
  json::object& crashes = doc.at("targets").as_array()[2].as_object();
  crashes["reason"] = hostile;
  crashes["target_id"] = "id\r\n" + hostile;
  const std::string xml = export_results(doc, ExportFormat::junit).text;
  CHECK(xml.find("\xEF\xBF\xBE") == std::string::npos);
  CHECK(xml.find("\xEF\xBF\xBF") == std::string::npos);
  CHECK(xml.find('\x01') == std::string::npos);
  CHECK(xml.find("]]>") == std::string::npos);
  CHECK(xml.find("<script") == std::string::npos);
  CHECK(xml.find("name=\"id&#13;&#10;\t") == std::string::npos);  // tab in an attribute
  CHECK(xml.find("name=\"id&#13;&#10;&#9;&#10;") != std::string::npos);
}

TEST_CASE("csv: a NUL, quotes, line ends and formula starts stay inside their cell") {
  json::value doc = results();
  json::object& crashes = doc.at("targets").as_array()[2].as_object();
  crashes["reason"] = std::string("=a\0b\",\r\nc", 9);
  crashes["plugin"].as_object()["name"] = "@x";
  const std::string out = export_results(doc, ExportFormat::csv).text;
  CHECK(out.find('\0') == std::string::npos);
  CHECK(out.find(",\"'@x\",1.0,\"'=a\uFFFDb\"\",\r\nc\"\r\n") != std::string::npos);
}

TEST_CASE("junit: a timestamp that is no xs:dateTime is left out, not written") {
  json::value doc = results();
  CHECK(export_results(doc, ExportFormat::junit).text.find(" timestamp=\"2026-12-03T02:00:00\" ") !=
        std::string::npos);
  for (const char* bad : {"", "yesterday", "2026-13-03T02:00:00Z", "2026-12-03 02:00:00"}) {
    doc.as_object()["timestamp"] = bad;
    CHECK(export_results(doc, ExportFormat::junit).text.find("timestamp=") == std::string::npos);
  }
}

TEST_CASE("run_name_of: the run directory's name") {
  CHECK(run_name_of("/tmp/runs/before/results.json") == "before");
  CHECK(run_name_of("/") == "cost-ops");
  // run --run-name's default, for a directory that may not exist yet.
  CHECK(output_directory_name("/nonexistent/benchmarks/output") == "output");
  CHECK(output_directory_name("/nonexistent/benchmarks/output/") == "output");
  CHECK(output_directory_name("/") == "cost-ops");
}

TEST_CASE("junit: the run's recorded name names the suite and prefixes every classname") {
  json::value named = results();
  named.as_object()["settings"] = json::object{{"run_name", "nightly-gcc"}};
  ExportOptions options;
  options.run_name = "output";  // the directory's name: only when the file records none
  const std::string xml = export_results(named, ExportFormat::junit, options).text;
  CHECK(xml.find("<testsuite name=\"nightly-gcc\"") != std::string::npos);
  CHECK(xml.find("classname=\"cost-ops.nightly-gcc.fixture\" name=\"fast\"") != std::string::npos);
  CHECK(xml.find("\"output\"") == std::string::npos);
  const std::string unnamed = export_results(results(), ExportFormat::junit, options).text;
  CHECK(unnamed.find("<testsuite name=\"output\"") != std::string::npos);
  CHECK(unnamed.find("classname=\"cost-ops.output.fixture\"") != std::string::npos);
  // gbench-json carries it as custom context, github-action-benchmark in "extra".
  const json::value gbench =
      json::parse(export_results(named, ExportFormat::gbench_json, options).text);
  CHECK(gbench.at("context").at("cost_ops_run").as_string() == "nightly-gcc");
  CHECK(export_results(named, ExportFormat::github_action_benchmark, options)
            .text.find("run nightly-gcc") != std::string::npos);
}

TEST_CASE("target flags: one spelling for results.json, another for people") {
  CHECK(target_flag_names(0).empty());
  CHECK(target_flag_names(0x3) == std::vector<std::string>{"uses_threads", "does_io"});
  CHECK(target_flag_names(0x5) == std::vector<std::string>{"uses_threads", "unknown_0x4"});
  CHECK(target_flags_text(target_flag_names(0x3)) == "uses threads, does I/O");
}
