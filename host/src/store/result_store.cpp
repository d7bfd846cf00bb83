#include "costops/host/result_store.hpp"

#include <boost/json.hpp>
#include <random>
#include <set>

#include "costops/host/raw_record.hpp"
#include "sql_result_store.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

std::string random_run_uid() {
  std::random_device device;
  std::uniform_int_distribution<unsigned> hex_digit(0, 15);
  std::string uid;
  for (int i = 0; i < 32; ++i) uid += "0123456789abcdef"[hex_digit(device)];
  return uid;
}

StoredTargetRow target_row(const TargetResult& t) {
  StoredTargetRow row{t.target_id,
                      std::string(to_string(t.status)),
                      t.reason,
                      t.stats.median,
                      json::serialize(canonical_metrics(t)),
                      {},
                      {},
                      {}};
  if (t.measurement)
    for (const Sample& s : t.measurement->samples) {
      row.ns_per_operation.push_back(s.ns_per_operation());
      row.repetition.push_back(s.repetition);
      row.process.push_back(s.process);
    }
  return row;
}

}  // namespace

bool is_postgres_location(const std::string& location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string redacted_location(const std::string& location) {
  std::string out = location;
  if (const auto scheme = out.find("://"); scheme != std::string::npos) {
    const auto authority_end = out.find_first_of("/?", scheme + 3);
    const auto at = out.rfind('@', authority_end);
    const auto colon = out.find(':', scheme + 3);
    if (at != std::string::npos && at > scheme && colon < at)
      out.replace(colon + 1, at - colon - 1, "***");
  }
  for (auto p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    const auto end = out.find('&', p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
  }
  return out;
}

std::unique_ptr<ResultStore> open_result_store(const std::string& location) {
  if (location.empty()) throw HistoryError("no result store given: --history FILE or URL");
  return is_postgres_location(location) ? store::open_postgres_store(location)
                                        : store::open_sqlite_store(location);
}

RunRecord make_run_record(const SuiteReport& report) {
  RunRecord record;
  record.run_uid = random_run_uid();
  record.timestamp = report.started_at;
  record.host_version = report.host_version;
  record.host_commit = report.environment.git_commit;
  record.environment_json = json::serialize(environment_to_json(report.environment));
  json::array command_line;
  for (const auto& a : report.command_line) command_line.emplace_back(a);
  record.command_line_json = json::serialize(command_line);
  record.provenance = report.source;
  std::set<std::string> seen;
  for (const TargetResult& t : report.targets)
    if (seen.insert(t.target_id).second) record.targets.push_back(target_row(t));
  return record;
}

StoredRun stored_run_from_record(const RunRecord& record, const std::string& location) {
  StoredRun run;
  run.file = location;
  run.timestamp = record.timestamp;
  for (const StoredTargetRow& row : record.targets) {
    StoredTarget target;
    target.target_id = row.target_id;
    target.status = parse_target_status(row.status).value_or(TargetStatus::invalid);
    target.reason = row.reason;
    if (target.status == TargetStatus::ok) {
      target.ns_per_operation = row.ns_per_operation;
      target.repetition = row.repetition;
      target.process = row.process;
    }
    run.targets.push_back(std::move(target));
  }
  return run;
}

}  // namespace costops::host
