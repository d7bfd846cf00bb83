// Pricing tables for the tests: the built-in prices of real models, and two
// table shapes no real model in the built-in list has (the original Rust
// cost-ops's example, gpt-4 at $10 / $30 with 90% off cached input, which is
// not gpt-4's list price; and a per-request fee with included tokens).
#pragma once

#include <string>
#include <string_view>

#include "costops/core/pricing.hpp"

namespace costops::core::testing {

inline PricingTable example_table(std::string_view model) {
  PricingTable t;
  t.model = std::string(model);
  t.id = "example-" + t.model;
  if (model == "rust-cost-ops-gpt-4-example")
    t.pricing =
        CachedDiscountPricing{Decimal::parse("10"), Decimal::parse("30"), Decimal::parse("0.9")};
  else if (model == "per-request-example")
    t.pricing = PerRequestPricing{Decimal::parse("0.01"), 2000, Decimal::parse("5")};
  else
    return reference_price(model);
  return t;
}

}  // namespace costops::core::testing
