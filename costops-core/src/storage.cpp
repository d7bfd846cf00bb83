#include "costops/core/storage.hpp"

#include <sqlite3.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "costops/core/domain_json.hpp"

#include "json_string.hpp"
#include "sqlite_row_reader.hpp"

namespace costops::core {

namespace json = boost::json;

namespace {

// Each migration moves the schema from version i to i + 1. Never edit one
// that has shipped; append a new one.
const char* const kMigrations[] = {
    // 1: tables
    R"sql(
CREATE TABLE usage_records (
  id TEXT PRIMARY KEY,
  timestamp_ms INTEGER NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  project_id TEXT,
  user_id TEXT,
  prompt_tokens INTEGER NOT NULL CHECK (prompt_tokens >= 0),
  completion_tokens INTEGER NOT NULL CHECK (completion_tokens >= 0),
  total_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0,
  latency_ms INTEGER,
  time_to_first_token_ms INTEGER,
  tags TEXT NOT NULL DEFAULT '[]',
  metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE pricing_tables (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  currency TEXT NOT NULL DEFAULT 'USD',
  effective_from_ms INTEGER NOT NULL,
  effective_to_ms INTEGER,
  region TEXT,
  pricing TEXT NOT NULL,
  UNIQUE (provider, model, effective_from_ms)
);
CREATE TABLE cost_records (
  id TEXT PRIMARY KEY,
  usage_id TEXT REFERENCES usage_records(id) ON DELETE CASCADE,
  timestamp_ms INTEGER NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  project_id TEXT,
  currency TEXT NOT NULL DEFAULT 'USD',
  input_cost TEXT NOT NULL,
  cache_read_cost TEXT NOT NULL,
  cache_write_cost TEXT NOT NULL,
  output_cost TEXT NOT NULL,
  request_fee TEXT NOT NULL,
  total_cost TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  pricing_table_id TEXT,
  calculated_at_ms INTEGER NOT NULL
);
)sql",
    // 2: the original Rust cost-ops's indexes, on the integer timestamps
    R"sql(
CREATE INDEX idx_usage_timestamp ON usage_records (timestamp_ms DESC);
CREATE INDEX idx_usage_provider_model ON usage_records (provider, model);
CREATE INDEX idx_usage_organization ON usage_records (organization_id, timestamp_ms DESC);
CREATE INDEX idx_usage_project ON usage_records (project_id, timestamp_ms DESC);
CREATE INDEX idx_cost_timestamp ON cost_records (timestamp_ms DESC);
CREATE INDEX idx_cost_organization ON cost_records (organization_id, timestamp_ms DESC);
CREATE INDEX idx_cost_usage_id ON cost_records (usage_id);
CREATE INDEX idx_cost_provider_model ON cost_records (provider, model);
CREATE INDEX idx_pricing_lookup ON pricing_tables (provider, model, effective_from_ms DESC);
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == Database::kLatestSchemaVersion);

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw StorageError(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK) fail(db, what);
}

// Binding and reading helpers; indexes are 1-based for binds, 0-based for
// columns. (Not named `bind`: argument-dependent lookup would find std::bind.)
void bind_text(sqlite3_stmt* s, int i, std::string_view text) {
  sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}
// For text that stays alive and unchanged until the statement has run (the
// record's own strings): SQLite does not copy it.
void bind_static_text(sqlite3_stmt* s, int i, std::string_view text) {
  sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}
void bind_optional(sqlite3_stmt* s, int i, const std::string& text) {
  if (text.empty())
    sqlite3_bind_null(s, i);
  else
    bind_static_text(s, i, text);
}
void bind_integer(sqlite3_stmt* s, int i, std::int64_t value) {
  sqlite3_bind_int64(s, i, value);
}
// Binds the counts of one record. SQLite integers are signed 64-bit: a
// larger count would be stored negative or trip a CHECK constraint with no
// name, so it is refused naming the record, the column and the value.
class CountBinder {
 public:
  CountBinder(sqlite3_stmt* s, const char* record_kind, const std::string& id)
      : s_(s), record_kind_(record_kind), id_(id) {}
  void operator()(int i, const char* column, std::uint64_t value) const {
    if (value > static_cast<std::uint64_t>(INT64_MAX)) {
      sqlite3_clear_bindings(s_);
      throw StorageError(std::string(record_kind_) + " " + id_ + ": " + column + " " +
                         std::to_string(value) +
                         " exceeds 9223372036854775807, the largest integer SQLite stores");
    }
    sqlite3_bind_int64(s_, i, static_cast<std::int64_t>(value));
  }
  void operator()(int i, const char* column, const std::optional<std::uint64_t>& value) const {
    if (value)
      (*this)(i, column, *value);
    else
      sqlite3_bind_null(s_, i);
  }

