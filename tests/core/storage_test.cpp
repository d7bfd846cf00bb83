#include "costops/core/storage.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <vector>

#include "costops/core/cost_calculator.hpp"
#include "costops/core/domain_json.hpp"

using namespace costops::core;

namespace {

UsageRecord usage(int i, const char* org = "org1") {
  UsageRecord r;
  r.id = "u-" + std::to_string(i);
  r.timestamp = parse_timestamp("2025-01-15T00:00:00Z") + std::chrono::minutes(i);
  r.provider = Provider::openai;
  r.model = "gpt-4o";
  r.organization_id = org;
  r.project_id = i % 2 ? "p1" : "";
  r.tokens = {1000u + static_cast<unsigned>(i), 200, 100, 0, 0};
  r.total_tokens = r.tokens.prompt + r.tokens.completion;
  r.tags = {"a", "b"};
  r.metadata["k"] = i;
  if (i % 3 == 0) r.latency_ms = 120;
  return r;
}

std::string temp_db(const char* name) {
  const auto path = std::filesystem::temp_directory_path() /
                    (std::string(name) + "-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  return path.string();
}

}  // namespace

TEST_CASE("a new database is migrated to the latest schema; file databases use WAL") {
  Database memory(":memory:");
  CHECK(memory.schema_version() == Database::kLatestSchemaVersion);
  const std::string path = temp_db("costops-wal");
  {
    Database file(path);
    CHECK(file.journal_mode() == "wal");
    CHECK(file.schema_version() == Database::kLatestSchemaVersion);
  }
  Database reopened(path);  // migrations are not run twice
  CHECK(reopened.schema_version() == Database::kLatestSchemaVersion);
  reopened.execute("PRAGMA user_version = 99");
  CHECK_THROWS_WITH_AS(Database{path}, doctest::Contains("newer than this library"), StorageError);
  std::filesystem::remove(path);
}

TEST_CASE("usage records: create, get by id, list by organization and time range") {
  Database db(":memory:");
  UsageRepository repo(db);
  for (int i = 0; i < 10; ++i) repo.create(usage(i));
  repo.create(usage(100, "org2"));
  const auto got = repo.get_by_id("u-3");
  REQUIRE(got.has_value());
  CHECK(got->tokens.prompt == 1003);
  CHECK(got->tags == std::vector<std::string>{"a", "b"});
  CHECK(got->metadata.at("k").as_int64() == 3);
  CHECK(got->latency_ms == 120u);
  CHECK(got->project_id == "p1");
  CHECK(got->timestamp == usage(3).timestamp);
  CHECK_FALSE(repo.get_by_id("missing").has_value());
  const auto listed = repo.list_by_organization("org1", usage(2).timestamp, usage(5).timestamp);
  REQUIRE(listed.size() == 3);  // 2, 3, 4: end is exclusive
  CHECK(listed.front().id == "u-2");
  CHECK(repo.count() == 11);
  CHECK_THROWS_WITH_AS(repo.create(usage(1)), doctest::Contains("u-1"),
                       StorageError);  // duplicate id
}

TEST_CASE("tags that need JSON escapes round-trip through the stored JSON array") {
  Database db(":memory:");
  UsageRepository repo(db);
  UsageRecord r = usage(1);
  r.tags = {"quote \" and \\ backslash", "line\nbreak\ttab", std::string("\x01control", 8), ""};
  repo.create(r);
  const auto got = repo.get_by_id(r.id);
  REQUIRE(got.has_value());
  CHECK(got->tags == r.tags);
}

TEST_CASE("a batch is one transaction: all rows or none") {
  Database db(":memory:");
  UsageRepository repo(db);
  std::vector<UsageRecord> batch;
  for (int i = 0; i < 1000; ++i) batch.push_back(usage(i));
  repo.create_batch(batch);
  CHECK(repo.count() == 1000);
  std::vector<UsageRecord> bad = {usage(2000), usage(2001), usage(5)};  // u-5 exists
  CHECK_THROWS_AS(repo.create_batch(bad), StorageError);
  CHECK(repo.count() == 1000);
  CHECK_FALSE(repo.get_by_id("u-2000").has_value());
}

TEST_CASE("cost records keep exact decimals") {
  Database db(":memory:");
  UsageRepository usage_repo(db);
  CostRepository costs(db);
  const CompiledPricing pricing = CompiledPricing::compile(reference_price("gpt-4o"));
  std::vector<CostRecord> records;
  for (int i = 0; i < 5; ++i) {
    usage_repo.create(usage(i));
    records.push_back(make_cost_record(usage(i), pricing, parse_timestamp("2025-01-16T00:00:00Z")));
  }
  costs.create_batch(records);
  const auto listed = costs.list_by_organization("org1", parse_timestamp("2025-01-01T00:00:00Z"),
                                                 parse_timestamp("2025-02-01T00:00:00Z"));
  REQUIRE(listed.size() == 5);
  CHECK(listed[0].cost == records[0].cost);
  CHECK(listed[0].cost.total.to_string() == records[0].cost.total.to_string());
  CHECK(listed[4].usage_id == "u-4");
  // A cost record must point at a stored usage record.
  CostRecord orphan = records[0];
  orphan.id = "orphan";
  orphan.usage_id = "no-such-usage";
  CHECK_THROWS_AS(costs.create(orphan), StorageError);
  // Damaged rows are errors, not zeros.
  db.execute("UPDATE cost_records SET total_cost = 'garbage' WHERE id = '" + records[1].id + "'");
  CHECK_THROWS_WITH_AS(costs.list_by_organization("org1", parse_timestamp("2025-01-01T00:00:00Z"),
                                                  parse_timestamp("2025-02-01T00:00:00Z")),
                       doctest::Contains("total_cost"), StorageError);
}

TEST_CASE("the active price for a provider and model at a date") {
  Database db(":memory:");
  PricingRepository prices(db);
  PricingTable old_price = reference_price("gpt-4o");
  old_price.id = "old";
  old_price.effective_from = parse_timestamp("2024-01-01T00:00:00Z");
  old_price.effective_to = parse_timestamp("2024-12-31T23:59:59Z");
  PricingTable new_price = reference_price("claude-sonnet-4-5");
  new_price.id = "new";
  new_price.provider = Provider::openai;
  new_price.model = "gpt-4o";
  new_price.effective_from = parse_timestamp("2025-01-01T00:00:00Z");
  prices.create(old_price);
  prices.create(new_price);
  const auto in_2024 =
      prices.active_for(Provider::openai, "", "gpt-4o", parse_timestamp("2024-06-01T00:00:00Z"));
  REQUIRE(in_2024.has_value());
  CHECK(in_2024->id == "old");
  CHECK(std::holds_alternative<PerTokenPricing>(in_2024->pricing));
  const auto in_2025 =
      prices.active_for(Provider::openai, "", "gpt-4o", parse_timestamp("2025-06-01T00:00:00Z"));
  REQUIRE(in_2025.has_value());
  CHECK(in_2025->id == "new");
  REQUIRE(std::holds_alternative<TieredPricing>(in_2025->pricing));
  CHECK(std::get<TieredPricing>(in_2025->pricing).tiers.at(0).rates.output ==
        Decimal::parse("22.5"));
  CHECK_FALSE(
      prices.active_for(Provider::openai, "", "gpt-4o", parse_timestamp("2023-01-01T00:00:00Z")));
  CHECK_FALSE(prices.active_for(Provider::anthropic, "", "gpt-4o",
                                parse_timestamp("2025-06-01T00:00:00Z")));
  CHECK_THROWS_AS(prices.create(old_price), StorageError);  // same provider, model and date
}

TEST_CASE("an unopenable database path is an error naming it") {
  CHECK_THROWS_WITH_AS(Database{"/nonexistent-dir/x.db"},
                       doctest::Contains("/nonexistent-dir/x.db"), StorageError);
}

TEST_CASE("a count above INT64_MAX is refused naming the record, column and value") {
  Database db(":memory:");
  UsageRepository repo(db);
  UsageRecord r = usage(1);
  r.tokens.completion = std::uint64_t(INT64_MAX) + 1;
  CHECK_THROWS_WITH_AS(
      repo.create(r),
      doctest::Contains("usage record u-1: completion_tokens 9223372036854775808 exceeds"),
      StorageError);
  CHECK(repo.count() == 0);
  r = usage(2);
  r.latency_ms = UINT64_MAX;
  CHECK_THROWS_WITH_AS(repo.create(r), doctest::Contains("latency_ms 18446744073709551615"),
                       StorageError);
}

TEST_CASE("several processes opening one new database at once all succeed") {
  // Each trial: 8 children block on a pipe, are released together, and each
  // opens (creating and migrating) the same new file and stores a record.
  constexpr int kProcesses = 8;
  constexpr int kTrials = 20;
  int failures = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    const std::string path = temp_db(("costops-race-" + std::to_string(trial)).c_str());
    int gate[2];
    REQUIRE(::pipe(gate) == 0);
    std::vector<pid_t> children;
    for (int p = 0; p < kProcesses; ++p) {
      const pid_t pid = ::fork();
      REQUIRE(pid >= 0);
      if (pid == 0) {
        ::close(gate[1]);
        char byte;
        (void)!::read(gate[0], &byte, 1);  // returns 0 when the parent closes the pipe
        int status = 0;
        try {
          Database db(path);
          UsageRepository repo(db);
          repo.create(usage(p));
          if (db.schema_version() != Database::kLatestSchemaVersion) status = 2;
        } catch (const std::exception& e) {
          std::fprintf(stderr, "trial %d process %d: %s\n", trial, p, e.what());
          status = 1;
        }
        ::_exit(status);
      }
      children.push_back(pid);
    }
    ::close(gate[0]);
    ::close(gate[1]);  // releases every child at once
    for (pid_t pid : children) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failures;
    }
    {
      Database db(path);
      CHECK(UsageRepository(db).count() == kProcesses);
    }
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
  }
  CHECK(failures == 0);
}

