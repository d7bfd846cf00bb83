#include "costops/core/domain_json.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

namespace costops::core {

namespace json = boost::json;

namespace {

[[noreturn]] void field_error(std::string_view field, const std::string& what) {
  throw JsonFieldError("field \"" + std::string(field) + "\": " + what);
}

const json::object& as_object(const json::value& v, std::string_view what) {
  if (!v.is_object()) field_error(what, "expected a JSON object");
  return v.get_object();
}

const json::value* find(const json::object& o, std::string_view key) {
  return o.if_contains(key);
}

const json::value& require(const json::object& o, std::string_view key) {
  const json::value* v = find(o, key);
  if (v == nullptr || v->is_null()) field_error(key, "is required");
  return *v;
}

std::string get_string(const json::object& o, std::string_view key, bool required = false) {
  const json::value* v = find(o, key);
  if (v == nullptr || v->is_null()) {
    if (required) field_error(key, "is required");
    return {};
  }
  if (!v->is_string()) field_error(key, "expected a string");
  return std::string(v->get_string());
}

std::uint64_t to_count(const json::value& v, std::string_view key) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64()) {
    if (v.get_int64() < 0)
      field_error(key, "must not be negative (" + std::to_string(v.get_int64()) + ")");
    return static_cast<std::uint64_t>(v.get_int64());
  }
  field_error(key, "expected a non-negative integer");
}

std::uint64_t get_count(const json::object& o, std::string_view key, bool required = false) {
  const json::value* v = find(o, key);
  if (v == nullptr || v->is_null()) {
    if (required) field_error(key, "is required");
    return 0;
  }
  return to_count(*v, key);
}

std::optional<std::uint64_t> get_optional_count(const json::object& o, std::string_view key) {
  const json::value* v = find(o, key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return to_count(*v, key);
}

Timestamp get_timestamp(const json::object& o, std::string_view key) {
  const std::string text = get_string(o, key, true);
  try {
    return parse_timestamp(text);
  } catch (const TimestampError& e) {
    field_error(key, e.what());
  }
}

Decimal get_decimal(const json::object& o, std::string_view key) {
  return decimal_from_json(require(o, key), key);
}

std::optional<Decimal> get_optional_decimal(const json::object& o, std::string_view key) {
  const json::value* v = find(o, key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return decimal_from_json(*v, key);
}

Provider read_provider(const json::object& o, std::string& custom) {
  return parse_provider_key(get_string(o, "provider", true), custom);
}

Currency read_currency(const json::object& o) {
  const std::string code = get_string(o, "currency");
  if (code.empty()) return Currency{};
  try {
    return Currency::from_code(code);
  } catch (const std::invalid_argument& e) {
    field_error("currency", e.what());
  }
}

json::object rates_to_json(const TokenRates& r) {
  json::object o{{"input_per_million", decimal_to_json(r.input)},
                 {"output_per_million", decimal_to_json(r.output)}};
  if (r.cache_read) o["cache_read_per_million"] = decimal_to_json(*r.cache_read);
  if (r.cache_write) o["cache_write_per_million"] = decimal_to_json(*r.cache_write);
  if (r.reasoning) o["reasoning_per_million"] = decimal_to_json(*r.reasoning);
  return o;
}

TokenRates rates_from_json(const json::object& o) {
  TokenRates r;
  r.input = get_decimal(o, "input_per_million");
  r.output = get_decimal(o, "output_per_million");
  r.cache_read = get_optional_decimal(o, "cache_read_per_million");
  r.cache_write = get_optional_decimal(o, "cache_write_per_million");
  r.reasoning = get_optional_decimal(o, "reasoning_per_million");
  return r;
}

json::object breakdown_to_json(const CostBreakdown& c) {
  return {{"input", decimal_to_json(c.input)},
          {"cache_read", decimal_to_json(c.cache_read)},
          {"cache_write", decimal_to_json(c.cache_write)},
          {"output", decimal_to_json(c.output)},
          {"request_fee", decimal_to_json(c.request_fee)},
          {"total", decimal_to_json(c.total)}};
}

}  // namespace

json::value decimal_to_json(const Decimal& value) {
  return json::string(value.to_string());
}

Decimal decimal_from_json(const json::value& v, std::string_view field) {
  try {
    if (v.is_string()) return Decimal::parse(v.get_string());
    if (v.is_int64()) return Decimal::from_integer(v.get_int64());
    if (v.is_uint64()) return Decimal::parse(std::to_string(v.get_uint64()));
    if (v.is_double()) {
      const double d = v.get_double();
      if (!std::isfinite(d)) field_error(field, "is not a finite number");
      char text[64];
      const auto [end, ec] = std::to_chars(text, text + sizeof text, d, std::chars_format::fixed);
      if (ec != std::errc()) field_error(field, "cannot be read as a decimal");
      return Decimal::parse(std::string_view(text, static_cast<std::size_t>(end - text)));
    }
  } catch (const DecimalError& e) {
    field_error(field, e.what());
  }
  field_error(field, "expected a decimal number or a string such as \"0.0025\"");
}

namespace {

// Boost.JSON reads a literal such as 1e999 as infinity, which JSON cannot
// write back: such a value is refused where it is read.
bool all_numbers_finite(const json::value& value) {
  if (value.is_double()) return std::isfinite(value.get_double());
  if (value.is_array()) {
    for (const json::value& item : value.get_array())
      if (!all_numbers_finite(item)) return false;
  } else if (value.is_object()) {
    for (const auto& member : value.get_object())
      if (!all_numbers_finite(member.value())) return false;
  }
  return true;
}

}  // namespace

json::value parse_json_text(std::string_view text, std::string_view source) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) throw JsonFieldError(std::string(source) + ": not valid JSON: " + ec.message());
  return v;
}

