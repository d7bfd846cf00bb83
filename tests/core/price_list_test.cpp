// The built-in price list: its data against a pinned public snapshot, its
// history (a record is priced at its own date), and user price files.
#include "costops/core/price_list.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "costops/core/cost_calculator.hpp"
#include "costops/core/domain_json.hpp"

using namespace costops::core;
namespace json = boost::json;

namespace {

Decimal d(const char* text) {
  return Decimal::parse(text);
}

UsageRecord usage(const char* model, Provider provider, const char* when,
                  TokenCounts tokens = {1'000'000, 1'000'000}) {
  UsageRecord u;
  u.id = std::string("u-") + model + "-" + when;
  u.model = model;
  u.provider = provider;
  u.timestamp = parse_timestamp(when);
  u.tokens = tokens;
  return u;
}

// A rate of the snapshot: a plain decimal string, or {"base", "tiers"}.
struct SnapshotRate {
  Decimal base;
  std::vector<std::pair<std::uint64_t, Decimal>> tiers;
};
std::optional<SnapshotRate> snapshot_rate(const json::object& entry, const char* key) {
  const json::value* v = entry.if_contains(key);
  if (!v) return std::nullopt;
  SnapshotRate r;
  if (v->is_string()) {
    r.base = Decimal::parse(v->get_string());
    return r;
  }
  r.base = Decimal::parse(v->at("base").get_string());
  for (const auto& tier : v->at("tiers").get_array())
    r.tiers.emplace_back(tier.at("start").to_number<std::uint64_t>(),
                         Decimal::parse(tier.at("price").get_string()));
  return r;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  const auto path =
      std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << text;
  return path;
}

}  // namespace

// Issue 26: the built-in gpt-4 was $10 / $30 with a cache discount; its list
// price is $30 / $60 with no cache price (1M in + 1M out: 90, not 40).
TEST_CASE("gpt-4 is priced at its list price, $30 / $60 with no cache price") {
  const PriceList& prices = builtin_price_list();
  const auto at_2025 = usage("gpt-4", Provider::openai, "2025-03-01T00:00:00Z");
  CHECK(calculate_cost(at_2025, prices).total == d("90"));
  // Cached tokens cost the input rate: no discount exists for gpt-4.
  auto cached = at_2025;
  cached.tokens.cache_read = 500'000;
  CHECK(calculate_cost(cached, prices).total == d("90"));
}

TEST_CASE("a record is priced at its own date: gpt-4o's history") {
  const PriceList& prices = builtin_price_list();
  const auto price_at = [&](const char* when) {
    return calculate_cost(usage("gpt-4o", Provider::openai, when), prices).total;
  };
  CHECK(price_at("2024-06-01T00:00:00Z") == d("20"));  // 5 + 15
  CHECK(price_at("2024-05-13T00:00:00Z") == d("20"));  // from launch day, inclusive
  CHECK(price_at("2024-10-01T23:59:59.999Z") == d("20"));
  CHECK(price_at("2024-10-02T00:00:00Z") == d("12.5"));  // 2.5 + 10, until is exclusive
  CHECK(price_at("2026-01-01T00:00:00Z") == d("12.5"));
  // The 2024 price has no cache-read rate: cached tokens cost the input rate.
  auto cached = usage("gpt-4o", Provider::openai, "2024-06-01T00:00:00Z");
  cached.tokens.cache_read = 1'000'000;
  CHECK(calculate_cost(cached, prices).total == d("20"));
  cached.timestamp = parse_timestamp("2025-06-01T00:00:00Z");
  CHECK(calculate_cost(cached, prices).total == d("11.25"));  // 1.25 + 10
  // Before the model existed: refused, naming the periods the list has.
  CHECK_THROWS_WITH_AS(price_at("2024-01-01T00:00:00Z"),
                       doctest::Contains("only from 2024-05-13T00:00:00Z to "
                                         "2024-10-01T23:59:59.999Z, 2024-10-02T00:00:00Z to now"),
                       PricingPeriodError);
  CHECK_THROWS_WITH_AS(
      calculate_cost(usage("gpt-9", Provider::openai, "2025-01-01T00:00:00Z"), prices),
      doctest::Contains("has no price for openai/gpt-9"), PricingError);
  // A custom provider called like a built-in model is not priced as it.
  auto custom = usage("gpt-4o", Provider::custom, "2025-01-01T00:00:00Z");
  custom.custom_provider = "acme";
  CHECK_THROWS_AS(calculate_cost(custom, prices), PricingError);
}