TEST_CASE("a custom provider named like a built-in one keeps its identity through SQLite") {
  Database db(":memory:");
  UsageRepository usage_repo(db);
  CostRepository cost_repo(db);
  PricingRepository pricing_repo(db);
  const Timestamp at = parse_timestamp("2025-01-15T00:00:00Z");
  int i = 0;
  for (const char* name : {"Gemini", "openai", "acme"}) {
    CAPTURE(name);
    UsageRecord r = usage(++i);
    r.provider = Provider::custom;
    r.custom_provider = name;
    usage_repo.create(r);
    const auto back = usage_repo.get_by_id(r.id);
    REQUIRE(back);
    CHECK(back->provider == Provider::custom);
    CHECK(back->custom_provider == name);

    PricingTable t = reference_price("gpt-4o");
    t.id = std::string("custom-") + name;
    t.provider = Provider::custom;
    t.custom_provider = name;
    pricing_repo.create(t);
    const auto table = pricing_repo.active_for(Provider::custom, name, "gpt-4o", at);
    REQUIRE(table);
    CHECK(table->id == t.id);

    cost_repo.create(make_cost_record(r, CompiledPricing::compile(t), at));
  }
  // The built-in provider's table is not the custom "openai"'s.
  CHECK_FALSE(pricing_repo.active_for(Provider::openai, "", "gpt-4o", at));
  const auto costs = cost_repo.list_by_organization("org1", at, at + std::chrono::hours(1));
  REQUIRE(costs.size() == 3);
  for (const CostRecord& c : costs) CHECK(c.provider == Provider::custom);
}

