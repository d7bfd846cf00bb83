#include "costops/host/paired_protocol.hpp"

#include <boost/json.hpp>
#include <string_view>

#include "costops/host/json_fields.hpp"
#include "costops/host/untrusted_text.hpp"
#include "costops/host/worker_protocol.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

// Plugin text is made valid UTF-8 at the process boundary (as in
// worker_protocol.cpp), so no message fails to parse because of a plugin.
json::string text(std::string_view s) {
  return json::string(valid_utf8(s));
}

// Far above any real batch (a day), far below what overflows arithmetic.
constexpr double kMaxBatchNs = 1e14;

double batch_time(const json::value& value) {
  const double ns = exact_number<double>(value, "a paired batch's time");
  if (!(ns >= 0) || ns > kMaxBatchNs) throw MessageError("a paired batch's time is out of range");
  return ns;
}

json::object side_to_json(const PairedSideReport& side) {
  return json::object{{"threads", side.threads},
                      {"bytes_per_operation", side.bytes_per_operation},
                      {"items_per_operation", side.items_per_operation},
                      {"plugin_metrics", plugin_metrics_to_json(side.plugin_metrics)}};
}

PairedSideReport side_from_json(const json::object& message, std::string_view key) {
  const json::object& o = as_object(message.at(key), "a paired side's report");
  const std::uint64_t threads = unsigned_field(o, "threads");
  if (threads < 1 || threads > 256) throw MessageError("a paired side's threads is out of range");
  return {static_cast<std::uint32_t>(threads), unsigned_field(o, "bytes_per_operation"),
          unsigned_field(o, "items_per_operation"),
          plugin_metrics_from_json(array_field(o, "plugin_metrics"))};
}

}  // namespace

json::value paired_to_json(const PairedMeasurement& m) {
  json::array pairs;
  pairs.reserve(m.pairs.size());
  for (const TimedPair& p : m.pairs)
    pairs.push_back(json::array{p.baseline_ns, p.new_ns, p.new_first ? 1 : 0});
  json::array log;
  for (const auto& line : m.plugin_log) log.push_back(text(line));
  return json::object{{"succeeded", m.succeeded},
                      {"failure_side", text(m.failure_side)},
                      {"failure_phase", text(m.failure_phase)},
                      {"failure_message", text(m.failure_message)},
                      {"failure_status", m.failure_status},
                      {"batch_iterations", m.batch_iterations},
                      {"warmup_ns", m.warmup_ns},
                      {"pairs", std::move(pairs)},
                      {"plugin_log", std::move(log)},
                      {"baseline_reported", side_to_json(m.baseline_reported)},
                      {"new_reported", side_to_json(m.new_reported)}};
}

PairedMeasurement paired_from_json(const json::value& value) {
  const json::object& o = as_object(value, "paired measurement message");
  PairedMeasurement m;
  WorkerResultHeader header = read_result_header(o);
  m.succeeded = header.succeeded;
  m.failure_side = string_field(o, "failure_side");
  m.failure_phase = std::move(header.failure_phase);
  m.failure_message = std::move(header.failure_message);
  m.failure_status = header.failure_status;
  m.batch_iterations = unsigned_field(o, "batch_iterations");
  m.warmup_ns = number_field(o, "warmup_ns");
  for (const json::value& p : array_field(o, "pairs")) {
    if (!p.is_array() || p.get_array().size() != 3) throw MessageError("malformed pair");
    const json::array& a = p.get_array();
    const auto first = exact_number<std::uint32_t>(a[2], "a pair's order");
    if (first > 1) throw MessageError("a pair's order is neither 0 nor 1");
    m.pairs.push_back({batch_time(a[0]), batch_time(a[1]), first == 1});
  }
  if (m.succeeded && (m.pairs.empty() || m.batch_iterations == 0))
    throw MessageError("a successful paired measurement without pairs or batch size");
  for (const json::value& line : array_field(o, "plugin_log"))
    if (line.is_string()) m.plugin_log.emplace_back(line.get_string());
  if (!o.contains("baseline_reported") || !o.contains("new_reported"))
    throw MessageError("a paired measurement without its sides' reports");
  m.baseline_reported = side_from_json(o, "baseline_reported");
  m.new_reported = side_from_json(o, "new_reported");
  return m;
}

}  // namespace costops::host
