#include "costops/core/price_list.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "costops/core/cost_calculator.hpp"
#include "costops/core/domain_json.hpp"

namespace costops::core {

namespace json = boost::json;

// Generated at build time from costops-core/data/prices.json
// (cmake/EmbedPriceList.cmake).
extern const std::string_view kBuiltinPriceListJson;

namespace {

constexpr std::int64_t kFormatVersion = 1;

class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  [[noreturn]] void fail(const std::string& where, const std::string& why) const {
    throw PricingError("price list " + source_ + (where.empty() ? "" : ", " + where) + ": " + why);
  }
  const json::object& object(const json::value& v, const std::string& where) const {
    if (!v.is_object()) fail(where, "expected a JSON object");
    return v.get_object();
  }
  const json::value& member(const json::object& o, std::string_view key,
                            const std::string& where) const {
    const json::value* v = o.if_contains(key);
    if (!v) fail(where, "\"" + std::string(key) + "\" is missing");
    return *v;
  }
  std::string text(const json::object& o, std::string_view key, const std::string& where) const {
    const json::value& v = member(o, key, where);
    if (!v.is_string() || v.get_string().empty())
      fail(where, "\"" + std::string(key) + "\" must be a non-empty string");
    return std::string(v.get_string());
  }
  Timestamp time(const json::object& o, std::string_view key, const std::string& where) const {
    const std::string value = text(o, key, where);
    try {
      return parse_timestamp(value);
    } catch (const TimestampError& e) {
      fail(where, "\"" + std::string(key) + "\": " + e.what());
    }
  }
  // Keys outside `allowed` are refused: a misspelt "effective_to" would
  // otherwise leave a period open-ended without a word.
  void only(const json::object& o, std::initializer_list<std::string_view> allowed,
            const std::string& where) const {
    for (const auto& [key, value] : o) {
      bool known = false;
      for (std::string_view a : allowed) known = known || key == a;
      if (!known) fail(where, "unknown key \"" + std::string(key) + "\"");
    }
  }

 private:
  std::string source_;
};

std::string model_key(Provider provider, std::string_view custom_provider, std::string_view model) {
  return provider_key(provider, custom_provider) + "/" + std::string(model);
}

}  // namespace

PriceList PriceList::from_json(const json::value& value, std::string_view source) {
  const Reader read(source);
  const json::object& root = read.object(value, "");
  read.only(root,
            {"$schema", "format", "format_version", "version", "description", "currency", "sources",
             "models"},
            "top level");
  if (read.text(root, "format", "top level") != "costops-prices")
    read.fail("top level", "\"format\" must be \"costops-prices\"");
  const json::value& format_version = read.member(root, "format_version", "top level");
  if (!format_version.is_int64() || format_version.get_int64() != kFormatVersion)
    read.fail("top level", "format_version " + json::serialize(format_version) +
                               " is not supported; this library reads version " +
                               std::to_string(kFormatVersion));
  PriceList list;
  list.version_ = read.text(root, "version", "top level");
  list.source_ = std::string(source);
  Currency currency;
  if (root.contains("currency")) {
    try {
      currency = Currency::from_code(read.text(root, "currency", "top level"));
    } catch (const std::invalid_argument& e) {
      read.fail("top level", e.what());
    }
  }
  const json::value& models = read.member(root, "models", "top level");
  if (!models.is_array()) read.fail("top level", "\"models\" must be an array");
  std::vector<std::string> seen;
  for (std::size_t m = 0; m < models.get_array().size(); ++m) {
    std::string where = "models[" + std::to_string(m) + "]";
    const json::object& entry = read.object(models.get_array()[m], where);
    read.only(entry, {"provider", "model", "periods", "note"}, where);
    PricingTable base;
    base.currency = currency;
    base.provider = parse_provider_key(read.text(entry, "provider", where), base.custom_provider);
    base.model = read.text(entry, "model", where);
    const std::string key = model_key(base.provider, base.custom_provider, base.model);
    where += " (" + key + ")";
    for (const std::string& other : seen)
      if (other == key) read.fail(where, "the model is listed twice; put all its periods in one");
    seen.push_back(key);
    const json::value& periods = read.member(entry, "periods", where);
    if (!periods.is_array() || periods.get_array().empty())
      read.fail(where, "\"periods\" must be a non-empty array");
    std::optional<Timestamp> previous_until;
    const std::size_t count = periods.get_array().size();
    for (std::size_t p = 0; p < count; ++p) {
      const std::string at = where + " periods[" + std::to_string(p) + "]";
      const json::object& period = read.object(periods.get_array()[p], at);
      read.only(period, {"effective_from", "effective_until", "pricing", "sources", "note"}, at);
      PricingTable table = base;
      table.effective_from = read.time(period, "effective_from", at);
      std::optional<Timestamp> until;
      if (period.contains("effective_until")) until = read.time(period, "effective_until", at);
      if (until && *until <= table.effective_from)
        read.fail(at, "effective_until is not after effective_from");
      if (p > 0 && (!previous_until || table.effective_from < *previous_until))
        read.fail(at,
                  "the period overlaps the one before it; periods must follow each other "
                  "in time, each but the last with an effective_until");
      if (until) table.effective_to = *until - std::chrono::milliseconds(1);  // inclusive
      previous_until = until;
      table.id = list.version_ + ":" + key + "@" + format_timestamp(table.effective_from);
      try {
        table.pricing = pricing_model_from_json(read.member(period, "pricing", at));
        list.periods_.push_back(CompiledPricing::compile(table));
      } catch (const JsonFieldError& e) {
        read.fail(at, std::string("pricing: ") + e.what());
      } catch (const PricingError& e) {
        read.fail(at, e.what());
      } catch (const DecimalError& e) {
        read.fail(at, std::string("pricing: ") + e.what());
      }
    }
  }
  return list;
}

