// Reports as CSV (RFC 4180), JSON and JSON Lines, with their data rows
// (the original Rust cost-ops wrote headers only). Written straight into a string
// buffer with no per-cell allocation: the export target measures this path.
//
// Money (the cost columns, a summary's cost) is exact: in JSON and JSON
// Lines it is a string of decimal digits ("1.200006000000000001"), since a
// JSON number is read as a double by most readers and loses digits; in CSV
// it is the same digits unquoted. Token counts are JSON numbers (integers),
// and forecasts, which are estimates in doubles, are JSON numbers too.
// Providers are written as provider_key gives them ("custom:Gemini").
// JSON has no way to hold bytes that are not UTF-8, so a JSON export of
// such text is refused with an ExportError naming the row, column and byte;
// CSV passes bytes through as given.
#pragma once

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "costops/core/aggregator.hpp"
#include "costops/core/domain.hpp"
#include "costops/core/forecasting.hpp"

namespace costops::core {

// A value a report cannot hold: text that is not UTF-8 in JSON, a forecast
// that is not a finite number. Names the row, the column and the value.
class ExportError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

enum class ExportFormat { csv, json, json_lines };
std::string_view export_format_name(ExportFormat format);
ExportFormat parse_export_format(std::string_view name);  // throws std::invalid_argument

// Rows must match every filter that is set.
struct ExportFilter {
  std::optional<Period> period;
  std::string organization_id;
  std::optional<Provider> provider;
  std::string model;
  std::string project_id;
};

// Each appends the report to `out` and returns the number of data rows.
// A reversed filter period is a PeriodError (it would match nothing).
// Cost report columns: timestamp, provider, model, organization_id,
// project_id, input_tokens, output_tokens, input_cost, cache_read_cost,
// cache_write_cost, output_cost, request_fee, total_cost, currency.
std::size_t export_cost_report(std::span<const CostRecord> records, const ExportFilter& filter,
                               ExportFormat format, std::string& out);
// Usage report columns: timestamp, provider, model, organization_id,
// project_id, user_id, prompt_tokens, completion_tokens, total_tokens,
// cache_read_tokens, cache_write_tokens, reasoning_tokens, latency_ms.
std::size_t export_usage_report(std::span<const UsageRecord> records, const ExportFilter& filter,
                                ExportFormat format, std::string& out);
// Forecast report columns: date, predicted, lower_bound, upper_bound,
// confidence, model.
std::size_t export_forecast_report(const Forecast& forecast, ExportFormat format, std::string& out);
// Summary report columns: dimension, key, cost, requests, input_tokens,
// output_tokens (dimension: total, provider, model, organization, project,
// or the time bucket). The total row's key is the currency code, empty
// (null in JSON) for a summary without records.
std::size_t export_summary_report(const CostSummary& summary, ExportFormat format,
                                  std::string& out);

}  // namespace costops::core
