// One statistic, one story: every renderer of a comparison (the terminal
// table, summary.md's Markdown, report.html, compare --format json, the
// history table) shows a change that agrees with the two values beside it,
// names the test the verdict rests on, and the report opens with the
// verdicts, regressions first.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <cmath>
#include <sstream>

#include "costops/host/comparison_report.hpp"
#include "costops/host/history_report.hpp"
#include "costops/host/progress_reporter.hpp"
#include "costops/host/report/report_html.hpp"
#include "costops/host/report/report_model.hpp"
#include "costops/host/terminal_style.hpp"

using namespace costops::host;
namespace json = boost::json;

namespace {

// Rounds whose per-round ratios have a median (+3%) away from the ratio of
// the sides' medians (+5%): the case where a change computed on another
// statistic contradicted the medians shown beside it.
StoredTarget rounds_of(const std::string& id, const std::vector<double>& round_medians) {
  StoredTarget t{id, TargetStatus::ok, {}, {}};
  for (std::uint32_t r = 0; r < round_medians.size(); ++r)
    for (const double factor : {0.99, 1.0, 1.01}) {
      t.ns_per_operation.push_back(round_medians[r] * factor);
      t.repetition.push_back(r);
      t.process.push_back(r);
    }
  return t;
}

const std::vector<double> kOldRounds{100, 200, 300, 400, 500, 600, 700};
const std::vector<double> kNewRounds{103, 206, 309, 420, 505, 606, 707};

RunComparison paired_comparison() {
  const StoredRun base{"ab-baseline/results.json", "", {rounds_of("t", kOldRounds)}, "pair-1"};
  const StoredRun next{"results.json", "", {rounds_of("t", kNewRounds)}, "pair-1"};
  ComparisonSettings settings;
  settings.threshold = 0.03;
  settings.alpha = 0.01;
  settings.bootstrap_resamples = 200;
  return compare_runs(base, next, settings);
}

// "10.28 µs" / "404.0 ns" / "1.234 ms" -> ns.
double parse_duration(const std::string& text) {
  std::istringstream in(text);
  double value = 0;
  std::string unit;
  in >> value >> unit;
  if (unit == "ns") return value;
  if (unit == "µs" || unit == "us") return value * 1e3;
  if (unit == "ms") return value * 1e6;
  if (unit == "s") return value * 1e9;
  FAIL("not a duration: " << text);
  return 0;
}

double parse_percent(const std::string& text) {
  return std::stod(text) / 100;
}

// The displayed change matches the displayed values to the precision shown.
void check_agrees(const std::string& base, const std::string& next, const std::string& change) {
  INFO("base " << base << ", new " << next << ", change " << change);
  const double shown = parse_percent(change);
  const double implied = parse_duration(next) / parse_duration(base) - 1;
  CHECK(std::abs(shown - implied) < 0.0015);
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The non-empty cells of a table line split at `separator`: "|" for
// Markdown, or "  " for the terminal (a run of two or more spaces). Plain
// string work, not std::regex: GCC 12 under ASan warns inside <regex>.
std::vector<std::string> split_cells(const std::string& line, const std::string& separator) {
  std::vector<std::string> cells;
  std::size_t start = 0;
  while (start <= line.size()) {
    std::size_t end = line.find(separator, start);
    if (end == std::string::npos) end = line.size();
    if (const std::string cell = trimmed(line.substr(start, end - start)); !cell.empty())
      cells.push_back(cell);
    start = end + separator.size();
  }
  return cells;
}

// The text of the first `count` number cells after `row_start` in html.
std::vector<std::string> number_cells_after(const std::string& html, const std::string& row_start,
                                            std::size_t count) {
  std::vector<std::string> cells;
  const std::string open = "<td class=\"number\">";
  std::size_t at = html.find(row_start);
  if (at == std::string::npos) return cells;
  at += row_start.size();
  while (cells.size() < count && html.compare(at, open.size(), open) == 0) {
    const std::size_t end = html.find("</td>", at);
    if (end == std::string::npos) break;
    cells.push_back(html.substr(at + open.size(), end - at - open.size()));
    at = end + 5;
  }
  return cells;
}

std::string line_starting(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) return line;
  FAIL("no line starts with " << prefix << " in\n" << text);
  return {};
}

ReportModel model_with(const RunComparison& comparison) {
  ReportModel model;
  model.timestamp = "2026-01-01T00:00:00Z";
  model.baseline_label = "A/B baseline old/";
  model.comparison = comparison;
  return model;
}

}  // namespace

