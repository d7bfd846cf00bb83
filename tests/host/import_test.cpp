// cost-ops import's shared pieces: the documented id mapping, merging the
// files of several invocations, refusing ids that collide, the tools' time
// stamps, comparing summary-only targets without pretending to a test, and
// the machine a Google Benchmark context describes as the run's environment.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "costops/host/comparison.hpp"
#include "costops/host/import/import_readers.hpp"
#include "costops/host/import/import_writer.hpp"
#include "costops/host/import/imported_environment.hpp"
#include "costops/host/import/imported_run.hpp"
#include "costops/host/plugin_probe.hpp"

using namespace costops::host;

namespace {

ImportedTarget target(const std::string& name, std::vector<Sample> samples) {
  ImportedTarget t;
  t.source = "file: " + name;
  t.target_id = import_target_id(name, t.source);
  t.samples = std::move(samples);
  return t;
}

}  // namespace

TEST_CASE("import ids: lowercase, one _ per run of other characters, valid for the host") {
  CHECK(import_target_id("BM_sum/64", "s") == "bm_sum_64");
  CHECK(import_target_id("sums/fold/64", "s") == "sums_fold_64");
  CHECK(import_target_id("test_total[100]", "s") == "test_total_100");
  CHECK(import_target_id("  sleep 0.01 ", "s") == "sleep_0_01");
  CHECK(import_target_id("BM_x/real_time/threads:8", "s") == "bm_x_real_time_threads_8");
  CHECK(import_target_id("64/bytes", "s") == "b_64_bytes");
  const std::string long_name(100, 'a');
  const std::string id = import_target_id(long_name, "s");
  CHECK(id.size() == 64);
  CHECK(is_valid_target_id(id));
  CHECK(id == import_target_id(long_name, "s"));        // stable
  CHECK(id != import_target_id(long_name + "b", "s"));  // distinct names stay distinct
  // Beyond ASCII: the hash of the whole name keeps names apart, and valid.
  const std::string a_umlaut = import_target_id("sort/\xc3\xa4", "s");
  const std::string o_umlaut = import_target_id("sort/\xc3\xb6", "s");
  CHECK(a_umlaut.rfind("sort_", 0) == 0);
  CHECK(a_umlaut.size() == 5 + 8);
  CHECK(a_umlaut != o_umlaut);
  CHECK(a_umlaut == import_target_id("sort/\xc3\xa4", "s"));  // stable
  for (const char* name : {"\xe6\x8e\x92\xe5\xba\x8f", "\xce\xb1", "1\xce\xb1", "\xce\xb1/x",
                           "\xce\xb1 \xce\xb2 \xce\xb3 \xce\xb4"}) {
    const std::string mapped = import_target_id(name, "s");
    CHECK_MESSAGE(is_valid_target_id(mapped), mapped);
  }
  CHECK(import_target_id("\xce\xb1", "s").rfind("u_", 0) == 0);
  const std::string long_utf8 = std::string(70, 'a') + "\xc3\xa4";
  CHECK(import_target_id(long_utf8, "s").size() == 64);
  CHECK_THROWS_WITH_AS(import_target_id("/// ...", "f.json: benchmark ///"),
                       doctest::Contains("f.json: benchmark ///"), ImportError);
}

TEST_CASE("import collector: a later file is another process; a clash in one file is refused") {
  ImportedRun run;
  ImportCollector collector(run);
  collector.begin_file("one.json");
  collector.add(target("BM_a", {{10, 100, 0, 0}, {10, 110, 1, 0}}));
  CHECK_THROWS_WITH_AS(collector.add(target("bm-a", {{1, 1, 0, 0}})),
                       doctest::Contains("file: bm-a and file: BM_a both map to the target id"),
                       ImportError);
  collector.begin_file("two.json");
  collector.add(target("BM_a", {{10, 120, 0, 0}, {10, 130, 1, 0}}));
  REQUIRE(run.targets.size() == 1);
  const auto& samples = run.targets[0].samples;
  REQUIRE(samples.size() == 4);
  CHECK(samples[2].process == 1);
  CHECK(samples[3].repetition == 3);
  CHECK(run.files == std::vector<std::string>{"one.json", "two.json"});
  CHECK_THROWS_AS(collector.add(target("BM_b", {{1, -5, 0, 0}})), ImportError);
}

