// The HTML report's parts without a browser: escaping of untrusted text, the
// histogram, the model read from a results.json, the page's charts matching
// its canvases; and `run --export` parsing. tests/e2e/report_e2e_test.py
// opens the page in Chromium.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <set>
#include <string>

#include "costops/host/exports.hpp"
#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/report/report_html.hpp"
#include "costops/host/report/report_model.hpp"
#include "costops/host/report/report_page_data.hpp"
#include "costops/host/untrusted_text.hpp"
#include "golden_files.hpp"

using namespace costops::host;
namespace json = boost::json;

namespace {

// What a plugin may call itself: closes the script element, quotes, a
// control character, a line separator.
const std::string kHostile = "x</script><script>alert(1)</script>\"'&<!--\x01\xE2\x80\xA8";

json::object ok_target(const std::string& id, std::vector<double> elapsed) {
  json::array iterations, ns;
  for (double e : elapsed) {
    iterations.push_back(10);
    ns.push_back(e * 10);
  }
  return {{"target_id", id},
          {"description", kHostile},
          {"status", "ok"},
          {"plugin", {{"name", kHostile}, {"version", "1.0"}}},
          {"statistics", {{"median_ns", elapsed[elapsed.size() / 2]}}},
          {"samples", {{"iterations", iterations}, {"elapsed_ns", ns}}}};
}

// Every double in `value` rounded to 9 significant digits, recursively.
void round_numbers(json::value& value) {
  if (value.is_double()) {
    value = std::stod(format_double("%.9g", value.as_double()));
  } else if (value.is_array()) {
    for (json::value& item : value.as_array()) round_numbers(item);
  } else if (value.is_object()) {
    for (auto& item : value.as_object()) round_numbers(item.value());
  }
}

ReportSources sources_with(json::value results) {
  ReportSources sources;
  sources.run = parse_stored_run(json::serialize(results), "results.json");
  sources.results = std::move(results);
  return sources;
}

json::value hostile_results() {
  json::array targets{
      ok_target("a" + kHostile, {10, 11, 12, 13}), ok_target("b", {5, 5, 6}),
      json::object{{"target_id", "c"}, {"status", "crashed"}, {"reason", kHostile}}};
  json::array families{json::object{
      {"family", kHostile},
      {"variable", "n"},
      {"members",
       json::array{json::object{{"target_id", "b"}, {"argument", 10}, {"median_ns", 5}},
                   json::object{{"target_id", "d"}, {"argument", 100}, {"median_ns", 50}}}},
      {"complexity", {{"big_o", "O(n)"}, {"coefficient_ns", 0.5}, {"normalized_rms", 0.01}}},
      {"no_fit_reason", ""}}};
  return json::object{
      {"timestamp", "2026-01-01T00:00:00Z"},
      {"command_line", json::array{"cost-ops", "run", kHostile}},
      {"environment", {{"host_name", kHostile}, {"warnings", json::array{"w1", "w2"}}}},
      {"settings", {{"min_time_s", 0.5}}},
      {"targets", targets},
      {"families", families}};
}

}  // namespace

TEST_CASE("html_escaped leaves no markup, quote or control character") {
  CHECK(html_escaped("<a href=\"x\" onclick='y'>&</a>") ==
        "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  CHECK(html_escaped("a\x01"
                     "b\x7F"
                     "c\xC2\x85"
                     "d\tе\n") ==
        "a\uFFFD"
        "b\uFFFD"
        "c\uFFFD"
        "d\tе\n");
  CHECK(html_escaped("bad \xFF byte") == "bad \uFFFD byte");
}

TEST_CASE("script_safe_json cannot close a script element and stays the same JSON") {
  const json::value value = json::object{{"name", kHostile}};
  const std::string safe = script_safe_json(json::serialize(value));
  CHECK(safe.find('<') == std::string::npos);
  CHECK(safe.find('>') == std::string::npos);
  CHECK(safe.find("\xE2\x80\xA8") == std::string::npos);
  CHECK(json::parse(safe) == value);
}

// Noncharacters are valid UTF-8 that HTML's parser reports as errors and
// XML cannot hold (U+FFFE, U+FFFF); DEL and C1 are raw in JSON strings.
constexpr const char* kNoncharacters =
    "a\xEF\xBF\xBE"       // U+FFFE
    "b\xEF\xBF\xBF"       // U+FFFF
    "c\xEF\xB7\x90"       // U+FDD0
    "d\xF4\x8F\xBF\xBF"   // U+10FFFF
    "e\xF0\x9F\xBF\xBE";  // U+1FFFE

