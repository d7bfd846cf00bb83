#include "costops/host/result_store.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstring>
#include <ctime>
#include <random>
#include <set>

#include "costops/host/raw_record.hpp"
#include "costops/host/store/store_location.hpp"
#include "costops/host/utc_time.hpp"
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
  row.summary_only = t.summary_only;
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
  try {
    return StoreLocation(location).is_postgres();
  } catch (const HistoryError&) {  // not a usable location at all: opening it says why
    return false;
  }
}

std::string redacted_location(const std::string& location) {
  return without_store_passwords(location);
}

std::string pasteable_location(const std::string& location) {
  const std::string word = redacted_location(location);
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("@%+=:,./_-", c) != nullptr;
  });
  if (plain) return word;
  std::string quoted = "'";
  for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::unique_ptr<ResultStore> open_result_store(const std::string& location,
                                               const StoreOpenOptions& options) {
  const StoreLocation where(location);
  return where.is_postgres() ? store::open_postgres_store(location, options)
                             : store::open_sqlite_store(location, options);
}

std::pair<int, int> migrate_result_store(const std::string& location,
                                         const StoreOpenOptions& options) {
  StoreOpenOptions migrating = options;
  migrating.access = StoreAccess::migrate;
  std::pair<int, int> versions;
  if (StoreLocation(location).is_postgres())
    store::open_postgres_store(location, migrating, &versions);
  else
    store::open_sqlite_store(location, migrating, &versions);
  return versions;
}

std::optional<std::string> parse_time_bound(const std::string& text, bool until,
                                            const std::string& now_utc) {
  const auto digits = [&](std::size_t from, std::size_t count) {
    return text.size() >= from + count &&
           std::all_of(text.begin() + static_cast<long>(from),
                       text.begin() + static_cast<long>(from + count),
                       [](unsigned char c) { return std::isdigit(c) != 0; });
  };
  const bool date = text.size() >= 10 && digits(0, 4) && text[4] == '-' && digits(5, 2) &&
                    text[7] == '-' && digits(8, 2);
  // Stored times may carry milliseconds ("...:05.120Z"), and '.' sorts
  // before 'Z': a lower bound ends ".000Z", an upper bound "Z".
  const auto bound = [&](const std::string& seconds) { return seconds + (until ? "Z" : ".000Z"); };
  if (date && text.size() == 10) return bound(text + (until ? "T23:59:59" : "T00:00:00"));
  // A time with its zone ("Z", "+02:00"): the same instant in UTC, the
  // store's form. Without a fraction it means its whole second.
  if (date && text.size() > 10) {
    const auto utc = canonical_utc_time(text);
    if (!utc) return std::nullopt;
    return until && text.find('.', 19) == std::string::npos ? bound(utc->substr(0, 19)) : *utc;
  }
  // "7d", "12h": that long before now.
  if (text.size() < 2 || !digits(0, text.size() - 1) || text.size() > 7) return std::nullopt;
  const long amount = std::stol(text.substr(0, text.size() - 1));
  const char unit = text.back();
  if (unit != 'd' && unit != 'h') return std::nullopt;
  std::tm now{};
  if (!strptime(now_utc.c_str(), "%Y-%m-%dT%H:%M:%S", &now)) return std::nullopt;
  const std::time_t then = timegm(&now) - amount * (unit == 'd' ? 86400 : 3600);
  std::tm broken{};
  gmtime_r(&then, &broken);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &broken);
  return bound(buffer);
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
      target.summary_only = row.summary_only;
    }
    run.targets.push_back(std::move(target));
  }
  return run;
}

}  // namespace costops::host
