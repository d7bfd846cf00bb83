// Targets of costops-core's SQLite storage on a file database in WAL mode:
// one insert per operation, a batch of 1,000 in one transaction, and reading
// a day of records back.
#include <costops/bench_target_v1.hpp>
#include <costops/core/storage.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
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

// Inserts fresh records, `BatchSize` per operation (1 = autocommit insert).
template <std::size_t BatchSize>
class InsertUsage {
 public:
  explicit InsertUsage(Host& host) : db_(dir_.file("usage.db")), repo_(db_) {
    if (db_.journal_mode() != "wal") throw VerificationError("the database is not in WAL mode");
    // A pool of distinct records; ids get a per-operation suffix to stay unique.
    pool_ = costops::workloads::synthetic_usage(std::max<std::size_t>(BatchSize, 1000), 3, kStart,
                                                std::chrono::seconds(10));
    host.set_items_per_operation(BatchSize);
    host.report("rows_per_operation", static_cast<double>(BatchSize));
    host.report("database", "sqlite file, WAL, synchronous=NORMAL");
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      if constexpr (BatchSize == 1) {
        UsageRecord& r = pool_[inserted_ % pool_.size()];
        renumber(r, inserted_);
        repo_.create(r);
      } else {
        for (std::size_t k = 0; k < BatchSize; ++k) renumber(pool_[k], inserted_ + k);
        repo_.create_batch(std::span<const UsageRecord>(pool_.data(), BatchSize));
      }
      inserted_ += BatchSize;
    }
  }
  // Record n of an ever-growing log: a fresh id and the next timestamp, as
  // ingestion sees them (time ascends, so indexes grow at their end).
  static void renumber(UsageRecord& r, std::uint64_t n) {
    r.id = "usage-3-" + std::to_string(n);
    r.timestamp = kStart + std::chrono::seconds(10) * static_cast<std::int64_t>(n);
  }
  void teardown() {
    const std::uint64_t stored = repo_.count();
    if (stored != inserted_)
      throw VerificationError("the database holds " + std::to_string(stored) + " rows, " +
                              std::to_string(inserted_) + " were inserted");
  }

 private:
  ScratchDirectory dir_;
  Database db_;
  UsageRepository repo_;
  std::vector<UsageRecord> pool_;
  std::uint64_t inserted_ = 0;
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
    make_target<ReadDay>("storage_read_day", "read one day (1,440 records) of an organization back",
                         BENCH_TARGET_FLAG_DOES_IO),
};

}  // namespace

COSTOPS_BENCH_PLUGIN("costops-storage", COSTOPS_FIRST_PARTY_VERSION, kTargets)