 private:
  sqlite3_stmt* s_;
  const char* record_kind_;
  const std::string& id_;
};
void bind_decimal(sqlite3_stmt* s, int i, const Decimal& value) {
  bind_text(s, i, value.to_string());
}

std::string column_text(sqlite3_stmt* s, int i) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, i)))
              : std::string();
}
std::uint64_t column_count(sqlite3_stmt* s, int i) {
  return static_cast<std::uint64_t>(sqlite3_column_int64(s, i));
}

// Runs a statement that returns no rows, then resets it. The message is
// built only on failure: this is the insert hot path.
void run(const Database& db, sqlite3_stmt* s, const char* what, const std::string& id) {
  const int rc = sqlite3_step(s);
  if (rc != SQLITE_DONE) {
    const std::string message = std::string(what) + " " + id + ": " + sqlite3_errmsg(db.handle());
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    throw StorageError(message);
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
}

// Tags as a JSON array, written into a reused buffer (no JSON DOM per row).
void write_tags_json(const std::vector<std::string>& tags, std::string& out) {
  out.assign("[");
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (i) out.push_back(',');
    detail::append_json_string(out, tags[i]);
  }
  out.push_back(']');
}

// Resets a statement when a read loop leaves early (also on exceptions).
struct ResetOnExit {
  sqlite3_stmt* s;
  ~ResetOnExit() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

}  // namespace

Database::Database(const std::string& path) : path_(path) {
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StorageError("cannot open database " + path + ": " + message);
  }
  // The destructor does not run when the constructor throws, so a failed
  // configuration or migration must close the connection here.
  try {
    // Before anything that takes a lock: the journal-mode change and the
    // migration below both wait for other connections opening the same file.
    sqlite3_busy_timeout(db_, static_cast<int>(kBusyTimeout.count()));
    execute("PRAGMA foreign_keys = ON");
    if (path != ":memory:" && !path.empty()) {
      enable_wal();
      execute("PRAGMA synchronous = NORMAL");
      // Five indexes take a page-cache miss per insert each once the table
      // outgrows SQLite's default 2 MiB cache; 64 MiB keeps them resident.
      execute("PRAGMA cache_size = -65536");
    }
    migrate();
  } catch (...) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
}

Database::~Database() {
  sqlite3_close_v2(db_);
}

void Database::execute(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw StorageError("database " + path_ + ": " + message);
  }
}

int Database::schema_version() const {
  Statement s(*this, "PRAGMA user_version");
  if (sqlite3_step(s.get()) != SQLITE_ROW) fail(db_, "reading the schema version");
  return sqlite3_column_int(s.get(), 0);
}

std::string Database::journal_mode() const {
  Statement s(*this, "PRAGMA journal_mode");
  if (sqlite3_step(s.get()) != SQLITE_ROW) fail(db_, "reading the journal mode");
  return column_text(s.get(), 0);
}

