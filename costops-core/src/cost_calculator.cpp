#include "costops/core/cost_calculator.hpp"

namespace costops::core {

namespace {

using Units = Decimal::Units;

[[noreturn]] void bucket_error(const char* what, std::uint64_t part, const char* whole_name,
                               std::uint64_t whole) {
  throw PricingError(std::string(what) + " (" + std::to_string(part) + ") exceed " + whole_name +
                     " (" + std::to_string(whole) + "); those tokens are counted inside " +
                     whole_name);
}

}  // namespace

CostBreakdown price_tokens(const TokenCounts& t, const CompiledPricing& pricing) {
  const std::uint64_t cached = t.cache_read + t.cache_write;
  if (cached > t.prompt || cached < t.cache_read)
    bucket_error("cache-read plus cache-write tokens", cached, "prompt tokens", t.prompt);
  if (t.reasoning > t.completion)
    bucket_error("reasoning tokens", t.reasoning, "completion tokens", t.completion);

  std::uint64_t uncached_input = t.prompt - cached;
  std::uint64_t text_output = t.completion - t.reasoning;
  std::uint64_t cache_read = t.cache_read, cache_write = t.cache_write, reasoning = t.reasoning;
  CostBreakdown cost;
  if (pricing.is_per_request()) {
    // Included tokens are consumed by input buckets first, then output.
    std::uint64_t included = pricing.included_tokens();
    for (std::uint64_t* bucket :
         {&uncached_input, &cache_read, &cache_write, &text_output, &reasoning}) {
      const std::uint64_t used = std::min(included, *bucket);
      *bucket -= used;
      included -= used;
    }
    cost.request_fee = pricing.request_fee();
  }
  const TokenUnitRates& r = pricing.rates_for(t.prompt);
  cost.input = Decimal::from_units(Units(uncached_input) * r.input);
  cost.cache_read = Decimal::from_units(Units(cache_read) * r.cache_read);
  cost.cache_write = Decimal::from_units(Units(cache_write) * r.cache_write);
  cost.output = Decimal::from_units(Units(text_output) * r.output + Units(reasoning) * r.reasoning);
  cost.total = cost.input + cost.cache_read + cost.cache_write + cost.output + cost.request_fee;
  return cost;
}

CostBreakdown calculate_cost(const UsageRecord& usage, const CompiledPricing& pricing) {
  const PricingTable& table = pricing.table();
  const bool same_provider =
      usage.provider == table.provider &&
      (usage.provider != Provider::custom || usage.custom_provider == table.custom_provider);
  if (!same_provider || usage.model != table.model)
    throw PricingError("pricing table " + (table.id.empty() ? std::string("(no id)") : table.id) +
                       " is for " + std::string(provider_name(table.provider)) + "/" + table.model +
                       ", but usage record " + usage.id + " is " +
                       std::string(provider_name(usage.provider)) + "/" + usage.model +
                       "; look up the table for the record's provider and model");
  return price_tokens(usage.tokens, pricing);
}

CostRecord make_cost_record(const UsageRecord& usage, const CompiledPricing& pricing,
                            Timestamp calculated_at) {
  CostRecord record;
  record.cost = calculate_cost(usage, pricing);
  record.id = "cost-" + usage.id;
  record.usage_id = usage.id;
  record.timestamp = usage.timestamp;
  record.provider = usage.provider;
  record.custom_provider = usage.custom_provider;
  record.model = usage.model;
  record.organization_id = usage.organization_id;
  record.project_id = usage.project_id;
  record.currency = pricing.table().currency;
  record.input_tokens = usage.tokens.prompt;
  record.output_tokens = usage.tokens.completion;
  record.pricing_table_id = pricing.table().id;
  record.calculated_at = calculated_at;
  return record;
}

}  // namespace costops::core
