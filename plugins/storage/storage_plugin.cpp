// Targets of costops-core's SQLite storage on a file database in WAL mode:
// one insert per operation, a batch of 1,000 in one transaction (and its
// yardstick: the same inserts through SQLite's C API), and reading a day of
// records back. The insert targets start every batch from the same table.
#include <sqlite3.h>
#include <costops/bench_target_v1.hpp>
#include <costops/core/storage.hpp>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "workloads.hpp"

namespace {

using namespace costops::core;
using costops::bench::Host;
using costops::bench::VerificationError;
namespace fs = std::filesystem;

// A private directory for the database, removed at teardown.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/costops-storage-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create a scratch directory in " + pattern);
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const char* name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

const Timestamp kStart = parse_timestamp("2025-05-01T00:00:00Z");

// Record n of an ever-growing log: a fresh id and the next timestamp, as
// ingestion sees them (time ascends, so indexes grow at their end).
void renumber(UsageRecord& r, std::uint64_t n) {
  r.id = "usage-3-" + std::to_string(n);
  r.timestamp = kStart + std::chrono::seconds(10) * static_cast<std::int64_t>(n);
}

// The records every insert target writes, cycled; ids get renumbered.
std::vector<UsageRecord> insert_pool(std::size_t size) {
  return costops::workloads::synthetic_usage(std::max<std::size_t>(size, 1000), 3, kStart,
                                             std::chrono::seconds(10));
}

// The file database the insert targets write to, built through costops-core
// (its schema, WAL, synchronous=NORMAL, its cache size) and preloaded with
// kBaseRows records, numbered 0 .. kBaseRows-1.
class InsertDatabase {
 public:
  static constexpr std::uint64_t kBaseRows = 10000;

  InsertDatabase() : db_(dir_.file("usage.db")), repo_(db_) {
    if (db_.journal_mode() != "wal") throw VerificationError("the database is not in WAL mode");
    std::vector<UsageRecord> preload = insert_pool(1000);
    for (std::uint64_t n = 0; n < kBaseRows; n += preload.size()) {
      for (std::size_t k = 0; k < preload.size(); ++k) renumber(preload[k], n + k);
      repo_.create_batch(preload);
    }
    base_rowid_ = step_once("SELECT max(rowid) FROM usage_records", 0);
    restore(kBaseRows);
  }

  Database& database() { return db_; }
  UsageRepository& repository() { return repo_; }

  // Back to the preload: deletes the records numbered kBaseRows .. next-1,
  // checking that each of them landed, and checkpoints the WAL, so the next
  // batch finds the same table and an empty WAL.
  void restore(std::uint64_t next) {
    step_once("DELETE FROM usage_records WHERE rowid > ?1", base_rowid_);
    const auto removed = static_cast<std::uint64_t>(sqlite3_changes(db_.handle()));
    if (removed != next - kBaseRows)
      throw VerificationError(std::to_string(next - kBaseRows) + " records were inserted, " +
                              std::to_string(removed) + " rows were added");
    if (sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr,
                                  nullptr) != SQLITE_OK)
      throw StorageError(std::string("checkpoint: ") + sqlite3_errmsg(db_.handle()));
    if (const std::uint64_t rows = repo_.count(); rows != kBaseRows)
      throw VerificationError("after a reset the table holds " + std::to_string(rows) +
                              " rows, not " + std::to_string(kBaseRows));
  }

 private:
  // Runs `sql` (one parameter) once; its first column, or 0 without a row.
  // The statement is finalized on return: one left open would hold a read
  // transaction and keep the checkpoint from finishing.
  sqlite3_int64 step_once(const char* sql, sqlite3_int64 parameter) {
    const Statement statement(db_, sql);
    if (sqlite3_bind_parameter_count(statement.get()) > 0)
      sqlite3_bind_int64(statement.get(), 1, parameter);
    const int rc = sqlite3_step(statement.get());
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      throw StorageError(std::string(sql) + ": " + sqlite3_errmsg(db_.handle()));
    return rc == SQLITE_ROW ? sqlite3_column_int64(statement.get(), 0) : 0;
  }

  ScratchDirectory dir_;
  Database db_;
  UsageRepository repo_;
  sqlite3_int64 base_rowid_ = 0;
};

// What every insert target shares: the database, the records it cycles, the
// number of the next record, and reset() (ABI 1.2, untimed, after every
// batch): back to kBaseRows rows, so every batch inserts into a table of the
// same size and the figure does not depend on how long the run is.
class InsertTarget {
 public:
  InsertTarget(Host& host, std::size_t batch_size)
      : host_(host), pool_(insert_pool(batch_size)), batch_size_(batch_size) {
    host.set_items_per_operation(batch_size);
    host.report("rows_per_operation", static_cast<double>(batch_size));
    host.report("rows_at_batch_start", static_cast<double>(InsertDatabase::kBaseRows));
    host.report("database", "sqlite file, WAL, synchronous=NORMAL");
  }
  void reset() {
    database_.restore(next_);
    next_ = InsertDatabase::kBaseRows;
    ++resets_;
  }
  void teardown() {
    const std::uint64_t stored = database_.repository().count();
    if (stored != next_)
      throw VerificationError("the database holds " + std::to_string(stored) + " rows, " +
                              std::to_string(next_) + " were inserted");
    host_.report("batches_restored", static_cast<double>(resets_));
  }

