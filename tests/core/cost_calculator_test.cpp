// Known answers for real model prices (genai-prices / LiteLLM, USD per 1M
// tokens), each derived by hand in the comment next to it.
#include "costops/core/cost_calculator.hpp"

#include <doctest/doctest.h>

#include "example_tables.hpp"

using namespace costops::core;

namespace {

Decimal d(const char* text) {
  return Decimal::parse(text);
}

using testing::example_table;

CostBreakdown price(const char* model, std::uint64_t prompt, std::uint64_t completion,
                    std::uint64_t cache_read = 0, std::uint64_t cache_write = 0,
                    std::uint64_t reasoning = 0) {
  const CompiledPricing pricing = CompiledPricing::compile(example_table(model));
  return price_tokens({prompt, completion, cache_read, cache_write, reasoning}, pricing);
}

// 100 prompt and 10 completion tokens on 2025-01-01.
UsageRecord usage_of(const char* id, Provider provider, const char* model) {
  UsageRecord usage;
  usage.id = id;
  usage.timestamp = parse_timestamp("2025-01-01T00:00:00Z");
  usage.provider = provider;
  usage.model = model;
  usage.tokens = {100, 10};
  return usage;
}

}  // namespace

TEST_CASE("gpt-4o: 1000 in / 100 out = 0.0025 + 0.001") {
  const auto c = price("gpt-4o", 1000, 100);
  CHECK(c.input == d("0.0025"));
  CHECK(c.output == d("0.001"));
  CHECK(c.total == d("0.0035"));
}

TEST_CASE("gpt-4o with cache reads: 6000 x 2.5 + 4000 x 1.25 + 500 x 10, per million") {
  const auto c = price("gpt-4o", 10000, 500, 4000);
  CHECK(c.input == d("0.015"));
  CHECK(c.cache_read == d("0.005"));
  CHECK(c.cache_write == d("0"));
  CHECK(c.output == d("0.005"));
  CHECK(c.total == d("0.025"));
}

TEST_CASE("gpt-4o-mini: one million each way = 0.15 + 0.6") {
  CHECK(price("gpt-4o-mini", 1'000'000, 1'000'000).total == d("0.75"));
}

TEST_CASE("o1: reasoning tokens are priced as output when no reasoning rate exists") {
  const auto c = price("o1", 2000, 3000, 0, 0, 2500);  // 2000 x 15 + 3000 x 60
  CHECK(c.input == d("0.03"));
  CHECK(c.output == d("0.18"));
  CHECK(c.total == d("0.21"));
}

