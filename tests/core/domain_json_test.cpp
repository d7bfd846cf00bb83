#include "costops/core/domain_json.hpp"

#include <doctest/doctest.h>

#include "example_tables.hpp"

#include <boost/json.hpp>

#include "costops/core/cost_calculator.hpp"

using namespace costops::core;
namespace json = boost::json;

TEST_CASE(
    "usage records read snake_case JSON, including the original Rust cost-ops's cached_tokens") {
  const auto record = usage_from_json(json::parse(R"({
    "id": "u1", "timestamp": "2025-01-15T10:00:00Z", "provider": "Bedrock",
    "model": {"name": "claude"}, "organization_id": "org", "prompt_tokens": 100,
    "completion_tokens": 20, "cached_tokens": 40, "reasoning_tokens": 5,
    "tags": ["x"], "metadata": {"a": 1}, "latency_ms": 300})"));
  CHECK(record.provider == Provider::aws_bedrock);
  CHECK(record.model == "claude");
  CHECK(record.total_tokens == 120);
  CHECK(record.tokens.cache_read == 40);
  CHECK(record.latency_ms == 300u);
  const auto again = usage_from_json(usage_to_json(record));
  CHECK(again.tokens.reasoning == 5);
  CHECK(again.tags == record.tags);
  CHECK(again.timestamp == record.timestamp);
}

TEST_CASE("errors name the record and the field") {
  CHECK_THROWS_WITH_AS(
      usage_from_json(json::parse(R"({"id":"u9","timestamp":"2025-01-15T10:00:00Z",
      "provider":"openai","model":"m","organization_id":"o","prompt_tokens":-5,"completion_tokens":1})")),
      doctest::Contains("usage record u9: field \"prompt_tokens\": must not be negative"),
      JsonFieldError);
  CHECK_THROWS_WITH_AS(usage_from_json(json::parse(R"({"id":"u9","timestamp":"yesterday"})")),
                       doctest::Contains("\"timestamp\""), JsonFieldError);
  CHECK_THROWS_WITH_AS(usage_from_json(json::parse("[]")), doctest::Contains("object"),
                       JsonFieldError);
  CHECK_THROWS_WITH_AS(parse_json_text("{", "usage.json"), doctest::Contains("usage.json"),
                       JsonFieldError);
}

TEST_CASE("a metadata number no double holds is refused, never written back as invalid JSON") {
  // Found by fuzz_usage_reader: Boost.JSON reads 1e999 as infinity.
  CHECK_THROWS_WITH_AS(
      usage_from_json(json::parse(R"({"id":"u7","timestamp":"2025-01-15T10:00:00Z",
      "provider":"openai","model":"m","organization_id":"o","prompt_tokens":1,
      "completion_tokens":1,"metadata":{"k":[1,{"deep":1e999}]}})")),
      doctest::Contains("usage record u7: field \"metadata\": holds a number too large"),
      JsonFieldError);
}

TEST_CASE("pricing tables round trip every model, exactly") {
  for (const char* model :
       {"gpt-4o", "claude-sonnet-4-5", "rust-cost-ops-gpt-4-example", "per-request-example"}) {
    const PricingTable table = testing::example_table(model);
    const PricingTable back =
        pricing_table_from_json(json::parse(json::serialize(pricing_table_to_json(table))));
    CAPTURE(model);
    CHECK(back.model == table.model);
    CHECK(back.pricing.index() == table.pricing.index());
    const auto a = CompiledPricing::compile(table), b = CompiledPricing::compile(back);
    CHECK(price_tokens({250'000, 3000, 1000, 500, 100}, a) ==
          price_tokens({250'000, 3000, 1000, 500, 100}, b));
  }
  CHECK_THROWS_WITH_AS(pricing_model_from_json(json::parse(R"({"type":"per_image"})")),
                       doctest::Contains("unknown pricing type \"per_image\""), JsonFieldError);
  // Numbers are read through their shortest spelling: 0.1 stays 0.1.
  CHECK(decimal_from_json(json::parse("0.1"), "x") == Decimal::parse("0.1"));
  CHECK(decimal_from_json(json::parse("\"0.000000000000000001\""), "x").to_string() ==
        "0.000000000000000001");
  CHECK_THROWS_AS(decimal_from_json(json::parse("true"), "x"), JsonFieldError);
}

TEST_CASE("cost records round trip and their total must add up") {
  CostRecord r;
  r.id = "c1";
  r.timestamp = parse_timestamp("2025-01-15T10:00:00Z");
  r.model = "gpt-4o";
  r.organization_id = "o";
  r.cost.input = Decimal::parse("0.1");
  r.cost.total = Decimal::parse("0.1");
  auto j = cost_record_to_json(r);
  CHECK(cost_record_from_json(j).cost == r.cost);
  j["cost"].as_object()["total"] = "0.2";
  CHECK_THROWS_WITH_AS(cost_record_from_json(j), doctest::Contains("not the sum"), JsonFieldError);
}

TEST_CASE("a total_tokens left out is the exact sum, or an error when it passes 2^64 - 1") {
  const char* text = R"({"id":"u7","timestamp":"2025-01-15T10:00:00Z","provider":"openai",
      "model":"m","organization_id":"o","prompt_tokens":18446744073709551615,
      "completion_tokens":2})";
  CHECK_THROWS_WITH_AS(usage_from_json(json::parse(text)),
                       doctest::Contains("18446744073709551615 + 2"), JsonFieldError);
}

TEST_CASE("a custom provider named like a built-in one keeps its identity through JSON") {
  for (const char* name : {"Gemini", "openai", "BEDROCK", "custom:x", "acme"}) {
    CAPTURE(name);
    UsageRecord r;
    r.id = "u1";
    r.timestamp = parse_timestamp("2025-01-15T10:00:00Z");
    r.provider = Provider::custom;
    r.custom_provider = name;
    r.model = "m";
    r.organization_id = "o";
    r.tokens = {10, 5, 0, 0, 0};
    r.total_tokens = 15;
    const UsageRecord back = usage_from_json(json::parse(json::serialize(usage_to_json(r))));
    CHECK(back.provider == Provider::custom);
    CHECK(back.custom_provider == name);

    PricingTable t = reference_price("gpt-4o");
    t.provider = Provider::custom;
    t.custom_provider = name;
    const PricingTable table_back =
        pricing_table_from_json(json::parse(json::serialize(pricing_table_to_json(t))));
    CHECK(table_back.provider == Provider::custom);
    CHECK(table_back.custom_provider == name);
  }
  // Unambiguous custom names are written as before; built-ins as their name.
  CHECK(provider_key(Provider::custom, "acme") == "acme");
  CHECK(provider_key(Provider::custom, "Gemini") == "custom:Gemini");
  CHECK(provider_key(Provider::google_vertex_ai, "") == "google");
  std::string custom;
  CHECK(parse_provider_key("gemini", custom) == Provider::google_vertex_ai);
  CHECK(custom.empty());
}