TEST_CASE("html_escaped replaces noncharacters; a character beside them is kept") {
  CHECK(html_escaped(kNoncharacters) == "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFD");
  CHECK(html_escaped("\xEF\xBF\xBD \xEF\xB7\xAF\xEF\xB7\xB0 \xF0\x9F\x98\x80") ==
        "\uFFFD \uFFFD\uFDF0 \U0001F600");  // U+FDEF is one, U+FDF0 and the emoji are not
}

TEST_CASE("script_safe_json escapes DEL, C1 and noncharacters so the page has no parse error") {
  const json::value value =
      json::object{{"name", std::string("x\x7F\xC2\x85\xC2\x9B") + kNoncharacters}};
  const std::string safe = script_safe_json(json::serialize(value));
  CHECK(safe.find('\x7F') == std::string::npos);
  CHECK(safe.find("\xC2\x85") == std::string::npos);
  CHECK(safe.find("\xEF\xBF\xBE") == std::string::npos);
  CHECK(safe.find("\xF4\x8F\xBF\xBF") == std::string::npos);
  CHECK(safe.find("\\udbff\\udfff") != std::string::npos);  // U+10FFFF as a UTF-16 pair
  CHECK(json::parse(safe) == value);
}

TEST_CASE("xml_escaped: no character XML 1.0 cannot hold, line ends kept as references") {
  std::string controls;
  for (char c = 1; c < 0x20; ++c) controls += c;
  const std::string text =
      xml_escaped(controls + "\xEF\xBF\xBE\xEF\xBF\xBF]]><&\"'", XmlPlace::text);
  CHECK(text == "\t\n&#13;]]&gt;&lt;&amp;&quot;&apos;");
  CHECK(xml_escaped("a\r\nb\tc", XmlPlace::attribute) == "a&#13;&#10;b&#9;c");
  CHECK(xml_escaped("bad \xFF \xED\xA0\x80 \xC0\xAF", XmlPlace::text) ==
        "bad \uFFFD \uFFFD\uFFFD\uFFFD \uFFFD\uFFFD");
  CHECK(xml_escaped("\xEF\xB7\x90\xF0\x9F\x98\x80", XmlPlace::text) == "\uFDD0\U0001F600");
}

TEST_CASE("markdown_escaped: one line, no HTML, entity or control; ids and x86_64 kept") {
  CHECK(markdown_escaped("a|b\r\nc\rd") == "a\\|b  c d");
  CHECK(markdown_escaped("&lt;b&gt; <i>") == "&amp;lt;b&amp;gt; &lt;i\\>");
  CHECK(markdown_escaped("x\x01y\x7Fz\xC2\x85\xEF\xBF\xBE") == "x\uFFFDy\uFFFDz\uFFFD\uFFFD");
  CHECK(markdown_escaped("fixture_sum_array x86_64") == "fixture_sum_array x86_64");
  CHECK(markdown_escaped("_a_ a_ _a __b__") == "\\_a\\_ a\\_ \\_a \\_\\_b\\_\\_");
  // At the start of a line: no heading, list, rule, numbered item or code block.
  CHECK(markdown_escaped("# h") == "\\# h");
  CHECK(markdown_escaped("- item") == "\\- item");
  CHECK(markdown_escaped("===") == "\\===");
  CHECK(markdown_escaped("12. item") == "12\\. item");
  CHECK(markdown_escaped("3) item") == "3\\) item");
  CHECK(markdown_escaped("    code") == "code");
  CHECK(markdown_escaped("2026-01-02 x-y") == "2026-01-02 x-y");  // mid-line: as it is
}

