// `cost-ops aggregate --history LOCATION`: the same report as the directory
// form, its sources read from the result store instead of raw/ directories.
#include <boost/json.hpp>
#include <map>
#include <set>

#include "costops/host/result_aggregation.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

const std::string& key_of(const RunSummary& run, AggregateColumns columns) {
  return columns == AggregateColumns::repository ? run.run.repository : run.run.machine_id;
}

// The ok targets' metrics of one stored run as an aggregation source.
SourceRecords source_from_run(ResultStore& store, std::int64_t run_id, std::string name) {
  const auto record = store.run(run_id);
  if (!record) throw HistoryError("run " + std::to_string(run_id) + " vanished from the store");
  SourceRecords source;
  source.name = std::move(name);
  source.directory = store.location() + "#run=" + std::to_string(run_id);
  for (const StoredTargetRow& t : record->targets) {
    if (t.status != "ok") continue;
    boost::system::error_code ec;
    json::value metrics = json::parse(t.metrics_json, ec);
    if (ec || !metrics.is_object() || !metrics.as_object().contains("operations_per_second")) {
      source.refused.push_back(
          {source.directory, "target " + t.target_id + " has no canonical metrics in the store"});
      continue;
    }
    source.records.emplace_back(t.target_id, std::move(metrics.as_object()));
  }
  return source;
}

// What a column is called: the repository, or the machine's name (runs
// from before machine names: the host name; made unique when two share one).
std::string column_name(const RunSummary& run, AggregateColumns columns,
                        std::set<std::string>& taken) {
  const std::string base =
      columns == AggregateColumns::repository
          ? run.run.repository
          : (run.run.machine_id.empty() ? run.run.host_name : run.run.machine_id);
  std::string name = base.empty() ? "unknown" : base;
  for (int n = 2; !taken.insert(name).second; ++n) name = base + "_" + std::to_string(n);
  return name;
}

}  // namespace

AggregateReport aggregate_store(ResultStore& store, const std::vector<std::string>& keys,
                                AggregateColumns columns, const HistoryFilter& filter) {
  std::map<std::string, RunSummary> newest;  // key -> its newest selected run
  std::vector<std::string> order = keys;
  for (const RunSummary& run : store.runs(filter)) {
    const std::string& key = key_of(run, columns);
    if (keys.empty() && !newest.contains(key)) order.push_back(key);
    newest[key] = run;  // runs come oldest first
  }
  const char* what = columns == AggregateColumns::repository ? "repository" : "machine";
  AggregateReport report;
  std::set<std::string> taken;
  for (const std::string& key : order) {
    const auto it = newest.find(key);
    if (it == newest.end())
      throw HistoryError(std::string("no run of ") + what + " `" + key + "` in " +
                         store.location() + " matches the filters");
    report.sources.push_back(
        source_from_run(store, it->second.run_id, column_name(it->second, columns, taken)));
  }
  if (report.sources.empty())
    throw HistoryError("no run in " + store.location() + " matches the filters");
  return report;
}

}  // namespace costops::host