TEST_CASE("claude-sonnet-4-5 tiers: the boundary at 200,000 input tokens, both sides") {
  CHECK(price("claude-sonnet-4-5", 100'000, 0).total == d("0.3"));
  CHECK(price("claude-sonnet-4-5", 200'000, 0).total == d("0.6"));       // not above: base
  CHECK(price("claude-sonnet-4-5", 200'001, 0).total == d("1.200006"));  // all at 6
}

TEST_CASE("claude-sonnet-4-5 cache reads and writes on both sides of the tier") {
  // Below: 30,000 x 3 + 100,000 x 0.3 + 20,000 x 3.75 + 1,000 x 15.
  const auto below = price("claude-sonnet-4-5", 150'000, 1000, 100'000, 20'000);
  CHECK(below.input == d("0.09"));
  CHECK(below.cache_read == d("0.03"));
  CHECK(below.cache_write == d("0.075"));
  CHECK(below.output == d("0.015"));
  CHECK(below.total == d("0.21"));
  // Above (250,000 input, cache included): 100,000 x 6 + 100,000 x 0.6 + 50,000 x 7.5 + 1,000
  // x 22.5.
  const auto above = price("claude-sonnet-4-5", 250'000, 1000, 100'000, 50'000);
  CHECK(above.input == d("0.6"));
  CHECK(above.cache_read == d("0.06"));
  CHECK(above.cache_write == d("0.375"));
  CHECK(above.output == d("0.0225"));
  CHECK(above.total == d("1.0575"));
}

TEST_CASE("gemini-2.5-pro above 200k: 200,001 x 2.5 + 1,000 x 15") {
  CHECK(price("gemini-2.5-pro", 200'001, 1000).total == d("0.5150025"));
  CHECK(price("gemini-2.5-pro", 200'000, 1000).total == d("0.26"));  // 0.25 + 0.01
}

TEST_CASE("gemini-1.5-flash at its 128k boundary with cache: 100,000 x 0.075 + 28,000 x 0.01875") {
  const auto c = price("gemini-1.5-flash", 128'000, 2000, 28'000);
  CHECK(c.input == d("0.0075"));
  CHECK(c.cache_read == d("0.000525"));
  CHECK(c.output == d("0.0006"));
  CHECK(c.total == d("0.008625"));
  CHECK(price("gemini-1.5-flash", 128'001, 0).total == d("0.01920015"));  // 128,001 x 0.15
}

TEST_CASE("a missing cache-write rate falls back to the input rate") {
  CHECK(price("gemini-2.5-pro", 1000, 0, 0, 1000).cache_write == d("0.00125"));
}

TEST_CASE("claude-3-5-haiku cache write 10,000 x 1 + 500 x 4") {
  CHECK(price("claude-3-5-haiku", 10'000, 500, 0, 10'000).total == d("0.012"));
}

TEST_CASE("Bedrock regional and Azure prices") {
  CHECK(price("us.anthropic.claude-sonnet-4-5", 1000, 1000).total == d("0.0198"));
  // 500,000 x 0.165 + 500,000 x 0.075 + 100,000 x 0.66
  CHECK(price("azure/gpt-4o-mini", 1'000'000, 100'000, 500'000).total == d("0.186"));
}

TEST_CASE("the original Rust cost-ops's cached-input discount form gives its own test answers") {
  const auto plain = price("rust-cost-ops-gpt-4-example", 1000, 500);
  CHECK(plain.input == d("0.01"));
  CHECK(plain.output == d("0.015"));
  CHECK(plain.total == d("0.025"));
  const auto cached =
      price("rust-cost-ops-gpt-4-example", 1000, 500, 500);  // cached 500 at 10 x (1 - 0.9)
  CHECK(cached.input + cached.cache_read == d("0.0055"));
  const auto larger = price("rust-cost-ops-gpt-4-example", 5000, 2000,
                            2000);  // reference vector: 0.032 / 0.06 / 0.092
  CHECK(larger.input + larger.cache_read == d("0.032"));
  CHECK(larger.total == d("0.092"));
}

TEST_CASE("per-request pricing: fee, included tokens, overage") {
  const auto within = price("per-request-example", 1000, 500);
  CHECK(within.request_fee == d("0.01"));
  CHECK(within.total == d("0.01"));
  const auto over = price("per-request-example", 2000, 1000);  // 1,000 over at $5 per million
  CHECK(over.output == d("0.005"));
  CHECK(over.total == d("0.015"));
  CHECK(price("per-request-example", 0, 0).total == d("0.01"));  // no division by zero
}

TEST_CASE("token buckets that exceed their parent are errors") {
  CHECK_THROWS_WITH_AS(price("gpt-4o", 100, 10, 80, 30), doctest::Contains("exceed prompt tokens"),
                       PricingError);
  CHECK_THROWS_WITH_AS(price("o1", 100, 10, 0, 0, 11), doctest::Contains("reasoning tokens (11)"),
                       PricingError);
}

TEST_CASE("a table for another provider or model is an error, not a crash") {
  const CompiledPricing pricing = CompiledPricing::compile(reference_price("gpt-4o"));
  UsageRecord usage = usage_of("u1", Provider::anthropic, "claude-3-5-haiku");
  CHECK_THROWS_WITH_AS(calculate_cost(usage, pricing), doctest::Contains("openai/gpt-4o"),
                       PricingError);
  usage.provider = Provider::openai;
  usage.model = "gpt-4o-mini";
  CHECK_THROWS_AS(calculate_cost(usage, pricing), PricingError);
  usage.model = "gpt-4o";
  const CostRecord record =
      make_cost_record(usage, pricing, parse_timestamp("2025-01-01T00:00:00Z"));
  CHECK(record.cost.total == d("0.00035"));  // 100 x 2.5 + 10 x 10
  CHECK(record.usage_id == "u1");
  CHECK(record.input_tokens == 100);
}

TEST_CASE("invalid pricing tables are refused naming the value") {
  PricingTable table = reference_price("gpt-4o");
  std::get<PerTokenPricing>(table.pricing).rates.input = d("-1");
  CHECK_THROWS_WITH_AS(CompiledPricing::compile(table), doctest::Contains("negative"),
                       PricingError);
  std::get<PerTokenPricing>(table.pricing).rates.input = d("0.0000000000001");
  CHECK_THROWS_WITH_AS(CompiledPricing::compile(table), doctest::Contains("12 decimal places"),
                       PricingError);
  PricingTable discount = example_table("rust-cost-ops-gpt-4-example");
  std::get<CachedDiscountPricing>(discount.pricing).cached_input_discount = d("1.5");
  CHECK_THROWS_WITH_AS(CompiledPricing::compile(discount), doctest::Contains("outside 0..1"),
                       PricingError);
  PricingTable tiers = reference_price("claude-sonnet-4-5");
  auto& tiered = std::get<TieredPricing>(tiers.pricing);
  tiered.tiers.push_back(tiered.tiers.front());
  CHECK_THROWS_WITH_AS(CompiledPricing::compile(tiers), doctest::Contains("ascend"), PricingError);
  PricingTable unnamed = reference_price("gpt-4o");
  unnamed.model.clear();
  CHECK_THROWS_AS(CompiledPricing::compile(unnamed), PricingError);
  CHECK_THROWS_AS(reference_price("no-such-model"), PricingError);
}

TEST_CASE("inclusive tier thresholds apply from the threshold itself") {
  PricingTable table = reference_price("claude-sonnet-4-5");
  std::get<TieredPricing>(table.pricing).inclusive_threshold = true;
  const CompiledPricing pricing = CompiledPricing::compile(table);
  CHECK(price_tokens({200'000, 0}, pricing).total == d("1.2"));
  CHECK(price_tokens({199'999, 0}, pricing).total == d("0.599997"));
}

TEST_CASE("extreme token counts at the highest per-token rate price exactly, never wrap") {
  // The highest rate a table may hold: INT64_MAX units of 10^-18 per token.
  const char* kMaxRate = "9223372.036854775807";  // per million tokens
  PricingTable table = reference_price("gpt-4o");
  auto& rates = std::get<PerTokenPricing>(table.pricing).rates;
  rates.input = rates.output = d(kMaxRate);
  rates.cache_read = rates.cache_write = d(kMaxRate);
  const CompiledPricing pricing = CompiledPricing::compile(table);
  const std::uint64_t most = UINT64_MAX;
  const Decimal per_token = Decimal::from_units(INT64_MAX);
  // Both sums pass 2^127, where a signed 128-bit sum turned negative.
  const CostBreakdown c = price_tokens({most, most, most / 2, most / 4, 0}, pricing);
  CHECK(c.total == per_token.times(most) + per_token.times(most));
  CHECK(c.total == c.input + c.cache_read + c.cache_write + c.output);
  CHECK_FALSE(c.total.is_negative());
}

TEST_CASE("a total beyond the decimal range raises PricingOverflowError naming the table") {
  PricingTable table = example_table("per-request-example");
  auto& fee = std::get<PerRequestPricing>(table.pricing);
  fee.price_per_request = Decimal::max() - d("10");
  fee.overage_per_million = d("9223372.036854775807");
  fee.included_tokens = 0;
  const CompiledPricing pricing = CompiledPricing::compile(table);
  CHECK(price_tokens({1, 0}, pricing).total ==
        fee.price_per_request + Decimal::from_units(INT64_MAX));
  CHECK_THROWS_WITH_AS(price_tokens({1'000'000, 0}, pricing),
                       doctest::Contains("example-per-request-example"), PricingOverflowError);
  CHECK_THROWS_AS(price_tokens({1'000'000, 0}, pricing), PricingError);
}

TEST_CASE("a record is priced only with a table in effect at its time") {
  PricingTable table = reference_price("gpt-4o");
  table.effective_from = parse_timestamp("2024-01-01T00:00:00Z");
  table.effective_to = parse_timestamp("2024-12-31T23:59:59.999Z");
  const CompiledPricing pricing = CompiledPricing::compile(table);
  UsageRecord usage = usage_of("u-2023", Provider::openai, "gpt-4o");
  usage.timestamp = parse_timestamp("2023-06-01T00:00:00Z");
  CHECK_THROWS_WITH_AS(calculate_cost(usage, pricing),
                       doctest::Contains("in effect from 2024-01-01T00:00:00Z to "
                                         "2024-12-31T23:59:59.999Z, but usage record u-2023 is "
                                         "from 2023-06-01T00:00:00Z"),
                       PricingPeriodError);
  usage.timestamp = parse_timestamp("2025-01-01T00:00:00Z");  // after effective_to
  CHECK_THROWS_AS(make_cost_record(usage, pricing, usage.timestamp), PricingPeriodError);
  CHECK_THROWS_AS(calculate_cost(usage, pricing), PricingError);  // a PricingError too
  // Both ends are inclusive.
  usage.timestamp = table.effective_from;
  CHECK(calculate_cost(usage, pricing).total == d("0.00035"));
  usage.timestamp = *table.effective_to;
  CHECK(calculate_cost(usage, pricing).total == d("0.00035"));
}

TEST_CASE("a custom provider named like a built-in one is not priced with the built-in's table") {
  const CompiledPricing pricing = CompiledPricing::compile(reference_price("gpt-4o"));
  UsageRecord usage = usage_of("u1", Provider::custom, "gpt-4o");
  usage.custom_provider = "openai";
  CHECK_THROWS_WITH_AS(calculate_cost(usage, pricing), doctest::Contains("is custom:openai/gpt-4o"),
                       PricingError);
}