TEST_CASE("histogram: equal bins over the range, every finite value counted once") {
  const auto bins = histogram({1, 2, 3, 4, 5, 6, 7, 8, 9, std::nan("")});
  REQUIRE(bins.size() == 9);  // at least min(n, 10) bins, not ceil(sqrt(9)) = 3
  CHECK(bins.front().low_ns == 1);
  CHECK(bins.back().high_ns == 9);
  std::size_t total = 0;
  for (const auto& bin : bins) total += bin.count;
  CHECK(total == 9);
  CHECK(histogram({3, 3, 3}).size() == 1);
  CHECK(histogram(std::vector<double>(400, 1.0)).size() == 1);
  std::vector<double> many;
  for (int i = 0; i < 900; ++i) many.push_back(i);
  CHECK(histogram(many).size() == 30);  // ceil(sqrt(900))
  CHECK(histogram({}).empty());
  // 400 samples near 100 ns and one of 200 us: the outlier gets a bin of its
  // own, the 400 are spread over the regular bins.
  std::vector<double> spiky;
  for (int i = 0; i < 400; ++i) spiky.push_back(100 + i % 20);
  spiky.push_back(200000);
  const auto spiky_bins = histogram(spiky);
  REQUIRE(spiky_bins.size() == 22);  // ceil(sqrt(401)) = 21 regular + 1
  CHECK(spiky_bins.back().beyond);
  CHECK(spiky_bins.back().count == 1);
  CHECK(spiky_bins.back().high_ns == 200000);
  CHECK(spiky_bins.front().low_ns == 100);
  CHECK(spiky_bins[20].high_ns == 119);
  CHECK_FALSE(spiky_bins[20].beyond);
}

TEST_CASE("report model: samples per target, the recorded fit, environment lists as text") {
  const ReportModel model = build_report_model(sources_with(hostile_results()));
  REQUIRE(model.targets.size() == 3);
  CHECK(model.targets[0].ns_per_operation == std::vector<double>{10, 11, 12, 13});
  CHECK(model.targets[2].ns_per_operation.empty());
  REQUIRE(model.families.size() == 1);
  CHECK(model.families[0].complexity == Complexity::linear);
  CHECK(model.families[0].members.size() == 2);
  CHECK(model.environment.back() == std::pair<std::string, std::string>{"warnings", "w1; w2"});
  CHECK(!model.comparison);
  CHECK_THROWS_AS(build_report_model(sources_with(json::object{{"targets", 1}})),
                  std::runtime_error);
}

TEST_CASE("report model: families over thread counts carry their scaling") {
  json::object one = ok_target("scan_t1", {100, 100, 100});
  json::object four = ok_target("scan_t4", {400, 400, 400});  // 4 threads, no gain at all
  four["metrics"] = json::object{{"threads", 4}};
  const ReportModel model = build_report_model(
      sources_with(json::object{{"timestamp", "2026-01-01T00:00:00Z"},
                                {"targets", json::array{one, four, ok_target("b", {5, 5, 6})}}}));
  REQUIRE(model.thread_scaling.size() == 1);
  CHECK(model.thread_scaling[0].name == "scan");
  REQUIRE(model.thread_scaling[0].points.size() == 2);
  CHECK(model.thread_scaling[0].points[1].threads == 4);
  CHECK(model.thread_scaling[0].points[1].operations_per_second == doctest::Approx(1e7));
  CHECK(model.thread_scaling[0].points[1].efficiency == doctest::Approx(0.25));
  const std::string html = report_html(model);
  CHECK(html.find("<h2>Thread scaling</h2>") != std::string::npos);
  CHECK(html.find("<h3>scan</h3>") != std::string::npos);
  CHECK(html.find("<td class=\"number\">25%</td>") != std::string::npos);
  const ReportModel plain = build_report_model(sources_with(hostile_results()));
  CHECK(plain.thread_scaling.empty());
  CHECK(report_html(plain).find("Thread scaling") == std::string::npos);
}

TEST_CASE("report model: a baseline sharing no target is reported, not thrown") {
  ReportSources sources = sources_with(hostile_results());
  sources.baseline = parse_stored_run(
      json::serialize(json::object{{"targets", json::array{ok_target("other", {1, 2, 3})}}}),
      "base.json");
  sources.baseline_label = "base";
  const ReportModel model = build_report_model(sources);
  CHECK(!model.comparison);
  CHECK(!model.comparison_problem.empty());
  CHECK(report_html(model).find("Not compared") != std::string::npos);
}