namespace {

// Runs `sql` on the stored row u-1, then expects reading it by id (and
// listing the organisation, when the row is still in the time range) to
// refuse it with a message naming every part of `expected`.
void expect_refused_usage(Database& db, UsageRepository& repo, const std::string& sql,
                          std::initializer_list<const char*> expected, bool in_range) {
  db.execute(sql);
  CAPTURE(sql);
  const auto expect_refusal = [&](const auto& read) {
    try {
      read();
      FAIL("the row was read");
    } catch (const StorageError& e) {
      for (const char* part : expected)
        CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, e.what());
    }
  };
  expect_refusal([&] { repo.get_by_id("u-1"); });
  if (in_range)
    expect_refusal([&] {
      repo.list_by_organization("org1", parse_timestamp("2025-01-01T00:00:00Z"),
                                parse_timestamp("2025-02-01T00:00:00Z"));
    });
}

}  // namespace

// What another program wrote is read only when it is what this library
// writes: once SQLite's conversions turned latency_ms -5 into
// 18446744073709551611, a text timestamp into 2024 ms and 1.5 tokens into 1.
TEST_CASE("the SQLite reader refuses coerced values, naming table, row, column and value") {
  Database db(":memory:");
  UsageRepository repo(db);
  struct Case {
    const char* assignment;
    std::initializer_list<const char*> expected;
  };
  const Case cases[] = {
      {"latency_ms = -5", {"usage_records row u-1, column latency_ms", "-5", "negative"}},
      {"cache_read_tokens = -1", {"column cache_read_tokens", "-1"}},
      {"total_tokens = -1", {"column total_tokens", "-1"}},
      {"timestamp_ms = '2024-01-01T00:00:00Z'",
       {"column timestamp_ms", "'2024-01-01T00:00:00Z'", "Unix milliseconds"}},
      {"prompt_tokens = 1.5", {"column prompt_tokens", "real number 1.5"}},
      {"model = x'00ff'",
       {"column model", "a BLOB of 2 bytes", "TEXT"}},  // TEXT affinity turns 42 into '42'
      {"timestamp_ms = 253402300800000", {"column timestamp_ms", "0000 to 9999"}},
      {"tags = '[1]'", {"column tags", "JSON array of strings"}},
      {"metadata = '[]'", {"column metadata", "JSON object"}},
  };
  for (const Case& c : cases) {
    db.execute("DELETE FROM usage_records");
    repo.create(usage(1));
    // A timestamp beyond year 9999 is outside the listed range; a text one
    // is listed (and refused), though SQLite orders text after all numbers.
    const bool in_range =
        std::string_view(c.assignment).find("253402300800000") == std::string::npos;
    expect_refused_usage(
        db, repo, std::string("UPDATE usage_records SET ") + c.assignment + " WHERE id = 'u-1'",
        c.expected, in_range);
  }
  db.execute("DELETE FROM usage_records");
  repo.create(usage(1));
  db.execute(
      "UPDATE usage_records SET prompt_tokens = '1100' WHERE id = 'u-1'");  // INTEGER affinity
  CHECK(repo.get_by_id("u-1")->tokens.prompt == 1100);
}

