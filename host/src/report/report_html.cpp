#include "costops/host/report/report_html.hpp"

#include <boost/json.hpp>
#include <sstream>

#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/report/report_page_data.hpp"
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
  out << "<table><tbody>\n";
  for (const auto& [key, value] : rows)
    out << "<tr><th>" << esc(key) << "</th><td>" << esc(value) << "</td></tr>\n";
  out << "</tbody></table>\n";
}

void header(std::ostream& out, const ReportModel& m) {
  out << "<header><h1>cost-ops report</h1>\n<p class=\"meta\">Run of " << esc(m.timestamp)
      << " by cost-ops " << esc(m.host_version)
      << (m.source.empty() ? "" : ", source " + esc(m.source)) << "</p>\n<p class=\"meta\"><code>"
      << esc(m.command_line) << "</code></p>\n<nav>"
      << "<a href=\"#targets\">Targets</a><a href=\"#scaling\">Scaling</a>"
      << (m.baseline_label.empty() ? "" : "<a href=\"#comparison\">Baseline</a>")
      << (m.history_label.empty() ? "" : "<a href=\"#history\">History</a>")
      << "<a href=\"#environment\">Environment and settings</a></nav></header>\n";
}

void targets_section(std::ostream& out, const ReportModel& m) {
  out << "<section id=\"targets\"><h2>Targets</h2>\n<table><thead><tr><th>target</th>"
         "<th>plugin</th><th>status</th><th>median / op</th><th>95% interval of the median</th>"
         "<th>samples</th></tr></thead><tbody>\n";
  for (const ReportTarget& t : m.targets) {
    const ExportedTarget& s = t.summary;
    out << "<tr><td><code>" << esc(s.id) << "</code><br><span class=\"note\">" << esc(s.description)
        << "</span></td><td>" << esc(s.plugin) << " " << esc(s.plugin_version)
        << "</td><td class=\"" << (s.ok ? "status-ok" : "status-bad") << "\">" << esc(s.status)
        << (s.reason.empty() ? "" : ": " + esc(s.reason)) << "</td>"
        << duration_cell(s.ok, s.median_ns) << "<td class=\"number\">"
        << (s.ok ? esc(human_duration(s.ci_low_ns) + " – " + human_duration(s.ci_high_ns)) : "-")
        << "</td><td class=\"number\">"
        << (t.summary_only ? std::string("summary only")
                           : std::to_string(t.ns_per_operation.size()))
        << "</td></tr>\n";
  }
  out << "</tbody></table>\n<p class=\"note\">Distributions: each sample is one timed batch, "
         "its time divided by its iterations.</p>\n<div class=\"grid\">\n";
  for (std::size_t i = 0; i < m.targets.size(); ++i)
    if (has_distribution_chart(m.targets[i]))
      out << figure("distribution-" + std::to_string(i), m.targets[i].summary.id,
                    "median " + esc(human_duration(m.targets[i].summary.median_ns)) + ", " +
                        std::to_string(m.targets[i].ns_per_operation.size()) + " samples");
  out << "</div></section>\n";
}

std::string fit_caption(const ReportFamily& f) {
  if (f.big_o.empty())
    return "no fit: " + esc(f.no_fit_reason.empty() ? "not recorded" : f.no_fit_reason);
  return "best fit " + esc(f.big_o) + ": " + esc(format_double("%.3g", f.coefficient_ns)) +
         " ns × f(" + esc(f.variable) + "), normalised RMS " +
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

void comparison_rows(std::ostream& out, const RunComparison& c) {
  out << "<table><thead><tr><th>target</th><th>baseline</th><th>this run</th><th>change</th>"
         "<th>95% interval</th><th>p</th><th>verdict</th></tr></thead><tbody>\n";
  for (const TargetComparison& t : c.targets)
    out << "<tr><td><code>" << esc(t.target_id) << "</code></td>"
        << duration_cell(true, t.base_median) << duration_cell(true, t.new_median)
        << "<td class=\"number\">" << percent(t.change) << "</td><td class=\"number\">"
        << percent(t.change_ci_low) << " … " << percent(t.change_ci_high)
        << "</td><td class=\"number\">" << format_double("%.2g", t.p_value)
        << "</td><td class=\"verdict-" << verdict_name(t.verdict) << "\">"
        << verdict_name(t.verdict) << "</td></tr>\n";
  for (const StatusChange& s : c.status_changes)
    out << "<tr><td><code>" << esc(s.target_id) << "</code></td><td colspan=\"5\">"
        << to_string(s.base_status) << " → " << to_string(s.new_status)
        << (s.new_reason.empty() ? "" : ": " + esc(s.new_reason)) << "</td><td class=\""
        << (s.is_regression() ? "verdict-slower\">regression" : "\">-") << "</td></tr>\n";
  out << "</tbody></table>\n";
  const auto list = [&](const char* what, const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    out << "<p class=\"note\">" << what << ":";
    for (const std::string& id : ids) out << " <code>" << esc(id) << "</code>";
    out << "</p>\n";
  };
  list("Only in this run", c.added);
  list("Only in the baseline", c.removed);
}

void comparison_section(std::ostream& out, const ReportModel& m) {
  if (m.baseline_label.empty()) return;
  out << "<section id=\"comparison\"><h2>Compared with the baseline</h2>\n<p class=\"meta\">"
      << "Baseline <code>" << esc(m.baseline_label) << "</code>.";
  if (!m.comparison) {
    out << " Not compared: " << esc(m.comparison_problem) << "</p></section>\n";
    return;
  }
  out << " A change counts when it is at least "
      << format_double("%.3g%%", 100 * m.comparison->settings.threshold)
      << " and significant (Mann-Whitney U, p &lt; "
      << format_double("%.3g", m.comparison->settings.alpha)
      << "); the interval is a bootstrap 95% confidence interval of the change of the "
         "median.</p>\n";
  if (has_comparison_chart(m))
    out << figure("comparison-chart", "Change of the median per target", "", true);
  comparison_rows(out, *m.comparison);
  out << "</section>\n";
}

std::string steps_caption(const ReportTrend& t) {
  std::string steps;
  for (const ReportHistoryPoint& p : t.points)
    if (p.step != Verdict::no_change)
      steps += (steps.empty() ? "" : ", ") +
               std::string(p.step == Verdict::slower ? "▲ slower " : "▼ faster ") +
               percent(p.change) + " at run " + std::to_string(p.entry.run_id) + " (" +
               esc(p.entry.run.commit.substr(0, 12)) + ")";
  return std::to_string(t.points.size()) + " recorded runs; " +
         (steps.empty() ? std::string("no step change") : "step changes: " + steps);
}

void history_section(std::ostream& out, const ReportModel& m) {
  if (m.history_label.empty()) return;
  out << "<section id=\"history\"><h2>History</h2>\n<p class=\"meta\">From <code>"
      << esc(m.history_label)
      << "</code>. A step (triangle) is a change from the run before "
         "that is significant and at least the threshold, as <code>cost-ops history</code> "
         "reports it.</p>\n";
  if (m.trends.empty())
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
  targets_section(out, m);
  scaling_section(out, m);
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
