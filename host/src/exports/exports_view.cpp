#include <boost/json.hpp>
#include <limits>
#include <map>
#include <stdexcept>

#include "costops/host/exports_view.hpp"
#include "costops/host/metric_keys.hpp"
#include "costops/host/results_keys.hpp"
#include "costops/host/sample_stats.hpp"

namespace costops::host {

namespace json = boost::json;
namespace K = results_key;

namespace {

std::string text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

double number(const json::object& o, std::string_view key, double fallback = 0) {
  const json::value* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : fallback;
}

// A count read from the file as an integer of type T: NaN, negative or
// fractional garbage gives 0, a value beyond T's range T's largest. Casting
// such a double directly is undefined behaviour (a results.json edited to
// hold "samples": 1e300 must not change what the export says at random).
template <typename T>
T whole(double value) {
  if (!(value >= 0)) return 0;
  if (value >= static_cast<double>(std::numeric_limits<T>::max()))
    return std::numeric_limits<T>::max();
  return static_cast<T>(value);
}

// Every timed batch with at least one iteration, in file order.
std::vector<ExportedSample> samples_of(const json::object& samples) {
  const auto array = [&](std::string_view key) -> const json::array* {
    const json::value* v = samples.if_contains(key);
    return v && v->is_array() ? &v->get_array() : nullptr;
  };
  const json::array* its = array(K::sample_iterations);
  const json::array* ns = array(K::sample_elapsed_ns);
  const json::array* repetition = array(K::sample_repetition);
  const json::array* cpu = array(K::sample_cpu_ns);
  if (!its || !ns) return {};
  std::vector<ExportedSample> out;
  for (std::size_t i = 0; i < its->size() && i < ns->size(); ++i) {
    const double count = (*its)[i].is_number() ? (*its)[i].to_number<double>() : 0;
    // A count no uint64_t holds is not a batch this host wrote.
    if (!(count >= 1 && count < 1.8e19) || !(*ns)[i].is_number()) continue;
    ExportedSample sample;
    sample.iterations = whole<std::uint64_t>(count);
    sample.ns_per_op = (*ns)[i].to_number<double>() / count;
    if (cpu && i < cpu->size() && (*cpu)[i].is_number() && (*cpu)[i].to_number<double>() >= 0)
      sample.cpu_ns_per_op = (*cpu)[i].to_number<double>() / count;
    if (repetition && i < repetition->size() && (*repetition)[i].is_number()) {
      const double r = (*repetition)[i].to_number<double>();
      sample.repetition = r >= 0 && r < 1e9 ? static_cast<std::uint64_t>(r) : 0;
    }
    out.push_back(sample);
  }
  return out;
}

// Per repetition: the median ns/op of its samples (and of their CPU time
// when every one was measured), and its iterations.
std::vector<ExportedRepetition> repetitions_of(const std::vector<ExportedSample>& samples) {
  struct Group {
    std::vector<double> ns, cpu;
    std::uint64_t iterations = 0;
    bool all_cpu = true;
  };
  std::map<std::uint64_t, Group> groups;
  for (const ExportedSample& s : samples) {
    Group& g = groups[s.repetition];
    g.ns.push_back(s.ns_per_op);
    g.iterations += s.iterations;
    if (s.cpu_ns_per_op >= 0)
      g.cpu.push_back(s.cpu_ns_per_op);
    else
      g.all_cpu = false;
  }
  std::vector<ExportedRepetition> out;
  for (auto& [r, g] : groups)
    out.push_back(
        {median_of(std::move(g.ns)), g.all_cpu ? median_of(std::move(g.cpu)) : -1, g.iterations});
  return out;
}

// The host's own metric names, which are not the plugin's counters.
bool is_host_metric(std::string_view key) {
  for (const std::string_view k : kRequiredMetricKeys)
    if (k == key) return true;
  for (const std::string_view k : kDerivedMetricKeys)
    if (k == key) return true;
  return key == K::instructions_per_operation || key == K::frees_per_op ||
         key == K::leaked_bytes_per_op;
}

ExportedTarget read_target(const json::object& t) {
  ExportedTarget target;
  target.id = text(t, K::target_id);
  target.status = text(t, K::status);
  target.reason = text(t, K::reason);
  target.description = text(t, K::description);
  if (const json::value* p = t.if_contains(K::plugin); p && p->is_object()) {
    target.plugin = text(p->get_object(), K::name);
    target.plugin_version = text(p->get_object(), K::version);
  }
  target.ok = target.status == "ok";
  if (const json::value* f = t.if_contains(K::flags); f && f->is_array())
    for (const json::value& flag : f->get_array())
      if (flag.is_string()) target.flags.emplace_back(flag.get_string());
  const json::value* stats = t.if_contains(K::statistics);
  if (target.ok && stats && stats->is_object()) {
    const json::object& s = stats->get_object();
    target.median_ns = number(s, "median_ns");
    target.mean_ns = number(s, "mean_ns");
    target.min_ns = number(s, "min_ns");
    target.max_ns = number(s, "max_ns");
    target.stddev_ns = number(s, "stddev_ns");
    target.ci_low_ns = number(s, "median_ci95_low_ns", target.median_ns);
    target.ci_high_ns = number(s, "median_ci95_high_ns", target.median_ns);
    target.cv = number(s, "coefficient_of_variation");
    target.samples = whole<std::uint64_t>(number(s, "samples"));
    target.cpu_time_per_op_ns = number(s, K::cpu_time_per_op_ns, -1);
  }
  if (const json::value* m = t.if_contains(K::metrics); m && m->is_object()) {
    target.total_iterations = whole<std::uint64_t>(number(m->get_object(), "total_iterations"));
    target.total_seconds = number(m->get_object(), "total_duration_ms") / 1e3;
    target.throughput_mb_per_sec = number(m->get_object(), "throughput_mb_per_sec", -1);
    // Present only for a threaded target (threads > 1); 1 otherwise.
    const double threads = number(m->get_object(), "threads", 1);
    target.threads = threads >= 1 && threads <= 256 ? static_cast<std::uint32_t>(threads) : 1;
    target.bytes_per_operation = number(m->get_object(), "bytes_per_operation");
    target.items_per_operation = number(m->get_object(), "items_per_operation");
    for (const auto& [key, value] : m->get_object()) {
      if (is_host_metric(key)) continue;
      if (value.is_number())
        target.plugin_numbers[std::string(key)] = value.to_number<double>();
      else if (value.is_string())
        target.plugin_texts[std::string(key)] = std::string(value.get_string());
    }
  }
  if (const json::value* s = t.if_contains(K::samples); target.ok && s && s->is_object()) {
    target.sample_values = samples_of(s->get_object());
    target.repetitions = repetitions_of(target.sample_values);
  }
  return target;
}

}  // namespace

ExportView read_export_view(const json::value& results) {
  if (!results.is_object() || !results.get_object().contains(K::targets) ||
      !results.get_object().at(K::targets).is_array())
    throw std::runtime_error("not a cost-ops results.json: no \"targets\" array");
  const json::object& root = results.get_object();
  ExportView view;
  view.timestamp = text(root, K::timestamp);
  view.host_version = text(root, K::host_version);
  if (const json::value* env = root.if_contains(K::environment); env && env->is_object()) {
    const json::object& e = env->get_object();
    view.host_name = text(e, "host_name");
    view.cpu_model = text(e, "cpu_model");
    view.build_type = text(e, "host_build_type");
    view.logical_cpus = whole<unsigned>(number(e, "logical_cpus"));
    view.load_average = number(e, "load_average_1m");
    view.cpu_mhz = whole<std::uint32_t>(number(e, "cpu_mhz") + 0.5);  // rounded, in range
    if (const json::value* caches = e.if_contains("cpu_caches"); caches && caches->is_array())
      for (const json::value& c : caches->get_array())
        if (c.is_object())
          view.cpu_caches.push_back({text(c.get_object(), "type"),
                                     whole<int>(number(c.get_object(), "level")),
                                     whole<std::uint64_t>(number(c.get_object(), "size_bytes")),
                                     whole<unsigned>(number(c.get_object(), "shared_by_cpus"))});
  }
  // The name the run was given (run --run-name, else its output directory's
  // at the time); the caller's name applies only when the file has none.
  if (const json::value* settings = root.if_contains("settings"); settings && settings->is_object())
    view.run_name = text(settings->get_object(), "run_name");
  if (const json::value* src = root.if_contains(K::source); src && src->is_object()) {
    view.source_commit = text(src->get_object(), "commit");
    view.source_branch = text(src->get_object(), "branch");
  }
  for (const json::value& t : root.at(K::targets).get_array())
    if (t.is_object()) view.targets.push_back(read_target(t.get_object()));
  return view;
}

}  // namespace costops::host
