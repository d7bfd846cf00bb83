#include <boost/json.hpp>
#include <map>
#include <stdexcept>

#include "costops/host/exports_view.hpp"
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

// Per repetition: the median ns/op of its samples and its iterations.
std::vector<ExportedRepetition> repetitions_of(const json::object& samples) {
  const json::value* iterations = samples.if_contains(K::sample_iterations);
  const json::value* elapsed = samples.if_contains(K::sample_elapsed_ns);
  const json::value* repetition = samples.if_contains(K::sample_repetition);
  if (!iterations || !elapsed || !iterations->is_array() || !elapsed->is_array()) return {};
  std::map<std::uint64_t, std::pair<std::vector<double>, std::uint64_t>> groups;
  const auto& its = iterations->get_array();
  const auto& ns = elapsed->get_array();
  for (std::size_t i = 0; i < its.size() && i < ns.size(); ++i) {
    const double count = its[i].is_number() ? its[i].to_number<double>() : 0;
    if (!(count >= 1) || !ns[i].is_number()) continue;
    std::uint64_t r = 0;
    if (repetition && repetition->is_array() && i < repetition->get_array().size() &&
        repetition->get_array()[i].is_number())
      r = repetition->get_array()[i].to_number<std::uint64_t>();
    auto& [values, total] = groups[r];
    values.push_back(ns[i].to_number<double>() / count);
    total += static_cast<std::uint64_t>(count);
  }
  std::vector<ExportedRepetition> out;
  for (auto& [r, group] : groups) out.push_back({median_of(std::move(group.first)), group.second});
  return out;
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
    target.samples = static_cast<std::uint64_t>(number(s, "samples"));
  }
  if (const json::value* m = t.if_contains(K::metrics); m && m->is_object()) {
    target.total_iterations =
        static_cast<std::uint64_t>(number(m->get_object(), "total_iterations"));
    target.total_seconds = number(m->get_object(), "total_duration_ms") / 1e3;
    target.throughput_mb_per_sec = number(m->get_object(), "throughput_mb_per_sec", -1);
    // Present only for a threaded target (threads > 1); 1 otherwise.
    const double threads = number(m->get_object(), "threads", 1);
    target.threads = threads >= 1 && threads <= 256 ? static_cast<std::uint32_t>(threads) : 1;
  }
  if (const json::value* s = t.if_contains(K::samples); target.ok && s && s->is_object())
    target.repetitions = repetitions_of(s->get_object());
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
    view.logical_cpus = static_cast<unsigned>(number(e, "logical_cpus"));
    view.load_average = number(e, "load_average_1m");
    view.cpu_mhz = number(e, "cpu_mhz");
    if (const json::value* caches = e.if_contains("cpu_caches"); caches && caches->is_array())
      for (const json::value& c : caches->get_array())
        if (c.is_object())
          view.cpu_caches.push_back(
              {text(c.get_object(), "type"), static_cast<int>(number(c.get_object(), "level")),
               static_cast<std::uint64_t>(number(c.get_object(), "size_bytes")),
               static_cast<unsigned>(number(c.get_object(), "shared_by_cpus"))});
  }
  for (const json::value& t : root.at(K::targets).get_array())
    if (t.is_object()) view.targets.push_back(read_target(t.get_object()));
  return view;
}

}  // namespace costops::host
