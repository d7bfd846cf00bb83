// What the two engines of the result store share: the logical schema's
// migrations from version 2 on, every query (written once, with $1..$N
// placeholders), and the row decoding. An engine supplies the connection,
// its first migration, how it locks for migrating, and three primitives.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "costops/host/result_store.hpp"

namespace costops::host::store {

using SqlParams = std::vector<std::optional<std::string>>;  // nullopt = NULL
using SqlRows = std::vector<std::vector<std::string>>;      // every column as text, NULL = ""

// The numbered migrations after the first (whose column types differ per
// engine): migration i + 2 is kSharedMigrations[i]. Never edit one that has
// shipped; append a new one to this list.
extern const std::vector<std::string> kSharedMigrations;

// The second half of migration 3. Development builds between the two
// halves' merge wrote SQLite files at version 3 with only the source_*
// columns; the SQLite engine adds these to them.
extern const std::string kFleetColumns;

// Set only by tests: the file to create once a run's rows are written and
// the transaction is still open, then wait (at most 60 s) until the test
// removes it, so a test can kill a writer or its session mid-insert. Only
// the first attempt of a process pauses.
inline constexpr const char* kPauseInsertVariable = "COSTOPS_TEST_PAUSE_IN_INSERT";

// A failure that says nothing about the run or the store's contents: the
// connection was lost (a server restart, pg_terminate_backend, a network
// drop) or the server chose this transaction as the loser of a conflict
// (serialization failure, deadlock). The transaction is tried again.
class StoreRetryableError : public HistoryError {
 public:
  using HistoryError::HistoryError;
};

// How often store_run tries one run's transaction before giving up (the run
// then waits in the outbox).
inline constexpr int kStoreRunAttempts = 3;

class SqlResultStore : public ResultStore {
 public:
  AppendResult store_run(const RunRecord& run) override;
  std::vector<SeriesPoint> series_points(const HistoryFilter& filter, int last_runs) override;
  std::vector<HistoryEntry> entries(const std::string& target_id,
                                    const HistoryFilter& filter) override;
  std::vector<RunSummary> runs(const HistoryFilter& filter) override;
  std::optional<RunRecord> run(std::int64_t run_id) override;
  const std::string& location() const override { return location_; }

 protected:
  explicit SqlResultStore(std::string location) : location_(std::move(location)) {}
  // One statement with $1..$N placeholders; the rows it returns.
  virtual SqlRows query(const std::string& sql, const SqlParams& params) = 0;
  // Statements without parameters (several separated by ';' are allowed).
  virtual void execute(const std::string& sql) = 0;
  // Starts a transaction that will write.
  virtual void begin_write() = 0;
  // After a StoreRetryableError: a usable connection again (reconnecting if
  // it was lost), or false when there is none.
  virtual bool recover() { return false; }
  // Inside the caller's transaction: refuses a schema newer than this host's
  // and applies the migrations from `current` on (`first` is migration 1).
  // Returns the version reached.
  int migrate_from(int current, const std::string& first);
  // Throws HistoryError when `version` is newer than this host's schema.
  void refuse_newer_schema(int version) const;
  // "the history database FILE" / "the result store URL": for messages.
  std::string describe() const;

 private:
  AppendResult store_run_once(const RunRecord& run, const std::string& started);
  std::vector<StoredTargetRow> target_rows(const std::string& run_id);
  std::string location_;
};

// The engines (sqlite_result_store.cpp, postgres_result_store.cpp): open,
// migrate, and return the store. Throw HistoryError.
// Each returns the schema versions before and after opening (equal unless
// it migrated).
std::unique_ptr<ResultStore> open_sqlite_store(const std::string& file,
                                               const StoreOpenOptions& options,
                                               std::pair<int, int>* versions = nullptr);
std::unique_ptr<ResultStore> open_postgres_store(const std::string& url,
                                                 const StoreOpenOptions& options,
                                                 std::pair<int, int>* versions = nullptr);

// The message for a store whose schema is behind this host's when the
// caller may not (reading) or cannot (no right) migrate it.
std::string schema_behind_message(const std::string& described, int version,
                                  const std::string& display_location);

}  // namespace costops::host::store
