#include "costops/host/report/report_thread_scaling.hpp"

#include "costops/host/human_units.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::host {

std::string thread_scaling_html(const ReportModel& model) {
  if (model.thread_scaling.empty()) return {};
  std::string html =
      "<section id=\"thread-scaling\"><h2>Thread scaling</h2>\n<p class=\"note\">Operations "
      "per second in aggregate and per thread, from the median; efficiency = aggregate / "
      "(threads × the per-thread figure of the smallest count).</p>\n";
  for (const ThreadScaling& s : model.thread_scaling) {
    // The name comes from a target id, which an imported file may spell freely.
    html += "<h3>" + html_escaped(s.name) +
            "</h3>\n<div class=\"scroll\"><table><thead><tr><th>threads</th><th>operations/s</th>"
            "<th>per thread</th><th>efficiency</th></tr></thead><tbody>\n";
    for (const ThreadScalingPoint& p : s.points)
      html += "<tr><td class=\"number\">" + std::to_string(p.threads) +
              "</td><td class=\"number\">" + html_escaped(human_rate(p.operations_per_second)) +
              "</td><td class=\"number\">" +
              html_escaped(human_rate(p.operations_per_second_per_thread)) +
              "</td><td class=\"number\">" +
              html_escaped(format_double("%.0f%%", 100 * p.efficiency)) + "</td></tr>\n";
    html += "</tbody></table></div>\n";
  }
  return html + "</section>\n";
}

}  // namespace costops::host