TEST_CASE("paired rounds: the change column is the change of the shown medians") {
  const RunComparison c = paired_comparison();
  REQUIRE(c.targets.size() == 1);
  const TargetComparison& t = c.targets[0];
  CHECK(t.basis == ComparisonBasis::paired_rounds);
  CHECK(t.change == doctest::Approx(0.03));  // median of per-round ratios
  CHECK(t.change_of_medians() == doctest::Approx(420.0 / 400 - 1));
  CHECK(basis_test_name(t.basis) == "Wilcoxon signed-rank");
}

TEST_CASE("every renderer: the shown change agrees with the shown values") {
  const RunComparison c = paired_comparison();
  SUBCASE("terminal table (cost-ops compare, run --baseline)") {
    const std::string text = comparison_text(c);
    const auto cells = split_cells(line_starting(text, "t "), "  ");
    REQUIRE(cells.size() >= 4);
    check_agrees(cells[1], cells[2], cells[3]);
    CHECK(text.find("Wilcoxon signed-rank") != std::string::npos);
    CHECK(text.find("exact up to 30 pairs") != std::string::npos);
    CHECK(text.find("alpha 0.01") != std::string::npos);
    CHECK(text.find("minimum change of 3%") != std::string::npos);
  }
  SUBCASE("summary.md / pull-request Markdown") {
    const std::string md = comparison_markdown(c);
    const auto cells = split_cells(line_starting(md, "| t |"), "|");
    REQUIRE(cells.size() >= 4);
    check_agrees(cells[1], cells[2], cells[3]);
    CHECK(md.find("pairs 7") != std::string::npos);
  }
  SUBCASE("report.html comparison table") {
    const std::string html = report_html(model_with(c));
    const auto row = number_cells_after(html, "<tr><td><code>t</code></td>", 3);
    REQUIRE(row.size() == 3);
    check_agrees(row[0], row[1], row[2]);
  }
  SUBCASE("compare --format json and results.json's comparison block") {
    const json::object o = comparison_json_object(c);
    const json::object& t = o.at("targets").as_array().at(0).as_object();
    CHECK(t.at("change_of_medians").as_double() ==
          doctest::Approx(t.at("new_median_ns").as_double() / t.at("base_median_ns").as_double() -
                          1));
    CHECK(t.at("test").as_string() == "Wilcoxon signed-rank");
    CHECK(t.at("base_count").as_uint64() == 7);
    CHECK(o.at("method").as_object().at("alpha").as_double() == 0.01);
    CHECK(o.at("method").as_object().at("threshold").as_double() == 0.03);
  }
}

TEST_CASE("history: the change agrees with the medians of the two rows") {
  // Pooled median and median of process medians differ here; the change is
  // computed on the latter, so that is what the table shows.
  const auto entry = [](std::int64_t id, std::vector<double> values,
                        std::vector<std::uint32_t> process) {
    HistoryEntry e;
    e.run_id = id;
    e.timestamp = "2026-01-0" + std::to_string(id) + "T00:00:00Z";
    e.status = "ok";
    e.ns_per_operation = std::move(values);
    e.process = std::move(process);
    e.repetition = e.process;
    e.median_ns = 5.17;  // the stored pooled median, the same for both
    return e;
  };
  const std::vector<HistoryEntry> entries{
      entry(1, {5.0, 5.1, 5.2, 5.3, 5.4, 9.0}, {0, 0, 0, 1, 1, 1}),
      entry(2, {5.0, 5.1, 5.2, 5.25, 5.3, 5.35}, {0, 0, 0, 1, 1, 1})};
  const std::string text = render_history("t", entries, {}, HistoryFormat::text);
  const auto first = split_cells(line_starting(text, "1 "), "  ");
  const auto second = split_cells(line_starting(text, "2 "), "  ");
  REQUIRE(first.size() >= 5);
  REQUIRE(second.size() >= 6);
  // Columns: run+timestamp, machine, commit, status, median, change.
  check_agrees(first[first.size() - 1], second[second.size() - 2], second.back());
  CHECK(text.find("median of process medians") != std::string::npos);
}

