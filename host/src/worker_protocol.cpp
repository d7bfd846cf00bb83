#include "costops/host/worker_protocol.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <type_traits>

#include "costops/host/json_fields.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

// Doubles with 17 significant digits come back bit for bit.
std::string setting_text(double value) {
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}
template <class Unsigned>
std::string setting_text(Unsigned value) {
  return std::to_string(value);
}

template <class T>
T parse_setting(const std::string& text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty())
    throw MessageError("worker argument `" + text + "` is not a number in range");
  if constexpr (std::is_floating_point_v<T>)
    if (!std::isfinite(value)) throw MessageError("worker argument `" + text + "` is not finite");
  return value;
}

// One measurement setting on the command line. The table below is the single
// list of what travels to the child; a round-trip test covers every entry.
struct SettingCodec {
  const char* option;
  std::string (*encode)(const MeasurementSettings&);
  void (*decode)(MeasurementSettings&, const std::string&);
};

template <auto Field>
constexpr SettingCodec codec_for(const char* option) {
  return {option, [](const MeasurementSettings& s) { return setting_text(s.*Field); },
          [](MeasurementSettings& s, const std::string& text) {
            s.*Field = parse_setting<std::remove_reference_t<decltype(s.*Field)>>(text);
          }};
}

constexpr SettingCodec kSettingCodecs[] = {
    codec_for<&MeasurementSettings::warmup_seconds>("--warmup-time"),
    codec_for<&MeasurementSettings::min_time_seconds>("--min-time"),
    codec_for<&MeasurementSettings::min_samples>("--min-samples"),
    codec_for<&MeasurementSettings::repetitions>("--repetitions"),
    codec_for<&MeasurementSettings::target_sample_seconds>("--sample-time"),
    codec_for<&MeasurementSettings::max_samples>("--max-samples"),
    codec_for<&MeasurementSettings::fixed_batch_iterations>("--batch-iterations"),
    codec_for<&MeasurementSettings::instruction_iterations>("--instruction-iterations"),
};

}  // namespace

bool is_worker_subcommand(std::string_view first_argument) {
  return first_argument == kProbeSubcommand || first_argument == kRunTargetSubcommand ||
         first_argument == kRunPairedSubcommand || first_argument == kSandboxInitSubcommand;
}

std::vector<std::string> encode_worker_arguments(const WorkerRequest& request) {
  std::vector<std::string> args;
  if (request.task == WorkerTask::probe) {
    args = {std::string(kProbeSubcommand), "--plugin", request.plugin};
    return args;
  }
  const bool paired = request.task == WorkerTask::run_paired;
  args = {std::string(paired ? kRunPairedSubcommand : kRunTargetSubcommand), "--plugin",
          request.plugin, "--target", request.target};
  if (paired) args.insert(args.end(), {"--baseline-plugin", request.baseline_plugin});
  for (const SettingCodec& codec : kSettingCodecs) {
    args.emplace_back(codec.option);
    args.push_back(codec.encode(request.settings));
  }
  return args;
}

WorkerRequest decode_worker_arguments(const std::vector<std::string>& args) {
  if (args.empty() || !is_worker_subcommand(args.front()) || args.front() == kSandboxInitSubcommand)
    throw MessageError("not a worker subcommand: `" + (args.empty() ? "" : args.front()) + "`");
  WorkerRequest request;
  request.task = args.front() == kProbeSubcommand       ? WorkerTask::probe
                 : args.front() == kRunPairedSubcommand ? WorkerTask::run_paired
                                                        : WorkerTask::run_target;
  const bool measures = request.task != WorkerTask::probe;
  for (std::size_t i = 1; i < args.size(); i += 2) {
    const std::string& option = args[i];
    if (i + 1 >= args.size()) throw MessageError("worker option " + option + " has no value");
    const std::string& value = args[i + 1];
    if (option == "--plugin") {
      request.plugin = value;
    } else if (option == "--target" && measures) {
      request.target = value;
    } else if (option == "--baseline-plugin" && request.task == WorkerTask::run_paired) {
      request.baseline_plugin = value;
    } else {
      const auto codec = std::find_if(std::begin(kSettingCodecs), std::end(kSettingCodecs),
                                      [&](const SettingCodec& c) { return option == c.option; });
      if (codec == std::end(kSettingCodecs) || !measures)
        throw MessageError("unknown worker option " + option);
      codec->decode(request.settings, value);
    }
  }
  if (request.plugin.empty()) throw MessageError("the worker needs --plugin");
  if (measures && request.target.empty()) throw MessageError("the worker needs --target");
  if (request.task == WorkerTask::run_paired && request.baseline_plugin.empty())
    throw MessageError("the paired worker needs --baseline-plugin");
  return request;
}

