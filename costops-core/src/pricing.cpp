#include "costops/core/pricing.hpp"

#include <algorithm>

#include "costops/core/price_list.hpp"

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
  const PriceList& prices = builtin_price_list();
  const CompiledPricing* found = nullptr;
  for (const CompiledPricing& period : prices.periods())
    if (period.table().model == model) found = &period;  // periods ascend: the latest wins
  if (found == nullptr)
    throw PricingError("no built-in price for model " + std::string(model) + " in " +
                       prices.source() + "; load a price list that has it (PriceList)");
  return found->table();
}

}  // namespace costops::core
