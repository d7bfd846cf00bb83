#include "costops/host/result_aggregation.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "costops/host/files/safe_open.hpp"
#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/plugin_probe.hpp"
#include "costops/host/raw_record.hpp"
#include "costops/host/raw_record_trust.hpp"
#include "costops/host/results_file.hpp"
#include "costops/host/run_journal.hpp"
#include "costops/host/untrusted_text.hpp"
#include "costops/host/utc_time.hpp"

namespace costops::host {

namespace json = boost::json;
namespace fs = std::filesystem;

SourceRecords read_source(const fs::path& directory) {
  SourceRecords source;
  source.directory = directory;
  source.name = directory.filename().string();
  std::error_code ec;
  // The host died before results.json: the records are an unfinished run's.
  // They are merged, but the source is never clean (exit 1) and says why.
  if (fs::exists(fs::symlink_status(directory / kJournalFile, ec)) &&
      !fs::exists(fs::symlink_status(directory / "results.json", ec))) {
    try {
      source.refused.push_back(
          {directory / kJournalFile, read_journal(directory / kJournalFile).partial_note +
                                         "; its raw/ records come from a run that did not end"});
    } catch (const ResultsFileError& e) {
      source.refused.push_back({directory / kJournalFile, e.what()});
    }
  }
  const RunRawRecords run_records = raw_records_of_run(directory);
  if (!run_records.refusal.empty())
    source.refused.push_back({run_records.results_file, run_records.refusal});
  source.notes.insert(source.notes.end(), run_records.notes.begin(), run_records.notes.end());
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
    std::string text;
    try {
      text = read_regular_file(file, kMaxResultsFileBytes);
    } catch (const UnsafeFileError& e) {
      source.refused.push_back({file, e.what()});
      continue;
    }
    if (const std::string problem = unwritten_record_problem(run_records, file, text);
        !problem.empty()) {
      source.refused.push_back({file, problem});
      continue;
    }
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
  if (run_records.digests)
    for (const auto& [name, digest] : *run_records.digests)
      if (std::find(files.begin(), files.end(), raw / name) == files.end())
        source.refused.push_back({raw / name, "listed in results.json, but missing"});
  return source;
}

AggregateReport aggregate_sources(const std::vector<fs::path>& directories) {
  AggregateReport report;
  std::set<std::string> names;
  for (const auto& dir : directories) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw AggregateError(dir.string() + " is not a directory");
    SourceRecords source = read_source(fs::weakly_canonical(dir, ec));
    std::string name = source.name.empty() ? "source" : source.name;
    for (int n = 2; !names.insert(name).second; ++n) name = source.name + "_" + std::to_string(n);
    source.name = name;
    report.sources.push_back(std::move(source));
  }
  return report;
}

void check_aggregate_output(const fs::path& output, const std::vector<fs::path>& directories) {
  std::error_code ec;
  const fs::path out = fs::weakly_canonical(output, ec);
  for (const auto& dir : directories) {
    const fs::path in = fs::weakly_canonical(dir, ec);
    const auto [in_end, out_end] = std::mismatch(in.begin(), in.end(), out.begin(), out.end());
    if (in_end == in.end())
      throw AggregateError("the output directory " + output.string() + " is " +
                           (out_end == out.end() ? "" : "inside ") + "the input " + dir.string() +
                           "; choose an output outside every input");
  }
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
  // Source names are directories, repositories or machines; refused files
  // quote what was found: every cell through the one Markdown escaper.
  const auto cell = [](const std::string& text) { return markdown_escaped(text); };
  md += "| Target |";
  for (const auto& s : report.sources) md += " " + cell(s.name) + " |";
  md += "\n|--------|";
  for (std::size_t i = 0; i < report.sources.size(); ++i) md += "---:|";
  md += "\n";
  for (const auto& [id, per_source] : ops) {
    md += "| " + cell(id) + " |";
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
        md += "| " + cell(s.name) + " | " + cell(r.file.string()) + " | " + cell(r.reason) + " |\n";
  }
  md += "\n---\n*Generated by cost-ops aggregate*\n";
  return md;
}

}  // namespace costops::host
