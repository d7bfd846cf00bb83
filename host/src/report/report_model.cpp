#include "costops/host/report/report_model.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <stdexcept>

#include "costops/host/history_report.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/results_keys.hpp"

namespace costops::host {

namespace json = boost::json;
namespace K = results_key;

namespace {

// Only the most recent runs of a target are drawn: a trend of years of
// nightly runs would make the page heavy and the chart unreadable.
constexpr std::size_t kMaxTrendPoints = 200;

// A value of the environment or the settings as one line of text; a list
// of strings (the environment's warnings) as "a; b".
std::string text_of(const json::value& value) {
  if (value.is_string()) return std::string(value.get_string());
  if (value.is_null()) return "-";
  if (const json::array* list = value.if_array()) {
    std::string out;
    for (const json::value& item : *list) out += (out.empty() ? "" : "; ") + text_of(item);
    return out;
  }
  return json::serialize(value);
}

std::vector<std::pair<std::string, std::string>> key_values(const json::object& root,
                                                            std::string_view key) {
  std::vector<std::pair<std::string, std::string>> out;
  if (const json::value* v = root.if_contains(key); v && v->is_object())
    for (const auto& [name, value] : v->get_object()) out.emplace_back(name, text_of(value));
  return out;
}

std::string command_line_of(const json::object& root) {
  std::string out;
  if (const json::value* v = root.if_contains(K::command_line); v && v->is_array())
    for (const json::value& word : v->get_array()) out += (out.empty() ? "" : " ") + text_of(word);
  return out;
}

std::string source_of(const json::object& root) {
  const json::value* v = root.if_contains(K::source);
  if (!v || !v->is_object()) return "";
  const json::object& s = v->get_object();
  const auto field = [&](std::string_view key) {
    const json::value* f = s.if_contains(key);
    return f && f->is_string() ? std::string(f->get_string()) : std::string();
  };
  std::string out = field("commit").empty() ? "unknown commit" : field("commit");
  if (!field("branch").empty()) out += " (" + field("branch") + ")";
  if (const json::value* d = s.if_contains("dirty"); d && d->is_bool() && d->get_bool())
    out += ", uncommitted changes";
  return out;
}

// ns per operation of each sample (samples.elapsed_ns / samples.iterations);
// entries that are not positive numbers are left out.
std::vector<double> sample_times(const json::object& target) {
  std::vector<double> out;
  const json::value* samples = target.if_contains(K::samples);
  const json::object* s = samples ? samples->if_object() : nullptr;
  const json::value* iterations = s ? s->if_contains(K::sample_iterations) : nullptr;
  const json::value* elapsed = s ? s->if_contains(K::sample_elapsed_ns) : nullptr;
  if (!iterations || !elapsed || !iterations->is_array() || !elapsed->is_array()) return out;
  const json::array &n = iterations->get_array(), &ns = elapsed->get_array();
  for (std::size_t i = 0; i < n.size() && i < ns.size(); ++i)
    if (n[i].is_number() && ns[i].is_number() && n[i].to_number<double>() > 0)
      out.push_back(ns[i].to_number<double>() / n[i].to_number<double>());
  return out;
}

std::optional<Complexity> complexity_named(std::string_view big_o, std::string_view variable) {
  for (const Complexity c : kAllComplexities)
    if (big_o_notation(c, variable) == big_o) return c;
  return std::nullopt;
}

ReportFamily family_of(const json::object& f) {
  ReportFamily family;
  const auto str = [](const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  family.name = str(f, "family");
  family.variable = str(f, "variable");
  family.no_fit_reason = str(f, "no_fit_reason");
  if (const json::value* m = f.if_contains("members"); m && m->is_array())
    for (const json::value& member : m->get_array()) {
      const json::object* o = member.if_object();
      const json::value* argument = o ? o->if_contains("argument") : nullptr;
      const json::value* median = o ? o->if_contains("median_ns") : nullptr;
      if (!argument || !argument->is_int64() || !median || !median->is_number()) continue;
      family.members.push_back(
          {str(*o, "target_id"), argument->get_int64(), median->to_number<double>()});
    }
  const json::value* fit = f.if_contains("complexity");
  if (const json::object* c = fit ? fit->if_object() : nullptr) {
    family.big_o = str(*c, "big_o");
    family.complexity = complexity_named(family.big_o, family.variable);
    const json::value* coefficient = c->if_contains("coefficient_ns");
    const json::value* rms = c->if_contains("normalized_rms");
    family.coefficient_ns =
        coefficient && coefficient->is_number() ? coefficient->to_number<double>() : 0;
    family.normalized_rms = rms && rms->is_number() ? rms->to_number<double>() : 0;
    if (!(family.coefficient_ns > 0)) family.complexity.reset();  // nothing to draw
  }
  return family;
}

ReportTrend trend_of(const std::string& target_id, const std::vector<HistoryEntry>& entries,
                     const ComparisonSettings& settings) {
  ReportTrend trend{target_id, {}};
  const std::size_t first = entries.size() > kMaxTrendPoints ? entries.size() - kMaxTrendPoints : 0;
  const HistoryEntry* previous = nullptr;
  for (std::size_t i = first; i < entries.size(); ++i) {
    const HistoryEntry& e = entries[i];
    ReportHistoryPoint point{e};
    if (e.status == "ok" && previous) {  // the same test as `cost-ops history`
      const TargetComparison c = compare_history_entries(target_id, *previous, e, settings);
      point.change = c.change;
      point.p_value = c.p_value;
      if (c.verdict == Verdict::slower || c.verdict == Verdict::faster) point.step = c.verdict;
    }
    point.entry.ns_per_operation.clear();  // the page draws medians only
    point.entry.repetition.clear();
    point.entry.process.clear();
    trend.points.push_back(std::move(point));
    if (e.status == "ok") previous = &e;
  }
  return trend;
}

std::size_t measured_runs(const std::vector<HistoryEntry>& entries) {
  return static_cast<std::size_t>(std::count_if(entries.begin(), entries.end(),
                                                [](const auto& e) { return e.status == "ok"; }));
}

void add_comparison(const ReportSources& sources, ReportModel& model) {
  model.baseline_label = sources.baseline_label;
  if (!sources.run) {
    model.comparison_problem = sources.run_problem;
    return;
  }
  try {
    model.comparison = compare_runs(*sources.baseline, *sources.run, sources.comparison);
  } catch (const ComparisonError& e) {
    model.comparison_problem = e.what();
  }
}

}  // namespace

ReportModel build_report_model(const ReportSources& sources) {
  const ExportView view = read_export_view(sources.results);  // throws for a non-results file
  const json::object& root = sources.results.get_object();
  ReportModel model;
  model.timestamp = view.timestamp;
  model.host_version = view.host_version;
  model.command_line = command_line_of(root);
  model.source = source_of(root);
  model.environment = key_values(root, K::environment);
  model.settings = key_values(root, K::settings);
  std::size_t next = 0;
  for (const json::value& entry : root.at(K::targets).get_array()) {
    if (!entry.is_object()) continue;  // read_export_view leaves them out too
    const ExportedTarget& target = view.targets.at(next++);
    const json::value* summary_only = entry.get_object().if_contains(K::summary_only);
    model.targets.push_back({target,
                             target.ok ? sample_times(entry.get_object()) : std::vector<double>{},
                             summary_only && summary_only->is_bool() && summary_only->get_bool()});
  }
  if (const json::value* f = root.if_contains(K::families); f && f->is_array())
    for (const json::value& family : f->get_array())
      if (family.is_object()) model.families.push_back(family_of(family.get_object()));
  if (sources.baseline) add_comparison(sources, model);
  model.history_label = sources.history_label;
  for (const ReportTarget& t : model.targets)
    if (const auto it = sources.history.find(t.summary.id);
        it != sources.history.end() && measured_runs(it->second) >= 2)
      model.trends.push_back(trend_of(t.summary.id, it->second, sources.comparison));
  return model;
}

}  // namespace costops::host