TEST_CASE("import time stamps: any offset becomes UTC, in the store's one form") {
  CHECK(utc_timestamp_of("2026-12-02T19:30:03+00:00") == "2026-12-02T19:30:03.000Z");
  CHECK(utc_timestamp_of("2026-12-02T19:30:03.123456") == "2026-12-02T19:30:03.123Z");
  CHECK(utc_timestamp_of("2026-12-02T19:30:03Z") == "2026-12-02T19:30:03.000Z");
  // Google Benchmark writes local time with its offset: when it ran, in UTC
  // (here across midnight and a month), never replaced by the import's time.
  CHECK(utc_timestamp_of("2026-12-02T19:30:03+02:00") == "2026-12-02T17:30:03.000Z");
  CHECK(utc_timestamp_of("2026-03-01T00:30:00+01:00") == "2026-02-28T23:30:00.000Z");
  CHECK(utc_timestamp_of("2026-02-30T00:00:00Z").empty());
  CHECK(utc_timestamp_of("yesterday").empty());
}

TEST_CASE("compare: summary-only targets get no test and are never slower") {
  StoredTarget base, current;
  base.target_id = current.target_id = "t";
  base.ns_per_operation = {100};
  current.ns_per_operation = {300};
  current.summary_only = true;
  const StoredRun base_run, current_run;
  const TargetComparison c =
      compare_stored_targets(base_run, base, current_run, current, ComparisonSettings{});
  CHECK(c.basis == ComparisonBasis::summary_values);
  CHECK(c.verdict == Verdict::noisy);
  CHECK(c.p_value == 1);
  CHECK(c.change == doctest::Approx(2.0));
  current.ns_per_operation = {101};
  CHECK(
      compare_stored_targets(base_run, base, current_run, current, ComparisonSettings{}).verdict ==
      Verdict::no_change);
}

namespace {

// A Google Benchmark file with `context` as its context block, in the temp directory.
std::filesystem::path gbench_file(const std::string& name, const std::string& context) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("costops-import-" + std::to_string(::getpid()) + "-" + name + ".json");
  std::ofstream(file) << "{\"context\": " << context
                      << ", \"benchmarks\": [{\"name\": \"BM_x\", \"run_type\": "
                         "\"iteration\", \"iterations\": 10, \"real_time\": 5, "
                         "\"time_unit\": \"ns\"}]}";
  return file;
}

EnvironmentInfo importing_host() {
  EnvironmentInfo here;
  here.host_name = "importer";
  here.os = "Linux 6.1 x86_64";
  here.cpu_model = "Importer CPU";
  here.logical_cpus = 64;
  here.load_average_1m = 0.5;
  here.frequency_governor = "performance";
  here.virtualization = "none";
  here.host_build_type = "Debug";  // cost-ops's own build: no matter for imported numbers
  return here;
}

}  // namespace

TEST_CASE("google benchmark context: the machine it describes becomes the run's environment") {
  const auto file =
      gbench_file("context",
                  R"({"date": "2026-12-02T19:30:03+00:00", "host_name": "bench-box-7", "executable":
      "./bm", "num_cpus": 8, "mhz_per_cpu": 3400, "cpu_scaling_enabled": true, "caches":
      [{"type": "Data", "level": 1, "size": 32768, "num_sharing": 2}, {"type": "Unified",
      "level": 3, "size": 16777216, "num_sharing": 8}], "load_avg": [9.5, 2, 1],
      "library_build_type": "debug", "library_version": "v1.8.3"})");
  const ImportedRun run = read_google_benchmark({file});
  std::filesystem::remove(file);
  CHECK(run.tool_version == "v1.8.3");
  CHECK(run.tool_command == "./bm");
  CHECK(run.machine.host_name == "bench-box-7");
  CHECK(run.machine.logical_cpus == 8);
  REQUIRE(run.machine.caches.size() == 2);
  CHECK(run.machine.caches[1].size_bytes == 16777216);
  CHECK(run.machine.caches[0].shared_by_cpus == 2);

  // Another host than the importing one: only what the file says is known.
  const EnvironmentInfo env = imported_environment(run.machine, importing_host());
  CHECK(env.host_name == "bench-box-7");
  CHECK(env.logical_cpus == 8);
  CHECK(env.cpu_mhz == 3400);
  CHECK(env.load_average_1m == doctest::Approx(9.5));
  CHECK(env.cpu_model == "unknown");
  CHECK(env.os == "unknown");
  CHECK(env.tool_build_type == "debug");
  const auto warned = [&](const std::string& what) {
    for (const auto& w : env.warnings)
      if (w.find(what) != std::string::npos) return true;
    return false;
  };
  CHECK(warned("load average 9.50 is above the 8 logical CPUs"));
  CHECK(warned("frequency scaling enabled"));
  CHECK(warned("debug build"));
  CHECK(warned("ran on bench-box-7"));
  CHECK_FALSE(warned("the host is a"));
  const auto json = environment_to_json(env);
  CHECK(json.at("cpu_mhz").to_number<double>() == 3400);
  CHECK(json.at("cpu_caches").as_array().size() == 2);
  CHECK(json.at("cpu_caches").as_array()[1].as_object().at("level").to_number<int>() == 3);
  CHECK(json.at("tool_build_type").as_string() == "debug");
  RunProvenance elsewhere;
  identify_imported_machine(elsewhere, env, "importer");
  CHECK(elsewhere.machine_id == "bench-box-7");  // not the importer's machine id
  CHECK(elsewhere.host_name == "bench-box-7");
  RunProvenance named;
  named.machine_id = "ci-runner-3";
  identify_imported_machine(named, env, "importer");
  CHECK(named.machine_id == "ci-runner-3");  // --machine wins

  // The importing host itself: its own facts stay, the file's complete them.
  ImportedMachine same = run.machine;
  same.host_name = "importer";
  same.frequency_scaling = false;
  same.library_build_type = "release";
  const EnvironmentInfo here = imported_environment(same, importing_host());
  CHECK(here.cpu_model == "Importer CPU");
  CHECK(here.os == "Linux 6.1 x86_64");
  CHECK(here.logical_cpus == 8);
  CHECK(here.warnings.size() == 1);  // the load only
  RunProvenance local;
  identify_imported_machine(local, here, "importer");
  CHECK(local.machine_id == default_machine_name("importer"));
  // A file without a context changes nothing but the host build's warning.
  const EnvironmentInfo plain = imported_environment(ImportedMachine{}, importing_host());
  CHECK(plain.host_name == "importer");
  CHECK(plain.load_average_1m == doctest::Approx(0.5));
  CHECK(plain.warnings.empty());
  CHECK(environment_to_json(plain).if_contains("cpu_mhz") == nullptr);
}