// Every string the worker sends passes through here: plugin text is made
// valid UTF-8 once, at the process boundary, so no message can fail to parse
// and no file the parent writes can be invalid JSON because of a plugin.
namespace {

json::string text(std::string_view s) {
  return json::string(valid_utf8(s));
}

}  // namespace

json::value probe_to_json(const PluginProbe& probe) {
  json::array targets;
  for (const auto& t : probe.targets)
    targets.push_back(json::object{{"id", text(t.id)},
                                   {"description", text(t.description)},
                                   {"flags", t.flags},
                                   {"family", text(t.family)},
                                   {"argument", t.argument},
                                   {"complexity_variable", text(t.complexity_variable)}});
  return json::object{{"path", text(probe.path)},       {"status", to_string(probe.status)},
                      {"reason", text(probe.reason)},   {"name", text(probe.name)},
                      {"version", text(probe.version)}, {"build_info", text(probe.build_info)},
                      {"abi_major", probe.abi_major},   {"abi_minor", probe.abi_minor},
                      {"targets", std::move(targets)}};
}

PluginProbe probe_from_json(const json::value& value) {
  const json::object& o = as_object(value, "probe message");
  PluginProbe probe;
  probe.path = string_field(o, "path");
  const auto status = parse_target_status(string_field(o, "status"));
  if (!status) throw MessageError("unknown status in probe message");
  probe.status = *status;
  probe.reason = string_field(o, "reason");
  probe.name = string_field(o, "name");
  probe.version = string_field(o, "version");
  probe.build_info = string_field(o, "build_info");
  probe.abi_major = static_cast<std::uint32_t>(unsigned_field(o, "abi_major"));
  probe.abi_minor = static_cast<std::uint32_t>(unsigned_field(o, "abi_minor"));
  for (const json::value& t : array_field(o, "targets")) {
    const json::object& target = as_object(t, "target");
    TargetDescription description{string_field(target, "id"), string_field(target, "description"),
                                  static_cast<std::uint32_t>(unsigned_field(target, "flags"))};
    description.family = string_field(target, "family");
    description.argument = signed_field(target, "argument");
    description.complexity_variable = string_field(target, "complexity_variable");
    probe.targets.push_back(std::move(description));
  }
  return probe;
}

namespace {

json::object allocations_to_json(const AllocationCounts& a) {
  return json::object{{"unavailable", text(a.unavailable)},
                      {"iterations", a.iterations},
                      {"allocations", a.allocations},
                      {"frees", a.frees},
                      {"bytes_allocated", a.bytes_allocated},
                      {"peak_live_bytes", a.peak_live_bytes},
                      {"live_bytes_after_teardown", a.live_bytes_after_teardown}};
}

}  // namespace

json::array plugin_metrics_to_json(const PluginMetrics& metrics) {
  json::array out;
  for (const auto& [key, value] : metrics) {
    if (const double* number = std::get_if<double>(&value))
      out.push_back(json::array{text(key), *number});
    else
      out.push_back(json::array{text(key), text(std::get<std::string>(value))});
  }
  return out;
}

