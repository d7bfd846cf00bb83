#include "costops/core/domain.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace costops::core {

namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string_view provider_name(Provider provider) {
  static constexpr std::array<std::string_view, kProviderCount> names = {
      "openai", "anthropic", "google", "azure", "aws", "cohere", "mistral", "custom"};
  return names[static_cast<std::size_t>(provider)];
}

Provider parse_provider(std::string_view text) {
  const std::string name = lowercase(text);
  if (name == "openai") return Provider::openai;
  if (name == "anthropic") return Provider::anthropic;
  if (name == "google" || name == "vertex" || name == "googlevertexai" ||
      name == "google_vertex_ai" || name == "vertex_ai" || name == "gemini")
    return Provider::google_vertex_ai;
  if (name == "azure" || name == "azureopenai" || name == "azure_openai")
    return Provider::azure_openai;
  if (name == "aws" || name == "bedrock" || name == "awsbedrock" || name == "aws_bedrock")
    return Provider::aws_bedrock;
  if (name == "cohere") return Provider::cohere;
  if (name == "mistral") return Provider::mistral;
  return Provider::custom;
}

namespace {
constexpr std::string_view kCustomPrefix = "custom:";
}  // namespace

std::string provider_key(Provider provider, std::string_view custom_name) {
  if (provider != Provider::custom) return std::string(provider_name(provider));
  if (parse_provider(custom_name) != Provider::custom || custom_name.starts_with(kCustomPrefix))
    return std::string(kCustomPrefix) + std::string(custom_name);
  return std::string(custom_name);
}

Provider parse_provider_key(std::string_view key, std::string& custom_name) {
  custom_name.clear();
  if (key.starts_with(kCustomPrefix)) {
    custom_name = key.substr(kCustomPrefix.size());
    return Provider::custom;
  }
  const Provider provider = parse_provider(key);
  if (provider == Provider::custom) custom_name = key;
  return provider;
}

std::optional<Decimal> sum_of_components(const CostBreakdown& cost) noexcept {
  try {
    return cost.input + cost.cache_read + cost.cache_write + cost.output + cost.request_fee;
  } catch (const DecimalOverflowError&) {
    return std::nullopt;
  }
}

Currency Currency::from_code(std::string_view code) {
  if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) {
        return std::isalpha(static_cast<unsigned char>(c));
      }))
    throw std::invalid_argument("invalid currency code \"" + std::string(code.substr(0, 16)) +
                                "\": expected three letters such as USD or EUR");
  Currency c;
  for (std::size_t i = 0; i < 3; ++i)
    c.code_[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(code[i])));
  return c;
}

}  // namespace costops::core
