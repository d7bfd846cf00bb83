// The cost domain: providers, currencies, usage records and cost records.
//
// Token buckets follow genai-prices and LiteLLM (not the original Rust cost-ops):
// prompt_tokens INCLUDES cache-read and cache-write tokens, and
// completion_tokens INCLUDES reasoning tokens. Each bucket is priced once.
#pragma once

#include <array>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costops/core/decimal.hpp"
#include "costops/core/timestamp.hpp"

namespace costops::core {

enum class Provider : std::uint8_t {
  openai,
  anthropic,
  google_vertex_ai,
  azure_openai,
  aws_bedrock,
  cohere,
  mistral,
  custom,  // the name lives next to it (custom_provider)
};
inline constexpr std::size_t kProviderCount = 8;

// "openai", "anthropic", "google", "azure", "aws", "cohere", "mistral", "custom".
std::string_view provider_name(Provider provider);
// Case-insensitive, with aliases (vertex, googlevertexai, bedrock, azureopenai,
// ...). Anything else is `custom`.
Provider parse_provider(std::string_view text);

// A provider's identity as one string, the same in JSON, in SQLite and in
// aggregation keys: the built-in name ("openai"), or a custom provider's own
// name ("acme"). A custom name that would read back as something else (a
// built-in name or alias in any case, such as "Gemini" or "openai", or a name
// starting with "custom:") gets "custom:" in front: "custom:Gemini".
std::string provider_key(Provider provider, std::string_view custom_name);
// The inverse of provider_key: "custom:NAME" is the custom provider NAME;
// other text is read by parse_provider, and when that gives `custom` the
// text itself is the name. Sets `custom_name` ("" for built-ins).
Provider parse_provider_key(std::string_view key, std::string& custom_name);

// ISO 4217 code, three uppercase letters. Compared as a value.
class Currency {
 public:
  constexpr Currency() : code_{'U', 'S', 'D'} {}
  // Throws std::invalid_argument unless `code` is three ASCII letters.
  static Currency from_code(std::string_view code);
  std::string_view code() const { return {code_.data(), code_.size()}; }
  friend bool operator==(const Currency&, const Currency&) = default;

 private:
  std::array<char, 3> code_;
};

struct TokenCounts {
  std::uint64_t prompt = 0;       // all input tokens, cache reads and writes included
  std::uint64_t completion = 0;   // all output tokens, reasoning included
  std::uint64_t cache_read = 0;   // subset of prompt
  std::uint64_t cache_write = 0;  // subset of prompt
  std::uint64_t reasoning = 0;    // subset of completion
};

struct UsageRecord {
  std::string id;
  Timestamp timestamp{};
  Provider provider = Provider::openai;
  std::string custom_provider;  // when provider == custom
  std::string model;
  std::string organization_id;
  std::string project_id;  // "" when none
  std::string user_id;     // "" when none
  TokenCounts tokens;
  std::uint64_t total_tokens = 0;  // as reported; must equal prompt + completion
  std::optional<std::uint64_t> latency_ms;
  std::optional<std::uint64_t> time_to_first_token_ms;
  std::vector<std::string> tags;
  boost::json::object metadata;
};

// Every component of a cost, exact. total is the sum of the others.
struct CostBreakdown {
  Decimal input;        // uncached input tokens
  Decimal cache_read;   // cache-read tokens
  Decimal cache_write;  // cache-write tokens
  Decimal output;       // completion tokens, reasoning included
  Decimal request_fee;  // per-request fee
  Decimal total;
  friend bool operator==(const CostBreakdown&, const CostBreakdown&) = default;
};

// input + cache_read + cache_write + output + request_fee, exactly; none
// when that sum lies beyond ±Decimal::max(). Every reader of a stored cost
// (JSON and SQLite alike) refuses a total that is not this sum.
std::optional<Decimal> sum_of_components(const CostBreakdown& cost) noexcept;

struct CostRecord {
  std::string id;
  std::string usage_id;
  Timestamp timestamp{};  // when the usage happened (not when it was priced)
  Provider provider = Provider::openai;
  std::string custom_provider;
  std::string model;
  std::string organization_id;
  std::string project_id;
  Currency currency;
  CostBreakdown cost;
  std::uint64_t input_tokens = 0;
  std::uint64_t output_tokens = 0;
  std::string pricing_table_id;
  Timestamp calculated_at{};
};

}  // namespace costops::core