UsageRecord usage_from_json(const json::value& value) {
  const json::object& o = as_object(value, "usage record");
  UsageRecord r;
  r.id = get_string(o, "id", true);
  try {
    r.timestamp = get_timestamp(o, "timestamp");
    r.provider = read_provider(o, r.custom_provider);
    const json::value& model = require(o, "model");
    if (model.is_string())
      r.model = std::string(model.get_string());
    else if (model.is_object())
      r.model = get_string(model.get_object(), "name", true);
    else
      field_error("model", "expected a string or {\"name\": ...}");
    r.organization_id = get_string(o, "organization_id", true);
    r.project_id = get_string(o, "project_id");
    r.user_id = get_string(o, "user_id");
    r.tokens.prompt = get_count(o, "prompt_tokens", true);
    r.tokens.completion = get_count(o, "completion_tokens", true);
    if (o.contains("total_tokens")) {
      r.total_tokens = get_count(o, "total_tokens");
    } else if (__builtin_add_overflow(r.tokens.prompt, r.tokens.completion, &r.total_tokens)) {
      field_error("total_tokens", "is missing, and prompt_tokens + completion_tokens (" +
                                      std::to_string(r.tokens.prompt) + " + " +
                                      std::to_string(r.tokens.completion) +
                                      ") exceeds 18446744073709551615");
    }
    r.tokens.cache_read = o.contains("cache_read_tokens") ? get_count(o, "cache_read_tokens")
                                                          : get_count(o, "cached_tokens");
    r.tokens.cache_write = get_count(o, "cache_write_tokens");
    r.tokens.reasoning = get_count(o, "reasoning_tokens");
    r.latency_ms = get_optional_count(o, "latency_ms");
    r.time_to_first_token_ms = get_optional_count(o, "time_to_first_token_ms");
    if (const json::value* tags = find(o, "tags"); tags && !tags->is_null()) {
      if (!tags->is_array()) field_error("tags", "expected an array of strings");
      for (const json::value& tag : tags->get_array()) {
        if (!tag.is_string()) field_error("tags", "expected an array of strings");
        r.tags.emplace_back(tag.get_string());
      }
    }
    if (const json::value* metadata = find(o, "metadata"); metadata && !metadata->is_null()) {
      if (!metadata->is_object()) field_error("metadata", "expected an object");
      if (!all_numbers_finite(*metadata))
        field_error("metadata",
                    "holds a number too large for a double (it could not be written back)");
      r.metadata = metadata->get_object();
    }
  } catch (const JsonFieldError& e) {
    throw JsonFieldError("usage record " + r.id + ": " + e.what());
  }
  return r;
}