TEST_CASE("google benchmark context: wrong types and values are refused by field") {
  const std::pair<const char*, const char*> bad[] = {
      {R"({"num_cpus": "eight"})", "context.num_cpus"},
      {R"({"num_cpus": 2.5})", "context.num_cpus"},
      {R"({"mhz_per_cpu": -1})", "context.mhz_per_cpu"},
      {R"({"cpu_scaling_enabled": "yes"})", "context.cpu_scaling_enabled"},
      {R"({"caches": {}})", "context.caches"},
      {R"({"caches": [{"size": 1e300}]})", "context.caches[0].size"},
      {R"({"caches": [{"level": 99}]})", "context.caches[0].level"},
      {R"({"load_avg": ["high"]})", "context.load_avg[0]"},
      {R"({"host_name": 7})", "context.host_name"}};
  for (const auto& [context, field] : bad) {
    CAPTURE(context);
    const auto file = gbench_file("bad", context);
    CHECK_THROWS_WITH_AS(read_google_benchmark({file}), doctest::Contains(field), ImportError);
    std::filesystem::remove(file);
  }
  // Unknown fields and an empty context are fine.
  const auto file = gbench_file("extra", R"({"json_schema_version": 1, "new_field": [1]})");
  CHECK(read_google_benchmark({file}).machine.host_name.empty());
  std::filesystem::remove(file);
}

TEST_CASE("google benchmark names: one numeric argument makes a family, options do not") {
  const auto file = std::filesystem::temp_directory_path() /
                    ("costops-import-" + std::to_string(::getpid()) + "-families.json");
  std::string rows;
  for (const char* name :
       {"BM_a/n:8/threads:2", "BM_a/n:64/threads:2", "BM_sort/1024", "BM_two/1/2",
        "BM_opt/min_time:0.500/threads:4", "BM_neg/-3/real_time", "BM_plain"})
    rows += std::string(rows.empty() ? "" : ",") + R"({"name": ")" + name +
            R"(", "run_type": "iteration", "iterations": 10, "real_time": 5, "time_unit": "ns"})";
  std::ofstream(file) << R"({"benchmarks": [)" << rows << "]}";
  const ImportedRun run = read_google_benchmark({file});
  std::filesystem::remove(file);
  std::map<std::string, const ImportedTarget*> by_id;
  for (const ImportedTarget& t : run.targets) by_id[t.target_id] = &t;
  REQUIRE(by_id.size() == 7);
  const ImportedTarget& a8 = *by_id.at("bm_a_n_8_threads_2");
  CHECK(a8.family == "bm_a_threads_2");  // the option stays in the family's name
  CHECK(a8.argument == 8);
  CHECK(a8.family_variable == "n");  // ArgName
  CHECK(by_id.at("bm_a_n_64_threads_2")->family == a8.family);
  CHECK(by_id.at("bm_sort_1024")->family == "bm_sort");
  CHECK(by_id.at("bm_sort_1024")->argument == 1024);
  CHECK(by_id.at("bm_neg_3_real_time")->argument == -3);
  CHECK(by_id.at("bm_two_1_2")->family.empty());  // two arguments: no one variable
  CHECK(by_id.at("bm_opt_min_time_0_500_threads_4")->family.empty());
  CHECK(by_id.at("bm_plain")->family.empty());
}
