#include "costops/core/report_export.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "json_string.hpp"

namespace costops::core {

namespace {

using detail::append_json_string;

[[noreturn]] void not_finite(std::size_t row, std::string_view column, double value) {
  throw ExportError("row " + std::to_string(row + 1) + ", column " + std::string(column) + ": " +
                    std::to_string(value) + " is not a finite number");
}

// Format writers share one interface (begin / field... / end_row / finish),
// so each report is written once as a template and instantiated per format.

void append_unsigned(std::string& out, std::uint64_t value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  out.append(buffer, end);
}

// `value` must be finite (the writers check: JSON has no inf or NaN).
void append_double(std::string& out, double value) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  out.append(buffer, end);
}

class CsvWriter {
 public:
  explicit CsvWriter(std::string& out) : out_(out) {}
  void begin(std::string_view, std::span<const std::string_view> columns) {
    columns_ = columns;
    for (std::string_view column : columns) text(column);
    out_.append("\r\n");
    fields_ = 0;
  }
  void text(std::string_view value) {
    separator();
    // RFC 4180: quote fields holding a comma, quote, CR or LF; double quotes.
    // (A plain scan: four memchr calls per field cost more on short fields.)
    bool needs_quotes = false;
    for (char c : value) needs_quotes |= c == ',' || c == '"' || c == '\r' || c == '\n';
    if (!needs_quotes) {
      out_.append(value);
      return;
    }
    out_.push_back('"');
    for (char c : value) {
      if (c == '"') out_.push_back('"');
      out_.push_back(c);
    }
    out_.push_back('"');
  }
  void number(std::uint64_t value) {
    separator();
    append_unsigned(out_, value);
  }
  void number(double value) {
    if (!std::isfinite(value)) not_finite(rows_, columns_[fields_], value);
    separator();
    append_double(out_, value);
  }
  void decimal(const Decimal& value) {
    separator();
    value.append_to(out_);
  }
  void time(Timestamp value) {
    separator();
    append_timestamp(out_, value);
  }
  void empty() { separator(); }
  void end_row() {
    out_.append("\r\n");
    fields_ = 0;
    ++rows_;
  }
  void finish(std::size_t) {}

 private:
  void separator() {
    if (fields_++) out_.push_back(',');
  }
  std::string& out_;
  std::span<const std::string_view> columns_;
  std::size_t fields_ = 0;
  std::size_t rows_ = 0;
};

// JSON objects per row; `lines` selects JSON Lines (one object per line)
// over one document {"report", "columns", "rows", "count"}.
class JsonWriter {
 public:
  JsonWriter(std::string& out, bool lines) : out_(out), lines_(lines) {}
  void begin(std::string_view report, std::span<const std::string_view> columns) {
    columns_ = columns;
    if (lines_) return;
    out_.append("{\"report\":");
    append_json_string(out_, report);
    out_.append(",\"columns\":[");
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i) out_.push_back(',');
      append_json_string(out_, columns[i]);
    }
    out_.append("],\"rows\":[");
  }
  void text(std::string_view value) {
    if (const std::size_t at = detail::invalid_utf8_at(value); at != std::string_view::npos)
      throw ExportError("row " + std::to_string(rows_ + 1) + ", column " +
                        std::string(columns_[field_]) + ": the text is not UTF-8 (" +
                        detail::describe_invalid_utf8(value, at) +
                        "), which JSON cannot hold; fix the record or export it as CSV");
    key();
    append_json_string(out_, value);
  }
  void number(std::uint64_t value) {
    key();
    append_unsigned(out_, value);
  }
  void number(double value) {
    if (!std::isfinite(value)) not_finite(rows_, columns_[field_], value);
    key();
    append_double(out_, value);
  }
  // Exact: the digits of the decimal as a JSON string, which no reader
  // rounds to a double.
  void decimal(const Decimal& value) {
    key();
    out_.push_back('"');
    value.append_to(out_);
    out_.push_back('"');
  }
  void time(Timestamp value) {
    key();
    out_.push_back('"');
    append_timestamp(out_, value);
    out_.push_back('"');
  }
  void empty() {
    key();
    out_.append("null");
  }
  void end_row() {
    out_.push_back('}');
    if (lines_) out_.push_back('\n');
    field_ = 0;
    ++rows_;
  }
  void finish(std::size_t count) {
    if (lines_) return;
    out_.append("],\"count\":");
    append_unsigned(out_, count);
    out_.append("}\n");
  }

 private:
  void key() {
    if (field_ == 0) {
      if (!lines_ && rows_ > 0) out_.push_back(',');
      out_.push_back('{');
    } else {
      out_.push_back(',');
    }
    append_json_string(out_, columns_[field_++]);
    out_.push_back(':');
  }
  std::string& out_;
  bool lines_;
  std::span<const std::string_view> columns_;
  std::size_t field_ = 0;
  std::size_t rows_ = 0;
};

template <class Body>
std::size_t with_writer(ExportFormat format, std::string& out, Body&& body) {
  switch (format) {
    case ExportFormat::csv: {
      CsvWriter writer(out);
      return body(writer);
    }
    case ExportFormat::json: {
      JsonWriter writer(out, false);
      return body(writer);
    }
    case ExportFormat::json_lines: {
      JsonWriter writer(out, true);
      return body(writer);
    }
  }
  return 0;
}

template <class Record>
bool matches(const Record& r, const ExportFilter& f) {
  if (f.period && !f.period->contains(r.timestamp)) return false;
  if (!f.organization_id.empty() && r.organization_id != f.organization_id) return false;
  if (f.provider && r.provider != *f.provider) return false;
  if (!f.model.empty() && r.model != f.model) return false;
  if (!f.project_id.empty() && r.project_id != f.project_id) return false;
  return true;
}

