// Prices with a history: for each provider and model, dated periods, each
// a pricing table in effect from `effective_from` (inclusive) until
// `effective_until` (exclusive; none = still in effect). A price list is a
// versioned JSON file (schemas/prices.schema.json); the library carries its
// own built-in list, embedded at build time from costops-core/data/prices.json,
// so it needs no file on disk. Users load their own list the same way:
//
//   const PriceList prices = PriceList::from_file("our-contract-prices.json");
//   const CostBreakdown cost = calculate_cost(usage, prices);  // the record's date
//
// A record is priced with the period in effect at its own timestamp, never
// with today's price; a record no period covers is refused.
#pragma once

#include <boost/json/value.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "costops/core/pricing.hpp"

namespace costops::core {

class PriceList {
 public:
  // Reads a price list (see schemas/prices.schema.json). Throws PricingError
  // naming `source` (a file name), the model, the period and the value when
  // anything is malformed, a rate cannot be held exactly, or two periods of
  // one model overlap. Nothing of a bad list is kept.
  static PriceList from_json(const boost::json::value& json, std::string_view source);
  // Reads and parses the file; errors name it.
  static PriceList from_file(const std::filesystem::path& path);

  // The list's own version ("2026-12-02.1") and where it came from.
  const std::string& version() const { return version_; }
  const std::string& source() const { return source_; }

  // Every period of every model as a pricing table, in file order. Each
  // table's id is "<source version>:<provider>/<model>@<effective_from>".
  const std::vector<CompiledPricing>& periods() const { return periods_; }

  // The period in effect for provider/model at `at`, or nullptr.
  const CompiledPricing* find(Provider provider, std::string_view custom_provider,
                              std::string_view model, Timestamp at) const;
  // The latest period of provider/model (whatever its dates), or nullptr.
  const CompiledPricing* latest(Provider provider, std::string_view custom_provider,
                                std::string_view model) const;

 private:
  std::string version_;
  std::string source_;
  std::vector<CompiledPricing> periods_;
};

// The built-in list (costops-core/data/prices.json, embedded at build time).
const PriceList& builtin_price_list();

// Prices `usage` with the period of `prices` in effect at usage.timestamp.
// Throws PricingPeriodError when the list has the model but no period covers
// that time (naming the periods it has), PricingError when it does not have
// the model at all.
CostBreakdown calculate_cost(const UsageRecord& usage, const PriceList& prices);

}  // namespace costops::core
