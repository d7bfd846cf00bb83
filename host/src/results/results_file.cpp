#include "costops/host/results_file.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "costops/host/files/safe_open.hpp"
#include "costops/host/json_fields.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/raw_record.hpp"
#include "costops/host/results_keys.hpp"
#include "costops/host/results_signature.hpp"
#include "costops/host/run_journal.hpp"
#include "costops/host/target_analysis.hpp"
#include "costops/host/target_families.hpp"
#include "costops/host/target_flags.hpp"

namespace costops::host {

namespace json = boost::json;
namespace fs = std::filesystem;
namespace K = results_key;

// ---- Writer ----------------------------------------------------------------

namespace {

json::object plugin_json(const PluginProbe& plugin) {
  return json::object{{results_key::path, plugin.path},
                      {results_key::name, plugin.name},
                      {results_key::version, plugin.version},
                      {results_key::build_info, plugin.build_info},
                      {results_key::abi_version,
                       std::to_string(plugin.abi_major) + "." + std::to_string(plugin.abi_minor)}};
}

json::value statistics_json(const TargetResult& r) {
  if (!r.measurement) return nullptr;
  const SampleStats& s = r.stats;
  const ProcessSpread spread = process_spread(*r.measurement);
  const double cpu = cpu_ns_per_operation(*r.measurement);
  json::object stats{
      {"basis", "ns_per_operation_of_batch_mean"},
      {"samples", s.count},
      {"mean_ns", finite_or_null(s.mean)},
      {"median_ns", finite_or_null(s.median)},
      {K::cpu_time_per_op_ns, cpu >= 0 ? finite_or_null(cpu) : json::value(nullptr)},
      // The rate every reader sees (console, summary.md, exports): from the
      // median, beside metrics.operations_per_second, the specification's
      // total iterations over total time.
      {K::operations_per_second_median,
       s.median > 0 ? finite_or_null(1e9 / s.median) : json::value(nullptr)},
      {"min_ns", finite_or_null(s.min)},
      {"max_ns", finite_or_null(s.max)},
      {"stddev_ns", finite_or_null(s.stddev)},
      {"coefficient_of_variation", finite_or_null(s.coefficient_of_variation)},
      {"median_absolute_deviation_ns", finite_or_null(s.median_absolute_deviation)},
      {"p5_ns", finite_or_null(s.p5)},
      {"p25_ns", finite_or_null(s.p25)},
      {"p50_ns", finite_or_null(s.p50)},
      {"p75_ns", finite_or_null(s.p75)},
      {"p95_ns", finite_or_null(s.p95)},
      {"p99_ns", finite_or_null(s.p99)},
      {"median_ci95_low_ns", finite_or_null(s.median_ci_low)},
      {"median_ci95_high_ns", finite_or_null(s.median_ci_high)},
      // The interval above treats samples as independent, which
      // they are only within one process; the spread between
      // processes is below.
      {"median_ci95_scope", "within_process"},
      {"between_processes",
       json::object{{"processes", spread.processes},
                    {"p10_of_process_medians_ns", finite_or_null(spread.p10_ns)},
                    {"p90_of_process_medians_ns", finite_or_null(spread.p90_ns)},
                    {"p90_over_p10", spread.p90_over_p10 > 0 ? json::value(spread.p90_over_p10)
                                                             : json::value(nullptr)}}},
      {"outliers", json::object{{"low_severe", s.outliers.low_severe},
                                {"low_mild", s.outliers.low_mild},
                                {"high_mild", s.outliers.high_mild},
                                {"high_severe", s.outliers.high_severe}}}};
  if (s.median > 0 && r.measurement->bytes_per_operation)
    stats[K::throughput_mb_per_sec_median] =
        finite_or_null(static_cast<double>(r.measurement->bytes_per_operation) * 1e3 / s.median);
  if (s.median > 0 && r.measurement->items_per_operation)
    stats[K::items_per_second_median] =
        finite_or_null(static_cast<double>(r.measurement->items_per_operation) * 1e9 / s.median);
  return stats;
}

// Per operation when counted, else why not: {"unavailable": "..."}.
json::value hardware_counters_json(const HardwareCounts& h) {
  if (!h.counted()) return json::object{{"unavailable", h.unavailable}};
  const auto per_operation = [&](std::uint64_t count) {
    return finite_or_null(static_cast<double>(count) / static_cast<double>(h.iterations));
  };
  return json::object{
      {"instructions_per_operation", per_operation(h.instructions)},
      {"cycles_per_operation", per_operation(h.cycles)},
      {"branch_misses_per_operation", per_operation(h.branch_misses)},
      {"instructions_per_cycle", h.cycles ? finite_or_null(static_cast<double>(h.instructions) /
                                                           static_cast<double>(h.cycles))
                                          : json::value(nullptr)}};
}

// Per operation when counted, else why not: {"unavailable": "..."}.
json::value allocations_json(const AllocationCounts& a) {
  if (!a.counted())
    return json::object{
        {"unavailable", a.unavailable.empty() ? std::string("not counted") : a.unavailable}};
  return json::object{
      {K::allocations_per_op, finite_or_null(a.per_operation(a.allocations))},
      {K::frees_per_op, finite_or_null(a.per_operation(a.frees))},
      {K::bytes_allocated_per_op, finite_or_null(a.per_operation(a.bytes_allocated))},
      {K::peak_live_bytes, a.peak_live_bytes},
      {K::leaked_bytes_per_op, finite_or_null(a.per_operation(a.live_bytes_after_teardown))},
      {"counted_iterations", a.iterations}};
}

json::value measurement_json(const TargetResult& r) {
  if (!r.measurement) return nullptr;
  const TargetMeasurement& m = *r.measurement;
  return json::object{{"batch_iterations", m.batch_iterations},
                      {"repetitions", repetition_count(m)},
                      {"warmup_iterations", m.warmup_iterations},
                      {"warmup_ms", finite_or_null(m.warmup_ns / 1e6)},
                      {"clock_overhead_ns", finite_or_null(m.clock_overhead_ns)},
                      {"empty_batch_ns", finite_or_null(m.empty_batch_ns)},
                      {"overhead_ns_per_iteration", finite_or_null(overhead_per_iteration(m))},
                      {"overhead_subtracted", false},
                      {K::instructions_per_operation,
                       m.instructions_per_operation > 0 ? json::value(m.instructions_per_operation)
                                                        : json::value(nullptr)},
                      {"hardware_counters", hardware_counters_json(m.hardware)},
                      {K::allocations, allocations_json(m.allocations)}};
}

json::value samples_json(const TargetResult& r) {
  if (!r.measurement) return nullptr;
  json::array iterations, elapsed, repetition, process, cpu;
  for (const Sample& s : r.measurement->samples) {
    iterations.push_back(s.iterations);
    elapsed.push_back(finite_or_null(s.elapsed_ns));
    cpu.push_back(s.cpu_ns >= 0 ? finite_or_null(s.cpu_ns) : json::value(nullptr));
    repetition.push_back(s.repetition);
    process.push_back(s.process);
  }
  return json::object{{results_key::sample_iterations, std::move(iterations)},
                      {results_key::sample_elapsed_ns, std::move(elapsed)},
                      {results_key::sample_repetition, std::move(repetition)},
                      {results_key::sample_process, std::move(process)},
                      {results_key::sample_cpu_ns, std::move(cpu)}};
}

json::array strings_json(const std::vector<std::string>& lines) {
  json::array out;
  for (const auto& line : lines) out.emplace_back(line);
  return out;
}

const TargetResult* pick(const SuiteReport& report, bool fastest) {
  const TargetResult* best = nullptr;
  for (const auto& t : report.targets) {
    if (t.status != TargetStatus::ok) continue;
    if (!best ||
        (fastest ? t.stats.median < best->stats.median : t.stats.median > best->stats.median))
      best = &t;
  }
  return best;
}

}  // namespace

json::object results_target_json(const TargetResult& t) {
  json::object entry{
      {K::target_id, t.target_id},
      {K::description, t.description},
      {K::status, to_string(t.status)},
      {K::reason, t.reason},
      {K::timestamp, t.timestamp},
      {K::plugin, plugin_json(t.plugin)},
      {K::metrics, canonical_metrics(t)},
      {K::statistics, statistics_json(t)},
      {K::measurement, measurement_json(t)},
      {K::samples, samples_json(t)},
      {K::warnings, strings_json(t.warnings)},
      {K::plugin_log, t.measurement ? strings_json(t.measurement->plugin_log) : json::array()},
      {K::plugin_output, t.plugin_output},
      {K::family, t.family.empty() ? json::value(nullptr)
                                   : json::object{{"name", t.family},
                                                  {"argument", t.argument},
                                                  {"variable", t.complexity_variable}}}};
  json::array flags;
  for (const std::string& name : target_flag_names(t.flags)) flags.emplace_back(name);
  entry[K::flags] = std::move(flags);
  if (t.summary_only) entry[K::summary_only] = true;
  return entry;
}

namespace {

json::object family_json(const FamilyResult& f) {
  json::array members;
  for (const TargetResult* t : f.members)
    members.push_back(json::object{{K::target_id, t->target_id},
                                   {"argument", t->argument},
                                   {"median_ns", finite_or_null(t->stats.median)}});
  json::value fit = nullptr;
  if (f.best)
    fit = json::object{{"big_o", big_o_notation(f.best->complexity, f.variable)},
                       {"coefficient_ns", finite_or_null(f.best->coefficient_ns)},
                       {"normalized_rms", finite_or_null(f.best->normalized_rms)},
                       {"determined", f.best->determined()},
                       {"next_best", big_o_notation(f.best->next_best, f.variable)},
                       // null: the chosen order fits exactly
                       {"separation", finite_or_null(f.best->separation)}};
  return json::object{{"family", f.family},
                      {"variable", f.variable},
                      {"members", std::move(members)},
                      {"complexity", std::move(fit)},
                      {"no_fit_reason", f.no_fit_reason}};
}

json::object suite_summary_json(const SuiteReport& report) {
  std::map<std::string, std::uint64_t> status_counts;
  std::uint64_t total_iterations = 0;
  double total_ms = 0;
  for (const auto& t : report.targets) {
    ++status_counts[std::string(to_string(t.status))];
    if (!t.measurement) continue;
    const MeasurementTotals totals = totals_of(*t.measurement);
    total_iterations += totals.iterations;
    total_ms += totals.nanoseconds / 1e6;
  }
  json::object counts;
  for (const auto& [status, count] : status_counts) counts[status] = count;
  const TargetResult* fastest = pick(report, true);
  const TargetResult* slowest = pick(report, false);
  return json::object{{K::total_benchmarks, report.targets.size()},
                      {K::total_iterations, total_iterations},
                      {K::total_duration_ms, finite_or_null(total_ms)},
                      {K::fastest_benchmark, fastest ? json::value(fastest->target_id) : nullptr},
                      {K::slowest_benchmark, slowest ? json::value(slowest->target_id) : nullptr},
                      {K::status_counts, std::move(counts)}};
}

}  // namespace

json::array plugins_json(const std::vector<PluginProbe>& probes) {
  json::array plugins;
  for (const auto& p : probes) {
    json::object entry = plugin_json(p);
    entry[K::status] = to_string(p.status);
    entry[K::reason] = p.reason;
    json::array ids;
    for (const auto& t : p.targets) ids.emplace_back(t.id);
    entry[K::plugin_targets] = std::move(ids);
    plugins.push_back(std::move(entry));
  }
  return plugins;
}

namespace {

json::object results_object(const SuiteReport& report) {
  json::array targets;
  for (const auto& t : report.targets) targets.push_back(results_target_json(t));
  json::array families;
  for (const auto& f : family_results(report)) families.push_back(family_json(f));
  json::object root{{K::schema_version, kResultsSchemaVersion},
                    {K::host_version, report.host_version},
                    {K::timestamp, report.started_at},
                    {K::command_line, strings_json(report.command_line)},
                    {K::source, json::object{{"commit", report.source.commit},
                                             {"branch", report.source.branch},
                                             {"dirty", report.source.dirty},
                                             {"repository", report.source.repository},
                                             {"machine_id", report.source.machine_id}}},
                    {K::settings, report.settings},
                    {K::environment, environment_to_json(report.environment)},
                    {K::plugins, plugins_json(report.plugin_files)},
                    {K::targets, std::move(targets)},
                    {K::families, std::move(families)},
                    {K::summary, suite_summary_json(report)}};
  if (!report.ab_paired.empty()) root["ab_paired"] = report.ab_paired;
  return root;
}

}  // namespace

json::value results_json(const SuiteReport& report) {
  json::object root = results_object(report);
  if (!report.comparison_record.empty()) root[K::comparison] = report.comparison_record;
  return root;
}

// ---- Reader ----------------------------------------------------------------

namespace {

[[noreturn]] void bad_file(const fs::path& file, const std::string& what) {
  throw ResultsFileError(file.string() + ": " + what);
}

const json::object& targets_owner(const json::value& doc, const fs::path& file) {
  if (!doc.is_object())
    bad_file(file, "the top level is not an object; is this a cost-ops results.json?");
  const json::value* targets = doc.get_object().if_contains(K::targets);
  if (targets == nullptr || !targets->is_array())
    bad_file(file, "no \"targets\" array; is this a cost-ops results.json?");
  return doc.get_object();
}

// ns per operation of every sample: samples.iterations and .elapsed_ns.
std::vector<double> read_sample_times(const json::object& samples, const std::string& id,
                                      const fs::path& file) {
  const json::value* iterations = samples.if_contains(K::sample_iterations);
  const json::value* elapsed = samples.if_contains(K::sample_elapsed_ns);
  if (!iterations || !elapsed || !iterations->is_array() || !elapsed->is_array() ||
      iterations->get_array().size() != elapsed->get_array().size())
    bad_file(file, "target " + id +
                       ": samples.iterations and samples.elapsed_ns must be arrays of one length");
  std::vector<double> times;
  times.reserve(elapsed->get_array().size());
  for (std::size_t i = 0; i < elapsed->get_array().size(); ++i) {
    const json::value& n = iterations->get_array()[i];
    const json::value& e = elapsed->get_array()[i];
    boost::system::error_code ec;
    const double count = n.is_number() ? n.to_number<double>(ec) : -1;
    const double ns = e.is_number() ? e.to_number<double>(ec) : -1;
    if (ec || !(count >= 1) || !(ns >= 0) || !std::isfinite(ns))
      bad_file(file, "target " + id + ": sample " + std::to_string(i) +
                         " is not a positive count and time");
    times.push_back(ns / count);
  }
  if (times.empty()) bad_file(file, "target " + id + " is ok but has no samples");
  return times;
}

// samples.repetition and samples.process: optional (older files and other
// programs may not say).
std::vector<std::uint32_t> read_sample_indices(const json::object& samples, std::string_view key,
                                               std::size_t count, const std::string& id,
                                               const fs::path& file) {
  std::vector<std::uint32_t> indices;
  const json::value* array = samples.if_contains(key);
  if (array == nullptr) return indices;
  const std::string name = "samples." + std::string(key);
  if (!array->is_array() || array->get_array().size() != count)
    bad_file(file,
             "target " + id + ": " + name + " must be an array as long as samples.iterations");
  indices.reserve(count);
  for (const json::value& r : array->get_array()) {
    if (!r.is_uint64() && !(r.is_int64() && r.get_int64() >= 0))
      bad_file(file, "target " + id + ": " + name + " holds something other than a count");
    const std::uint64_t index = r.is_uint64() ? r.get_uint64() : r.get_int64();
    if (index > 1'000'000)
      bad_file(file, "target " + id + ": " + name + " " + std::to_string(index) +
                         " is implausibly large");
    indices.push_back(static_cast<std::uint32_t>(index));
  }
  return indices;
}

// measurement.instructions_per_operation: optional; null = not counted.
double read_instructions(const json::object& target, const std::string& id, const fs::path& file) {
  const json::value* measurement = target.if_contains(K::measurement);
  const json::value* count =
      measurement && measurement->is_object()
          ? measurement->get_object().if_contains(K::instructions_per_operation)
          : nullptr;
  if (!count || count->is_null()) return 0;
  boost::system::error_code ec;
  const double value = count->is_number() ? count->to_number<double>(ec) : -1;
  if (ec || !(value > 0) || !std::isfinite(value))
    bad_file(file,
             "target " + id + ": measurement.instructions_per_operation is not a positive number");
  return value;
}

// measurement.allocations.allocations_per_op: optional (not counted, or a
// file written before allocations were); < 0 then.
double read_allocations_per_op(const json::object& target, const std::string& id,
                               const fs::path& file) {
  const json::value* measurement = target.if_contains(K::measurement);
  const json::value* allocations = measurement && measurement->is_object()
                                       ? measurement->get_object().if_contains(K::allocations)
                                       : nullptr;
  const json::value* count = allocations && allocations->is_object()
                                 ? allocations->get_object().if_contains(K::allocations_per_op)
                                 : nullptr;
  if (!count) return -1;
  boost::system::error_code ec;
  const double value = count->is_number() ? count->to_number<double>(ec) : -1;
  if (ec || !(value >= 0) || !std::isfinite(value))
    bad_file(file,
             "target " + id + ": measurement.allocations.allocations_per_op is not a number >= 0");
  return value;
}

std::uint64_t settings_count(const json::object& root, std::string_view key) {
  const json::value* settings = root.if_contains(K::settings);
  const json::value* v =
      settings && settings->is_object() ? settings->get_object().if_contains(key) : nullptr;
  if (v && v->is_uint64()) return v->get_uint64();
  if (v && v->is_int64() && v->get_int64() > 0) return static_cast<std::uint64_t>(v->get_int64());
  return 1;
}

// Files written before samples.process: each round ran `repetitions`
// repetitions in one fresh process, numbered on from the previous round's.
void derive_processes(StoredTarget& target, std::uint64_t rounds, std::uint64_t repetitions) {
  if (!target.process.empty() || target.repetition.empty() || rounds <= 1) return;
  for (std::uint32_t r : target.repetition)
    target.process.push_back(
        static_cast<std::uint32_t>(r / std::max<std::uint64_t>(1, repetitions)));
}

std::string string_member(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

StoredTarget read_target(const json::value& entry, const fs::path& file) {
  const json::object& o = as_object(entry, "a target entry");
  StoredTarget target;
  target.target_id = string_field(o, K::target_id);
  const std::string status = string_field(o, K::status);
  const auto parsed = parse_target_status(status);
  if (!parsed)
    bad_file(file, "target " + target.target_id + " has an unknown status \"" + status + "\"");
  target.status = *parsed;
  target.reason = string_member(o, K::reason);
  if (target.status != TargetStatus::ok) return target;
  const json::value* samples = o.if_contains(K::samples);
  if (!samples || !samples->is_object())
    bad_file(file, "target " + target.target_id + " has no samples");
  target.ns_per_operation = read_sample_times(samples->get_object(), target.target_id, file);
  target.repetition = read_sample_indices(samples->get_object(), K::sample_repetition,
                                          target.ns_per_operation.size(), target.target_id, file);
  target.instructions_per_operation = read_instructions(o, target.target_id, file);
  const json::value* summary_only = o.if_contains(K::summary_only);
  target.summary_only = summary_only && summary_only->is_bool() && summary_only->get_bool();
  target.allocations_per_op = read_allocations_per_op(o, target.target_id, file);
  target.process = read_sample_indices(samples->get_object(), K::sample_process,
                                       target.ns_per_operation.size(), target.target_id, file);
  return target;
}

// The whole file, refusing what is not a regular file (a FIFO would block,
// /dev/zero would never end) and what is larger than any real run.
std::string read_results_text(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(file, ec)))
    bad_file(file,
             "cannot be read; pass an output directory of `cost-ops run` or its results.json");
  try {
    return read_regular_file(file, kMaxResultsFileBytes);
  } catch (const UnsafeFileError& e) {
    throw ResultsFileError(e.what());
  }
}

StoredRun read_stored_run(const json::value& doc, const fs::path& file) {
  const json::object& root = targets_owner(doc, file);
  StoredRun run;
  run.file = file;
  run.timestamp = string_member(root, K::timestamp);
  if (const json::value* settings = root.if_contains(K::settings);
      settings && settings->is_object())
    run.ab_pairing = string_member(settings->get_object(), K::settings_ab_pairing);
  const std::uint64_t rounds = settings_count(root, K::settings_rounds);
  const std::uint64_t repetitions = settings_count(root, K::settings_repetitions);
  std::set<std::string> seen;
  for (const json::value& entry : root.at(K::targets).get_array()) {
    StoredTarget target = read_target(entry, file);
    derive_processes(target, rounds, repetitions);
    if (!seen.insert(target.target_id).second)
      bad_file(file, "target " + target.target_id +
                         " appears twice; a results.json holds each target once");
    run.targets.push_back(std::move(target));
  }
  return run;
}

}  // namespace

