#include "costops/core/pricing.hpp"

#include <algorithm>

namespace costops::core {

namespace {

using Units = Decimal::Units;

const Units kPerMillion = 1'000'000;

struct TableContext {
  const PricingTable& table;
  std::string name() const {
    return "pricing table " + (table.id.empty() ? std::string("(no id)") : table.id) + " (" +
           std::string(provider_name(table.provider)) + "/" + table.model + ")";
  }
};

// A per-million rate as an exact per-token rate in 10^-18 units.
std::int64_t per_token(const Decimal& per_million, const char* field, const TableContext& ctx) {
  if (per_million.is_negative())
    throw PricingError(ctx.name() + ": " + field + " is negative (" + per_million.to_string() +
                       ")");
  if (per_million.units() % kPerMillion != 0)
    throw PricingError(ctx.name() + ": " + field + " " + per_million.to_string() +
                       " has more than 12 decimal places per million tokens; the price of one "
                       "token would not be exact");
  const Units rate = per_million.units() / kPerMillion;
  if (rate > Units(INT64_MAX))
    throw PricingError(ctx.name() + ": " + field + " " + per_million.to_string() +
                       " is beyond the supported range");
  return static_cast<std::int64_t>(rate);
}

TokenUnitRates compile_rates(const TokenRates& rates, const TableContext& ctx) {
  TokenUnitRates r;
  r.input = per_token(rates.input, "input rate", ctx);
  r.output = per_token(rates.output, "output rate", ctx);
  r.cache_read = rates.cache_read ? per_token(*rates.cache_read, "cache-read rate", ctx) : r.input;
  r.cache_write =
      rates.cache_write ? per_token(*rates.cache_write, "cache-write rate", ctx) : r.input;
  r.reasoning = rates.reasoning ? per_token(*rates.reasoning, "reasoning rate", ctx) : r.output;
  return r;
}

}  // namespace

CompiledPricing CompiledPricing::compile(const PricingTable& table) {
  CompiledPricing compiled;
  compiled.table_ = table;
  const TableContext ctx{compiled.table_};
  if (table.model.empty()) throw PricingError(ctx.name() + ": the model name is empty");
  if (table.effective_to && *table.effective_to < table.effective_from)
    throw PricingError(ctx.name() + ": effective_to is before effective_from");

  std::visit(
      [&](const auto& model) {
        using T = std::decay_t<decltype(model)>;
        if constexpr (std::is_same_v<T, PerTokenPricing>) {
          compiled.base_ = compile_rates(model.rates, ctx);
        } else if constexpr (std::is_same_v<T, CachedDiscountPricing>) {
          const Decimal one = Decimal::from_integer(1);
          if (model.cached_input_discount.is_negative() || model.cached_input_discount > one)
            throw PricingError(ctx.name() + ": cached_input_discount " +
                               model.cached_input_discount.to_string() + " is outside 0..1");
          TokenRates rates;
          rates.input = model.input;
          rates.output = model.output;
          rates.cache_read = model.input * (one - model.cached_input_discount);
          compiled.base_ = compile_rates(rates, ctx);
        } else if constexpr (std::is_same_v<T, TieredPricing>) {
          compiled.base_ = compile_rates(model.base, ctx);
          compiled.inclusive_ = model.inclusive_threshold;
          std::uint64_t previous = 0;
          for (std::size_t i = 0; i < model.tiers.size(); ++i) {
            const PriceTier& tier = model.tiers[i];
            if (i > 0 && tier.input_tokens_threshold <= previous)
              throw PricingError(ctx.name() + ": tier thresholds must ascend (" +
                                 std::to_string(tier.input_tokens_threshold) + " after " +
                                 std::to_string(previous) + ")");
            previous = tier.input_tokens_threshold;
            compiled.tiers_.push_back(
                {tier.input_tokens_threshold, compile_rates(tier.rates, ctx)});
          }
        } else {
          if (model.price_per_request.is_negative())
            throw PricingError(ctx.name() + ": price_per_request is negative");
          TokenRates overage;
          overage.input = model.overage_per_million;
          overage.output = model.overage_per_million;
          compiled.base_ = compile_rates(overage, ctx);
          compiled.per_request_ = true;
          compiled.request_fee_ = model.price_per_request;
          compiled.included_tokens_ = model.included_tokens;
        }
      },
      table.pricing);
  return compiled;
}

PricingTable reference_price(std::string_view model) {
  const auto d = [](const char* text) { return Decimal::parse(text); };
  const auto rates = [&](const char* in, const char* cache_read, const char* cache_write,
                         const char* out) {
    TokenRates r;
    r.input = d(in);
    r.output = d(out);
    if (cache_read) r.cache_read = d(cache_read);
    if (cache_write) r.cache_write = d(cache_write);
    return r;
  };
  PricingTable t;
  t.model = std::string(model);
  t.id = "reference-" + t.model;
  t.effective_from = parse_timestamp("2024-01-01T00:00:00Z");
  if (model == "gpt-4o") {
    t.provider = Provider::openai;
    t.pricing = PerTokenPricing{rates("2.5", "1.25", nullptr, "10")};
  } else if (model == "gpt-4o-mini") {
    t.provider = Provider::openai;
    t.pricing = PerTokenPricing{rates("0.15", "0.075", nullptr, "0.6")};
  } else if (model == "o1") {
    t.provider = Provider::openai;
    t.pricing = PerTokenPricing{rates("15", "7.5", nullptr, "60")};
  } else if (model == "azure/gpt-4o-mini") {
    t.provider = Provider::azure_openai;
    t.pricing = PerTokenPricing{rates("0.165", "0.075", nullptr, "0.66")};
  } else if (model == "claude-sonnet-4-5") {
    t.provider = Provider::anthropic;
    TieredPricing tiered{
        rates("3", "0.3", "3.75", "15"), {{200000, rates("6", "0.6", "7.5", "22.5")}}, false};
    t.pricing = tiered;
  } else if (model == "claude-3-5-haiku") {
    t.provider = Provider::anthropic;
    t.pricing = PerTokenPricing{rates("0.8", "0.08", "1", "4")};
  } else if (model == "claude-opus-4-1") {
    t.provider = Provider::anthropic;
    t.pricing = PerTokenPricing{rates("15", "1.5", "18.75", "75")};
  } else if (model == "gemini-2.5-pro") {
    t.provider = Provider::google_vertex_ai;
    TieredPricing tiered{rates("1.25", "0.125", nullptr, "10"),
                         {{200000, rates("2.5", "0.25", nullptr, "15")}},
                         false};
    t.pricing = tiered;
  } else if (model == "gemini-1.5-flash") {
    t.provider = Provider::google_vertex_ai;
    TieredPricing tiered{rates("0.075", "0.01875", nullptr, "0.3"),
                         {{128000, rates("0.15", "0.0375", nullptr, "0.6")}},
                         false};
    t.pricing = tiered;
  } else if (model == "us.anthropic.claude-sonnet-4-5") {
    t.provider = Provider::aws_bedrock;
    t.pricing = PerTokenPricing{rates("3.3", "0.33", "4.125", "16.5")};
  } else if (model == "gpt-4") {  // the original Rust cost-ops's cached-discount form
    t.provider = Provider::openai;
    t.pricing = CachedDiscountPricing{d("10"), d("30"), d("0.9")};
  } else if (model == "gpt-4-per-request") {
    t.provider = Provider::openai;
    t.pricing = PerRequestPricing{d("0.01"), 2000, d("5")};
  } else {
    throw PricingError("no reference price for model " + std::string(model));
  }
  return t;
}

}  // namespace costops::core
