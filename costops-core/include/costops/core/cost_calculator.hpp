// Prices usage exactly. The per-record path (price_tokens) is a handful of
// 128-bit integer multiply-adds: no allocation, no strings, no rounding.
#pragma once

#include "costops/core/domain.hpp"
#include "costops/core/pricing.hpp"

namespace costops::core {

// Prices token counts with compiled rates. Throws PricingError when the
// cache or reasoning buckets exceed the bucket that contains them.
CostBreakdown price_tokens(const TokenCounts& tokens, const CompiledPricing& pricing);

// Prices a usage record: checks that the table is for the record's provider
// and model (PricingError otherwise) and was in effect at the record's
// timestamp (PricingPeriodError otherwise: a 2023 record is never priced
// with a table valid from 2024; look the table up by the record's time, e.g.
// PricingRepository::active_for), then price_tokens. price_tokens itself
// takes no time and checks no dates.
CostBreakdown calculate_cost(const UsageRecord& usage, const CompiledPricing& pricing);

// A full cost record for storage and aggregation.
CostRecord make_cost_record(const UsageRecord& usage, const CompiledPricing& pricing,
                            Timestamp calculated_at);

}  // namespace costops::core
