#include "costops/core/report_export.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <cmath>
#include <sstream>

#include "costops/core/domain_json.hpp"

using namespace costops::core;

namespace {

std::vector<CostRecord> records() {
  std::vector<CostRecord> out;
  for (int i = 0; i < 4; ++i) {
    CostRecord r;
    r.id = "c" + std::to_string(i);
    r.timestamp = parse_timestamp("2025-01-0" + std::to_string(i + 1) + "T12:00:00Z");
    r.provider = i % 2 ? Provider::anthropic : Provider::openai;
    r.model = i % 2 ? "claude, \"the\" model" : "gpt-4o";
    r.organization_id = i < 3 ? "org1" : "org2";
    r.project_id = i == 0 ? "" : "p";
    r.cost.input = Decimal::parse("0.0025");
    r.cost.output = Decimal::parse("0.001");
    r.cost.total = Decimal::parse("0.0035");
    r.input_tokens = 1000;
    r.output_tokens = 100;
    out.push_back(r);
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text, const char* separator) {
  std::vector<std::string> lines;
  std::size_t start = 0, end;
  while ((end = text.find(separator, start)) != std::string::npos) {
    lines.push_back(text.substr(start, end - start));
    start = end + std::string_view(separator).size();
  }
  return lines;
}

}  // namespace

TEST_CASE("CSV has a header, one row per record and RFC 4180 quoting") {
  const auto data = records();
  std::string csv;
  CHECK(export_cost_report(data, {}, ExportFormat::csv, csv) == 4);
  const auto lines = lines_of(csv, "\r\n");
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] ==
        "timestamp,provider,model,organization_id,project_id,input_tokens,output_tokens,input_cost,"
        "cache_read_cost,cache_write_cost,output_cost,request_fee,total_cost,currency");
  CHECK(lines[1] ==
        "2025-01-01T12:00:00Z,openai,gpt-4o,org1,,1000,100,0.0025,0,0,0.001,0,0.0035,USD");
  CHECK(lines[2].find("\"claude, \"\"the\"\" model\"") != std::string::npos);
}

TEST_CASE("filters by period, organization, provider, model and project") {
  const auto data = records();
  std::string out;
  ExportFilter filter;
  filter.organization_id = "org1";
  CHECK(export_cost_report(data, filter, ExportFormat::csv, out) == 3);
  filter.provider = Provider::anthropic;
  out.clear();
  CHECK(export_cost_report(data, filter, ExportFormat::csv, out) == 1);
  ExportFilter period;
  period.period =
      Period{parse_timestamp("2025-01-02T00:00:00Z"), parse_timestamp("2025-01-04T00:00:00Z")};
  out.clear();
  CHECK(export_cost_report(data, period, ExportFormat::csv, out) == 2);
  ExportFilter model;
  model.model = "gpt-4o";
  model.project_id = "p";
  out.clear();
  CHECK(export_cost_report(data, model, ExportFormat::csv, out) == 1);
}

TEST_CASE("JSON and JSON Lines carry the rows with exact decimals") {
  const auto data = records();
  std::string json_text;
  CHECK(export_cost_report(data, {}, ExportFormat::json, json_text) == 4);
  const auto doc = boost::json::parse(json_text);
  CHECK(doc.at("report").as_string() == "cost");
  CHECK(doc.at("count").as_int64() == 4);
  CHECK(doc.at("rows").as_array().size() == 4);
  CHECK(doc.at("rows").as_array()[1].at("model").as_string() == "claude, \"the\" model");
  CHECK(doc.at("rows").as_array()[0].at("project_id").is_null());
  CHECK(json_text.find("\"total_cost\":\"0.0035\"") != std::string::npos);

  std::string lines;
  CHECK(export_cost_report(data, {}, ExportFormat::json_lines, lines) == 4);
  std::istringstream in(lines);
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    CHECK(boost::json::parse(line).at("currency").as_string() == "USD");
    ++count;
  }
  CHECK(count == 4);
}

TEST_CASE("usage, forecast and summary reports") {
  UsageRecord u;
  u.id = "u";
  u.timestamp = parse_timestamp("2025-01-01T00:00:00Z");
  u.model = "gpt-4o";
  u.organization_id = "o";
  u.user_id = "line\nbreak";
  u.tokens = {10, 5, 2, 0, 1};
  u.total_tokens = 15;
  u.latency_ms = 250;
  std::string csv;
  CHECK(export_usage_report(std::vector<UsageRecord>{u}, {}, ExportFormat::csv, csv) == 1);
  CHECK(csv.find("\"line\nbreak\",10,5,15,2,0,1,250") != std::string::npos);

  Forecast f;
  f.model = ForecastModel::holt_linear;
  f.points.push_back({parse_timestamp("2025-02-01T00:00:00Z"), 1.5, 1.0, 2.0});
  std::string fj;
  CHECK(export_forecast_report(f, ExportFormat::json, fj) == 1);
  CHECK(boost::json::parse(fj).at("rows").at(0).at("model").as_string() == "holt_linear");

  const auto data = records();
  const CostSummary s = aggregate_costs(data, Period{parse_timestamp("2025-01-01T00:00:00Z"),
                                                     parse_timestamp("2025-02-01T00:00:00Z")});
  std::string sc;
  const std::size_t rows = export_summary_report(s, ExportFormat::csv, sc);
  CHECK(rows == 1 + 2 + 2 + 2 + 1 + 4);
  CHECK(sc.find("total,USD,0.014,4,4000,400") != std::string::npos);
  CHECK_THROWS_AS(parse_export_format("xlsx"), std::invalid_argument);
  CHECK(parse_export_format("ndjson") == ExportFormat::json_lines);
}

