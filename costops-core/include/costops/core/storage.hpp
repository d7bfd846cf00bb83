// SQLite storage: a versioned schema with migrations, and repositories for
// usage records, cost records and pricing tables. Statements are prepared
// once per repository and reused; file databases use WAL.
//
// Unlike the original Rust cost-ops, timestamps are stored as INTEGER Unix
// milliseconds (ordered, indexable, no text-format ambiguity), decimals as
// exact TEXT, and unreadable rows are errors instead of silent defaults.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "costops/core/domain.hpp"
#include "costops/core/pricing.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace costops::core {

class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One open connection. Opening runs every pending migration.
class Database {
 public:
  // `path` is a file name or ":memory:". File databases get WAL mode and
  // synchronous=NORMAL; all get foreign_keys=ON and a 5 s busy timeout.
  // Safe when several processes open (and so migrate) one new file at once.
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  int schema_version() const;
  std::string journal_mode() const;
  void execute(const std::string& sql);  // for scripts and tests

  // Runs `body` inside one transaction; rolls back if it throws.
  template <class Body>
  void transaction(Body&& body) {
    execute("BEGIN IMMEDIATE");
    try {
      body();
    } catch (...) {
      execute("ROLLBACK");
      throw;
    }
    execute("COMMIT");
  }

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  static constexpr int kLatestSchemaVersion = 2;
  // How long a connection waits for another one's lock before failing.
  static constexpr std::chrono::milliseconds kBusyTimeout{5000};

 private:
  void enable_wal();
  void migrate();
  sqlite3* db_ = nullptr;
  std::string path_;
};

// A prepared statement, reset after every use.
class Statement {
 public:
  Statement(const Database& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  const Database& db_;
};

class UsageRepository {
 public:
  explicit UsageRepository(Database& db);
  ~UsageRepository();
  void create(const UsageRecord& record);
  // All records in one transaction: all stored or none.
  void create_batch(std::span<const UsageRecord> records);
  std::optional<UsageRecord> get_by_id(const std::string& id);
  // Records of an organization with start <= timestamp < end, oldest first.
  std::vector<UsageRecord> list_by_organization(const std::string& organization_id, Timestamp start,
                                                Timestamp end);
  std::uint64_t count();

 private:
  struct Statements;
  Database& db_;
  std::unique_ptr<Statements> statements_;
};

class CostRepository {
 public:
  explicit CostRepository(Database& db);
  ~CostRepository();
  void create(const CostRecord& record);
  void create_batch(std::span<const CostRecord> records);
  std::vector<CostRecord> list_by_organization(const std::string& organization_id, Timestamp start,
                                               Timestamp end);

 private:
  struct Statements;
  Database& db_;
  std::unique_ptr<Statements> statements_;
};

class PricingRepository {
 public:
  explicit PricingRepository(Database& db);
  ~PricingRepository();
  void create(const PricingTable& table);  // (provider, model, effective_from) is unique
  // The table in force for provider/model at `at`: the latest effective_from
  // not after `at` whose effective_to (inclusive) is not before it.
  std::optional<PricingTable> active_for(Provider provider, const std::string& custom_provider,
                                         const std::string& model, Timestamp at);

 private:
  struct Statements;
  Database& db_;
  std::unique_ptr<Statements> statements_;
};

}  // namespace costops::core
