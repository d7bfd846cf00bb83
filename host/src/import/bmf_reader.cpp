// Bencher Metric Format: {"<benchmark>": {"<measure>": {"value": ...,
// "lower_value": ..., "upper_value": ...}}}. Only summary values exist: the
// `latency` measure (nanoseconds, Bencher's unit) is the target's one value;
// every other measure is kept as a metric.
#include <boost/json.hpp>

#include "costops/host/import/import_readers.hpp"
#include "import_json.hpp"

namespace costops::host {

namespace json = boost::json;
using import_json::Where;

namespace {

void read_file(const std::filesystem::path& file, ImportedRun& run, ImportCollector& collector) {
  const json::value doc = import_json::parse_file(file);
  const Where top{file, ""};
  const json::object& root = import_json::object_of(doc, top);
  if (root.empty())
    throw ImportError(file.string() +
                      ": holds no benchmark; a BMF file maps benchmark names to "
                      "measures ({\"name\": {\"latency\": {\"value\": ns}}})");
  for (const auto& [name, entry] : root) {
    const Where at = top.at(name);
    const json::object& measures = import_json::object_of(entry, at);
    ImportedTarget target;
    target.source = file.string() + ": benchmark " + std::string(name);
    target.target_id = import_target_id(name, target.source);
    target.description = std::string(name);
    target.origin = SampleOrigin::summary_only;
    for (const auto& [measure, metric] : measures) {
      const json::object& m = import_json::object_of(metric, at.at(measure));
      const double value = import_json::number_member(m, "value", at.at(measure), -1e300);
      if (measure == "latency") {
        if (value < 0) {
          const json::value shown(value);
          import_json::refuse(at.at(measure).at("value"), &shown, "a latency >= 0 ns");
        }
        target.samples = {{1, value, 0, 0}};
      } else {
        target.metrics.emplace_back("bmf_" + import_target_id(measure, target.source), value);
      }
    }
    if (target.samples.empty()) {
      run.notes.push_back(target.source +
                          " has no latency measure and was not imported (cost-ops compares times)");
      continue;
    }
    collector.add(std::move(target));
  }
}

}  // namespace

ImportedRun read_bmf(const ImportPaths& files) {
  return import_each("bmf", "Bencher Metric Format", files, read_file);
}

}  // namespace costops::host