 protected:
  // The batch's records, renumbered from next_ (one per operation: 1 row).
  std::span<UsageRecord> renumbered_batch() {
    const std::size_t first = batch_size_ == 1 ? next_ % pool_.size() : 0;
    for (std::size_t k = 0; k < batch_size_; ++k) renumber(pool_[first + k], next_ + k);
    next_ += batch_size_;
    return std::span<UsageRecord>(pool_.data() + first, batch_size_);
  }

  Host& host_;
  InsertDatabase database_;
  std::vector<UsageRecord> pool_;
  std::size_t batch_size_;
  std::uint64_t next_ = InsertDatabase::kBaseRows;
  std::uint64_t resets_ = 0;
};

// The goal for storage_batch_1000: costops-core's batch insert costs at most
// this many times the same inserts through SQLite's C API (docs/targets.md).
constexpr double kGoalOverRawSqlite = 1.1;

// Inserts fresh records through costops-core, `BatchSize` per operation
// (1 = autocommit insert, else one transaction).
template <std::size_t BatchSize>
class InsertUsage : public InsertTarget {
 public:
  explicit InsertUsage(Host& host) : InsertTarget(host, BatchSize) {
    if constexpr (BatchSize == 1000) {
      host.report("yardstick_target", "storage_batch_1000_sqlite_c");
      host.report("yardstick_goal_ratio", kGoalOverRawSqlite);
    }
  }
  void run(std::uint64_t iterations) {
    UsageRepository& repo = database_.repository();
    for (std::uint64_t i = 0; i < iterations; ++i) {
      const std::span<UsageRecord> batch = renumbered_batch();
      if constexpr (BatchSize == 1)
        repo.create(batch.front());
      else
        repo.create_batch(batch);
    }
  }
};

// The yardstick of storage_batch_1000: the same 1,000 records per
// transaction, into the same database (schema, pragmas, preload and reset
// from costops-core), through SQLite's C API alone: one persistent prepared
// INSERT, bind, step, reset. Tags and metadata are bound as the JSON text
// costops-core would write, serialised once in setup: the floor is SQLite's
// own work per row.
class SqliteCInsert : public InsertTarget {
 public:
  explicit SqliteCInsert(Host& host) : InsertTarget(host, 1000) {
    sqlite3* db = database_.database().handle();
    if (sqlite3_prepare_v3(db, kInsertSql, -1, SQLITE_PREPARE_PERSISTENT, &insert_, nullptr) !=
        SQLITE_OK)
      throw StorageError(std::string("preparing the insert: ") + sqlite3_errmsg(db));
    for (const UsageRecord& r : pool_) {
      tags_.push_back(boost::json::serialize(boost::json::value_from(r.tags)));
      metadata_.push_back(r.metadata.empty() ? "{}" : boost::json::serialize(r.metadata));
    }
    check_rows_match_the_library();
  }
  ~SqliteCInsert() { sqlite3_finalize(insert_); }
  SqliteCInsert(const SqliteCInsert&) = delete;
  SqliteCInsert& operator=(const SqliteCInsert&) = delete;

  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) insert(renumbered_batch());
  }

 private:
  static constexpr const char* kInsertSql =
      "INSERT INTO usage_records (id, timestamp_ms, provider, model, organization_id, "
      "project_id, user_id, prompt_tokens, completion_tokens, total_tokens, cache_read_tokens, "
      "cache_write_tokens, reasoning_tokens, latency_ms, time_to_first_token_ms, tags, metadata) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";

  void insert(std::span<const UsageRecord> batch) {
    sqlite3* db = database_.database().handle();
    execute(db, "BEGIN IMMEDIATE");
    for (std::size_t k = 0; k < batch.size(); ++k) {
      bind(batch[k], k);
      if (sqlite3_step(insert_) != SQLITE_DONE) {
        const std::string message = sqlite3_errmsg(db);
        sqlite3_reset(insert_);
        execute(db, "ROLLBACK");
        throw StorageError("inserting " + batch[k].id + ": " + message);
      }
      sqlite3_reset(insert_);
    }
    execute(db, "COMMIT");
  }

  void bind(const UsageRecord& r, std::size_t k) {
    const auto text = [&](int i, std::string_view value) {
      sqlite3_bind_text(insert_, i, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    };
    const auto optional_text = [&](int i, const std::string& value) {  // "" is NULL
      value.empty() ? static_cast<void>(sqlite3_bind_null(insert_, i)) : text(i, value);
    };
    const auto integer = [&](int i, std::uint64_t value) {
      sqlite3_bind_int64(insert_, i, static_cast<sqlite3_int64>(value));
    };
    const auto optional = [&](int i, const std::optional<std::uint64_t>& value) {
      value ? integer(i, *value) : static_cast<void>(sqlite3_bind_null(insert_, i));
    };
    text(1, r.id);
    sqlite3_bind_int64(insert_, 2, to_unix_ms(r.timestamp));
    text(3, r.provider == Provider::custom ? std::string_view(r.custom_provider)
                                           : provider_name(r.provider));
    text(4, r.model);
    text(5, r.organization_id);
    optional_text(6, r.project_id);
    optional_text(7, r.user_id);
    integer(8, r.tokens.prompt);
    integer(9, r.tokens.completion);
    integer(10, r.total_tokens);
    integer(11, r.tokens.cache_read);
    integer(12, r.tokens.cache_write);
    integer(13, r.tokens.reasoning);
    optional(14, r.latency_ms);
    optional(15, r.time_to_first_token_ms);
    text(16, tags_[k]);
    text(17, metadata_[k]);
  }

  static void execute(sqlite3* db, const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
      throw StorageError(std::string(sql) + ": " + sqlite3_errmsg(db));
  }

  // One batch, untimed, read back through costops-core: the peer stores
  // exactly the rows the library would, or its figure compares nothing.
  void check_rows_match_the_library() {
    run(1);
    for (const UsageRecord& expected : pool_) {
      const std::optional<UsageRecord> stored = database_.repository().get_by_id(expected.id);
      if (!stored || !same_record(*stored, expected))
        throw VerificationError("the row of " + expected.id + " differs from the library's");
    }
    database_.restore(next_);
    next_ = InsertDatabase::kBaseRows;
  }

  static bool same_record(const UsageRecord& a, const UsageRecord& b) {
    const auto fields = [](const UsageRecord& r) {
      return std::tie(r.id, r.timestamp, r.provider, r.custom_provider, r.model, r.organization_id,
                      r.project_id, r.user_id, r.tokens.prompt, r.tokens.completion,
                      r.tokens.cache_read, r.tokens.cache_write, r.tokens.reasoning, r.total_tokens,
                      r.latency_ms, r.time_to_first_token_ms, r.tags, r.metadata);
    };
    return fields(a) == fields(b);
  }

  sqlite3_stmt* insert_ = nullptr;
  std::vector<std::string> tags_;      // per pool record, as costops-core writes them
  std::vector<std::string> metadata_;  // likewise
};