TEST_CASE("a cost row is refused from SQLite as from JSON: bad currency, total not the sum") {
  Database db(":memory:");
  UsageRepository usage_repo(db);
  CostRepository costs(db);
  usage_repo.create(usage(1));
  const CostRecord record = make_cost_record(
      usage(1), CompiledPricing::compile(reference_price("gpt-4o")), usage(1).timestamp);
  const auto list = [&] {
    return costs.list_by_organization("org1", parse_timestamp("2025-01-01T00:00:00Z"),
                                      parse_timestamp("2025-02-01T00:00:00Z"));
  };
  costs.create(record);
  REQUIRE(list().size() == 1);
  db.execute("UPDATE cost_records SET currency = 'US'");
  CHECK_THROWS_WITH_AS(
      list(), doctest::Contains("cost_records row cost-u-1, column currency: the text 'US'"),
      StorageError);
  db.execute("UPDATE cost_records SET currency = 'USD', total_cost = '1'");
  CHECK_THROWS_WITH_AS(list(), doctest::Contains("column total_cost: the text '1' is not the sum"),
                       StorageError);
  CostRecord wrong = record;
  wrong.cost.total = Decimal::parse("1");
  CHECK_THROWS_WITH_AS(cost_record_from_json(cost_record_to_json(wrong)),
                       doctest::Contains("is not the sum"), JsonFieldError);
}

// Once a total of 10^20 was stored, then refused when read back, and so
// broke every listing of its organisation.
TEST_CASE("a cost of 10^20 or up to Decimal::max() reads back from SQLite and JSON") {
  Database db(":memory:");
  UsageRepository usage_repo(db);
  CostRepository costs(db);
  usage_repo.create(usage(1));
  CostRecord record = make_cost_record(
      usage(1), CompiledPricing::compile(reference_price("gpt-4o")), usage(1).timestamp);
  for (const Decimal& total : {Decimal::parse("100000000000000000000"), Decimal::max()}) {
    record.cost = {total, Decimal(), Decimal(), Decimal(), Decimal(), total};
    CHECK(cost_record_from_json(cost_record_to_json(record)).cost == record.cost);
    db.execute("DELETE FROM cost_records");
    costs.create(record);
    const auto listed = costs.list_by_organization("org1", parse_timestamp("2025-01-01T00:00:00Z"),
                                                   parse_timestamp("2025-02-01T00:00:00Z"));
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].cost == record.cost);
  }
}