TEST_CASE("money in JSON and JSON Lines is an exact decimal string, read back to the last digit") {
  auto data = records();
  data.resize(1);
  data[0].cost.input = Decimal::parse("1.200006000000000001");
  data[0].cost.output = Decimal();
  data[0].cost.total = data[0].cost.input;
  for (auto format : {ExportFormat::json, ExportFormat::json_lines}) {
    CAPTURE(export_format_name(format));
    std::string text;
    REQUIRE(export_cost_report(data, {}, format, text) == 1);
    const auto doc = boost::json::parse(text);
    const auto& row = format == ExportFormat::json ? doc.at("rows").at(0) : doc;
    CHECK(row.at("total_cost").as_string() == "1.200006000000000001");
    CHECK(row.at("input_cost").as_string() == "1.200006000000000001");
    CHECK(row.at("output_cost").as_string() == "0");
    CHECK(decimal_from_json(row.at("total_cost"), "total_cost") == data[0].cost.total);
    CHECK(row.at("input_tokens").is_number());  // counts stay numbers
  }
  // Readers accept both spellings, as before.
  CHECK(decimal_from_json(boost::json::value(0.0035), "x") == Decimal::parse("0.0035"));

  const CostSummary s = aggregate_costs(data, Period{parse_timestamp("2025-01-01T00:00:00Z"),
                                                     parse_timestamp("2025-02-01T00:00:00Z")});
  std::string summary;
  export_summary_report(s, ExportFormat::json, summary);
  CHECK(boost::json::parse(summary).at("rows").at(0).at("cost").as_string() ==
        "1.200006000000000001");
}

TEST_CASE("text that is not UTF-8 is refused in JSON, naming row, column and byte") {
  auto data = records();
  data[2].model = "gpt\xff-4o";
  for (auto format : {ExportFormat::json, ExportFormat::json_lines}) {
    std::string text;
    CHECK_THROWS_WITH_AS(export_cost_report(data, {}, format, text),
                         doctest::Contains("row 3, column model: the text is not UTF-8 (byte 0xff "
                                           "at offset 3 of \"gpt\\xff-4o\")"),
                         ExportError);
  }
  std::string csv;  // CSV carries bytes as given
  CHECK(export_cost_report(data, {}, ExportFormat::csv, csv) == 4);
  // Overlong forms, surrogates and truncated sequences are not UTF-8 either;
  // well-formed multibyte text is written as it is.
  for (const char* bad : {"\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\xf4\x90\x80\x80"}) {
    CAPTURE(bad);
    data[2].model = bad;
    std::string text;
    CHECK_THROWS_AS(export_cost_report(data, {}, ExportFormat::json, text), ExportError);
  }
  data[2].model = "mod\xc3\xa8le \xe2\x82\xac \xf0\x9f\x98\x80";
  std::string text;
  CHECK(export_cost_report(data, {}, ExportFormat::json, text) == 4);
  CHECK(boost::json::parse(text).at("rows").at(2).at("model").as_string() == data[2].model);
}

TEST_CASE("export edge cases: reversed filter period, empty summary, custom providers") {
  auto data = records();
  ExportFilter reversed;
  reversed.period =
      Period{parse_timestamp("2025-01-04T00:00:00Z"), parse_timestamp("2025-01-02T00:00:00Z")};
  std::string out;
  CHECK_THROWS_AS(export_cost_report(data, reversed, ExportFormat::csv, out), PeriodError);
  CHECK_THROWS_AS(export_usage_report({}, reversed, ExportFormat::csv, out), PeriodError);

  const CostSummary empty = aggregate_costs(
      {}, Period{parse_timestamp("2025-01-01T00:00:00Z"), parse_timestamp("2025-02-01T00:00:00Z")});
  std::string summary;
  CHECK(export_summary_report(empty, ExportFormat::json, summary) == 1);
  const auto total = boost::json::parse(summary).at("rows").at(0);
  CHECK(total.at("dimension").as_string() == "total");
  CHECK(total.at("key").is_null());  // no currency is invented
  CHECK(total.at("cost").as_string() == "0");

  data[0].provider = Provider::custom;
  data[0].custom_provider = "Gemini";
  std::string json_text;
  export_cost_report(data, {}, ExportFormat::json, json_text);
  CHECK(boost::json::parse(json_text).at("rows").at(0).at("provider").as_string() ==
        "custom:Gemini");

  Forecast f;
  f.points.push_back({parse_timestamp("2025-02-01T00:00:00Z"), 1.5, 1.0, HUGE_VAL});
  std::string forecast_text;
  CHECK_THROWS_WITH_AS(export_forecast_report(f, ExportFormat::json, forecast_text),
                       doctest::Contains("column upper_bound"), ExportError);
}
