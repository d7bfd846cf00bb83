// JSON in and out for the domain types (Boost.JSON, snake_case keys).
// Decimals are written as JSON strings ("0.0035"), which every reader keeps
// exact. They are read from strings, or from numbers through the number's
// shortest round-trip spelling: that recovers the digits as written for up
// to 15 significant digits; use strings for more. Errors name the field.
#pragma once

#include <boost/json/value.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "costops/core/domain.hpp"
#include "costops/core/pricing.hpp"

namespace costops::core {

class JsonFieldError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Accepts the original Rust cost-ops's keys too: cached_tokens (= cache_read_tokens),
// organizationId-style camelCase is NOT accepted (the original Rust cost-ops's own
// example files are snake_case). `model` may be a string or {"name": ...}.
UsageRecord usage_from_json(const boost::json::value& json);
boost::json::object usage_to_json(const UsageRecord& record);

// Pricing tables: {"id", "provider", "model", "currency", "effective_from",
// "effective_to"?, "pricing": {"type": "per_token" | "tiered" | "per_request", ...}}.
PricingTable pricing_table_from_json(const boost::json::value& json);
boost::json::object pricing_table_to_json(const PricingTable& table);
boost::json::object pricing_model_to_json(const PricingModel& pricing);
PricingModel pricing_model_from_json(const boost::json::value& json);

boost::json::object cost_record_to_json(const CostRecord& record);
CostRecord cost_record_from_json(const boost::json::value& json);

// Parses text, naming `source` (a file name) in the error.
boost::json::value parse_json_text(std::string_view text, std::string_view source);

// A Decimal as a JSON string, and back (see the note at the top).
boost::json::value decimal_to_json(const Decimal& value);
Decimal decimal_from_json(const boost::json::value& value, std::string_view field);

}  // namespace costops::core