json::object usage_to_json(const UsageRecord& r) {
  json::array tags;
  for (const auto& t : r.tags) tags.emplace_back(t);
  json::object o{{"id", r.id},
                 {"timestamp", format_timestamp(r.timestamp)},
                 {"provider", provider_key(r.provider, r.custom_provider)},
                 {"model", r.model},
                 {"organization_id", r.organization_id},
                 {"prompt_tokens", r.tokens.prompt},
                 {"completion_tokens", r.tokens.completion},
                 {"total_tokens", r.total_tokens},
                 {"cache_read_tokens", r.tokens.cache_read},
                 {"cache_write_tokens", r.tokens.cache_write},
                 {"reasoning_tokens", r.tokens.reasoning},
                 {"tags", std::move(tags)},
                 {"metadata", r.metadata}};
  if (!r.project_id.empty()) o["project_id"] = r.project_id;
  if (!r.user_id.empty()) o["user_id"] = r.user_id;
  if (r.latency_ms) o["latency_ms"] = *r.latency_ms;
  if (r.time_to_first_token_ms) o["time_to_first_token_ms"] = *r.time_to_first_token_ms;
  return o;
}

json::object pricing_model_to_json(const PricingModel& pricing) {
  return std::visit(
      [](const auto& m) -> json::object {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, PerTokenPricing>) {
          json::object o = rates_to_json(m.rates);
          o["type"] = "per_token";
          return o;
        } else if constexpr (std::is_same_v<T, CachedDiscountPricing>) {
          return {{"type", "per_token"},
                  {"input_per_million", decimal_to_json(m.input)},
                  {"output_per_million", decimal_to_json(m.output)},
                  {"cached_input_discount", decimal_to_json(m.cached_input_discount)}};
        } else if constexpr (std::is_same_v<T, TieredPricing>) {
          json::array tiers;
          for (const auto& tier : m.tiers) {
            json::object t = rates_to_json(tier.rates);
            t["input_tokens_threshold"] = tier.input_tokens_threshold;
            tiers.push_back(std::move(t));
          }
          return {{"type", "tiered"},
                  {"base", rates_to_json(m.base)},
                  {"tiers", std::move(tiers)},
                  {"threshold", m.inclusive_threshold ? "inclusive" : "exclusive"}};
        } else {
          return {{"type", "per_request"},
                  {"price_per_request", decimal_to_json(m.price_per_request)},
                  {"included_tokens", m.included_tokens},
                  {"overage_per_million", decimal_to_json(m.overage_per_million)}};
        }
      },
      pricing);
}

PricingModel pricing_model_from_json(const json::value& value) {
  const json::object& o = as_object(value, "pricing");
  const std::string type = get_string(o, "type", true);
  if (type == "per_token") {
    if (o.contains("cached_input_discount"))
      return CachedDiscountPricing{get_decimal(o, "input_per_million"),
                                   get_decimal(o, "output_per_million"),
                                   get_decimal(o, "cached_input_discount")};
    return PerTokenPricing{rates_from_json(o)};
  }
  if (type == "tiered") {
    TieredPricing t;
    t.base = rates_from_json(as_object(require(o, "base"), "base"));
    const json::value& tiers = require(o, "tiers");
    if (!tiers.is_array()) field_error("tiers", "expected an array");
    for (const json::value& tier : tiers.get_array()) {
      const json::object& to = as_object(tier, "tiers[]");
      t.tiers.push_back({get_count(to, "input_tokens_threshold", true), rates_from_json(to)});
    }
    const std::string threshold = get_string(o, "threshold");
    if (!threshold.empty() && threshold != "inclusive" && threshold != "exclusive")
      field_error("threshold",
                  "expected \"inclusive\" or \"exclusive\", not \"" + threshold + "\"");
    t.inclusive_threshold = threshold == "inclusive";
    return t;
  }
  if (type == "per_request")
    return PerRequestPricing{get_decimal(o, "price_per_request"), get_count(o, "included_tokens"),
                             get_decimal(o, "overage_per_million")};
  field_error("type",
              "unknown pricing type \"" + type + "\"; expected per_token, tiered or per_request");
}

