// pytest-benchmark --benchmark-json: stats.data holds each round's time
// per iteration (seconds) when the data was saved; otherwise only the
// statistics are left and the target is summary only. All rounds run in one
// pytest process.
#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>

#include "costops/host/import/import_readers.hpp"
#include "import_json.hpp"

namespace costops::host {

namespace json = boost::json;
using import_json::Where;

namespace {

constexpr std::size_t kMaxRounds = 10'000'000;

void read_samples(ImportedTarget& target, const json::object& stats, const Where& at) {
  const std::uint64_t iterations =
      stats.if_contains("iterations") ? import_json::count_member(stats, "iterations", at) : 1;
  if (const json::value* data = stats.if_contains("data"); data && !data->is_null()) {
    const json::array& rounds = import_json::array_of(*data, at.at("data"));
    if (rounds.empty() || rounds.size() > kMaxRounds) {
      const json::value shown(rounds.size());
      import_json::refuse(at.at("data"), &shown, "between 1 and 10000000 round times");
    }
    for (std::size_t i = 0; i < rounds.size(); ++i) {
      const double seconds = import_json::number_of(rounds[i], at.at("data").at(i));
      target.samples.push_back({iterations, seconds * 1e9 * static_cast<double>(iterations), 0, 0});
    }
    return;
  }
  // Without data: the median stands for the target (the mean when the
  // file has no median), one value, marked summary only.
  const auto median = import_json::optional_number(stats, "median", at);
  const double seconds = median ? *median : import_json::number_member(stats, "mean", at);
  target.origin = SampleOrigin::summary_only;
  target.samples = {{1, seconds * 1e9, 0, 0}};
}

// pytest's node id without the file: "test_parse[64]", or with a class
// "TestCls::test_parse[64]". The name alone is the target's id; a name that
// several modules (or classes) share in one file is told apart by its
// fullname ("tests/test_a.py::test_parse[64]"), as pytest-benchmark's own
// comparisons match benchmarks by fullname.
std::string benchmark_label(const json::object& b, const Where& at,
                            const std::map<std::string, int>& name_counts) {
  const std::string name = import_json::string_member(b, "name", at);
  if (name_counts.at(name) < 2) return name;
  return import_json::optional_string(b, "fullname", at).value_or(name);
}

// A test parametrised by exactly one integer (`@pytest.mark.parametrize("n",
// [10, 100])`) is a member of a family: the test with its other parameters,
// the integer its argument, the parameter's name the variable.
void set_family(ImportedTarget& target, const std::string& label, const json::object& b) {
  const json::value* params = b.if_contains("params");
  if (params == nullptr || !params->is_object()) return;
  const json::value* argument = nullptr;
  std::string variable, others;
  for (const auto& [key, value] : params->get_object()) {
    if (value.is_int64() || (value.is_uint64() && value.get_uint64() <= INT64_MAX)) {
      if (argument != nullptr) return;  // two integers: no one variable
      argument = &value;
      variable = std::string(key);
    } else {
      others += "_" + std::string(key) + "_" +
                (value.is_string() ? std::string(value.get_string()) : json::serialize(value));
    }
  }
  if (argument == nullptr) return;
  target.family = import_target_id(label.substr(0, label.find('[')) + others, target.source);
  target.argument = argument->is_int64() ? argument->get_int64()
                                         : static_cast<std::int64_t>(argument->get_uint64());
  target.family_variable = variable;
}

void read_file(const std::filesystem::path& file, ImportedRun& run, ImportCollector& collector) {
  const json::value doc = import_json::parse_file(file);
  const Where top{file, ""};
  const json::object& root = import_json::object_of(doc, top);
  if (auto version = import_json::optional_string(root, "version", top);
      version && run.tool_version.empty())
    run.tool_version = *version;
  if (auto date = import_json::optional_string(root, "datetime", top);
      date && run.started_at.empty())
    run.started_at = *date;
  const json::array& benchmarks = import_json::array_member(root, "benchmarks", top);
  std::map<std::string, int> name_counts;
  for (std::size_t i = 0; i < benchmarks.size(); ++i) {
    const Where at = top.at("benchmarks").at(i);
    ++name_counts[import_json::string_member(import_json::object_of(benchmarks[i], at), "name",
                                             at)];
  }
  for (std::size_t i = 0; i < benchmarks.size(); ++i) {
    const Where at = top.at("benchmarks").at(i);
    const json::object& b = import_json::object_of(benchmarks[i], at);
    const std::string label = benchmark_label(b, at, name_counts);
    ImportedTarget target;
    target.source = file.string() + ": benchmark " + label;
    target.target_id = import_target_id(label, target.source);
    target.description = import_json::optional_string(b, "fullname", at).value_or(label);
    set_family(target, label, b);
    read_samples(target, import_json::object_member(b, "stats", at), at.at("stats"));
    if (const json::value* extra = b.if_contains("extra_info"); extra && extra->is_object())
      for (const auto& [key, value] : extra->get_object())
        if (value.is_number())
          target.metrics.emplace_back("extra_" + import_target_id(key, target.source),
                                      value.to_number<double>());
    collector.add(std::move(target));
  }
}

}  // namespace

ImportedRun read_pytest_benchmark(const ImportPaths& files) {
  return import_each("pytest-benchmark", "pytest-benchmark", files, read_file);
}

}  // namespace costops::host