PluginMetrics plugin_metrics_from_json(const json::array& metrics) {
  PluginMetrics out;
  for (const json::value& entry : metrics) {
    if (!entry.is_array() || entry.get_array().size() != 2 || !entry.get_array()[0].is_string())
      throw MessageError("malformed plugin metric");
    const json::array& a = entry.get_array();
    std::string key(a[0].get_string());
    if (a[1].is_string())
      out.emplace_back(std::move(key), std::string(a[1].get_string()));
    else if (a[1].is_number())
      out.emplace_back(std::move(key), exact_number<double>(a[1], "a metric"));
    else
      throw MessageError("plugin metric " + key + " is neither a number nor a string");
  }
  return out;
}

json::value measurement_to_json(const TargetMeasurement& m) {
  json::array samples;
  samples.reserve(m.samples.size());
  for (const Sample& s : m.samples)
    samples.push_back(json::array{s.iterations, s.elapsed_ns, s.repetition, s.cpu_ns});
  json::array log;
  for (const auto& line : m.plugin_log) log.push_back(json::string(text(line)));
  return json::object{{"succeeded", m.succeeded},
                      {"failure_phase", text(m.failure_phase)},
                      {"failure_message", text(m.failure_message)},
                      {"failure_status", m.failure_status},
                      {"samples", std::move(samples)},
                      {"batch_iterations", m.batch_iterations},
                      {"warmup_iterations", m.warmup_iterations},
                      {"warmup_ns", m.warmup_ns},
                      {"clock_overhead_ns", m.clock_overhead_ns},
                      {"empty_batch_ns", m.empty_batch_ns},
                      {"bytes_per_operation", m.bytes_per_operation},
                      {"items_per_operation", m.items_per_operation},
                      {"plugin_metrics", plugin_metrics_to_json(m.plugin_metrics)},
                      {"plugin_log", std::move(log)},
                      {"peak_rss_bytes", m.peak_rss_bytes},
                      {"leaked_file_descriptors", m.leaked_file_descriptors},
                      {"heap_growth_bytes", m.heap_growth_bytes},
                      {"hardware", json::object{{"unavailable", text(m.hardware.unavailable)},
                                                {"iterations", m.hardware.iterations},
                                                {"instructions", m.hardware.instructions},
                                                {"cycles", m.hardware.cycles},
                                                {"branch_misses", m.hardware.branch_misses}}},
                      {"allocations", allocations_to_json(m.allocations)},
                      {"threads", m.threads}};
}

namespace {

// Optional: a message without it (a forged one, say) still reaches the
// plausibility checks, with the counters marked as not reported.
void read_hardware_counts(const json::object& message, HardwareCounts& counts) {
  const json::value* hardware_value = message.if_contains("hardware");
  if (hardware_value == nullptr) {
    counts.unavailable = "not reported by the worker";
    return;
  }
  const json::object& hardware = as_object(*hardware_value, "field \"hardware\"");
  counts.unavailable = string_field(hardware, "unavailable");
  counts.iterations = unsigned_field(hardware, "iterations");
  counts.instructions = unsigned_field(hardware, "instructions");
  counts.cycles = unsigned_field(hardware, "cycles");
  counts.branch_misses = unsigned_field(hardware, "branch_misses");
}

// Optional too: a worker that did not count says nothing.
void read_allocation_counts(const json::object& message, AllocationCounts& counts) {
  const json::value* value = message.if_contains("allocations");
  if (value == nullptr) {
    counts.unavailable = "not reported by the worker";
    return;
  }
  const json::object& a = as_object(*value, "field \"allocations\"");
  counts.unavailable = string_field(a, "unavailable");
  counts.iterations = unsigned_field(a, "iterations");
  counts.allocations = unsigned_field(a, "allocations");
  counts.frees = unsigned_field(a, "frees");
  counts.bytes_allocated = unsigned_field(a, "bytes_allocated");
  counts.peak_live_bytes = unsigned_field(a, "peak_live_bytes");
  counts.live_bytes_after_teardown = unsigned_field(a, "live_bytes_after_teardown");
}

}  // namespace

