// The text export formats: JUnit XML (one testcase per target) and CSV (one
// row per target, RFC 4180).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "costops/host/exports_view.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::host {

namespace {

// XML: one escaping for every piece of text (untrusted_text.hpp), as an
// attribute value or as element content.
std::string xml_attribute(std::string_view raw) {
  return xml_escaped(raw, XmlPlace::attribute);
}

std::string xml_text(std::string_view raw) {
  return xml_escaped(raw, XmlPlace::text);
}

// An xs:decimal every reader takes: never "inf" or "nan" (0 then), and at
// most 1e15 seconds (over 30 million years; only a damaged or edited
// results.json holds more), so it stays within the 24 digits libxml2 and
// others read as a decimal.
std::string seconds_text(double seconds) {
  char text[48];
  const double shown = seconds > 0 && std::isfinite(seconds) ? std::min(seconds, 1e15) : 0.0;
  std::snprintf(text, sizeof text, "%.6f", shown);
  return text;
}

// Six significant digits, never in scientific notation (2657916743, not
// 2.65792e+09): people read these lines.
std::string number_text(double value) {
  char text[64];
  if (std::isfinite(value) && std::abs(value) >= 1e6 && std::abs(value) < 1e18)
    std::snprintf(text, sizeof text, "%.0f", value);
  else
    std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

// The target's figures for a reader of the CI page: the statistic the
// console shows, its interval and unit, and what the author declared.
std::string figures(const ExportedTarget& t) {
  std::string out = "median " + number_text(t.median_ns) + " ns per operation (95% interval " +
                    number_text(t.ci_low_ns) + " .. " + number_text(t.ci_high_ns) + " ns), " +
                    std::to_string(t.samples) + " samples, " + std::to_string(t.total_iterations) +
                    " iterations\n";
  if (t.cpu_time_per_op_ns >= 0)
    out += "cpu time " + number_text(t.cpu_time_per_op_ns) + " ns per operation\n";
  if (t.median_ns > 0) {
    out += "operations per second " + number_text(1e9 / t.median_ns) + "\n";
    if (t.bytes_per_operation > 0)
      out += "throughput " + number_text(t.bytes_per_operation * 1e3 / t.median_ns) + " MB/s\n";
    if (t.items_per_operation > 0)
      out += "items per second " + number_text(t.items_per_operation * 1e9 / t.median_ns) + "\n";
  }
  for (const auto& [key, value] : t.plugin_numbers) out += key + " " + number_text(value) + "\n";
  for (const auto& [key, value] : t.plugin_texts) out += key + " " + value + "\n";
  return out;
}

// One testcase per target. A target that did not finish is an <error> (the
// benchmark broke; nothing was asserted), with what the comparison said
// about it when there was one; a measured target slower than its baseline
// is a <failure> of type "regression"; skipped or not run is <skipped>.
// classname "cost-ops.<run>.<plugin>": CI servers group by classname, and
// the run in it keeps two merged runs' cases apart.
std::string testcase(const ExportedTarget& t, const std::string& run_name) {
  std::string xml =
      "    <testcase classname=\"" +
      xml_attribute("cost-ops." + run_name + (t.plugin.empty() ? "" : "." + t.plugin)) +
      "\" name=\"" + xml_attribute(t.id) + "\" time=\"" + seconds_text(t.total_seconds) + "\">\n";
  const std::string status = t.status + (t.reason.empty() ? "" : ": " + t.reason);
  if (t.broken()) {
    const std::string message = t.regression.empty() ? status : t.regression;
    xml += "      <error message=\"" + xml_attribute(message) + "\" type=\"" +
           xml_attribute(t.status) + "\">" + xml_text(message) + "</error>\n";
  } else if (!t.ok) {
    xml += "      <skipped message=\"" + xml_attribute(status) + "\"/>\n";
  } else if (!t.regression.empty()) {
    xml += "      <failure message=\"" + xml_attribute(t.regression) + "\" type=\"regression\">" +
           xml_text(t.regression) + "</failure>\n";
  }
  if (t.ok) xml += "      <system-out>" + xml_text(figures(t)) + "</system-out>\n";
  return xml + "    </testcase>\n";
}

std::string property(std::string_view name, std::string_view value) {
  return "      <property name=\"" + xml_attribute(name) + "\" value=\"" + xml_attribute(value) +
         "\"/>\n";
}

// A text cell (never a number: csv_number writes those, so a negative
// number stays a number). Per OWASP's CSV injection rule, a cell a
// spreadsheet would run as a formula (starting with = + - @, tab or
// carriage return) gets a leading apostrophe and is quoted.
std::string csv_field(std::string_view raw) {
  std::string text;
  for (const char c : valid_utf8(raw))  // a NUL ends the cell for C-string readers (sqlite .import)
    text += c == '\0' ? std::string("\uFFFD") : std::string(1, c);
  const bool formula =
      !text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos;
  if (formula) text.insert(0, 1, '\'');
  if (!formula && text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_number(double value) {
  if (!std::isfinite(value)) return {};
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

// JUnit's timestamp is an xs:dateTime without a zone (YYYY-MM-DDTHH:MM:SS):
// the run's UTC time cut to that, or no attribute when the file's is not one
// (an edited or imported results.json), which readers accept.
std::string timestamp_attribute(std::string_view timestamp) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (timestamp.size() < kShape.size()) return {};
  for (std::size_t i = 0; i < kShape.size(); ++i)
    if (kShape[i] == 'd' ? !(timestamp[i] >= '0' && timestamp[i] <= '9')
                         : timestamp[i] != kShape[i])
      return {};
  const auto field = [&](std::size_t at) {
    return (timestamp[at] - '0') * 10 + timestamp[at + 1] - '0';
  };
  if (field(5) < 1 || field(5) > 12 || field(8) < 1 || field(8) > 31 || field(11) > 23 ||
      field(14) > 59 || field(17) > 59)
    return {};
  return " timestamp=\"" + std::string(timestamp.substr(0, kShape.size())) + "\"";
}

}  // namespace

std::string junit_xml(const ExportView& view) {
  std::size_t failures = 0, errors = 0, skipped = 0;
  double seconds = 0;
  std::string cases;
  for (const auto& t : view.targets) {
    if (t.broken())
      ++errors;
    else if (!t.ok)
      ++skipped;
    else if (!t.regression.empty())
      ++failures;
    seconds += t.total_seconds;
    cases += testcase(t, view.run_name);
  }
  const std::string counts = "tests=\"" + std::to_string(view.targets.size()) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
                             "\" skipped=\"" + std::to_string(skipped) + "\" time=\"" +
                             seconds_text(seconds) + "\"";
  std::string properties = property("cost_ops_version", view.host_version);
  if (!view.source_commit.empty()) properties += property("source_commit", view.source_commit);
  if (!view.source_branch.empty()) properties += property("source_branch", view.source_branch);
  if (!view.cpu_model.empty()) properties += property("cpu_model", view.cpu_model);
  // The suite is the run (its directory's name), so two runs merged into
  // one CI report stay two suites.
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cost-ops\" " + counts +
         ">\n  <testsuite name=\"" + xml_attribute(view.run_name) + "\" " + counts +
         timestamp_attribute(view.timestamp) + " hostname=\"" +
         xml_attribute(view.host_name.empty() ? "localhost" : view.host_name) +
         "\">\n    <properties>\n" + properties + "    </properties>\n" + cases +
         "  </testsuite>\n</testsuites>\n";
}

std::string csv(const ExportView& view) {
  std::string out =
      "target_id,status,median_ns,mean_ns,min_ns,max_ns,stddev_ns,median_ci95_low_ns,"
      "median_ci95_high_ns,samples,total_iterations,operations_per_second,"
      "throughput_mb_per_sec,plugin,plugin_version,reason\r\n";
  for (const auto& t : view.targets) {
    const bool m = t.ok;
    out += csv_field(t.id) + "," + csv_field(t.status) + "," + (m ? csv_number(t.median_ns) : "") +
           "," + (m ? csv_number(t.mean_ns) : "") + "," + (m ? csv_number(t.min_ns) : "") + "," +
           (m ? csv_number(t.max_ns) : "") + "," + (m ? csv_number(t.stddev_ns) : "") + "," +
           (m ? csv_number(t.ci_low_ns) : "") + "," + (m ? csv_number(t.ci_high_ns) : "") + "," +
           (m ? std::to_string(t.samples) : "") + "," +
           (m ? std::to_string(t.total_iterations) : "") + "," +
           (m && t.median_ns > 0 ? csv_number(1e9 / t.median_ns) : "") + "," +
           (m && t.throughput_mb_per_sec >= 0 ? csv_number(t.throughput_mb_per_sec) : "") + "," +
           csv_field(t.plugin) + "," + csv_field(t.plugin_version) + "," + csv_field(t.reason) +
           "\r\n";
  }
  return out;
}

}  // namespace costops::host
