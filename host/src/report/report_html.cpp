#include "costops/host/report/report_html.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <sstream>

#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/report/report_page_data.hpp"
#include "costops/host/report/report_thread_scaling.hpp"
#include "costops/host/target_flags.hpp"
#include "costops/host/untrusted_text.hpp"
#include "report_assets.hpp"

namespace costops::host {

namespace {

std::string esc(std::string_view text) {
  return html_escaped(text);
}

std::string duration_cell(bool known, double ns) {
  return "<td class=\"number\">" + (known ? esc(human_duration(ns)) : std::string("-")) + "</td>";
}

std::string percent(double fraction) {
  return format_double("%+.1f%%", 100 * fraction);
}

std::string figure(const std::string& canvas_id, const std::string& title,
                   const std::string& caption_html, bool wide = false) {
  return "<figure><h3>" + esc(title) + "</h3><div class=\"chart" + (wide ? " wide" : "") +
         "\"><canvas id=\"" + canvas_id + "\" role=\"img\" aria-label=\"" + esc(title) +
         "\"></canvas></div>" +
         (caption_html.empty() ? "" : "<figcaption>" + caption_html + "</figcaption>") +
         "</figure>\n";
}

void key_value_table(std::ostream& out,
                     const std::vector<std::pair<std::string, std::string>>& rows) {
  out << "<div class=\"scroll\"><table><tbody>\n";
  for (const auto& [key, value] : rows)
    out << "<tr><th>" << esc(key) << "</th><td>" << esc(value) << "</td></tr>\n";
  out << "</tbody></table></div>\n";
}

// A baseline was named (maybe not comparable: the section says why) or a
// comparison was made.
bool has_comparison(const ReportModel& m) {
  return !m.baseline_label.empty() || m.comparison.has_value();
}

// A paired A/B run (--ab-paired) shown by its recorded verdicts: it has no
// baseline run to compare, the verdicts are what the run gated on.
bool has_paired(const ReportModel& m) {
  return !has_comparison(m) && m.paired.has_value();
}

// "Wilcoxon signed-rank on paired rounds" or, for a mix, each named.
std::string tests_used(const RunComparison& c) {
  std::vector<ComparisonBasis> bases;
  for (const TargetComparison& t : c.targets)
    if (std::find(bases.begin(), bases.end(), t.basis) == bases.end()) bases.push_back(t.basis);
  std::string out;
  for (const ComparisonBasis b : bases)
    out += (out.empty() ? "" : "; ") + std::string(basis_test_name(b)) + " on " +
           std::string(basis_unit_name(b));
  return out.empty() ? std::string("no target compared") : out;
}

std::string status_class(const std::string& status) {
  if (status == "ok") return "status-ok";
  return status == "skipped" || status == "not_run" ? "status-skip" : "status-bad";
}

void header(std::ostream& out, const ReportModel& m) {
  out << "<header><h1>cost-ops report</h1>\n<p class=\"meta\">Run of " << esc(m.timestamp)
      << " by cost-ops " << esc(m.host_version)
      << (m.source.empty() ? "" : ", source " + esc(m.source)) << "</p>\n<p class=\"meta\"><code>"
      << esc(m.command_line) << "</code></p>\n<nav>"
      << (has_comparison(m) || has_paired(m) ? "<a href=\"#verdict\">Verdict</a>" : "")
      << "<a href=\"#targets\">Targets</a><a href=\"#scaling\">Scaling</a>"
      << (has_comparison(m) ? "<a href=\"#comparison\">Baseline</a>" : "")
      << (has_paired(m) ? "<a href=\"#comparison\">A/B</a>" : "")
      << (m.history_label.empty() ? "" : "<a href=\"#history\">History</a>")
      << "<a href=\"#environment\">Environment and settings</a></nav></header>\n";
}

// The first thing a reader sees when the run was compared: every target's
// verdict, regressions first, with the test, basis, threshold and alpha.
void verdict_lines(std::ostream& out, const std::vector<ReportVerdictLine>& lines) {
  out << "<ul class=\"verdicts\">\n";
  for (const ReportVerdictLine& l : lines)
    out << "<li><span class=\""
        << (l.regression            ? "verdict-slower"
            : l.verdict == "faster" ? "verdict-faster"
                                    : "verdict-other")
        << "\">" << esc(l.verdict) << "</span> <code>" << esc(l.target_id) << "</code>"
        << (l.detail.empty() ? "" : " <span class=\"note\">" + esc(l.detail) + "</span>")
        << "</li>\n";
  out << "</ul>";
}

std::string regressions_headline(const std::vector<ReportVerdictLine>& lines) {
  const auto regressions =
      std::count_if(lines.begin(), lines.end(), [](const auto& l) { return l.regression; });
  return "<p class=\"verdict-headline " +
         std::string(regressions ? "verdict-slower" : "verdict-faster") + "\">" +
         (regressions
              ? std::to_string(regressions) + (regressions == 1 ? " regression" : " regressions")
              : std::string("No regression"));
}

// The verdicts of a paired A/B run, as the run decided them.
void paired_verdict_section(std::ostream& out, const ReportPaired& p) {
  const std::vector<ReportVerdictLine> lines = verdict_summary(p);
  out << "<section id=\"verdict\"><h2>Verdict</h2>\n"
      << regressions_headline(lines)
      << " against the A/B baseline build (paired in each worker)</p>\n<p class=\"meta\">"
      << esc(p.test) << "; alpha " << esc(report_number(p.alpha, 6)) << "; a change counts from "
      << esc(report_number(p.threshold_percent, 6) + "%") << ".</p>\n";
  verdict_lines(out, lines);
  out << "</section>\n";
}

void verdict_section(std::ostream& out, const ReportModel& m) {
  if (has_paired(m)) paired_verdict_section(out, *m.paired);
  if (!has_comparison(m)) return;
  out << "<section id=\"verdict\"><h2>Verdict</h2>\n";
  if (!m.comparison) {
    out << "<p class=\"verdict-none\">Not compared with <code>" << esc(m.baseline_label)
        << "</code>: " << esc(m.comparison_problem) << "</p></section>\n";
    return;
  }
  const RunComparison& c = *m.comparison;
  const std::vector<ReportVerdictLine> lines = verdict_summary(c);
  out << regressions_headline(lines) << " against <code>" << esc(m.baseline_label)
      << "</code></p>\n<p class=\"meta\">" << esc(tests_used(c)) << ", two-sided, alpha "
      << esc(report_number(c.settings.alpha, 6)) << "; a change counts from "
      << esc(report_number(100 * c.settings.threshold, 6) + "%") << ".</p>\n";
  verdict_lines(out, lines);
  out << "</section>\n";
}

// What the target's author declares: throughput and items per second (from
// the median), its flags and its own metrics; "" when nothing.
std::string declared_note(const ExportedTarget& s) {
  std::vector<std::string> parts;
  if (s.ok && s.median_ns > 0) {
    if (s.bytes_per_operation > 0)
      parts.push_back(human_rate(s.bytes_per_operation * 1e9 / s.median_ns) + "B/s");
    if (s.items_per_operation > 0)
      parts.push_back(human_rate(s.items_per_operation * 1e9 / s.median_ns) + " items/s");
  }
  if (const std::string flags = target_flags_text(s.flags); !flags.empty()) parts.push_back(flags);
  for (const auto& [key, value] : s.plugin_numbers)
    parts.push_back(key + " " + report_number(value, 6));
  for (const auto& [key, value] : s.plugin_texts) parts.push_back(key + " " + value);
  if (parts.empty()) return {};
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : "; ") + part;
  return "<br><span class=\"note declared\">declared: " + esc(text) + "</span>";
}

// The grey last bar of a histogram, named: how many samples, from where.
std::string outliers_note(const ReportTarget& t) {
  const std::vector<HistogramBin> bins = histogram(t.ns_per_operation);
  if (bins.empty() || !bins.back().beyond) return {};
  return "; grey bar: " + std::to_string(bins.back().count) + " severe outlier" +
         (bins.back().count == 1 ? "" : "s") + " above " + esc(human_duration(bins.back().low_ns)) +
         " (up to " + esc(human_duration(bins.back().high_ns)) + "), not to scale";
}

void targets_section(std::ostream& out, const ReportModel& m) {
  out << "<section id=\"targets\"><h2>Targets</h2>\n<div "
         "class=\"scroll\"><table><thead><tr><th>target</th>"
         "<th>plugin</th><th>status</th><th>median / op</th><th>95% interval of the median</th>"
         "<th>samples</th></tr></thead><tbody>\n";
  for (const ReportTarget& t : m.targets) {
    const ExportedTarget& s = t.summary;
    out << "<tr><td><code>" << esc(s.id) << "</code><br><span class=\"note\">" << esc(s.description)
        << "</span>" << declared_note(s) << "</td><td>" << esc(s.plugin) << " "
        << esc(s.plugin_version) << "</td><td class=\"" << status_class(s.status) << "\">"
        << esc(s.status) << (s.reason.empty() ? "" : ": " + esc(s.reason)) << "</td>"
        << duration_cell(s.ok, s.median_ns) << "<td class=\"number\">"
        << (s.ok ? esc(human_duration(s.ci_low_ns) + " – " + human_duration(s.ci_high_ns)) : "-")
        << "</td><td class=\"number\">"
        << (t.summary_only ? std::string("summary only")
                           : std::to_string(t.ns_per_operation.size()))
        << "</td></tr>\n";
  }
  out << "</tbody></table></div>\n<p class=\"note\">Distributions: each sample is one timed batch, "
         "its time divided by its iterations.</p>\n<div class=\"grid\">\n";
  for (std::size_t i = 0; i < m.targets.size(); ++i)
    if (has_distribution_chart(m.targets[i]))
      out << figure("distribution-" + std::to_string(i), m.targets[i].summary.id,
                    "median " + esc(human_duration(m.targets[i].summary.median_ns)) + ", " +
                        std::to_string(m.targets[i].ns_per_operation.size()) + " samples" +
                        outliers_note(m.targets[i]));
  out << "</div></section>\n";
}

std::string fit_caption(const ReportFamily& f) {
  if (f.big_o.empty())
    return "no fit: " + esc(f.no_fit_reason.empty() ? "not recorded" : f.no_fit_reason);
  if (!f.determined)
    return "order not determined: " + esc(f.big_o) + " fits only " +
           esc(report_number(f.separation, 2)) + "× better than " + esc(f.next_best) +
           "; the curve is that candidate's. Both axes logarithmic";
  return "best fit " + esc(f.big_o) + ": " + esc(report_number(f.coefficient_ns, 3)) + " ns × f(" +
         esc(f.variable) + "), normalised RMS " +
         esc(format_double("%.1f%%", 100 * f.normalized_rms)) + "; both axes logarithmic";
}

void scaling_section(std::ostream& out, const ReportModel& m) {
  out << "<section id=\"scaling\"><h2>Scaling families</h2>\n";
  if (m.families.empty()) out << "<p class=\"note\">This run has no declared families.</p>\n";
  out << "<div class=\"grid\">\n";
  for (std::size_t i = 0; i < m.families.size(); ++i) {
    const ReportFamily& f = m.families[i];
    if (has_scaling_chart(f))
      out << figure("scaling-" + std::to_string(i), f.name, fit_caption(f));
    else
      out << "<figure><h3>" << esc(f.name)
          << "</h3><p class=\"note\">no measured member</p></figure>\n";
  }
  out << "</div></section>\n";
}

std::string figure_cell(const TargetComparison& t, double value) {
  if (t.basis == ComparisonBasis::instructions)
    return "<td class=\"number\">" + esc(format_double("%.1f instr", value)) + "</td>";
  return duration_cell(true, value);
}

std::string basis_label(const TargetComparison& t) {
  switch (t.basis) {
    case ComparisonBasis::paired_rounds:
      return std::to_string(t.base_count) + " pairs";
    case ComparisonBasis::instructions:
      return "instructions";
    case ComparisonBasis::summary_values:
      return "summary statistics";
    case ComparisonBasis::processes:
      break;
  }
  return std::to_string(t.base_count) + "/" + std::to_string(t.new_count) + " processes";
}

void comparison_rows(std::ostream& out, const RunComparison& c) {
  out << "<div class=\"scroll\"><table><thead><tr><th>target</th><th>baseline median</th>"
         "<th>this run median</th><th>change</th><th>estimate (95% interval)</th><th>p</th>"
         "<th>basis</th><th>verdict</th></tr></thead><tbody>\n";
  for (const TargetComparison& t : c.targets)
    out << "<tr><td><code>" << esc(t.target_id) << "</code></td>" << figure_cell(t, t.base_median)
        << figure_cell(t, t.new_median) << "<td class=\"number\">" << percent(t.change_of_medians())
        << "</td><td class=\"number\">" << percent(t.change) << " (" << percent(t.change_ci_low)
        << " … " << percent(t.change_ci_high) << ")</td><td class=\"number\">"
        << esc(report_p_value(t.p_value)) << "</td><td>" << esc(basis_label(t))
        << "</td><td class=\"verdict-" << verdict_name(t.verdict) << "\">"
        << verdict_name(t.verdict) << "</td></tr>\n";
  for (const StatusChange& s : c.status_changes)
    out << "<tr><td><code>" << esc(s.target_id) << "</code></td><td colspan=\"6\">"
        << to_string(s.base_status) << " → " << to_string(s.new_status)
        << (s.new_reason.empty() ? "" : ": " + esc(s.new_reason)) << "</td><td class=\""
        << (s.is_regression() ? "verdict-slower\">regression" : "\">-") << "</td></tr>\n";
  out << "</tbody></table></div>\n";
  const auto list = [&](const char* what, const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    out << "<p class=\"note\">" << what << ":";
    for (const std::string& id : ids) out << " <code>" << esc(id) << "</code>";
    out << "</p>\n";
  };
  list("Only in this run", c.added);
  list("Only in the baseline", c.removed);
}

std::string signed_percent(double percent) {
  return format_double("%+.1f%%", percent);
}

void paired_section(std::ostream& out, const ReportModel& m) {
  const ReportPaired& p = *m.paired;
  out << "<section id=\"comparison\"><h2>Paired A/B comparison</h2>\n<p class=\"meta\">Both "
         "builds ran inside each worker, batch by batch; "
      << esc(p.test) << ". A change counts when it is at least "
      << esc(report_number(p.threshold_percent, 6) + "%") << " and significant at alpha "
      << esc(report_number(p.alpha, 6)) << ".</p>\n";
  if (has_paired_chart(m))
    out << figure("comparison-chart", "Estimated change per target",
                  "shaded band: changes smaller than the threshold (±" +
                      esc(report_number(p.threshold_percent, 6) + "%") + ") never count",
                  true);
  out << "<div class=\"scroll\"><table><thead><tr><th>target</th><th>change (95% "
         "interval)</th><th>p</th><th>threshold</th><th>processes</th><th>pairs</th>"
         "<th>stopped</th><th>verdict</th></tr></thead><tbody>\n";
  for (const ReportPairedTarget& t : p.targets)
    out << "<tr><td><code>" << esc(t.target_id) << "</code></td><td class=\"number\">"
        << signed_percent(t.change_percent) << " (" << signed_percent(t.ci_low_percent) << " … "
        << signed_percent(t.ci_high_percent) << ")</td><td class=\"number\">"
        << esc(report_p_value(t.p_value)) << "</td><td class=\"number\">"
        << esc(report_number(t.threshold_percent, 6) + "%") << "</td><td class=\"number\">"
        << t.processes << "</td><td class=\"number\">" << t.pairs << "</td><td>" << esc(t.stopped)
        << "</td><td class=\""
        << (t.verdict == "slower"   ? "verdict-slower"
            : t.verdict == "faster" ? "verdict-faster"
                                    : "")
        << "\">" << esc(t.verdict) << "</td></tr>\n";
  out << "</tbody></table></div></section>\n";
}

void comparison_section(std::ostream& out, const ReportModel& m) {
  if (has_paired(m)) paired_section(out, m);
  if (!has_comparison(m)) return;
  out << "<section id=\"comparison\"><h2>Compared with the baseline</h2>\n<p class=\"meta\">"
      << "Baseline <code>" << esc(m.baseline_label) << "</code>.";
  if (!m.comparison) {
    out << " Not compared: " << esc(m.comparison_problem) << "</p></section>\n";
    return;
  }
  out << " A change counts when it is at least "
      << report_number(100 * m.comparison->settings.threshold, 6) + "%"
      << " and significant (" << esc(tests_used(*m.comparison)) << ", two-sided, p &lt; "
      << report_number(m.comparison->settings.alpha, 6)
      << "). Medians are medians of process medians (paired: of the paired rounds) and "
         "<em>change</em> is their change; the <em>estimate</em> is what the test and the "
         "verdict use (for paired rounds the median of per-round ratios) with its bootstrap 95% "
         "confidence interval.</p>\n";
  if (has_comparison_chart(m))
    out << figure("comparison-chart", "Estimated change per target",
                  "shaded band: changes smaller than the threshold (±" +
                      esc(report_number(100 * m.comparison->settings.threshold, 6) + "%") +
                      ") never count",
                  true);
  comparison_rows(out, *m.comparison);
  out << "</section>\n";
}

// The runs, the series they form (each its own line) and the steps, each
// named with its series when there are several.
std::string steps_caption(const ReportTrend& t) {
  const bool several = t.series.size() > 1;
  std::string steps;
  for (const ReportHistoryPoint& p : t.points)
    if (p.step != Verdict::no_change)
      steps += (steps.empty() ? "" : ", ") +
               std::string(p.step == Verdict::slower ? "▲ slower " : "▼ faster ") +
               percent(p.change) + " at run " + std::to_string(p.entry.run_id) + " (" +
               esc(p.entry.run.commit.substr(0, 12)) + ")" +
               (several && p.series < t.series.size() ? " on " + esc(t.series[p.series].name) : "");
  std::string series;
  if (several) {
    series = " in " + std::to_string(t.series.size()) + " series, one line each (";
    for (std::size_t i = 0; i < t.series.size(); ++i)
      series +=
          (i ? "; " : "") + esc(t.series[i].name) + (t.series[i].this_run ? ": this run" : "");
    series += ")";
  }
  return std::to_string(t.points.size()) + " recorded runs" + series + "; " +
         (steps.empty() ? std::string("no step change") : "step changes: " + steps);
}

void history_section(std::ostream& out, const ReportModel& m) {
  if (m.history_label.empty()) return;
  out << "<section id=\"history\"><h2>History</h2>\n<p class=\"meta\">From <code>"
      << esc(m.history_label)
      << "</code>. One line per series (repository · branch · machine): runs are compared "
         "only within their series. A step (triangle) is a change from the run before "
         "that is significant and at least the threshold, as <code>cost-ops history</code> "
         "reports it.</p>\n";
  if (!m.history_problem.empty())
    out << "<p class=\"status-bad\">History not shown: " << esc(m.history_problem) << "</p>\n";
  else if (m.trends.empty())
    out << "<p class=\"note\">No target of this run has two recorded runs yet.</p>\n";
  out << "<div class=\"grid\">\n";
  for (std::size_t i = 0; i < m.trends.size(); ++i)
    out << figure("trend-" + std::to_string(i), m.trends[i].target_id, steps_caption(m.trends[i]));
  out << "</div></section>\n";
}

}  // namespace

std::string report_html(const ReportModel& m) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
         "<title>cost-ops report "
      << esc(m.timestamp) << "</title>\n<style>\n"
      << report_style() << "</style>\n<script>\n"
      << report_guard_script() << "</script>\n</head>\n<body>\n";
  header(out, m);
  verdict_section(out, m);
  targets_section(out, m);
  scaling_section(out, m);
  out << thread_scaling_html(m);
  comparison_section(out, m);
  history_section(out, m);
  out << "<section id=\"environment\"><h2>Environment</h2>\n";
  key_value_table(out, m.environment);
  out << "<h2>Settings</h2>\n";
  key_value_table(out, m.settings);
  out << "</section>\n<pre id=\"render-check\"></pre>\n<script type=\"application/json\" "
         "id=\"report-data\">"
      << script_safe_json(to_compact_json(report_page_data(m))) << "</script>\n<script>\n"
      << chart_js_source() << "\n</script>\n<script>\n"
      << report_script() << "</script>\n</body></html>\n";
  return out.str();
}

}  // namespace costops::host