WorkerResultHeader read_result_header(const json::object& o) {
  WorkerResultHeader header;
  const json::value& succeeded = field(o, "succeeded");
  if (!succeeded.is_bool()) throw MessageError("field \"succeeded\" is not a boolean");
  header.succeeded = succeeded.get_bool();
  header.failure_phase = string_field(o, "failure_phase");
  header.failure_message = string_field(o, "failure_message");
  const std::int64_t status = signed_field(o, "failure_status");
  if (status < INT32_MIN || status > INT32_MAX)
    throw MessageError("failure_status is out of range");
  header.failure_status = static_cast<std::int32_t>(status);
  return header;
}

TargetMeasurement measurement_from_json(const json::value& value) {
  const json::object& o = as_object(value, "measurement message");
  TargetMeasurement m;
  WorkerResultHeader header = read_result_header(o);
  m.succeeded = header.succeeded;
  m.failure_phase = std::move(header.failure_phase);
  m.failure_message = std::move(header.failure_message);
  m.failure_status = header.failure_status;
  for (const json::value& s : array_field(o, "samples")) {
    // [iterations, elapsed_ns, repetition] and, from workers that measure
    // it, the process CPU time (< 0: unknown).
    if (!s.is_array() || s.get_array().size() < 3 || s.get_array().size() > 4)
      throw MessageError("malformed sample");
    const json::array& a = s.get_array();
    if (!a[0].is_number() || !a[1].is_number() || !a[2].is_number() ||
        (a.size() == 4 && !a[3].is_number()))
      throw MessageError("malformed sample");
    const double elapsed = exact_number<double>(a[1], "a sample's time");
    if (!(elapsed >= 0) || elapsed > 1e18) throw MessageError("a sample's time is out of range");
    const double cpu = a.size() == 4 ? exact_number<double>(a[3], "a sample's CPU time") : -1;
    if (!(cpu >= -1) || cpu > 1e18) throw MessageError("a sample's CPU time is out of range");
    m.samples.push_back({exact_number<std::uint64_t>(a[0], "a sample's iterations"), elapsed,
                         exact_number<std::uint32_t>(a[2], "a sample's repetition"), 0, cpu});
  }
  m.batch_iterations = unsigned_field(o, "batch_iterations");
  m.warmup_iterations = unsigned_field(o, "warmup_iterations");
  m.warmup_ns = number_field(o, "warmup_ns");
  m.clock_overhead_ns = number_field(o, "clock_overhead_ns");
  m.empty_batch_ns = number_field(o, "empty_batch_ns");
  m.bytes_per_operation = unsigned_field(o, "bytes_per_operation");
  m.items_per_operation = unsigned_field(o, "items_per_operation");
  m.plugin_metrics = plugin_metrics_from_json(array_field(o, "plugin_metrics"));
  for (const json::value& line : array_field(o, "plugin_log"))
    if (line.is_string()) m.plugin_log.emplace_back(line.get_string());
  m.peak_rss_bytes = unsigned_field(o, "peak_rss_bytes");
  m.leaked_file_descriptors = signed_field(o, "leaked_file_descriptors");
  m.heap_growth_bytes = signed_field(o, "heap_growth_bytes");
  read_hardware_counts(o, m.hardware);
  read_allocation_counts(o, m.allocations);
  // Optional: a worker from before threaded targets (1.4) ran one thread.
  if (o.contains("threads")) {
    const std::uint64_t threads = unsigned_field(o, "threads");
    if (threads < 1 || threads > 256) throw MessageError("threads is out of range");
    m.threads = static_cast<std::uint32_t>(threads);
  }
  return m;
}

json::value parse_message(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) throw MessageError("the worker's result is not valid JSON: " + ec.message());
  return v;
}

}  // namespace costops::host
