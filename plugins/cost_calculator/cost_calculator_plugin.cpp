// Targets of costops-core's cost calculation: one record, batches of 100 to
// 10,000 records, one case per provider and pricing model, validation, and
// the same formula in double as the arithmetic floor to compare against.
#include <costops/bench_target_v1.hpp>
#include <costops/core/cost_calculator.hpp>
#include <costops/core/validation.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "workloads.hpp"

namespace {

using namespace costops::core;
using costops::bench::Host;
using costops::bench::VerificationError;

void expect_total(const CostBreakdown& cost, const char* expected, const char* what) {
  if (cost.total != Decimal::parse(expected))
    throw VerificationError(std::string(what) + ": expected total " + expected + ", got " +
                            cost.total.to_string());
}

// The record: 10,000 prompt tokens (2,000 of them cache reads) and
// 5,000 completion tokens, priced per token at gpt-4o's rates:
// 8,000 x 2.5 + 2,000 x 1.25 + 5,000 x 10 per million = 0.0725.
constexpr TokenCounts kOneRecord{10'000, 5'000, 2'000, 0, 0};
constexpr const char* kOneRecordTotal = "0.0725";

class PriceOneRecord {
 public:
  explicit PriceOneRecord(Host& host)
      : pricing_(CompiledPricing::compile(reference_price("gpt-4o"))) {
    expect_total(price_tokens(tokens_, pricing_), kOneRecordTotal, "cost_calculator");
    host.set_items_per_operation(1);
    host.report("records_per_operation", 1);
    host.report("pricing_model", "per_token");
    host.report("arithmetic", "exact decimal, 10^-18 units in a 128-bit integer");
    // The speed goal: exact pricing at most 10x the same formula in double.
    host.report("yardstick_target", "cost_calculator_double_floor");
    host.report("yardstick_goal_ratio", 10);
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      costops::bench::do_not_optimize(tokens_);  // the input may have changed: no hoisting
      CostBreakdown cost = price_tokens(tokens_, pricing_);
      costops::bench::do_not_optimize(cost);
    }
  }

 private:
  TokenCounts tokens_ = kOneRecord;
  CompiledPricing pricing_;
};

// The same bucket arithmetic in binary floating point: what the exact path
// is compared with (the goal: exact costs at most 10x this).
class PriceOneRecordInDouble {
 public:
  explicit PriceOneRecordInDouble(Host& host) {
    const Result r = price(tokens_);
    if (std::abs(r.total - 0.0725) > 1e-12) throw VerificationError("double formula is wrong");
    host.set_items_per_operation(1);
    host.report("records_per_operation", 1);
    host.report("arithmetic", "double (inexact floor for comparison)");
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      costops::bench::do_not_optimize(tokens_);
      Result r = price(tokens_);
      costops::bench::do_not_optimize(r);
    }
  }

 private:
  struct Result {
    double input, cache_read, cache_write, output, total;
  };
  Result price(const TokenCounts& t) const {
    if (t.cache_read + t.cache_write > t.prompt || t.reasoning > t.completion)
      throw VerificationError("bucket overflow");
    Result r;
    r.input = static_cast<double>(t.prompt - t.cache_read - t.cache_write) * input_;
    r.cache_read = static_cast<double>(t.cache_read) * cache_read_;
    r.cache_write = static_cast<double>(t.cache_write) * input_;
    r.output = static_cast<double>(t.completion - t.reasoning) * output_ +
               static_cast<double>(t.reasoning) * output_;
    r.total = r.input + r.cache_read + r.cache_write + r.output;
    return r;
  }
  TokenCounts tokens_ = kOneRecord;
  double input_ = 2.5e-6, cache_read_ = 1.25e-6, output_ = 10e-6;  // per token
};