// A week of one organization's records, one per minute; reads one day.
class ReadDay {
 public:
  explicit ReadDay(Host& host) : db_(dir_.file("usage.db")), repo_(db_) {
    auto records =
        costops::workloads::synthetic_usage(7 * 1440, 11, kStart, std::chrono::minutes(1));
    for (auto& r : records) r.organization_id = "org-reader";
    repo_.create_batch(records);
    day_start_ = kStart + std::chrono::days(3);
    expected_ =
        repo_.list_by_organization("org-reader", day_start_, day_start_ + std::chrono::days(1))
            .size();
    if (expected_ != 1440)
      throw VerificationError("a day should hold 1440 records, not " + std::to_string(expected_));
    host.set_items_per_operation(expected_);
    host.report("rows_per_operation", static_cast<double>(expected_));
    host.report("database", "sqlite file, WAL, synchronous=NORMAL");
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      auto rows =
          repo_.list_by_organization("org-reader", day_start_, day_start_ + std::chrono::days(1));
      if (rows.size() != expected_)
        throw VerificationError("a read returned " + std::to_string(rows.size()) + " rows");
      costops::bench::do_not_optimize(rows);
    }
  }

 private:
  ScratchDirectory dir_;
  Database db_;
  UsageRepository repo_;
  Timestamp day_start_{};
  std::size_t expected_ = 0;
};

using costops::bench::make_target;

const bench_target_v1 kTargets[] = {
    make_target<InsertUsage<1>>(
        "storage", "insert one usage record into a file-backed SQLite database in WAL mode",
        BENCH_TARGET_FLAG_DOES_IO),
    make_target<InsertUsage<1000>>("storage_batch_1000",
                                   "insert 1,000 usage records in one transaction",
                                   BENCH_TARGET_FLAG_DOES_IO),
    make_target<SqliteCInsert>(
        "storage_batch_1000_sqlite_c",
        "the same 1,000 inserts through SQLite's C API: one prepared statement, bind, step, reset",
        BENCH_TARGET_FLAG_DOES_IO),
    make_target<ReadDay>("storage_read_day", "read one day (1,440 records) of an organization back",
                         BENCH_TARGET_FLAG_DOES_IO),
};

}  // namespace

COSTOPS_BENCH_PLUGIN("costops-storage", COSTOPS_FIRST_PARTY_VERSION, kTargets)
