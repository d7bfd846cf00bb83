#include "costops/host/result_aggregation.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/plugin_probe.hpp"
#include "costops/host/result_files.hpp"

namespace costops::host {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kRequiredMetrics[] = {
    "operations_per_second", "avg_duration_ns",  "min_duration_ns",
    "max_duration_ns",       "p50_duration_ns",  "p95_duration_ns",
    "p99_duration_ns",       "total_iterations", "total_duration_ms"};

bool is_rfc3339_utc(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z or with an offset; the shape, not the calendar.
  if (t.size() < 20) return false;
  const auto digit = [&](std::size_t i) { return i < t.size() && t[i] >= '0' && t[i] <= '9'; };
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u, 12u, 14u, 15u, 17u, 18u})
    if (!digit(i)) return false;
  return t[4] == '-' && t[7] == '-' && (t[10] == 'T' || t[10] == 't') && t[13] == ':' &&
         t[16] == ':';
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string canonical_record_problem(const std::string& text) {
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec) return "not valid JSON (" + ec.message() + ")";
  if (!doc.is_object()) return "not a JSON object";
  const json::object& o = doc.get_object();
  for (const auto& [key, value] : o)
    if (key != "target_id" && key != "metrics" && key != "timestamp")
      return "unexpected field \"" + std::string(key) +
             "\" (a record has target_id, metrics, timestamp)";
  const json::value* id = o.if_contains("target_id");
  if (!id || !id->is_string()) return "\"target_id\" is missing or not a string";
  if (!is_valid_target_id(id->get_string()))
    return "target_id \"" + std::string(id->get_string()) + "\" is not a valid id";
  const json::value* timestamp = o.if_contains("timestamp");
  if (!timestamp || !timestamp->is_string() || !is_rfc3339_utc(timestamp->get_string()))
    return "\"timestamp\" is missing or not RFC 3339";
  const json::value* metrics = o.if_contains("metrics");
  if (!metrics || !metrics->is_object()) return "\"metrics\" is missing or not an object";
  for (const char* key : kRequiredMetrics) {
    const json::value* v = metrics->get_object().if_contains(key);
    if (!v || !v->is_number())
      return std::string("metric \"") + key + "\" is missing or not a number";
    boost::system::error_code num_ec;
    const double number = v->to_number<double>(num_ec);
    if (num_ec || !std::isfinite(number) || number < 0)
      return std::string("metric \"") + key + "\" is negative or not finite";
  }
  for (const auto& [key, value] : metrics->get_object())
    if (!value.is_number() && !value.is_string())
      return "metric \"" + std::string(key) + "\" is neither a number nor a string";
  return {};
}

SourceRecords read_source(const fs::path& directory) {
  SourceRecords source;
  source.directory = directory;
  source.name = directory.filename().string();
  std::error_code ec;
  const fs::path raw = fs::is_directory(directory / "raw", ec) ? directory / "raw" : directory;
  std::vector<fs::path> files;
  for (auto it = fs::directory_iterator(raw, ec); !ec && it != fs::directory_iterator();
       it.increment(ec))
    if (it->path().extension() == ".json" && it->is_regular_file()) files.push_back(it->path());
  if (ec) {
    source.refused.push_back({raw, "cannot read the directory: " + ec.message()});
    return source;
  }
  std::sort(files.begin(), files.end());
  std::set<std::string> seen;
  for (const fs::path& file : files) {
    const std::string text = read_text(file);
    if (const std::string problem = canonical_record_problem(text); !problem.empty()) {
      source.refused.push_back({file, problem});
      continue;
    }
    json::object record = json::parse(text).as_object();
    std::string id(record.at("target_id").as_string());
    if (!seen.insert(id).second) {
      source.refused.push_back({file, "a second record for target " + id});
      continue;
    }
    source.records.emplace_back(std::move(id), record.at("metrics").as_object());
  }
  return source;
}

std::string aggregate_results_json(const AggregateReport& report) {
  json::array sources;
  std::map<std::string, json::object> by_target;
  for (const auto& s : report.sources) {
    json::array refused;
    for (const auto& r : s.refused)
      refused.push_back(json::object{{"file", r.file.string()}, {"reason", r.reason}});
    sources.push_back(json::object{{"name", s.name},
                                   {"directory", s.directory.string()},
                                   {"records", s.records.size()},
                                   {"refused", std::move(refused)}});
    for (const auto& [id, metrics] : s.records) by_target[id][s.name] = metrics;
  }
  json::array targets;
  for (auto& [id, per_source] : by_target)
    targets.push_back(json::object{{"target_id", id}, {"sources", std::move(per_source)}});
  return to_pretty_json(json::object{{"schema_version", kResultsSchemaVersion},
                                     {"kind", "aggregate"},
                                     {"timestamp", rfc3339_now()},
                                     {"sources", std::move(sources)},
                                     {"targets", std::move(targets)}});
}

std::string aggregate_summary_markdown(const AggregateReport& report) {
  std::map<std::string, std::map<std::string, double>> ops;  // target -> source -> ops/s
  for (const auto& s : report.sources)
    for (const auto& [id, metrics] : s.records)
      ops[id][s.name] = metrics.at("operations_per_second").to_number<double>();
  std::string md = "# LLM-CostOps Benchmark Results (aggregated)\n\n**Generated:** " +
                   rfc3339_now() + "\n\n**Sources:** " + std::to_string(report.sources.size()) +
                   "\n\n## Operations/sec by source\n\n";
  md += "| Target |";
  for (const auto& s : report.sources) md += " " + s.name + " |";
  md += "\n|--------|";
  for (std::size_t i = 0; i < report.sources.size(); ++i) md += "---:|";
  md += "\n";
  for (const auto& [id, per_source] : ops) {
    md += "| " + id + " |";
    for (const auto& s : report.sources) {
      const auto it = per_source.find(s.name);
      md += it == per_source.end() ? " – |" : " " + format_double("%.0f", it->second) + " |";
    }
    md += "\n";
  }
  bool any_refused = false;
  for (const auto& s : report.sources) any_refused = any_refused || !s.refused.empty();
  if (any_refused) {
    md += "\n## Refused files\n\n| Source | File | Reason |\n|---|---|---|\n";
    for (const auto& s : report.sources)
      for (const auto& r : s.refused)
        md += "| " + s.name + " | `" + r.file.string() + "` | " + r.reason + " |\n";
  }
  md += "\n---\n*Generated by cost-ops aggregate*\n";
  return md;
}

}  // namespace costops::host