TEST_CASE("report: the verdict comes first, regressions first, with the run's test") {
  RunComparison c = paired_comparison();
  c.targets.push_back(c.targets[0]);
  c.targets[1].target_id = "big";
  c.targets[1].verdict = Verdict::slower;
  c.targets[1].change = 0.5;
  c.targets.push_back(c.targets[0]);
  c.targets[2].target_id = "small";
  c.targets[2].verdict = Verdict::slower;
  c.targets[2].change = 0.04;
  c.status_changes.push_back({"broken", TargetStatus::ok, TargetStatus::crashed, "SIGSEGV"});
  c.status_changes.push_back({"skip", TargetStatus::skipped, TargetStatus::skipped, ""});
  const auto lines = verdict_summary(c);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0].target_id == "broken");
  CHECK(lines[0].regression);
  CHECK(lines[1].target_id == "big");
  CHECK(lines[2].target_id == "small");
  CHECK_FALSE(lines[3].regression);
  CHECK(lines[1].detail.find("Wilcoxon signed-rank, 7 pairs") != std::string::npos);

  const std::string html = report_html(model_with(c));
  const auto verdict = html.find("<section id=\"verdict\">");
  REQUIRE(verdict != std::string::npos);
  CHECK(verdict < html.find("<section id=\"targets\">"));
  CHECK(html.find("3 regressions") != std::string::npos);
  CHECK(html.find("Wilcoxon signed-rank on paired rounds, two-sided, alpha 0.01") !=
        std::string::npos);
  CHECK(html.find("Mann-Whitney") == std::string::npos);  // no test the run did not use
  CHECK(html.find("a change counts from 3%") != std::string::npos);
  CHECK(html.find("\"threshold_percent\":3") != std::string::npos);  // the forest plot's band
}

TEST_CASE("report: no comparison, no verdict section; a store that cannot be read is named") {
  ReportModel model;
  model.history_label = "/nowhere/history.db";
  model.history_problem = "history /nowhere/history.db is not a file";
  const std::string html = report_html(model);
  CHECK(html.find("id=\"verdict\"") == std::string::npos);
  CHECK(html.find("History not shown: history /nowhere/history.db is not a file") !=
        std::string::npos);
}

TEST_CASE("report: settings never in scientific notation; skipped is not failed") {
  ReportSources sources;
  sources.results = json::object{
      {"timestamp", "2026-01-01T00:00:00Z"},
      {"settings", {{"noise_threshold", 0.01}, {"timeout_s", 120.0}, {"rounds", 3}}},
      {"targets", json::array{json::object{
                      {"target_id", "s"}, {"status", "skipped"}, {"reason", "needs a GPU"}}}}};
  const ReportModel model = build_report_model(sources);
  const std::string html = report_html(model);
  CHECK(html.find("<td>0.01</td>") != std::string::npos);
  CHECK(html.find("<td>120</td>") != std::string::npos);
  CHECK(html.find("1E-2") == std::string::npos);
  CHECK(html.find("1.2E2") == std::string::npos);
  CHECK(html.find("class=\"status-skip\">skipped") != std::string::npos);
}

TEST_CASE("console: LANG=C gets ASCII, narrow terminals get cut lines, rounds are labelled") {
  const TerminalStyle ascii{false, false};
  const TerminalStyle utf8{false, true};
  CHECK(ascii.in_charset("1.5 µs × 2 → ≤ 3 … ±1%") == "1.5 us x 2 -> <= 3 ... +-1%");
  CHECK(utf8.in_charset("1.5 µs × 2") == "1.5 µs × 2");
  CHECK(truncate_to_width("… [3/10] running aggregator_100", 12, "…") == "… [3/10] ru…");
  CHECK(display_width(truncate_to_width("µµµµµµ", 4, "…")) == 4);
  CHECK(truncate_to_width("short", 40, "...") == "short");

  TargetResult result;
  result.target_id = "sum";
  result.status = TargetStatus::ok;
  result.stats.median = 1500;
  const std::string line = progress_line(result, ascii, "new, round 2");
  CHECK(line.rfind("ok sum [new, round 2]  median 1.500 us/op", 0) == 0);
  CHECK(line.find("µ") == std::string::npos);
}
