// Targets of costops-core's aggregation: totals and every breakdown of cost
// records over a 7-day period, at 100 to 100,000 records, and SQLite's
// GROUP BY over the same records in an in-memory table for comparison.
#include <sqlite3.h>
#include <costops/bench_target_v1.hpp>
#include <costops/core/aggregator.hpp>

#include <string>
#include <vector>

#include "workloads.hpp"

namespace {

using namespace costops::core;
using costops::bench::Host;
using costops::bench::VerificationError;

const Timestamp kStart = parse_timestamp("2025-03-03T00:00:00Z");
const Period kWeek{kStart, kStart + std::chrono::days(7)};

// N records spread evenly over the 7-day period.
std::vector<CostRecord> week_of_costs(std::size_t n) {
  const auto spacing = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::days(7)) /
                       static_cast<std::int64_t>(n);
  return costops::workloads::synthetic_costs(n, 1234, kStart, spacing);
}

Decimal plain_sum(const std::vector<CostRecord>& records) {
  Decimal sum;
  for (const auto& r : records) sum += r.cost.total;
  return sum;
}

class AggregateWeek {
 public:
  AggregateWeek(Host& host, std::int64_t records)
      : records_(week_of_costs(static_cast<std::size_t>(records))) {
    const CostSummary s = aggregate_costs(records_, kWeek, TimeBucket::day);
    if (s.total.requests != static_cast<std::size_t>(records) ||
        s.total.cost != plain_sum(records_) || s.by_time.size() != 7 ||
        s.records_outside_period != 0)
      throw VerificationError("aggregate totals disagree with a plain sum of the records");
    Decimal by_provider;
    for (const auto& [name, group] : s.by_provider) by_provider += group.cost;
    if (by_provider != s.total.cost)
      throw VerificationError("provider breakdown does not add up to the total");
    host.set_items_per_operation(static_cast<std::size_t>(records));
    host.report("records_per_aggregation", static_cast<double>(records));
    host.report("breakdowns", "provider, model, organization, project, day");
    if (records == 1000) {
      // The speed goal: at least 10x faster than SQLite GROUP BY on the same records.
      host.report("yardstick_target", "aggregator_sqlite_group_by");
      host.report("yardstick_goal_ratio", 0.1);
    }
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      CostSummary s = aggregate_costs(records_, kWeek, TimeBucket::day);
      costops::bench::do_not_optimize(s);
    }
  }

 private:
  std::vector<CostRecord> records_;
};

// The headline target: the family's member at 1000.
class AggregateWeekDefault : public AggregateWeek {
 public:
  explicit AggregateWeekDefault(Host& host) : AggregateWeek(host, 1000) {}
};