TEST_CASE("report model: history trends mark significant steps") {
  ReportSources sources = sources_with(hostile_results());
  const auto entry = [](std::int64_t run, double ns) {
    HistoryEntry e;
    e.run_id = run;
    e.status = "ok";
    e.median_ns = ns;
    for (std::uint32_t i = 0; i < 20; ++i) {  // 5 processes a run: enough to show p < 0.05
      e.ns_per_operation.push_back(ns + i * 0.01);
      e.process.push_back(i % 5);
    }
    return e;
  };
  sources.history["b"] = {entry(1, 5), entry(2, 5), entry(3, 10)};
  sources.history["c"] = {entry(1, 5), entry(2, 5)};
  sources.history["c"][1].status = "crashed";  // measured once: no trend
  sources.history_label = "history.db";
  const ReportModel model = build_report_model(sources);
  REQUIRE(model.trends.size() == 1);
  CHECK(model.trends[0].target_id == "b");
  CHECK(model.trends[0].points[1].step == Verdict::no_change);
  CHECK(model.trends[0].points[2].step == Verdict::slower);
  CHECK(model.trends[0].points[2].change == doctest::Approx(1.0).epsilon(0.01));
}

TEST_CASE("report history: one line per series, this run's first; no step across series") {
  json::value results = hostile_results();
  results.as_object()["source"] = {{"repository", "github.com/acme/bench"},
                                   {"branch", "main"},
                                   {"machine_id", "fast-box"},
                                   {"host_name", "h"}};
  ReportSources sources = sources_with(results);
  const auto entry = [](std::int64_t run, const std::string& machine, const std::string& branch,
                        double ns) {
    HistoryEntry e;
    e.run_id = run;
    e.status = "ok";
    e.median_ns = ns;
    e.run.repository = "github.com/acme/bench";
    e.run.branch = branch;
    e.run.machine_id = machine;
    for (std::uint32_t i = 0; i < 20; ++i) {  // 5 processes a run: enough to show p < 0.05
      e.ns_per_operation.push_back(ns + i * 0.01);
      e.process.push_back(i % 5);
    }
    return e;
  };
  // Two machines of different speed and a branch, interleaved as runs are
  // stored: one line through them all would step at every run. The slow
  // machine's series appears first; the fast machine's is this run's.
  sources.history["b"] = {entry(1, "slow-box", "main", 10), entry(2, "fast-box", "main", 5),
                          entry(3, "slow-box", "main", 10), entry(4, "fast-box", "main", 5),
                          entry(5, "fast-box", "dev", 7),   entry(6, "fast-box", "main", 10)};
  sources.history_label = "history.db";
  const ReportModel model = build_report_model(sources);
  REQUIRE(model.trends.size() == 1);
  const ReportTrend& trend = model.trends[0];
  REQUIRE(trend.series.size() == 3);
  CHECK(trend.series[0].name == "github.com/acme/bench · main · fast-box");
  CHECK(trend.series[0].this_run);
  CHECK(trend.series[1].name == "github.com/acme/bench · main · slow-box");
  CHECK_FALSE(trend.series[1].this_run);
  CHECK(trend.series[2].name == "github.com/acme/bench · dev · fast-box");
  // Only the fast machine's own slowdown (run 6 against run 4) is a step.
  std::vector<std::int64_t> steps;
  for (const ReportHistoryPoint& p : trend.points)
    if (p.step != Verdict::no_change) steps.push_back(p.entry.run_id);
  CHECK(steps == std::vector<std::int64_t>{6});
  CHECK(trend.points[5].series == 0);
  CHECK(trend.points[4].series == 2);

  const json::object data = report_page_data(model);
  const json::object* chart = nullptr;
  for (const json::value& c : data.at("charts").as_array())
    if (c.as_object().at("kind") == "trend") chart = &c.as_object();
  REQUIRE(chart);
  CHECK(chart->at("labels").as_array().size() == 6);
  const json::array& lines = chart->at("series").as_array();
  REQUIRE(lines.size() == 3);
  // Each line has values at its own runs only, null at the others'.
  const auto values = [&](std::size_t line) {
    std::vector<double> out;
    for (const json::value& v : lines[line].as_object().at("median_ns").as_array())
      out.push_back(v.is_null() ? -1 : v.to_number<double>());
    return out;
  };
  // (the median of process medians: each run's ns + 0.095)
  const std::vector<double> fast = values(0);
  REQUIRE(fast.size() == 6);
  CHECK(fast[0] == -1);
  CHECK(fast[1] == doctest::Approx(5.095));
  CHECK(fast[2] == -1);
  CHECK(fast[3] == doctest::Approx(5.095));
  CHECK(fast[4] == -1);
  CHECK(fast[5] == doctest::Approx(10.095));
  CHECK(values(1)[0] == doctest::Approx(10.095));
  CHECK(values(1)[1] == -1);
  CHECK(values(2)[4] == doctest::Approx(7.095));
  CHECK(lines[0].as_object().at("steps").as_array()[5] == "slower");
  CHECK(lines[1].as_object().at("steps").as_array()[5] == "");
  CHECK(lines[0].as_object().at("this_run") == true);
  // Error bars: the range of a run's five process medians (process p: ns +
  // (p + 7.5) * 0.01), null where the line has no run.
  const json::array& low = lines[0].as_object().at("low_ns").as_array();
  const json::array& high = lines[0].as_object().at("high_ns").as_array();
  CHECK(low[0].is_null());
  CHECK(low[1].to_number<double>() == doctest::Approx(5.075));
  CHECK(high[1].to_number<double>() == doctest::Approx(5.115));
  CHECK(high[5].to_number<double>() == doctest::Approx(10.115));
  CHECK(trend.points[1].low_ns <= trend.points[1].entry.median_ns);
  CHECK(trend.points[1].high_ns >= trend.points[1].entry.median_ns);
  const std::string html = report_html(model);
  CHECK(html.find("in 3 series, one line each") != std::string::npos);
  CHECK(html.find("at run 6 (") != std::string::npos);
  CHECK(html.find("on github.com/acme/bench · main · fast-box") != std::string::npos);
}

