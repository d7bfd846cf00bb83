// Drives costops-core for the differential test (reference_test.py): reads
// one JSON request per line on stdin, answers one JSON line per request on
// stdout. The Python side computes the same answers independently (decimal,
// sqlite3, gzip/zlib, csv, json, numpy) and compares. Errors are answers
// too: {"error": "<kind>", "message": "..."}, so refusals are compared.
#include <boost/json.hpp>
#include <costops/core/aggregator.hpp>
#include <costops/core/compression.hpp>
#include <costops/core/cost_calculator.hpp>
#include <costops/core/domain_json.hpp>
#include <costops/core/forecasting.hpp>
#include <costops/core/report_export.hpp>
#include <costops/core/storage.hpp>
#include <iostream>
#include <string>

namespace {

using namespace costops::core;
namespace json = boost::json;

// Bytes travel as hex: no base64 dependency on either side.
std::string to_hex(std::span<const std::byte> bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (std::byte b : bytes) {
    out.push_back(digits[std::to_integer<unsigned>(b) >> 4]);
    out.push_back(digits[std::to_integer<unsigned>(b) & 15]);
  }
  return out;
}
std::vector<std::byte> from_hex(std::string_view hex) {
  std::vector<std::byte> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::byte>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

json::object breakdown(const CostBreakdown& c) {
  return {{"input", c.input.to_string()},
          {"cache_read", c.cache_read.to_string()},
          {"cache_write", c.cache_write.to_string()},
          {"output", c.output.to_string()},
          {"request_fee", c.request_fee.to_string()},
          {"total", c.total.to_string()}};
}

std::vector<CostRecord> cost_records(const json::value& list) {
  std::vector<CostRecord> out;
  for (const auto& r : list.as_array()) out.push_back(cost_record_from_json(r));
  return out;
}

TimeBucket bucket_of(std::string_view name) {
  return name == "hour" ? TimeBucket::hour : name == "month" ? TimeBucket::month : TimeBucket::day;
}

ForecastModel model_of(std::string_view name) {
  for (auto m :
       {ForecastModel::linear_trend, ForecastModel::moving_average,
        ForecastModel::exponential_smoothing, ForecastModel::holt_linear, ForecastModel::automatic})
    if (model_name(m) == name) return m;
  throw std::invalid_argument("unknown model " + std::string(name));
}

json::value answer(const json::object& q) {
  const std::string op(q.at("op").as_string());
  if (op == "decimal") {
    const Decimal value = Decimal::parse(q.at("text").as_string());
    return {{"value", value.to_string()}, {"fixed2", value.to_string_fixed(2)}};
  }
  if (op == "price") {
    const auto& t = q.at("tokens").as_array();
    PricingTable table;
    table.model = "m";
    table.id = "differential";
    table.pricing = pricing_model_from_json(q.at("pricing"));
    const TokenCounts tokens{t[0].to_number<std::uint64_t>(), t[1].to_number<std::uint64_t>(),
                             t[2].to_number<std::uint64_t>(), t[3].to_number<std::uint64_t>(),
                             t[4].to_number<std::uint64_t>()};
    return breakdown(price_tokens(tokens, CompiledPricing::compile(table)));
  }
  if (op == "aggregate") {
    const auto records = cost_records(q.at("records"));
    const Period period{parse_timestamp(q.at("start").as_string()),
                        parse_timestamp(q.at("end").as_string())};
    const CostSummary s = aggregate_costs(records, period, bucket_of(q.at("bucket").as_string()));
    std::string out;
    export_summary_report(s, ExportFormat::json, out);
    return {{"rows", json::parse(out)}, {"outside", s.records_outside_period}};
  }
  if (op == "export") {
    const auto records = cost_records(q.at("records"));
    std::string out;
    const std::size_t rows =
        export_cost_report(records, {}, parse_export_format(q.at("format").as_string()), out);
    return {{"rows", rows}, {"text", out}};
  }
  if (op == "forecast") {
    TimeSeries series;
    for (const auto& v : q.at("values").as_array()) {
      series.times.push_back(
          from_unix_ms(static_cast<std::int64_t>(series.times.size()) * 86'400'000));
      series.values.push_back(v.to_number<double>());
    }
    ForecastOptions options;
    options.model = model_of(q.at("model").as_string());
    options.confidence = q.at("confidence").to_number<double>();
    options.horizon = q.at("horizon").to_number<std::size_t>();
    options.moving_average_window = q.at("window").to_number<std::size_t>();
    const Forecast f = forecast(series, options);
    json::array points;
    for (const auto& p : f.points) points.push_back({p.value, p.lower, p.upper});
    return {{"model", model_name(f.model)}, {"points", points}, {"sigma", f.residual_stddev}};
  }
  if (op == "compress") {
    const auto input = from_hex(q.at("hex").as_string());
    const auto packed = compress(input, parse_compression_format(q.at("format").as_string()),
                                 static_cast<int>(q.at("level").as_int64()),
                                 q.at("limit").to_number<std::size_t>());
    return {{"hex", to_hex(packed)}};
  }
  if (op == "decompress") {
    const auto input = from_hex(q.at("hex").as_string());
    return {
        {"hex", to_hex(decompress(input, parse_compression_format(q.at("format").as_string()),
                                  std::size_t(1) << 32, q.at("limit").to_number<std::size_t>()))}};
  }
  if (op == "store_usage" || op == "store_costs") {
    Database db(std::string(q.at("db").as_string()));
    if (op == "store_usage") {
      UsageRepository repo(db);
      std::vector<UsageRecord> records;
      for (const auto& r : q.at("records").as_array()) records.push_back(usage_from_json(r));
      repo.create_batch(records);
    } else {
      CostRepository repo(db);
      repo.create_batch(cost_records(q.at("records")));
    }
    return {{"stored", q.at("records").as_array().size()}};
  }
  if (op == "list_usage" || op == "list_costs") {
    Database db(std::string(q.at("db").as_string()));
    const std::string org(q.at("organization").as_string());
    const Timestamp start = parse_timestamp(q.at("start").as_string());
    const Timestamp end = parse_timestamp(q.at("end").as_string());
    json::array out;
    if (op == "list_usage") {
      UsageRepository repo(db);
      for (const auto& r : repo.list_by_organization(org, start, end))
        out.push_back(usage_to_json(r));
    } else {
      CostRepository repo(db);
      for (const auto& r : repo.list_by_organization(org, start, end))
        out.push_back(cost_record_to_json(r));
    }
    return {{"records", out}};
  }
  throw std::invalid_argument("unknown op " + op);
}

// The most specific library error class, for comparing refusals by kind.
std::string kind_of(const std::exception& e) {
  if (dynamic_cast<const DecimalError*>(&e)) return "DecimalError";
  if (dynamic_cast<const PricingError*>(&e)) return "PricingError";
  if (dynamic_cast<const ForecastError*>(&e)) return "ForecastError";
  if (dynamic_cast<const CompressionError*>(&e)) return "CompressionError";
  if (dynamic_cast<const StorageError*>(&e)) return "StorageError";
  if (dynamic_cast<const JsonFieldError*>(&e)) return "JsonFieldError";
  if (dynamic_cast<const CurrencyMismatchError*>(&e)) return "CurrencyMismatchError";
  if (dynamic_cast<const PeriodError*>(&e)) return "PeriodError";
  return "other";
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    json::value reply;
    try {
      reply = answer(json::parse(line).as_object());
    } catch (const std::exception& e) {
      reply = {{"error", kind_of(e)}, {"message", e.what()}};
    }
    std::cout << json::serialize(reply) << '\n';
  }
  return 0;
}
