// The text export formats: JUnit XML (one testcase per target) and CSV (one
// row per target, RFC 4180).
#include <cmath>
#include <cstdio>
#include <string>

#include "costops/host/exports_view.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::host {

namespace {

// XML 1.0 text: escaped, and characters XML cannot hold (most controls)
// dropped. Plugin text may contain anything.
std::string xml_text(std::string_view raw) {
  std::string out;
  for (char c : valid_utf8(raw)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", seconds > 0 ? seconds : 0.0);
  return text;
}

std::string testcase(const ExportedTarget& t) {
  std::string xml = "    <testcase classname=\"" +
                    xml_text(t.plugin.empty() ? "cost-ops" : t.plugin) + "\" name=\"" +
                    xml_text(t.id) + "\" time=\"" + seconds_text(t.total_seconds) + "\"";
  if (t.ok && t.regression.empty()) return xml + "/>\n";
  xml += ">\n";
  if (!t.regression.empty())
    xml += "      <failure message=\"" + xml_text(t.regression) + "\" type=\"regression\">" +
           xml_text(t.regression) + "</failure>\n";
  else if (t.status == "skipped" || t.status == "not_run")
    xml += "      <skipped message=\"" + xml_text(t.status + ": " + t.reason) + "\"/>\n";
  else
    xml += "      <failure message=\"" + xml_text(t.status + ": " + t.reason) + "\" type=\"" +
           xml_text(t.status) + "\">" + xml_text(t.reason) + "</failure>\n";
  return xml + "    </testcase>\n";
}

// A text cell (never a number: csv_number writes those, so a negative
// number stays a number). Per OWASP's CSV injection rule, a cell a
// spreadsheet would run as a formula (starting with = + - @, tab or
// carriage return) gets a leading apostrophe and is quoted.
std::string csv_field(std::string_view raw) {
  std::string text = valid_utf8(raw);
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

}  // namespace

std::string junit_xml(const ExportView& view) {
  std::size_t failures = 0, skipped = 0;
  double seconds = 0;
  std::string cases;
  for (const auto& t : view.targets) {
    if (!t.regression.empty() || (!t.ok && t.status != "skipped" && t.status != "not_run"))
      ++failures;
    else if (!t.ok)
      ++skipped;
    seconds += t.total_seconds;
    cases += testcase(t);
  }
  const std::string counts = "tests=\"" + std::to_string(view.targets.size()) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"0\" skipped=\"" +
                             std::to_string(skipped) + "\" time=\"" + seconds_text(seconds) + "\"";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cost-ops\" " + counts +
         ">\n  <testsuite name=\"cost-ops\" " + counts + " timestamp=\"" +
         xml_text(view.timestamp.substr(0, 19)) + "\" hostname=\"" +
         xml_text(view.host_name.empty() ? "localhost" : view.host_name) + "\">\n" + cases +
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
