#include "costops/core/aggregator.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

using namespace costops::core;

namespace {

CostRecord record(const char* id, const char* when, Provider provider, const char* model,
                  const char* org, const char* project, const char* total) {
  CostRecord r;
  r.id = id;
  r.timestamp = parse_timestamp(when);
  r.provider = provider;
  r.model = model;
  r.organization_id = org;
  r.project_id = project;
  r.cost.total = Decimal::parse(total);
  r.input_tokens = 100;
  r.output_tokens = 10;
  return r;
}

const Period kJanuary{parse_timestamp("2025-01-01T00:00:00Z"),
                      parse_timestamp("2025-02-01T00:00:00Z")};

}  // namespace

TEST_CASE("totals and every breakdown, within the period only") {
  const std::vector<CostRecord> records = {
      record("a", "2025-01-01T10:00:00Z", Provider::openai, "gpt-4o", "org1", "p1", "0.10"),
      record("b", "2025-01-01T11:30:00Z", Provider::openai, "gpt-4o-mini", "org1", "", "0.02"),
      record("c", "2025-01-02T09:00:00Z", Provider::anthropic, "claude", "org2", "p1", "0.30"),
      record("d", "2024-12-31T23:59:59Z", Provider::openai, "gpt-4o", "org1", "p1", "5"),  // before
      record("e", "2025-02-01T00:00:00Z", Provider::openai, "gpt-4o", "org1", "p1",
             "7"),  // end is exclusive
  };
  const CostSummary s = aggregate_costs(records, kJanuary, TimeBucket::day);
  CHECK(s.total.cost == Decimal::parse("0.42"));
  CHECK(s.total.requests == 3);
  CHECK(s.total.input_tokens == 300);
  CHECK(s.records_outside_period == 2);
  CHECK(s.average_cost_per_request == Decimal::parse("0.14"));
  CHECK(s.by_provider.at("openai").cost == Decimal::parse("0.12"));
  CHECK(s.by_provider.at("anthropic").requests == 1);
  CHECK(s.by_model.size() == 3);
  CHECK(s.by_organization.at("org1").requests == 2);
  CHECK(s.by_project.size() == 1);  // "" is not a project
  CHECK(s.by_project.at("p1").cost == Decimal::parse("0.4"));
  REQUIRE(s.by_time.size() == 2);
  CHECK(s.by_time.at(parse_timestamp("2025-01-01T00:00:00Z")).cost == Decimal::parse("0.12"));

  const CostSummary hourly = aggregate_costs(records, kJanuary, TimeBucket::hour);
  CHECK(hourly.by_time.size() == 3);
  CHECK(hourly.by_time.count(parse_timestamp("2025-01-01T11:00:00Z")) == 1);
  const CostSummary monthly = aggregate_costs(records, kJanuary, TimeBucket::month);
  REQUIRE(monthly.by_time.size() == 1);
  CHECK(monthly.by_time.begin()->first == parse_timestamp("2025-01-01T00:00:00Z"));
}

TEST_CASE("an empty period gives zeros, not a division by zero") {
  const CostSummary s = aggregate_costs({}, kJanuary);
  CHECK(s.total.requests == 0);
  CHECK(s.average_cost_per_request.is_zero());
  CHECK_FALSE(s.currency.has_value());  // no records: no currency, not an invented USD
  const std::vector<CostRecord> outside = {
      record("a", "2024-06-01T00:00:00Z", Provider::openai, "m", "o", "", "1")};
  CHECK_FALSE(aggregate_costs(outside, kJanuary).currency.has_value());
  std::vector<CostRecord> euros = {
      record("b", "2025-01-02T00:00:00Z", Provider::openai, "m", "o", "", "1")};
  euros[0].currency = Currency::from_code("EUR");
  CHECK(aggregate_costs(euros, kJanuary).currency == Currency::from_code("EUR"));
}

TEST_CASE("a reversed period is an error naming both ends, not an empty result") {
  const std::vector<CostRecord> records = {
      record("a", "2025-01-10T00:00:00Z", Provider::openai, "m", "o", "", "1")};
  const Period reversed{kJanuary.end, kJanuary.start};
  CHECK_THROWS_WITH_AS(aggregate_costs(records, reversed),
                       doctest::Contains("ends at 2025-01-01T00:00:00Z, before its start "
                                         "2025-02-01T00:00:00Z"),
                       PeriodError);
  // An empty period (start == end) is allowed and holds nothing.
  CHECK(aggregate_costs(records, Period{kJanuary.start, kJanuary.start}).total.requests == 0);
}

TEST_CASE("token totals beyond 2^64 - 1 are an error naming the record, not a wrapped sum") {
  std::vector<CostRecord> records = {
      record("a", "2025-01-02T00:00:00Z", Provider::openai, "m", "o", "", "1"),
      record("b", "2025-01-03T00:00:00Z", Provider::openai, "m", "o", "", "1")};
  records[0].input_tokens = UINT64_MAX;
  records[1].input_tokens = 2;
  CHECK_THROWS_WITH_AS(aggregate_costs(records, kJanuary),
                       doctest::Contains("cost record b: adding 2 to the input_tokens total"),
                       AggregationOverflowError);
  records[1].input_tokens = 0;
  records[1].output_tokens = UINT64_MAX;  // records[0] has 10
  CHECK_THROWS_AS(aggregate_costs(records, kJanuary), AggregationOverflowError);
  records[1].output_tokens = 0;
  records[0].cost.total = records[1].cost.total = Decimal::max();
  CHECK_THROWS_AS(aggregate_costs(records, kJanuary), DecimalOverflowError);
}