PriceList PriceList::from_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw PricingError("cannot open price list " + path.string() +
                       ": check the path and that it is readable");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw PricingError("cannot read price list " + path.string());
  json::value value;
  try {
    value = parse_json_text(text.str(), path.string());
  } catch (const JsonFieldError& e) {
    throw PricingError(std::string("price list ") + e.what());
  }
  return from_json(value, path.string());
}

const CompiledPricing* PriceList::find(Provider provider, std::string_view custom_provider,
                                       std::string_view model, Timestamp at) const {
  for (const CompiledPricing& period : periods_) {
    const PricingTable& t = period.table();
    if (t.provider == provider && t.model == model &&
        (provider != Provider::custom || t.custom_provider == custom_provider) &&
        t.is_active_at(at))
      return &period;
  }
  return nullptr;
}

const CompiledPricing* PriceList::latest(Provider provider, std::string_view custom_provider,
                                         std::string_view model) const {
  const CompiledPricing* found = nullptr;
  for (const CompiledPricing& period : periods_) {
    const PricingTable& t = period.table();
    if (t.provider == provider && t.model == model &&
        (provider != Provider::custom || t.custom_provider == custom_provider))
      found = &period;  // periods of a model ascend
  }
  return found;
}

const PriceList& builtin_price_list() {
  static const PriceList list = PriceList::from_json(
      parse_json_text(kBuiltinPriceListJson, "costops-core/data/prices.json (built in)"),
      "costops-core/data/prices.json (built in)");
  return list;
}

CostBreakdown calculate_cost(const UsageRecord& usage, const PriceList& prices) {
  if (const CompiledPricing* period =
          prices.find(usage.provider, usage.custom_provider, usage.model, usage.timestamp))
    return calculate_cost(usage, *period);
  const std::string key = model_key(usage.provider, usage.custom_provider, usage.model);
  std::string periods;
  for (const CompiledPricing& period : prices.periods()) {
    const PricingTable& t = period.table();
    if (model_key(t.provider, t.custom_provider, t.model) != key) continue;
    periods += (periods.empty() ? "" : ", ") + format_timestamp(t.effective_from) + " to " +
               (t.effective_to ? format_timestamp(*t.effective_to) : std::string("now"));
  }
  if (periods.empty())
    throw PricingError("usage record " + usage.id + ": price list " + prices.source() +
                       " has no price for " + key + "; load a price list that has it");
  throw PricingPeriodError("usage record " + usage.id + " is from " +
                           format_timestamp(usage.timestamp) + ", but price list " +
                           prices.source() + " prices " + key + " only from " + periods +
                           "; load a price list with the price in effect at that time");
}

}  // namespace costops::core