PricingTable pricing_table_from_json(const json::value& value) {
  const json::object& o = as_object(value, "pricing table");
  PricingTable t;
  t.id = get_string(o, "id", true);
  try {
    t.provider = read_provider(o, t.custom_provider);
    t.model = get_string(o, "model", true);
    t.currency = read_currency(o);
    t.effective_from = get_timestamp(o, "effective_from");
    if (const json::value* to = find(o, "effective_to"); to && !to->is_null())
      t.effective_to = get_timestamp(o, "effective_to");
    t.region = get_string(o, "region");
    t.pricing = pricing_model_from_json(require(o, "pricing"));
  } catch (const JsonFieldError& e) {
    throw JsonFieldError("pricing table " + t.id + ": " + e.what());
  }
  return t;
}

json::object pricing_table_to_json(const PricingTable& t) {
  json::object o{{"id", t.id},
                 {"provider", provider_key(t.provider, t.custom_provider)},
                 {"model", t.model},
                 {"currency", std::string(t.currency.code())},
                 {"effective_from", format_timestamp(t.effective_from)},
                 {"pricing", pricing_model_to_json(t.pricing)}};
  if (t.effective_to) o["effective_to"] = format_timestamp(*t.effective_to);
  if (!t.region.empty()) o["region"] = t.region;
  return o;
}

json::object cost_record_to_json(const CostRecord& r) {
  json::object o{{"id", r.id},
                 {"usage_id", r.usage_id},
                 {"timestamp", format_timestamp(r.timestamp)},
                 {"provider", provider_key(r.provider, r.custom_provider)},
                 {"model", r.model},
                 {"organization_id", r.organization_id},
                 {"currency", std::string(r.currency.code())},
                 {"cost", breakdown_to_json(r.cost)},
                 {"input_tokens", r.input_tokens},
                 {"output_tokens", r.output_tokens},
                 {"pricing_table_id", r.pricing_table_id},
                 {"calculated_at", format_timestamp(r.calculated_at)}};
  if (!r.project_id.empty()) o["project_id"] = r.project_id;
  return o;
}

CostRecord cost_record_from_json(const json::value& value) {
  const json::object& o = as_object(value, "cost record");
  CostRecord r;
  r.id = get_string(o, "id", true);
  try {
    r.usage_id = get_string(o, "usage_id");
    r.timestamp = get_timestamp(o, "timestamp");
    r.provider = read_provider(o, r.custom_provider);
    r.model = get_string(o, "model", true);
    r.organization_id = get_string(o, "organization_id", true);
    r.project_id = get_string(o, "project_id");
    r.currency = read_currency(o);
    const json::object& cost = as_object(require(o, "cost"), "cost");
    r.cost = {get_decimal(cost, "input"),       get_decimal(cost, "cache_read"),
              get_decimal(cost, "cache_write"), get_decimal(cost, "output"),
              get_decimal(cost, "request_fee"), get_decimal(cost, "total")};
    if (const auto sum = sum_of_components(r.cost); !sum || *sum != r.cost.total)
      field_error("cost.total", r.cost.total.to_string() + " is not the sum of the components (" +
                                    (sum ? sum->to_string() : "beyond the range of Decimal") + ")");
    r.input_tokens = get_count(o, "input_tokens");
    r.output_tokens = get_count(o, "output_tokens");
    r.pricing_table_id = get_string(o, "pricing_table_id");
    if (o.contains("calculated_at")) r.calculated_at = get_timestamp(o, "calculated_at");
  } catch (const JsonFieldError& e) {
    throw JsonFieldError("cost record " + r.id + ": " + e.what());
  }
  return r;
}

}  // namespace costops::core