TEST_CASE("report numbers: never scientific notation") {
  CHECK(report_number(0.01, 6) == "0.01");
  CHECK(report_number(120, 6) == "120");
  CHECK(report_number(1234.5678, 3) == "1235");
  CHECK(report_number(0.000123456, 3) == "0.000123");
  CHECK(report_number(1e15, 6) == "1000000000000000");
  CHECK(report_number(-0.0000000001, 3) == "0");
  CHECK(report_p_value(0.0123) == "0.012");
  CHECK(report_p_value(3e-9) == "< 0.0001");

  json::value results = hostile_results();
  results.as_object()["settings"] = {
      {"min_time_s", 0.01}, {"warmup_s", 120.0}, {"gate", {{"alpha", 0.001}, {"threshold", 0.03}}}};
  const ReportModel model = build_report_model(sources_with(results));
  const std::string html = report_html(model);
  const std::size_t settings = html.find("<h2>Settings</h2>");
  REQUIRE(settings != std::string::npos);
  const std::string table = html.substr(settings, html.find("</table>", settings) - settings);
  CHECK(table.find("<td>0.01</td>") != std::string::npos);
  CHECK(table.find("<td>120</td>") != std::string::npos);
  CHECK(table.find("alpha 0.001, threshold 0.03") != std::string::npos);
  for (const char* exponent : {"E-", "e-0", "E+", "e+0", "1E2"})
    CHECK_MESSAGE(table.find(exponent) == std::string::npos, exponent);
}

TEST_CASE("report page: a paired A/B run opens with its recorded verdicts, regressions first") {
  json::value results = hostile_results();
  const auto target = [](const std::string& id, const std::string& verdict, double change) {
    return json::object{{"target_id", id},
                        {"verdict", verdict},
                        {"change_percent", change},
                        {"ci_low_percent", change - 1},
                        {"ci_high_percent", change + 250},
                        {"p_value", 0.00001},
                        {"processes", 4},
                        {"pairs", 433},
                        {"stopped", "decided"},
                        {"threshold_percent", 3.0}};
  };
  results.as_object()["ab_paired"] = {
      {"test", "one-sample t-test of per-process trimmed-mean log ratios"},
      {"alpha", 0.01},
      {"threshold_percent", 3.0},
      {"targets", json::array{target("b", "no change", 0.5), target("a", "slower", 12)}}};
  const ReportModel model = build_report_model(sources_with(results));
  REQUIRE(model.paired);
  const std::vector<ReportVerdictLine> lines = verdict_summary(*model.paired);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].target_id == "a");
  CHECK(lines[0].regression);
  CHECK(lines[0].detail ==
        "+12.0% (95% CI +11.0% .. +262.0%, p < 0.0001, 4 processes, 433 pairs, "
        "decided)");
  const std::string html = report_html(model);
  const auto verdict = html.find("<section id=\"verdict\">");
  REQUIRE(verdict != std::string::npos);
  CHECK(verdict < html.find("<section id=\"targets\">"));
  CHECK(html.find("1 regression against the A/B baseline build") != std::string::npos);
  CHECK(html.find("alpha 0.01; a change counts from 3%") != std::string::npos);
  CHECK(html.find("Mann-Whitney") == std::string::npos);
  CHECK(html.find("<canvas id=\"comparison-chart\"") != std::string::npos);
  CHECK(has_paired_chart(model));
  // With a baseline compared, the comparison is shown instead.
  ReportSources with_baseline = sources_with(results);
  with_baseline.baseline = with_baseline.run;
  with_baseline.baseline_label = "base";
  CHECK_FALSE(has_paired_chart(build_report_model(with_baseline)));
}

