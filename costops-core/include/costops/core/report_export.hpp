// Reports as CSV (RFC 4180), JSON and JSON Lines, with their data rows
// (the original Rust cost-ops wrote headers only). Written straight into a string
// buffer with no per-cell allocation: the export target measures this path.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "costops/core/aggregator.hpp"
#include "costops/core/domain.hpp"
#include "costops/core/forecasting.hpp"

namespace costops::core {

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
// or the time bucket).
std::size_t export_summary_report(const CostSummary& summary, ExportFormat format,
                                  std::string& out);

}  // namespace costops::core