TEST_CASE("the built-in list equals the pinned public price snapshot") {
  const json::value snapshot =
      parse_json_text(read_file(COSTOPS_TEST_DATA_DIR "/public-prices-snapshot.json"),
                      "public-prices-snapshot.json");
  const PriceList& prices = builtin_price_list();
  std::size_t checked = 0;
  for (const auto& item : snapshot.at("models").get_array()) {
    const json::object& entry = item.get_object();
    const std::string model(entry.at("model").get_string());
    CAPTURE(model);
    std::string custom;
    const Provider provider = parse_provider_key(entry.at("provider").get_string(), custom);
    const CompiledPricing* latest = prices.latest(provider, custom, model);
    REQUIRE(latest != nullptr);
    // Compare through compiled per-token rates: both sides at every tier.
    const auto in = snapshot_rate(entry, "input_mtok");
    const auto out = snapshot_rate(entry, "output_mtok");
    const auto read = snapshot_rate(entry, "cache_read_mtok");
    const auto write = snapshot_rate(entry, "cache_write_mtok");
    std::vector<std::uint64_t> probes{0, 1000};
    for (const auto& tier : in->tiers)
      probes.push_back(tier.first + 1), probes.push_back(tier.first);
    for (std::uint64_t tokens : probes) {
      CAPTURE(tokens);
      const auto rate_at = [&](const SnapshotRate& r) {
        Decimal rate = r.base;
        for (const auto& [start, price] : r.tiers)
          if (tokens > start) rate = price;  // genai-prices' cliff rule: strictly above
        return rate.units() / 1'000'000;
      };
      const TokenUnitRates& rates = latest->rates_for(tokens);
      CHECK(rates.input == rate_at(*in));
      CHECK(rates.output == rate_at(*out));
      // An absent cache price bills those tokens at the input rate.
      CHECK(rates.cache_read == rate_at(read ? *read : *in));
      CHECK(rates.cache_write == rate_at(write ? *write : *in));
    }
    ++checked;
  }
  CHECK(checked == 11);
  CHECK(checked == [&] {  // every model of the built-in list is in the snapshot
    std::set<std::string> models;
    for (const auto& period : prices.periods()) models.insert(period.table().model);
    return models.size();
  }());
  CHECK_FALSE(prices.version().empty());
}

TEST_CASE("users load their own price file; a bad one is refused naming file and value") {
  const std::string good = R"({
    "format": "costops-prices", "format_version": 1, "version": "acme-2025", "currency": "EUR",
    "models": [{"provider": "acme", "model": "acme-large", "periods": [
      {"effective_from": "2025-01-01T00:00:00Z", "effective_until": "2025-07-01T00:00:00Z",
       "pricing": {"type": "per_token", "input_per_million": "2", "output_per_million": "4"}},
      {"effective_from": "2025-07-01T00:00:00Z",
       "pricing": {"type": "per_token", "input_per_million": "1", "output_per_million": "2"}}]}]})";
  const auto path = write_temp("costops-prices", good);
  const PriceList prices = PriceList::from_file(path);
  CHECK(prices.version() == "acme-2025");
  auto u = usage("acme-large", Provider::custom, "2025-03-01T00:00:00Z");
  u.custom_provider = "acme";
  CHECK(calculate_cost(u, prices).total == d("6"));
  u.timestamp = parse_timestamp("2025-08-01T00:00:00Z");
  CHECK(calculate_cost(u, prices).total == d("3"));
  CHECK(prices.periods().front().table().currency.code() == "EUR");
  CHECK(prices.periods().front().table().id == "acme-2025:acme/acme-large@2025-01-01T00:00:00Z");
  std::filesystem::remove(path);

  const auto refused = [&](std::string text, const char* from, const char* to,
                           const char* message) {
    CAPTURE(message);
    text.replace(text.find(from), std::string_view(from).size(), to);
    const auto bad = write_temp("costops-prices-bad", text);
    CHECK_THROWS_WITH_AS(PriceList::from_file(bad),
                         doctest::Contains((bad.string() + ", ").c_str()), PricingError);
    CHECK_THROWS_WITH_AS(PriceList::from_file(bad), doctest::Contains(message), PricingError);
    std::filesystem::remove(bad);
  };
  refused(good, "\"effective_from\": \"2025-07-01", "\"effective_from\": \"2025-06-01",
          "overlaps the one before it");
  refused(good, "effective_until", "effective_to", "unknown key \"effective_to\"");
  refused(good, "\"format_version\": 1", "\"format_version\": 2", "format_version 2");
  refused(good, "\"input_per_million\": \"2\"", "\"input_per_million\": \"0.0000000000001\"",
          "12 decimal places");
  refused(good, "\"input_per_million\": \"2\"", "\"input_per_million\": \"-2\"", "negative");
  refused(good, "\"currency\": \"EUR\"", "\"currency\": \"EURO\"", "currency");
  CHECK_THROWS_WITH_AS(PriceList::from_file("/no/such/prices.json"),
                       doctest::Contains("/no/such/prices.json"), PricingError);
}