void Database::enable_wal() {
  // SQLite can answer SQLITE_BUSY at once, without calling the busy
  // handler, while another connection converts the same new file to WAL;
  // so the change is retried here until the busy timeout has passed.
  const auto deadline = std::chrono::steady_clock::now() + kBusyTimeout;
  while (true) {
    std::string mode;
    const int rc = sqlite3_exec(
        db_, "PRAGMA journal_mode = WAL",
        [](void* out, int, char** values, char**) {
          *static_cast<std::string*>(out) = values[0] ? values[0] : "";
          return 0;
        },
        &mode, nullptr);
    if (rc == SQLITE_OK) {
      if (mode == "wal") return;
      throw StorageError("database " + path_ + ": cannot switch to WAL journal mode; it stays " +
                         mode);
    }
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || std::chrono::steady_clock::now() >= deadline)
      fail(db_, "database " + path_ + ": switching to WAL journal mode");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void Database::migrate() {
  // Versions only grow, so an up-to-date database needs no lock. Otherwise
  // the version is read again inside the write transaction that migrates:
  // of several connections opening a new file at once, the first migrates
  // and the others, waiting on BEGIN IMMEDIATE, then find nothing to do.
  if (schema_version() == kLatestSchemaVersion) return;
  transaction([&] {
    const int current = schema_version();
    if (current > kLatestSchemaVersion)
      throw StorageError("database " + path_ + " has schema version " + std::to_string(current) +
                         ", newer than this library's " + std::to_string(kLatestSchemaVersion) +
                         "; upgrade costops-core");
    for (int version = current; version < kLatestSchemaVersion; ++version)
      execute(kMigrations[version]);
    if (current != kLatestSchemaVersion)
      execute("PRAGMA user_version = " + std::to_string(kLatestSchemaVersion));
  });
}

Statement::Statement(const Database& db, const char* sql) : db_(db) {
  check(db.handle(),
        sqlite3_prepare_v3(db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr),
        "preparing a statement");
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

// ---- usage records ----

struct UsageRepository::Statements {
  explicit Statements(const Database& db)
      : insert(
            db,
            "INSERT INTO usage_records (id, timestamp_ms, provider, model, organization_id, "
            "project_id, user_id, prompt_tokens, completion_tokens, total_tokens, "
            "cache_read_tokens, cache_write_tokens, reasoning_tokens, latency_ms, "
            "time_to_first_token_ms, tags, metadata) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"),
        by_id(db, "SELECT * FROM usage_records WHERE id = ?1"),
        // The second part finds rows whose timestamp is text or a blob (SQLite
        // orders them after every number, so no time range holds them): the
        // reader refuses them instead of leaving them out without a word.
        by_organization(db,
                        "SELECT * FROM usage_records WHERE organization_id = ?1 AND "
                        "timestamp_ms >= ?2 AND timestamp_ms < ?3 UNION ALL "
                        "SELECT * FROM usage_records WHERE organization_id = ?1 AND "
                        "timestamp_ms >= '' ORDER BY timestamp_ms, id"),
        count(db, "SELECT count(*) FROM usage_records") {}
  Statement insert, by_id, by_organization, count;
  std::string tags;      // reused per insert
  std::string metadata;  // reused per insert
};

namespace {

// Column by column as migration 1 declares them; see SqliteRowReader.
UsageRecord read_usage(sqlite3_stmt* s) {
  const detail::SqliteRowReader row(s, "usage_records", 0);
  UsageRecord r;
  r.id = row.row_id();
  r.timestamp = row.timestamp(1);
  r.provider = parse_provider_key(row.text(2), r.custom_provider);
  r.model = row.text(3);
  r.organization_id = row.text(4);
  r.project_id = row.optional_text(5);
  r.user_id = row.optional_text(6);
  r.tokens.prompt = row.count(7);
  r.tokens.completion = row.count(8);
  r.total_tokens = row.count(9);
  r.tokens.cache_read = row.count(10);
  r.tokens.cache_write = row.count(11);
  r.tokens.reasoning = row.count(12);
  r.latency_ms = row.optional_count(13);
  r.time_to_first_token_ms = row.optional_count(14);
  boost::system::error_code ec;
  const json::value tags = json::parse(row.text(15), ec);
  if (ec || !tags.is_array()) row.refuse(15, "is not a JSON array of strings");
  for (const auto& t : tags.get_array()) {
    if (!t.is_string()) row.refuse(15, "is not a JSON array of strings");
    r.tags.emplace_back(t.get_string());
  }
  const json::value metadata = json::parse(row.text(16), ec);
  if (ec || !metadata.is_object()) row.refuse(16, "is not a JSON object");
  r.metadata = metadata.get_object();
  return r;
}

CostRecord read_cost(sqlite3_stmt* s) {
  const detail::SqliteRowReader row(s, "cost_records", 0);
  CostRecord r;
  r.id = row.row_id();
  r.usage_id = row.optional_text(1);
  r.timestamp = row.timestamp(2);
  r.provider = parse_provider_key(row.text(3), r.custom_provider);
  r.model = row.text(4);
  r.organization_id = row.text(5);
  r.project_id = row.optional_text(6);
  r.currency = row.currency(7);
  r.cost = {row.decimal(8),  row.decimal(9),  row.decimal(10),
            row.decimal(11), row.decimal(12), row.decimal(13)};
  // The same rule as cost_record_from_json: a total is its components' sum.
  if (const auto sum = sum_of_components(r.cost); !sum || *sum != r.cost.total)
    row.refuse(13, "is not the sum of the cost components (" +
                       (sum ? sum->to_string() : std::string("beyond the range of Decimal")) + ")");
  r.input_tokens = row.count(14);
  r.output_tokens = row.count(15);
  r.pricing_table_id = row.optional_text(16);
  r.calculated_at = row.timestamp(17);
  return r;
}

}  // namespace

UsageRepository::UsageRepository(Database& db)
    : db_(db), statements_(std::make_unique<Statements>(db)) {}
UsageRepository::~UsageRepository() = default;

void UsageRepository::create(const UsageRecord& r) {
  sqlite3_stmt* s = statements_->insert.get();
  bind_static_text(s, 1, r.id);
  bind_integer(s, 2, to_unix_ms(r.timestamp));
  bind_text(s, 3, provider_key(r.provider, r.custom_provider));
  bind_static_text(s, 4, r.model);
  bind_static_text(s, 5, r.organization_id);
  bind_optional(s, 6, r.project_id);
  bind_optional(s, 7, r.user_id);
  const CountBinder bind_count(s, "usage record", r.id);
  bind_count(8, "prompt_tokens", r.tokens.prompt);
  bind_count(9, "completion_tokens", r.tokens.completion);
  bind_count(10, "total_tokens", r.total_tokens);
  bind_count(11, "cache_read_tokens", r.tokens.cache_read);
  bind_count(12, "cache_write_tokens", r.tokens.cache_write);
  bind_count(13, "reasoning_tokens", r.tokens.reasoning);
  bind_count(14, "latency_ms", r.latency_ms);
  bind_count(15, "time_to_first_token_ms", r.time_to_first_token_ms);
  write_tags_json(r.tags, statements_->tags);
  bind_static_text(s, 16, statements_->tags);
  if (r.metadata.empty())
    bind_static_text(s, 17, "{}");
  else {
    statements_->metadata = json::serialize(r.metadata);
    bind_static_text(s, 17, statements_->metadata);
  }
  run(db_, s, "storing usage record", r.id);
}

void UsageRepository::create_batch(std::span<const UsageRecord> records) {
  db_.transaction([&] {
    for (const UsageRecord& r : records) create(r);
  });
}

std::optional<UsageRecord> UsageRepository::get_by_id(const std::string& id) {
  sqlite3_stmt* s = statements_->by_id.get();
  ResetOnExit reset{s};
  bind_text(s, 1, std::string_view(id));
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) fail(db_.handle(), "reading usage record " + id);
  return read_usage(s);
}

std::vector<UsageRecord> UsageRepository::list_by_organization(const std::string& organization_id,
                                                               Timestamp start, Timestamp end) {
  sqlite3_stmt* s = statements_->by_organization.get();
  ResetOnExit reset{s};
  bind_text(s, 1, std::string_view(organization_id));
  bind_integer(s, 2, to_unix_ms(start));
  bind_integer(s, 3, to_unix_ms(end));
  std::vector<UsageRecord> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.push_back(read_usage(s));
  if (rc != SQLITE_DONE) fail(db_.handle(), "listing usage records of " + organization_id);
  return out;
}

std::uint64_t UsageRepository::count() {
  sqlite3_stmt* s = statements_->count.get();
  ResetOnExit reset{s};
  if (sqlite3_step(s) != SQLITE_ROW) fail(db_.handle(), "counting usage records");
  return column_count(s, 0);
}

// ---- cost records ----

// The columns read_cost reads, in its order.
#define COSTOPS_COST_COLUMNS                                                              \
  "id, usage_id, timestamp_ms, provider, model, organization_id, project_id, currency, "  \
  "input_cost, cache_read_cost, cache_write_cost, output_cost, request_fee, total_cost, " \
  "input_tokens, output_tokens, pricing_table_id, calculated_at_ms"

struct CostRepository::Statements {
  explicit Statements(const Database& db)
      : insert(db,
               "INSERT INTO cost_records (id, usage_id, timestamp_ms, provider, model, "
               "organization_id, project_id, currency, input_cost, cache_read_cost, "
               "cache_write_cost, output_cost, request_fee, total_cost, input_tokens, "
               "output_tokens, pricing_table_id, calculated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, "
               "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"),
        // As for usage records: text or blob timestamps are listed, and refused.
        by_organization(
            db,
            "SELECT " COSTOPS_COST_COLUMNS
            " FROM cost_records WHERE organization_id = "
            "?1 AND timestamp_ms >= ?2 AND timestamp_ms < ?3 UNION ALL SELECT " COSTOPS_COST_COLUMNS
            " FROM cost_records WHERE organization_id = ?1 AND "
            "timestamp_ms >= '' ORDER BY timestamp_ms, id") {}
  Statement insert, by_organization;
};

CostRepository::CostRepository(Database& db)
    : db_(db), statements_(std::make_unique<Statements>(db)) {}
CostRepository::~CostRepository() = default;

void CostRepository::create(const CostRecord& r) {
  sqlite3_stmt* s = statements_->insert.get();
  bind_text(s, 1, std::string_view(r.id));
  bind_optional(s, 2, r.usage_id);
  bind_integer(s, 3, to_unix_ms(r.timestamp));
  bind_text(s, 4, std::string_view(provider_key(r.provider, r.custom_provider)));
  bind_text(s, 5, std::string_view(r.model));
  bind_text(s, 6, std::string_view(r.organization_id));
  bind_optional(s, 7, r.project_id);
  bind_text(s, 8, r.currency.code());
  bind_decimal(s, 9, r.cost.input);
  bind_decimal(s, 10, r.cost.cache_read);
  bind_decimal(s, 11, r.cost.cache_write);
  bind_decimal(s, 12, r.cost.output);
  bind_decimal(s, 13, r.cost.request_fee);
  bind_decimal(s, 14, r.cost.total);
  const CountBinder bind_count(s, "cost record", r.id);
  bind_count(15, "input_tokens", r.input_tokens);
  bind_count(16, "output_tokens", r.output_tokens);
  bind_optional(s, 17, r.pricing_table_id);
  bind_integer(s, 18, to_unix_ms(r.calculated_at));
  run(db_, s, "storing cost record", r.id);
}

void CostRepository::create_batch(std::span<const CostRecord> records) {
  db_.transaction([&] {
    for (const CostRecord& r : records) create(r);
  });
}

std::vector<CostRecord> CostRepository::list_by_organization(const std::string& organization_id,
                                                             Timestamp start, Timestamp end) {
  sqlite3_stmt* s = statements_->by_organization.get();
  ResetOnExit reset{s};
  bind_text(s, 1, std::string_view(organization_id));
  bind_integer(s, 2, to_unix_ms(start));
  bind_integer(s, 3, to_unix_ms(end));
  std::vector<CostRecord> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.push_back(read_cost(s));
  if (rc != SQLITE_DONE) fail(db_.handle(), "listing cost records of " + organization_id);
  return out;
}

// ---- pricing tables ----

struct PricingRepository::Statements {
  explicit Statements(const Database& db)
      : insert(db,
               "INSERT INTO pricing_tables (id, provider, model, currency, effective_from_ms, "
               "effective_to_ms, region, pricing) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
        active(db,
               "SELECT id, currency, effective_from_ms, effective_to_ms, region, pricing FROM "
               "pricing_tables WHERE provider = ?1 AND model = ?2 AND effective_from_ms <= ?3 AND "
               "(effective_to_ms IS NULL OR effective_to_ms >= ?3) ORDER BY effective_from_ms "
               "DESC LIMIT 1") {}
  Statement insert, active;
};

PricingRepository::PricingRepository(Database& db)
    : db_(db), statements_(std::make_unique<Statements>(db)) {}
PricingRepository::~PricingRepository() = default;

void PricingRepository::create(const PricingTable& t) {
  sqlite3_stmt* s = statements_->insert.get();
  bind_text(s, 1, std::string_view(t.id));
  bind_text(s, 2, std::string_view(provider_key(t.provider, t.custom_provider)));
  bind_text(s, 3, std::string_view(t.model));
  bind_text(s, 4, t.currency.code());
  bind_integer(s, 5, to_unix_ms(t.effective_from));
  if (t.effective_to)
    bind_integer(s, 6, to_unix_ms(*t.effective_to));
  else
    sqlite3_bind_null(s, 6);
  bind_optional(s, 7, t.region);
  bind_text(s, 8, std::string_view(json::serialize(pricing_model_to_json(t.pricing))));
  run(db_, s, "storing pricing table", t.id);
}

std::optional<PricingTable> PricingRepository::active_for(Provider provider,
                                                          const std::string& custom_provider,
                                                          const std::string& model, Timestamp at) {
  sqlite3_stmt* s = statements_->active.get();
  ResetOnExit reset{s};
  bind_text(s, 1, std::string_view(provider_key(provider, custom_provider)));
  bind_text(s, 2, std::string_view(model));
  bind_integer(s, 3, to_unix_ms(at));
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) fail(db_.handle(), "looking up the price of " + model);
  const detail::SqliteRowReader row(s, "pricing_tables", 0);
  PricingTable t;
  t.id = row.row_id();
  t.provider = provider;
  t.custom_provider = custom_provider;
  t.model = model;
  t.currency = row.currency(1);
  t.effective_from = row.timestamp(2);
  t.effective_to = row.optional_timestamp(3);
  t.region = row.optional_text(4);
  try {
    t.pricing = pricing_model_from_json(parse_json_text(row.text(5), "pricing_tables." + t.id));
  } catch (const JsonFieldError& e) {
    throw StorageError("pricing_tables row " + t.id + ": " + e.what());
  }
  return t;
}

}  // namespace costops::core
