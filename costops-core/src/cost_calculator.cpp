#include "costops/core/cost_calculator.hpp"

namespace costops::core {

namespace {

using Units = Decimal::Units;
// -pedantic would flag the extension without __extension__.
__extension__ using NativeUnsigned128 = unsigned __int128;
__extension__ using Native128 = __int128;

// Boost builds its int128 from a signed native value faster than from an
// unsigned one; sums below 2^127 (all real ones) take that path.
Units to_units(NativeUnsigned128 value) {
  if (value >> 127) [[unlikely]]
    return Units(value);
  return Units(static_cast<Native128>(value));
}

[[noreturn]] void bucket_error(const char* what, std::uint64_t part, const char* whole_name,
                               std::uint64_t whole) {
  throw PricingError(std::string(what) + " (" + std::to_string(part) + ") exceed " + whole_name +
                     " (" + std::to_string(whole) + "); those tokens are counted inside " +
                     whole_name);
}

std::string table_name(const PricingTable& table) {
  return "pricing table " + (table.id.empty() ? std::string("(no id)") : table.id);
}

// `tokens_cost` plus the table's (non-negative) fee. Out of line: only
// per-request tables pay for it, and no try block sits on the hot path.
[[gnu::noinline]] NativeUnsigned128 add_request_fee(NativeUnsigned128 tokens_cost,
                                                    const TokenCounts& t,
                                                    const CompiledPricing& pricing) {
  const NativeUnsigned128 fee = static_cast<NativeUnsigned128>(pricing.request_fee().units());
  NativeUnsigned128 total;
  if (__builtin_add_overflow(tokens_cost, fee, &total))
    throw PricingOverflowError(table_name(pricing.table()) + ": the cost of " +
                               std::to_string(t.prompt) + " prompt and " +
                               std::to_string(t.completion) + " completion tokens, " +
                               Decimal::from_units(Units(tokens_cost)).to_string() + " + " +
                               pricing.request_fee().to_string() + ", lies outside the range ±" +
                               Decimal::max().to_string());
  return total;
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
  if (pricing.is_per_request()) {
    // Included tokens are consumed by input buckets first, then output.
    std::uint64_t included = pricing.included_tokens();
    for (std::uint64_t* bucket :
         {&uncached_input, &cache_read, &cache_write, &text_output, &reasoning}) {
      const std::uint64_t used = std::min(included, *bucket);
      *bucket -= used;
      included -= used;
    }
  }
  // The products and their sum in the compiler's native unsigned 128-bit
  // integer, the same exact values cpp_int would give, converted to Decimal
  // once per field, and the result built in place (no zero-fill first): this
  // is the per-record path. It cannot wrap, so it needs no checks: rates are
  // non-negative and below 2^63 (compile() ensures both), the input buckets
  // add up to at most the prompt count and the output buckets to at most the
  // completion count, so the sum is below (2^64 + 2^64) * 2^63 = 2^128.
  // (A signed 128-bit sum overflowed here for extreme counts.) Only the
  // per-request fee can then leave the range, and that addition is checked.
  const TokenUnitRates& r = pricing.rates_for(t.prompt);
  const auto rate = [](std::int64_t per_token) {
    return static_cast<NativeUnsigned128>(static_cast<std::uint64_t>(per_token));
  };
  const NativeUnsigned128 input = uncached_input * rate(r.input);
  const NativeUnsigned128 read = cache_read * rate(r.cache_read);
  const NativeUnsigned128 write = cache_write * rate(r.cache_write);
  const NativeUnsigned128 output = text_output * rate(r.output) + reasoning * rate(r.reasoning);
  NativeUnsigned128 total = input + read + write + output;
  if (pricing.is_per_request()) total = add_request_fee(total, t, pricing);
  return CostBreakdown{Decimal::from_units(to_units(input)),
                       Decimal::from_units(to_units(read)),
                       Decimal::from_units(to_units(write)),
                       Decimal::from_units(to_units(output)),
                       pricing.is_per_request() ? pricing.request_fee() : Decimal(),
                       Decimal::from_units(to_units(total))};
}

CostBreakdown calculate_cost(const UsageRecord& usage, const CompiledPricing& pricing) {
  const PricingTable& table = pricing.table();
  const bool same_provider =
      usage.provider == table.provider &&
      (usage.provider != Provider::custom || usage.custom_provider == table.custom_provider);
  if (!same_provider || usage.model != table.model)
    throw PricingError(table_name(table) + " is for " +
                       std::string(provider_key(table.provider, table.custom_provider)) + "/" +
                       table.model + ", but usage record " + usage.id + " is " +
                       provider_key(usage.provider, usage.custom_provider) + "/" + usage.model +
                       "; look up the table for the record's provider and model");
  if (!table.is_active_at(usage.timestamp))
    throw PricingPeriodError(
        table_name(table) + " is in effect from " + format_timestamp(table.effective_from) +
        (table.effective_to ? " to " + format_timestamp(*table.effective_to) : "") +
        ", but usage record " + usage.id + " is from " + format_timestamp(usage.timestamp) +
        "; price it with the table in effect at that time");
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