StoredRun parse_stored_run(const std::string& text, const fs::path& file) {
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec) bad_file(file, "not valid JSON (" + ec.message() + ")");
  try {
    return read_stored_run(doc, file);
  } catch (const JsonFieldError& e) {
    bad_file(file, e.what());
  }
}

namespace {

// The targets the journal holds (run_journal.hpp checks every line), the
// run marked partial.
StoredRun load_journal(const fs::path& journal) {
  const JournalContents contents = read_journal(journal);
  StoredRun run = parse_stored_run(contents.targets_json, journal);
  run.partial = contents.partial_note;
  return run;
}

}  // namespace

StoredRun load_stored_run(const fs::path& dir_or_file) {
  std::error_code ec;
  const bool is_directory = fs::is_directory(dir_or_file, ec);
  const fs::path file = is_directory ? dir_or_file / "results.json" : dir_or_file;
  if (is_directory && !fs::exists(file, ec) && fs::exists(dir_or_file / kJournalFile, ec))
    return load_journal(dir_or_file / kJournalFile);
  const std::string text = read_results_text(file);
  const SignatureCheck check = check_results_signature(file, text);
  if (check.state == SignatureCheck::State::mismatch) throw ResultsFileError(check.problem);
  StoredRun run = parse_stored_run(text, file);
  if (const std::string why = unsigned_results_reason(check, file); !why.empty())
    run.signature_note = why + "; read as it is";
  return run;
}

}  // namespace costops::host