// The same totals and breakdowns as SQL GROUP BY queries over an in-memory
// table. Costs are stored as INTEGER nano-dollars, SQLite's fastest exact
// sum, so the comparison favours SQLite.
class SqliteGroupBy {
 public:
  explicit SqliteGroupBy(Host& host) {
    const auto records = week_of_costs(1000);
    sqlite3_open(":memory:", &db_);
    exec(
        "CREATE TABLE costs (timestamp_ms INTEGER, provider TEXT, model TEXT, organization_id "
        "TEXT, "
        "project_id TEXT, total_nano INTEGER, input_tokens INTEGER, output_tokens INTEGER)");
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db_, "INSERT INTO costs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1, &insert,
                       nullptr);
    exec("BEGIN");
    for (const auto& r : records) {
      sqlite3_bind_int64(insert, 1, to_unix_ms(r.timestamp));
      sqlite3_bind_text(insert, 2, std::string(provider_name(r.provider)).c_str(), -1,
                        SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 3, r.model.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 4, r.organization_id.c_str(), -1, SQLITE_TRANSIENT);
      if (r.project_id.empty())
        sqlite3_bind_null(insert, 5);
      else
        sqlite3_bind_text(insert, 5, r.project_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert, 6,
                         static_cast<std::int64_t>(r.cost.total.units() / 1'000'000'000));
      sqlite3_bind_int64(insert, 7, static_cast<std::int64_t>(r.input_tokens));
      sqlite3_bind_int64(insert, 8, static_cast<std::int64_t>(r.output_tokens));
      sqlite3_step(insert);
      sqlite3_reset(insert);
    }
    exec("COMMIT");
    sqlite3_finalize(insert);
    const char* queries[] = {
        "SELECT sum(total_nano), count(*), sum(input_tokens), sum(output_tokens) FROM costs WHERE "
        "timestamp_ms >= ?1 AND timestamp_ms < ?2",
        "SELECT provider, sum(total_nano), count(*), sum(input_tokens), sum(output_tokens) FROM "
        "costs WHERE timestamp_ms >= ?1 AND timestamp_ms < ?2 GROUP BY provider",
        "SELECT model, sum(total_nano), count(*), sum(input_tokens), sum(output_tokens) FROM costs "
        "WHERE timestamp_ms >= ?1 AND timestamp_ms < ?2 GROUP BY model",
        "SELECT organization_id, sum(total_nano), count(*), sum(input_tokens), sum(output_tokens) "
        "FROM costs WHERE timestamp_ms >= ?1 AND timestamp_ms < ?2 GROUP BY organization_id",
        "SELECT project_id, sum(total_nano), count(*), sum(input_tokens), sum(output_tokens) FROM "
        "costs WHERE timestamp_ms >= ?1 AND timestamp_ms < ?2 AND project_id IS NOT NULL GROUP BY "
        "project_id",
        "SELECT timestamp_ms / 86400000, sum(total_nano), count(*), sum(input_tokens), "
        "sum(output_tokens) FROM costs WHERE timestamp_ms >= ?1 AND timestamp_ms < ?2 GROUP BY 1",
    };
    for (const char* sql : queries) {
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK)
        throw std::runtime_error(sqlite3_errmsg(db_));
      statements_.push_back(s);
    }
    if (run_once() != 1000 + 5 * 1000 - (1000 - count_with_project(records)))
      throw VerificationError("SQLite GROUP BY saw a different number of records");
    host.set_items_per_operation(1000);
    host.report("records_per_aggregation", 1000);
    host.report("database", "sqlite :memory:, INTEGER nano-dollars");
  }
  ~SqliteGroupBy() {
    for (sqlite3_stmt* s : statements_) sqlite3_finalize(s);
    sqlite3_close(db_);
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      std::int64_t seen = run_once();
      costops::bench::do_not_optimize(seen);
    }
  }

 private:
  static std::int64_t count_with_project(const std::vector<CostRecord>& records) {
    std::int64_t n = 0;
    for (const auto& r : records) n += !r.project_id.empty();
    return n;
  }
  // Runs every query, reading every row; returns the records counted.
  std::int64_t run_once() {
    std::int64_t counted = 0;
    for (sqlite3_stmt* s : statements_) {
      sqlite3_bind_int64(s, 1, to_unix_ms(kWeek.start));
      sqlite3_bind_int64(s, 2, to_unix_ms(kWeek.end));
      const int count_column = sqlite3_column_count(s) == 4 ? 1 : 2;
      while (sqlite3_step(s) == SQLITE_ROW) counted += sqlite3_column_int64(s, count_column);
      sqlite3_reset(s);
    }
    return counted;
  }
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db_));
  }
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> statements_;
};

using costops::bench::make_family;
using costops::bench::make_target;

constexpr std::int64_t kRecordCounts[] = {100, 1000, 10000, 100000};

const bench_target_v1 kTargets[] = {
    make_target<AggregateWeekDefault>(
        "aggregator", "aggregate 1,000 cost records over a 7-day period with all breakdowns"),
    make_family<AggregateWeek>("aggregator", "aggregate N cost records, all breakdowns",
                               kRecordCounts, "records"),
    make_target<SqliteGroupBy>(
        "aggregator_sqlite_group_by",
        "the same totals and breakdowns of 1,000 records as SQLite GROUP BY queries (comparison)"),
};

}  // namespace

COSTOPS_BENCH_PLUGIN("costops-aggregator", COSTOPS_FIRST_PARTY_VERSION, kTargets)