TEST_CASE("different currencies are refused") {
  std::vector<CostRecord> records = {
      record("a", "2025-01-01T10:00:00Z", Provider::openai, "m", "o", "", "1"),
      record("b", "2025-01-01T10:00:00Z", Provider::openai, "m", "o", "", "1")};
  records[1].currency = Currency::from_code("eur");
  CHECK_THROWS_WITH_AS(aggregate_costs(records, kJanuary),
                       doctest::Contains("cost record b is in EUR but earlier records are in USD"),
                       CurrencyMismatchError);
  CHECK_THROWS_AS(Currency::from_code("EURO"), std::invalid_argument);
}

TEST_CASE("custom providers group under their own names") {
  std::vector<CostRecord> records = {
      record("a", "2025-01-03T00:00:00Z", Provider::custom, "m", "o", "", "1")};
  records[0].custom_provider = "acme";
  CHECK(aggregate_costs(records, kJanuary).by_provider.count("acme") == 1);
}

TEST_CASE("a custom provider named like a built-in one is not merged with it") {
  std::vector<CostRecord> records = {
      record("a", "2025-01-03T00:00:00Z", Provider::openai, "m", "o", "", "1"),
      record("b", "2025-01-03T00:00:00Z", Provider::custom, "m", "o", "", "2"),
      record("c", "2025-01-03T00:00:00Z", Provider::custom, "m", "o", "", "4"),
      record("d", "2025-01-03T00:00:00Z", Provider::google_vertex_ai, "m", "o", "", "8")};
  records[1].custom_provider = "openai";
  records[2].custom_provider = "Gemini";
  const CostSummary s = aggregate_costs(records, kJanuary);
  REQUIRE(s.by_provider.size() == 4);
  CHECK(s.by_provider.at("openai").cost == Decimal::parse("1"));
  CHECK(s.by_provider.at("custom:openai").cost == Decimal::parse("2"));
  CHECK(s.by_provider.at("custom:Gemini").cost == Decimal::parse("4"));
  CHECK(s.by_provider.at("google").cost == Decimal::parse("8"));
}

// Costs are summed as native 128-bit magnitudes, positive and negative apart
// (the aggregator's fast path): credits subtract exactly, a total may be
// negative, and the edge of the range is reached exactly, never wrapped.
TEST_CASE("credits and totals at the edge of the range sum exactly") {
  std::vector<CostRecord> records = {
      record("a", "2025-01-02T00:00:00Z", Provider::openai, "m", "o", "p", "0.000000000000000001"),
      record("b", "2025-01-02T01:00:00Z", Provider::openai, "m", "o", "p", "-2.5"),
      record("c", "2025-01-03T00:00:00Z", Provider::anthropic, "m", "o", "", "1.25")};
  const CostSummary s = aggregate_costs(records, kJanuary);
  CHECK(s.total.cost == Decimal::parse("-1.249999999999999999"));
  CHECK(s.by_provider.at("openai").cost == Decimal::parse("-2.499999999999999999"));
  CHECK(s.by_provider.at("anthropic").cost == Decimal::parse("1.25"));
  CHECK(s.by_time.at(parse_timestamp("2025-01-02T00:00:00Z")).cost ==
        Decimal::parse("-2.499999999999999999"));
  records[0].cost.total = Decimal::max() - Decimal::parse("1.25");
  records[1].cost.total = -Decimal::max();
  const CostSummary edge = aggregate_costs(records, kJanuary);
  CHECK(edge.total.cost == Decimal());
  CHECK(edge.by_model.at("m").cost == Decimal());
  records[1].cost.total = Decimal::from_units(1);
  CHECK_THROWS_WITH_AS(aggregate_costs(records, kJanuary),
                       doctest::Contains("cost record c: adding its total 1.25"),
                       DecimalOverflowError);
}

TEST_CASE("groups whose names differ in one byte, at any length, stay apart") {
  // Group names are hashed and compared in whole words that overlap at the
  // ends: two names of the same length that differ in one middle byte are
  // different groups, and hundreds of groups grow the table without losing
  // any.
  std::vector<std::string> names;
  for (std::size_t length = 1; length <= 40; ++length)
    for (std::size_t at = 0; at < length; ++at)
      for (char c : {'a', 'b'}) {
        std::string name(length, 'x');
        name[at] = c;
        names.push_back(name);
      }
  std::vector<CostRecord> records;
  for (std::size_t i = 0; i < names.size(); ++i) {
    CostRecord r = record("r", "2025-01-03T00:00:00Z", Provider::openai, "gpt-4o", "org", "", "1");
    r.organization_id = names[i];
    r.input_tokens = i + 1;
    records.push_back(r);
    records.push_back(r);  // every group twice
  }
  const CostSummary s = aggregate_costs(records, kJanuary, TimeBucket::day);
  REQUIRE(std::set<std::string>(names.begin(), names.end()).size() == names.size());
  REQUIRE(s.by_organization.size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const GroupTotal& group = s.by_organization.at(names[i]);
    CAPTURE(names[i]);
    CHECK(group.requests == 2);
    CHECK(group.input_tokens == 2 * (i + 1));
    CHECK(group.cost == Decimal::parse("2"));
  }
}