// Prices `N` varied records of 8 models per operation.
class PriceBatch {
 public:
  PriceBatch(Host& host, std::int64_t records) {
    for (const PricingTable& t : costops::workloads::workload_price_tables())
      pricings_.push_back(CompiledPricing::compile(t));
    Decimal expected;
    for (const UsageRecord& u : costops::workloads::synthetic_usage(
             static_cast<std::size_t>(records), 42, parse_timestamp("2025-01-01T00:00:00Z"),
             std::chrono::minutes(1))) {
      std::size_t which = 0;
      while (pricings_[which].table().model != u.model) ++which;
      items_.push_back({u.tokens, which});
      expected += calculate_cost(u, pricings_[which]).total;  // the checked, slower path
    }
    if (sum() != expected)
      throw VerificationError("batch total differs from record-by-record pricing");
    host.set_items_per_operation(static_cast<std::size_t>(records));
    host.report("records_per_operation", static_cast<double>(records));
    host.report("batch_total_usd", expected.to_string().c_str());
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      Decimal total = sum();
      costops::bench::do_not_optimize(total);
    }
  }

 private:
  Decimal sum() {
    Decimal total;
    for (const Item& item : items_)
      total += price_tokens(item.tokens, pricings_[item.pricing]).total;
    return total;
  }
  struct Item {
    TokenCounts tokens;
    std::size_t pricing;
  };
  std::vector<CompiledPricing> pricings_;
  std::vector<Item> items_;
};

// Two table shapes the built-in price list has no real model for: the
// original Rust cost-ops's example (gpt-4 at $10 / $30 with a 90% cached-input
// discount; not gpt-4's list price, which is $30 / $60) and a per-request fee.
PricingTable table_of(const char* model) {
  PricingTable t;
  t.model = model;
  t.id = std::string("example-") + model;
  if (std::string_view(model) == "rust-cost-ops-gpt-4-example")
    t.pricing =
        CachedDiscountPricing{Decimal::parse("10"), Decimal::parse("30"), Decimal::parse("0.9")};
  else if (std::string_view(model) == "per-request-example")
    t.pricing = PerRequestPricing{Decimal::parse("0.01"), 2000, Decimal::parse("5")};
  else
    return reference_price(model);
  return t;
}

// One representative record per provider and pricing model, each with an
// answer derived by hand from the price table.
struct Case {
  const char* model;
  TokenCounts tokens;
  const char* expected_total;
  const char* pricing_model;
};
// 10,000 x 2.5 + 1,000 x 10 per million
constexpr Case kOpenAI{"gpt-4o", {10'000, 1'000, 0, 0, 0}, "0.035", "per_token"};
// 4,000 x 0.8 + 3,000 x 0.08 + 3,000 x 1 + 1,000 x 4
constexpr Case kAnthropic{
    "claude-3-5-haiku", {10'000, 1'000, 3'000, 3'000, 0}, "0.01044", "per_token"};
// 10,000 x 1.25 + 1,000 x 10
constexpr Case kGoogle{"gemini-2.5-pro", {10'000, 1'000, 0, 0, 0}, "0.0225", "per_token"};
// 10,000 x 0.165 + 1,000 x 0.66
constexpr Case kAzure{"azure/gpt-4o-mini", {10'000, 1'000, 0, 0, 0}, "0.00231", "per_token"};
// 10,000 x 3.3 + 1,000 x 16.5
constexpr Case kBedrock{
    "us.anthropic.claude-sonnet-4-5", {10'000, 1'000, 0, 0, 0}, "0.0495", "per_token"};
