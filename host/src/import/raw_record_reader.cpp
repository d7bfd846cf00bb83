// The benchmark interface specification's canonical records
// ({"target_id", "metrics", "timestamp"}), as the 25 benchmark-target
// repositories write them: summary only, p50_duration_ns (the median, which
// `compare` uses) as the target's one value; the record's other metrics kept.
#include <algorithm>
#include <boost/json.hpp>

#include "costops/host/import/import_readers.hpp"
#include "costops/host/metric_keys.hpp"
#include "costops/host/raw_record_trust.hpp"
#include "costops/host/utc_time.hpp"
#include "import_json.hpp"

namespace costops::host {

namespace json = boost::json;
namespace fs = std::filesystem;
using import_json::Where;

namespace {

// A raw/ directory, a run directory holding raw/, or one record file.
std::vector<fs::path> record_files(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return {path};
  const fs::path dir = fs::is_directory(path / "raw", ec) ? path / "raw" : path;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json") files.push_back(it->path());
  if (ec) throw ImportError(dir.string() + ": cannot be read (" + ec.message() + ")");
  if (files.empty())
    throw ImportError(dir.string() + ": no *.json record in it; pass a raw/ directory or records");
  std::sort(files.begin(), files.end());
  return files;
}

bool is_required_key(std::string_view key) {
  return std::find(std::begin(kRequiredMetricKeys), std::end(kRequiredMetricKeys), key) !=
         std::end(kRequiredMetricKeys);
}

ImportedTarget read_record(const fs::path& file, const std::string& text, ImportedRun& run) {
  const json::value doc = import_json::parse_text(text, file);
  const Where top{file, ""};
  const json::object& record = import_json::object_of(doc, top);
  const std::string id = import_json::string_member(record, "target_id", top);
  ImportedTarget target;
  target.source = file.string() + ": target " + id;
  target.target_id = import_target_id(id, target.source);
  target.description = id;
  // The earliest by time, not by text: records may carry different offsets
  // ("10:00:00+02:00" ran before "09:00:00Z").
  if (auto timestamp = import_json::optional_string(record, "timestamp", top)) {
    const std::string utc = canonical_utc_time(*timestamp, true).value_or("");
    if (!utc.empty() && (run.started_at.empty() || utc < run.started_at)) run.started_at = utc;
  }
  const json::object& metrics = import_json::object_member(record, "metrics", top);
  const Where at = top.at("metrics");
  const double median_ns = import_json::number_member(metrics, "p50_duration_ns", at);
  target.origin = SampleOrigin::summary_only;
  target.samples = {{1, median_ns, 0, 0}};
  // The host recomputes its own keys from the one value; the record's are
  // kept beside them under record_*, the others as they are.
  for (const auto& [key, value] : metrics) {
    const std::string name = is_required_key(key) ? "record_" + std::string(key) : std::string(key);
    if (value.is_number())
      target.metrics.emplace_back(name, import_json::number_of(value, at.at(key), -1e300));
    else if (value.is_string())
      target.metrics.emplace_back(name, std::string(value.get_string()));
  }
  return target;
}

// The records under `path`; from a run directory only those its run wrote
// (raw_record_trust.hpp), else the import stops at the first other one.
void read_records_of(const fs::path& path, ImportedRun& run, ImportCollector& collector) {
  std::error_code ec;
  const RunRawRecords written =
      fs::is_directory(path, ec) ? raw_records_of_run(path) : RunRawRecords{};
  if (!written.refusal.empty())
    throw ImportError(written.results_file.string() + ": " + written.refusal);
  for (const fs::path& file : record_files(path)) {
    const std::string text = read_import_file(file);
    if (const std::string problem = unwritten_record_problem(written, file, text); !problem.empty())
      throw ImportError(file.string() + ": " + problem);
    collector.add(read_record(file, text, run));
  }
}

}  // namespace

ImportedRun read_raw_records(const ImportPaths& paths) {
  return import_each("raw", "benchmark interface specification records", paths, read_records_of);
}

}  // namespace costops::host
