#include "costops/host/report/report_model.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>

#include "costops/host/history_report.hpp"
#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/results_keys.hpp"
#include "costops/host/sample_stats.hpp"

namespace costops::host {

namespace json = boost::json;
namespace K = results_key;

namespace {

// Only the most recent runs of a target are drawn: a trend of years of
// nightly runs would make the page heavy and the chart unreadable.
constexpr std::size_t kMaxTrendPoints = 200;

std::string plain_number(double v) {
  return report_number(v, 9);
}

// A value of the environment or the settings as one line of text; a list
// of strings (the environment's warnings) as "a; b".
std::string text_of(const json::value& value) {
  if (value.is_string()) return std::string(value.get_string());
  if (value.is_double()) return plain_number(value.get_double());
  if (value.is_null()) return "-";
  if (const json::array* list = value.if_array()) {
    std::string out;
    for (const json::value& item : *list) out += (out.empty() ? "" : "; ") + text_of(item);
    return out;
  }
  // An object as "key value, ...": json::serialize would write 0.01 as 1E-2.
  if (const json::object* object = value.if_object()) {
    std::string out;
    for (const auto& [key, item] : *object)
      out += (out.empty() ? "" : ", ") + std::string(key) + " " + text_of(item);
    return out;
  }
  return json::serialize(value);  // integers and booleans
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
    if (const json::value* d = c->if_contains("determined"); d && d->is_bool())
      family.determined = d->get_bool();
    family.next_best = str(*c, "next_best");
    const json::value* separation = c->if_contains("separation");
    family.separation = separation && separation->is_number() ? separation->to_number<double>() : 0;
    if (!(family.coefficient_ns > 0)) family.complexity.reset();  // nothing to draw
  }
  return family;
}

// The report's own run as a series key (history_series_key), from
// results.json "source"; "" when the file has no provenance.
std::string run_series_key(const json::object& root) {
  const json::value* v = root.if_contains(K::source);
  if (!v || !v->is_object()) return "";
  const auto field = [&](std::string_view key) {
    const json::value* f = v->get_object().if_contains(key);
    return f && f->is_string() ? std::string(f->get_string()) : std::string();
  };
  RunProvenance run;
  run.repository = field("repository");
  run.branch = field("branch");
  run.machine_id = field("machine_id");
  run.host_name = field("host_name");
  return history_series_key(run);
}

std::string series_name(const RunProvenance& run) {
  const auto known = [](const std::string& text) { return text.empty() ? "unknown" : text; };
  return known(run.repository) + " · " + known(run.branch) + " · " +
         known(run.machine_id.empty() ? run.host_name : run.machine_id);
}

// The error bar of one recorded run (ReportHistoryPoint::low_ns/high_ns).
std::pair<double, double> run_spread(const HistoryEntry& e) {
  if (e.ns_per_operation.empty()) return {0, 0};
  std::map<std::uint32_t, std::vector<double>> by_process;
  for (std::size_t i = 0; i < e.ns_per_operation.size(); ++i)
    by_process[i < e.process.size() ? e.process[i] : 0].push_back(e.ns_per_operation[i]);
  if (by_process.size() == 1) {
    const SampleStats stats = compute_sample_stats(e.ns_per_operation);
    return {stats.median_ci_low, stats.median_ci_high};
  }
  std::vector<double> medians;
  for (auto& [process, values] : by_process) medians.push_back(median_of(std::move(values)));
  const auto [lo, hi] = std::minmax_element(medians.begin(), medians.end());
  return {*lo, *hi};
}

// The newest points, each step tested as `cost-ops history` does: within
// its series (repository x branch x machine), per run and over the series'
// level; each point knows its series, which the page draws as its own line.
ReportTrend trend_of(const std::string& target_id, const std::vector<HistoryEntry>& entries,
                     const ComparisonSettings& settings, const std::string& this_series) {
  ReportTrend trend{target_id, {}, {}};
  const std::size_t first = entries.size() > kMaxTrendPoints ? entries.size() - kMaxTrendPoints : 0;
  const std::vector<HistoryEntry> shown(entries.begin() + static_cast<long>(first), entries.end());
  const std::vector<HistoryRow> rows = history_rows(target_id, shown, settings);
  // This run's series first (when it has recorded runs), then in order of appearance.
  std::map<std::string, std::size_t> index;
  for (int pass = 0; pass < 2; ++pass)
    for (const HistoryRow& row : rows)
      if ((pass == 1 || row.series == this_series) && !index.contains(row.series)) {
        index.emplace(row.series, trend.series.size());
        trend.series.push_back({series_name(row.entry->run), row.series == this_series});
      }
  for (const HistoryRow& row : rows) {
    const HistoryEntry& e = *row.entry;
    ReportHistoryPoint point{e};
    point.series = index.at(row.series);
    if (row.level_change) {
      point.change = row.level_change->change;
      point.p_value = row.level_change->p_value;
      point.step = row.level_change->slower() ? Verdict::slower : Verdict::faster;
    } else if (row.change) {  // the same test as `cost-ops history`
      point.change = row.change->change_of_medians();
      point.p_value = row.change->p_value;
      if (row.step()) point.step = row.change->verdict;
    }
    // The page draws the median the step's change is computed on.
    if (e.status == "ok") {
      point.entry.median_ns = shown_history_median(e);
      std::tie(point.low_ns, point.high_ns) = run_spread(e);
    }
    point.entry.ns_per_operation.clear();  // the page draws medians only
    point.entry.repetition.clear();
    point.entry.process.clear();
    trend.points.push_back(std::move(point));
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

int verdict_rank(const ReportVerdictLine& line) {
  if (line.regression) return line.verdict == "slower" ? 1 : 0;
  if (line.verdict == "faster") return 2;
  if (line.verdict == "noisy") return 3;
  return line.verdict == "no change" ? 4 : 5;
}

std::string percent_text(double fraction) {
  return format_double("%+.1f%%", 100 * fraction);
}

double number_in(const json::object& o, std::string_view key, double otherwise = 0) {
  const json::value* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : otherwise;
}

std::string string_in(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// results.json "ab_paired" (written by a run with --ab-paired); absent or
// not an object: no paired verdicts.
std::optional<ReportPaired> paired_of(const json::object& root) {
  const json::value* block = root.if_contains("ab_paired");
  const json::object* b = block ? block->if_object() : nullptr;
  if (!b) return std::nullopt;
  ReportPaired paired{
      string_in(*b, "test"), number_in(*b, "alpha"), number_in(*b, "threshold_percent"), {}};
  if (const json::value* list = b->if_contains("targets"); list && list->is_array())
    for (const json::value& item : list->get_array())
      if (const json::object* t = item.if_object()) {
        ReportPairedTarget target{string_in(*t, "target_id"), string_in(*t, "verdict"),
                                  string_in(*t, "stopped")};
        target.change_percent = number_in(*t, "change_percent");
        target.ci_low_percent = number_in(*t, "ci_low_percent");
        target.ci_high_percent = number_in(*t, "ci_high_percent");
        target.p_value = number_in(*t, "p_value", 1);
        target.threshold_percent = number_in(*t, "threshold_percent", paired.threshold_percent);
        target.processes = static_cast<std::int64_t>(number_in(*t, "processes"));
        target.pairs = static_cast<std::int64_t>(number_in(*t, "pairs"));
        paired.targets.push_back(std::move(target));
      }
  return paired;
}

}  // namespace

std::string report_number(double value, int significant) {
  if (!std::isfinite(value)) return "-";
  const double magnitude = value == 0 ? 0 : std::floor(std::log10(std::abs(value)));
  const int decimals = std::clamp(significant - 1 - static_cast<int>(magnitude), 0, 9);
  std::string text = format_double(("%." + std::to_string(decimals) + "f").c_str(), value);
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

std::string report_p_value(double p) {
  if (!std::isfinite(p)) return "-";
  return p < 0.0001 ? "< 0.0001" : report_number(p, 2);
}

namespace {

// Each line with the size of its change: regressions first, then by verdict,
// larger changes first within one.
std::vector<ReportVerdictLine> regressions_first(
    std::vector<std::pair<ReportVerdictLine, double>> lines) {
  std::stable_sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) {
    const int ra = verdict_rank(a.first), rb = verdict_rank(b.first);
    return ra != rb ? ra < rb : a.second > b.second;
  });
  std::vector<ReportVerdictLine> out;
  for (auto& [line, size] : lines) out.push_back(std::move(line));
  return out;
}

}  // namespace

std::vector<ReportVerdictLine> verdict_summary(const RunComparison& comparison) {
  std::vector<std::pair<ReportVerdictLine, double>> lines;  // line, |change| for ordering
  for (const StatusChange& s : comparison.status_changes)
    lines.push_back(
        {{s.target_id,
          std::string(to_string(s.base_status)) + " → " + std::string(to_string(s.new_status)),
          s.is_regression(), s.new_reason},
         0});
  for (const TargetComparison& t : comparison.targets) {
    std::string detail = percent_text(t.change) + " (95% CI " + percent_text(t.change_ci_low) +
                         " .. " + percent_text(t.change_ci_high);
    if (t.basis != ComparisonBasis::instructions) detail += ", p " + report_p_value(t.p_value);
    detail += ", " + std::string(basis_test_name(t.basis)) + ", " +
              (t.basis == ComparisonBasis::paired_rounds ? std::to_string(t.base_count) + " pairs"
               : t.basis == ComparisonBasis::processes
                   ? std::to_string(t.base_count) + "/" + std::to_string(t.new_count) + " processes"
                   : std::string("instructions per operation")) +
              ")";
    lines.push_back(
        {{t.target_id, std::string(verdict_name(t.verdict)), t.verdict == Verdict::slower, detail},
         std::abs(t.change)});
  }
  return regressions_first(std::move(lines));
}

std::vector<ReportVerdictLine> verdict_summary(const ReportPaired& paired) {
  std::vector<std::pair<ReportVerdictLine, double>> lines;
  for (const ReportPairedTarget& t : paired.targets) {
    const auto pct = [](double percent) { return percent_text(percent / 100); };
    std::string detail = pct(t.change_percent) + " (95% CI " + pct(t.ci_low_percent) + " .. " +
                         pct(t.ci_high_percent) + ", p " + report_p_value(t.p_value) + ", " +
                         std::to_string(t.processes) + " processes, " + std::to_string(t.pairs) +
                         " pairs" + (t.stopped.empty() ? "" : ", " + t.stopped) + ")";
    lines.push_back(
        {{t.target_id, t.verdict, t.verdict == "slower", detail}, std::abs(t.change_percent)});
  }
  return regressions_first(std::move(lines));
}

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
  std::vector<ThreadScalingInput> measured;
  for (const ReportTarget& t : model.targets)
    if (t.summary.ok) measured.push_back({t.summary.id, t.summary.threads, t.summary.median_ns});
  model.thread_scaling = thread_scaling(measured);
  if (sources.baseline) add_comparison(sources, model);
  model.paired = paired_of(root);
  model.history_label = sources.history_label;
  model.history_problem = sources.history_problem;
  for (const ReportTarget& t : model.targets)
    if (const auto it = sources.history.find(t.summary.id);
        it != sources.history.end() && measured_runs(it->second) >= 2)
      model.trends.push_back(
          trend_of(t.summary.id, it->second, sources.comparison, run_series_key(root)));
  return model;
}

}  // namespace costops::host