// The original Rust cost-ops's cached discount: 8,000 x 10 + 2,000 x 10 x 0.1 + 5,000 x 30
constexpr Case kCached{
    "rust-cost-ops-gpt-4-example", {10'000, 5'000, 2'000, 0, 0}, "0.232", "cached_input_discount"};
// Above the 200k tier: 150,000 x 6 + 100,000 x 0.6 + 2,000 x 22.5
constexpr Case kTiered{"claude-sonnet-4-5", {250'000, 2'000, 100'000, 0, 0}, "1.005", "tiered"};
// $0.01 per request, 2,000 included, 13,000 over at $5 per million
constexpr Case kPerRequest{"per-request-example", {10'000, 5'000, 0, 0, 0}, "0.075", "per_request"};

template <const Case& C>
class PriceCase {
 public:
  explicit PriceCase(Host& host) : pricing_(CompiledPricing::compile(table_of(C.model))) {
    expect_total(price_tokens(tokens_, pricing_), C.expected_total, C.model);
    host.set_items_per_operation(1);
    host.report("records_per_operation", 1);
    host.report("pricing_model", C.pricing_model);
    host.report("model", C.model);
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      costops::bench::do_not_optimize(tokens_);
      CostBreakdown cost = price_tokens(tokens_, pricing_);
      costops::bench::do_not_optimize(cost);
    }
  }

 private:
  TokenCounts tokens_ = C.tokens;
  CompiledPricing pricing_;
};

// Checks one record against every validation rule.
class ValidateOneRecord {
 public:
  explicit ValidateOneRecord(Host& host)
      : record_(costops::workloads::synthetic_usage(1, 7, parse_timestamp("2025-01-01T00:00:00Z"),
                                                    std::chrono::seconds(1))
                    .front()),
        now_(parse_timestamp("2025-06-01T00:00:00Z")) {
    if (!validate_usage(record_, now_).empty())
      throw VerificationError("the sample record should be valid");
    UsageRecord broken = record_;
    broken.total_tokens += 1;
    if (validate_usage(broken, now_).size() != 1)
      throw VerificationError("a token mismatch went unnoticed");
    host.set_items_per_operation(1);
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      costops::bench::do_not_optimize(record_);
      auto errors = validate_usage(record_, now_);
      costops::bench::do_not_optimize(errors);
    }
  }

 private:
  UsageRecord record_;
  Timestamp now_;
};

using costops::bench::make_family;
using costops::bench::make_target;

constexpr std::int64_t kBatchSizes[] = {100, 1000, 10000};

const bench_target_v1 kTargets[] = {
    make_target<PriceOneRecord>("cost_calculator",
                                "price one usage record (10,000 prompt incl. 2,000 cached / 5,000 "
                                "completion tokens) exactly, per-token table"),
    make_target<PriceOneRecordInDouble>(
        "cost_calculator_double_floor",
        "the same record and formula in double: the arithmetic floor, for comparison"),
    make_family<PriceBatch>("cost_calculator", "price a batch of N varied records (8 models)",
                            kBatchSizes, "records"),
    make_target<PriceCase<kOpenAI>>("cost_calculator_openai", "OpenAI gpt-4o, per token"),
    make_target<PriceCase<kAnthropic>>("cost_calculator_anthropic",
                                       "Anthropic claude-3-5-haiku with cache reads and writes"),
    make_target<PriceCase<kGoogle>>("cost_calculator_google_vertex",
                                    "Google Vertex AI gemini-2.5-pro, below its tier"),
    make_target<PriceCase<kAzure>>("cost_calculator_azure", "Azure OpenAI gpt-4o-mini"),
    make_target<PriceCase<kBedrock>>("cost_calculator_bedrock",
                                     "AWS Bedrock regional claude-sonnet-4-5"),
    make_target<PriceCase<kCached>>(
        "cost_calculator_cached",
        "cached tokens, the original Rust cost-ops's cached-input discount form"),
    make_target<PriceCase<kTiered>>(
        "cost_calculator_tiered",
        "tiered: claude-sonnet-4-5 above 200k input tokens, with cache reads"),
    make_target<PriceCase<kPerRequest>>("cost_calculator_per_request",
                                        "per-request fee with included tokens and overage"),
    make_target<ValidateOneRecord>("cost_calculator_validation",
                                   "validate one usage record against every rule"),
};

}  // namespace

COSTOPS_BENCH_PLUGIN("costops-cost-calculator", COSTOPS_FIRST_PARTY_VERSION, kTargets)