TEST_CASE("report page: untrusted text escaped, one canvas per chart of the data") {
  const ReportModel model = build_report_model(sources_with(hostile_results()));
  const std::string html = report_html(model);
  // The only script closers are the page's own three script elements, the
  // guard, Chart.js, the page script, and the data element.
  std::size_t closers = 0;
  for (std::size_t at = html.find("</script>"); at != std::string::npos;
       at = html.find("</script>", at + 1))
    ++closers;
  CHECK(closers == 4);
  CHECK(html.find("alert(1)</script>") == std::string::npos);
  CHECK(html.find("x&lt;/script&gt;&lt;script&gt;alert(1)") != std::string::npos);
  CHECK(html.find('\x01') == std::string::npos);
  std::set<std::string> canvases, charts;
  const std::string canvas = "<canvas id=\"";  // std::regex overflows the stack on a page
  for (std::size_t at = html.find(canvas); at != std::string::npos; at = html.find(canvas, at + 1))
    canvases.insert(
        html.substr(at + canvas.size(), html.find('"', at + canvas.size()) - at - canvas.size()));
  const json::object data = report_page_data(model);
  for (const json::value& chart : data.at("charts").as_array())
    charts.insert(std::string(chart.at("id").as_string()));
  CHECK(canvases == charts);
  CHECK(charts == std::set<std::string>{"distribution-0", "distribution-1", "scaling-0"});
}

TEST_CASE("run --export FORMAT=FILE: parsed, checked before the run") {
  const ExportRequest request = parse_export_request("junit=out/../report.xml");
  CHECK(request.format == ExportFormat::junit);
  CHECK(request.file == std::filesystem::current_path() / "report.xml");
  const auto refused = [](const std::string& text) {
    try {
      (void)parse_export_requests({text});
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(refused("yaml=x.yaml").find("gbench-json, bmf, github-action-benchmark, junit, csv") !=
        std::string::npos);
  CHECK(refused("csv").find("no `=`") != std::string::npos);
  CHECK(refused("csv=").find("no FILE") != std::string::npos);
  CHECK(refused("csv=/nonexistent-dir/x.csv").find("does not exist") != std::string::npos);
  CHECK_THROWS_AS(parse_export_requests({"csv=a.csv", "junit=./a.csv"}), std::invalid_argument);
  CHECK(parse_export_requests({"csv=a.csv", "bmf=b.json"}).size() == 2);
}

TEST_CASE("report data model golden: a run with a family, a crash and a baseline") {
  // The page's data (what its charts draw) for a fixed run compared with a
  // fixed baseline, byte for byte: a change in what the report shows is a
  // visible diff of tests/host/golden/report_page_data.json.
  json::value results = hostile_results();
  ReportSources sources = sources_with(results);
  sources.baseline = parse_stored_run(
      json::serialize(
          json::object{{"targets", json::array{ok_target("b", {4, 4, 5}),
                                               ok_target("a" + kHostile, {10, 11, 12, 13})}}}),
      "base.json");
  sources.baseline_label = "base";
  const ReportModel model = build_report_model(sources);
  REQUIRE(model.comparison);
  // Numbers to 9 significant digits: the fit curve's last bits depend on
  // the build's libm and optimisation level, what the page draws does not.
  json::value data = report_page_data(model);
  round_numbers(data);
  costops::test::check_golden("report_page_data.json", to_pretty_json(data) + "\n");
}