void check_filter(const ExportFilter& filter) {
  if (filter.period) check_period(*filter.period, "the export filter's");
}

constexpr std::string_view kCostColumns[] = {
    "timestamp",    "provider",      "model",      "organization_id", "project_id",
    "input_tokens", "output_tokens", "input_cost", "cache_read_cost", "cache_write_cost",
    "output_cost",  "request_fee",   "total_cost", "currency"};
constexpr std::string_view kUsageColumns[] = {
    "timestamp",         "provider",           "model",
    "organization_id",   "project_id",         "user_id",
    "prompt_tokens",     "completion_tokens",  "total_tokens",
    "cache_read_tokens", "cache_write_tokens", "reasoning_tokens",
    "latency_ms"};
constexpr std::string_view kForecastColumns[] = {"date",        "predicted",  "lower_bound",
                                                 "upper_bound", "confidence", "model"};
constexpr std::string_view kSummaryColumns[] = {"dimension", "key",          "cost",
                                                "requests",  "input_tokens", "output_tokens"};

}  // namespace

std::string_view export_format_name(ExportFormat format) {
  switch (format) {
    case ExportFormat::csv:
      return "csv";
    case ExportFormat::json:
      return "json";
    case ExportFormat::json_lines:
      return "jsonl";
  }
  return "csv";
}

ExportFormat parse_export_format(std::string_view name) {
  if (name == "csv") return ExportFormat::csv;
  if (name == "json") return ExportFormat::json;
  if (name == "jsonl" || name == "json_lines" || name == "ndjson") return ExportFormat::json_lines;
  throw std::invalid_argument("unknown export format \"" + std::string(name) +
                              "\"; expected csv, json or jsonl");
}

std::size_t export_cost_report(std::span<const CostRecord> records, const ExportFilter& filter,
                               ExportFormat format, std::string& out) {
  check_filter(filter);
  return with_writer(format, out, [&](auto& w) {
    w.begin("cost", kCostColumns);
    std::size_t rows = 0;
    for (const CostRecord& r : records) {
      if (!matches(r, filter)) continue;
      w.time(r.timestamp);
      w.text(provider_key(r.provider, r.custom_provider));
      w.text(r.model);
      w.text(r.organization_id);
      if (r.project_id.empty())
        w.empty();
      else
        w.text(r.project_id);
      w.number(r.input_tokens);
      w.number(r.output_tokens);
      w.decimal(r.cost.input);
      w.decimal(r.cost.cache_read);
      w.decimal(r.cost.cache_write);
      w.decimal(r.cost.output);
      w.decimal(r.cost.request_fee);
      w.decimal(r.cost.total);
      w.text(r.currency.code());
      w.end_row();
      ++rows;
    }
    w.finish(rows);
    return rows;
  });
}

std::size_t export_usage_report(std::span<const UsageRecord> records, const ExportFilter& filter,
                                ExportFormat format, std::string& out) {
  check_filter(filter);
  return with_writer(format, out, [&](auto& w) {
    w.begin("usage", kUsageColumns);
    std::size_t rows = 0;
    for (const UsageRecord& r : records) {
      if (!matches(r, filter)) continue;
      w.time(r.timestamp);
      w.text(provider_key(r.provider, r.custom_provider));
      w.text(r.model);
      w.text(r.organization_id);
      if (r.project_id.empty())
        w.empty();
      else
        w.text(r.project_id);
      if (r.user_id.empty())
        w.empty();
      else
        w.text(r.user_id);
      w.number(r.tokens.prompt);
      w.number(r.tokens.completion);
      w.number(r.total_tokens);
      w.number(r.tokens.cache_read);
      w.number(r.tokens.cache_write);
      w.number(r.tokens.reasoning);
      if (r.latency_ms)
        w.number(*r.latency_ms);
      else
        w.empty();
      w.end_row();
      ++rows;
    }
    w.finish(rows);
    return rows;
  });
}

std::size_t export_forecast_report(const Forecast& forecast, ExportFormat format,
                                   std::string& out) {
  return with_writer(format, out, [&](auto& w) {
    w.begin("forecast", kForecastColumns);
    for (const ForecastPoint& p : forecast.points) {
      w.time(p.time);
      w.number(p.value);
      w.number(p.lower);
      w.number(p.upper);
      w.number(forecast.confidence);
      w.text(model_name(forecast.model));
      w.end_row();
    }
    w.finish(forecast.points.size());
    return forecast.points.size();
  });
}

std::size_t export_summary_report(const CostSummary& summary, ExportFormat format,
                                  std::string& out) {
  return with_writer(format, out, [&](auto& w) {
    w.begin("summary", kSummaryColumns);
    std::size_t rows = 0;
    const auto totals = [&](const GroupTotal& g) {
      w.decimal(g.cost);
      w.number(g.requests);
      w.number(g.input_tokens);
      w.number(g.output_tokens);
      w.end_row();
      ++rows;
    };
    const auto row = [&](std::string_view dimension, std::string_view key, const GroupTotal& g) {
      w.text(dimension);
      w.text(key);
      totals(g);
    };
    if (summary.currency) {
      row("total", summary.currency->code(), summary.total);
    } else {  // no records, so no currency: the key is null (empty in CSV)
      w.text("total");
      w.empty();
      totals(summary.total);
    }
    for (const auto& [k, g] : summary.by_provider) row("provider", k, g);
    for (const auto& [k, g] : summary.by_model) row("model", k, g);
    for (const auto& [k, g] : summary.by_organization) row("organization", k, g);
    for (const auto& [k, g] : summary.by_project) row("project", k, g);
    for (const auto& [t, g] : summary.by_time)
      row(bucket_name(summary.bucket), format_timestamp(t), g);
    w.finish(rows);
    return rows;
  });
}

}  // namespace costops::core
