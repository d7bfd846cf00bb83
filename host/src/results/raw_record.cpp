#include "costops/host/raw_record.hpp"

#include <boost/json.hpp>
#include <cmath>

#include "costops/host/json_text.hpp"
#include "costops/host/plugin_probe.hpp"
#include "costops/host/results_keys.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

std::uint64_t whole_ns(double ns) {
  return ns > 0 ? static_cast<std::uint64_t>(std::llround(ns)) : 0;
}

bool is_rfc3339_utc(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z or with an offset; the shape, not the calendar.
  if (t.size() < 20) return false;
  const auto digit = [&](std::size_t i) { return i < t.size() && t[i] >= '0' && t[i] <= '9'; };
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u, 12u, 14u, 15u, 17u, 18u})
    if (!digit(i)) return false;
  return t[4] == '-' && t[7] == '-' && (t[10] == 'T' || t[10] == 't') && t[13] == ':' &&
         t[16] == ':';
}

}  // namespace

json::object canonical_metrics(const TargetResult& result) {
  json::object metrics;
  if (!result.measurement) return metrics;
  const TargetMeasurement& m = *result.measurement;
  const MeasurementTotals totals = totals_of(m);
  const double seconds = totals.nanoseconds / 1e9;
  // A threaded target (ABI 1.4) did each sample's iterations on every
  // thread: per thread, and in aggregate threads times that.
  const double per_thread = seconds > 0 ? static_cast<double>(totals.iterations) / seconds : 0;
  const double ops_per_second = per_thread * m.threads;
  const double avg_ns =
      totals.iterations ? totals.nanoseconds / static_cast<double>(totals.iterations) : 0;

  metrics["operations_per_second"] = finite_or_null(ops_per_second);
  metrics["avg_duration_ns"] = whole_ns(avg_ns);
  metrics["min_duration_ns"] = whole_ns(result.stats.min);
  metrics["max_duration_ns"] = whole_ns(result.stats.max);
  metrics["p50_duration_ns"] = whole_ns(result.stats.p50);
  metrics["p95_duration_ns"] = whole_ns(result.stats.p95);
  metrics["p99_duration_ns"] = whole_ns(result.stats.p99);
  metrics["total_iterations"] = totals.iterations;
  metrics["total_duration_ms"] = finite_or_null(totals.nanoseconds / 1e6);
  if (m.threads > 1) {
    metrics[results_key::threads] = m.threads;
    metrics[results_key::operations_per_second_per_thread] = finite_or_null(per_thread);
  }
  if (m.bytes_per_operation) {
    metrics["bytes_per_operation"] = m.bytes_per_operation;
    metrics["throughput_mb_per_sec"] =
        finite_or_null(static_cast<double>(m.bytes_per_operation) * ops_per_second / 1e6);
  }
  if (m.items_per_operation) {
    metrics["items_per_operation"] = m.items_per_operation;
    metrics["items_per_second"] =
        finite_or_null(static_cast<double>(m.items_per_operation) * ops_per_second);
  }
  if (m.peak_rss_bytes) metrics["peak_rss_bytes"] = m.peak_rss_bytes;
  if (m.instructions_per_operation > 0)
    metrics["instructions_per_operation"] = finite_or_null(m.instructions_per_operation);
  if (m.leaked_file_descriptors > 0) metrics["leaked_file_descriptors"] = m.leaked_file_descriptors;
  if (m.allocations.counted()) {
    const AllocationCounts& a = m.allocations;
    metrics[results_key::allocations_per_op] = finite_or_null(a.per_operation(a.allocations));
    metrics[results_key::bytes_allocated_per_op] =
        finite_or_null(a.per_operation(a.bytes_allocated));
    metrics[results_key::peak_live_bytes] = a.peak_live_bytes;
  }
  if (const double cpu = cpu_ns_per_operation(m); cpu >= 0)
    metrics[results_key::cpu_time_per_op_ns] = finite_or_null(cpu);
  for (const auto& [key, value] : m.plugin_metrics) {
    if (metrics.contains(key)) continue;  // the host's own keys win
    if (const double* number = std::get_if<double>(&value))
      metrics[key] = finite_or_null(*number);
    else
      metrics[key] = std::get<std::string>(value);
  }
  return metrics;
}

json::value raw_record_json(const TargetResult& result) {
  return json::object{{"target_id", result.target_id},
                      {"metrics", canonical_metrics(result)},
                      {"timestamp", result.timestamp}};
}

std::string canonical_record_problem(const std::string& text) {
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec) return "not valid JSON (" + ec.message() + ")";
  if (!doc.is_object()) return "not a JSON object";
  const json::object& o = doc.get_object();
  for (const auto& [key, value] : o)
    if (key != "target_id" && key != "metrics" && key != "timestamp")
      return "unexpected field \"" + std::string(key) +
             "\" (a record has target_id, metrics, timestamp)";
  const json::value* id = o.if_contains("target_id");
  if (!id || !id->is_string()) return "\"target_id\" is missing or not a string";
  if (!is_valid_target_id(id->get_string()))
    return "target_id \"" + std::string(id->get_string()) + "\" is not a valid id";
  const json::value* timestamp = o.if_contains("timestamp");
  if (!timestamp || !timestamp->is_string() || !is_rfc3339_utc(timestamp->get_string()))
    return "\"timestamp\" is missing or not RFC 3339";
  const json::value* metrics = o.if_contains("metrics");
  if (!metrics || !metrics->is_object()) return "\"metrics\" is missing or not an object";
  for (const std::string_view key : kRequiredMetricKeys) {
    const json::value* v = metrics->get_object().if_contains(key);
    if (!v || !v->is_number())
      return "metric \"" + std::string(key) + "\" is missing or not a number";
    boost::system::error_code num_ec;
    const double number = v->to_number<double>(num_ec);
    if (num_ec || !std::isfinite(number) || number < 0)
      return "metric \"" + std::string(key) + "\" is negative or not finite";
  }
  for (const auto& [key, value] : metrics->get_object())
    if (!value.is_number() && !value.is_string())
      return "metric \"" + std::string(key) + "\" is neither a number nor a string";
  return {};
}

}  // namespace costops::host
