// libFuzzer target for pricing tables read from JSON (price files and the
// pricing column of the SQLite store). Any input must end in a table or a
// JsonFieldError, a compiled table or a PricingError, and a price or a
// PricingError (an overflow is one), never a crash, hang or sanitizer
// report (UBSan catches a wrapped signed sum). A table must price the same
// after a round trip through its own JSON.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "costops/core/cost_calculator.hpp"
#include "costops/core/domain_json.hpp"

namespace {

using namespace costops::core;

// Ordinary, boundary and extreme requests (counts up to 2^64 - 1).
constexpr TokenCounts kRequests[] = {
    {1'000, 100, 0, 0, 0},
    {200'000, 50'000, 100'000, 50'000, 10'000},
    {UINT64_MAX, UINT64_MAX, UINT64_MAX / 2, UINT64_MAX / 4, UINT64_MAX},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  PricingTable table;
  try {
    table = pricing_table_from_json(parse_json_text(text, "fuzz.json"));
  } catch (const JsonFieldError&) {
    return 0;
  }
  try {
    const CompiledPricing pricing = CompiledPricing::compile(table);
    const std::string written = boost::json::serialize(pricing_table_to_json(table));
    const CompiledPricing again =
        CompiledPricing::compile(pricing_table_from_json(parse_json_text(written, "written")));
    for (const TokenCounts& request : kRequests) {
      try {
        const CostBreakdown cost = price_tokens(request, pricing);
        if (cost.total.is_negative() || !(price_tokens(request, again) == cost)) std::abort();
      } catch (const PricingError&) {
      }
    }
  } catch (const PricingError&) {
  }
  return 0;
}
