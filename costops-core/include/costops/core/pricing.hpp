// Pricing tables (USD or another currency per 1,000,000 tokens) and their
// compiled form, which prices a record with a few integer operations.
//
// Models:
//  - per_token: separate input, cache-read, cache-write, output and optional
//    reasoning rates. A missing cache rate falls back to the input rate and a
//    missing reasoning rate to the output rate (genai-prices' rule).
//  - per_token with cached_input_discount: the original Rust cost-ops's form; the
//    cache-read rate is input × (1 − discount).
//  - tiered: a base set of rates and thresholds; the tier is chosen by the
//    request's total input tokens (cache included) and applies to ALL tokens
//    of the request ("cliff" pricing, as Anthropic, Google, genai-prices and
//    LiteLLM do). Thresholds are exclusive (input > threshold) by default.
//  - per_request: a fee per request with included tokens, and an overage rate
//    for tokens beyond them. Included tokens are used by input first.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "costops/core/domain.hpp"

namespace costops::core {

class PricingError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A cost whose exact value lies beyond Decimal::max(). Names the table and
// the token counts.
class PricingOverflowError : public PricingError {
 public:
  using PricingError::PricingError;
};

// A usage record priced with a table that was not in effect at the record's
// time (before effective_from or after effective_to). Names both.
class PricingPeriodError : public PricingError {
 public:
  using PricingError::PricingError;
};

struct TokenRates {  // per 1,000,000 tokens
  Decimal input;
  Decimal output;
  std::optional<Decimal> cache_read;
  std::optional<Decimal> cache_write;
  std::optional<Decimal> reasoning;
};

struct PerTokenPricing {
  TokenRates rates;
};

struct CachedDiscountPricing {
  Decimal input;
  Decimal output;
  Decimal cached_input_discount;  // 0..1: cached tokens cost input × (1 − discount)
};

struct PriceTier {
  std::uint64_t input_tokens_threshold = 0;
  TokenRates rates;
};

struct TieredPricing {
  TokenRates base;
  std::vector<PriceTier> tiers;      // ascending thresholds
  bool inclusive_threshold = false;  // true: a tier applies from input >= threshold
};

struct PerRequestPricing {
  Decimal price_per_request;
  std::uint64_t included_tokens = 0;
  Decimal overage_per_million;
};

using PricingModel =
    std::variant<PerTokenPricing, CachedDiscountPricing, TieredPricing, PerRequestPricing>;

struct PricingTable {
  std::string id;
  Provider provider = Provider::openai;
  std::string custom_provider;
  std::string model;
  Currency currency;
  Timestamp effective_from{};
  std::optional<Timestamp> effective_to;  // inclusive; none = open-ended
  std::string region;
  PricingModel pricing = PerTokenPricing{};

  bool is_active_at(Timestamp t) const {
    return t >= effective_from && (!effective_to || t <= *effective_to);
  }
};

// Rates per single token in units of 10^-18 (exact for per-million rates
// with up to 12 decimals).
struct TokenUnitRates {
  std::int64_t input = 0;
  std::int64_t cache_read = 0;
  std::int64_t cache_write = 0;
  std::int64_t output = 0;
  std::int64_t reasoning = 0;
};

class CompiledPricing {
 public:
  // Validates the table (non-negative rates, at most 12 decimals per million,
  // ascending tiers, discount within 0..1) and precomputes per-token rates.
  // Throws PricingError naming the table and the value.
  static CompiledPricing compile(const PricingTable& table);

  const PricingTable& table() const { return table_; }

  // The rates that apply to a request with this many input tokens.
  const TokenUnitRates& rates_for(std::uint64_t input_tokens) const {
    const TokenUnitRates* chosen = &base_;
    for (const Tier& tier : tiers_) {
      if (input_tokens > tier.threshold || (inclusive_ && input_tokens == tier.threshold))
        chosen = &tier.rates;
      else
        break;
    }
    return *chosen;
  }
  bool is_per_request() const { return per_request_; }
  const Decimal& request_fee() const { return request_fee_; }
  std::uint64_t included_tokens() const { return included_tokens_; }

 private:
  struct Tier {
    std::uint64_t threshold;
    TokenUnitRates rates;
  };
  PricingTable table_;
  TokenUnitRates base_;
  std::vector<Tier> tiers_;
  bool inclusive_ = false;
  bool per_request_ = false;
  Decimal request_fee_;
  std::uint64_t included_tokens_ = 0;
};

// The latest built-in price of `model` (USD per 1M tokens), from the
// built-in price list (see price_list.hpp: builtin_price_list(), which has
// every dated period). Used by tests and benchmarks. To price a usage record
// at its own date, use calculate_cost(usage, builtin_price_list()) instead.
// Throws PricingError for a model the list does not have.
PricingTable reference_price(std::string_view model);

}  // namespace costops::core
