// What a person reads on stdout: the results table at the end of a run and
// the verdict table of `compare`, rendered from fixed models (never a live
// timing run) and compared with golden files for each kind of terminal: a
// colour terminal 100 columns wide, narrow ones (50, 40), TERM=dumb, LANG=C
// and a CI log (not a terminal). Besides the byte-for-byte comparison, the
// properties each golden file must have are checked on their own: widths,
// no escape codes, ASCII only, aligned columns.
#include <doctest/doctest.h>

#include <sstream>

#include "costops/host/comparison_report.hpp"
#include "costops/host/console/results_table.hpp"
#include "costops/host/console/text_table.hpp"
#include "costops/host/progress_reporter.hpp"
#include "costops/host/summary_markdown.hpp"
#include "costops/host/target_analysis.hpp"
#include "golden_files.hpp"

using namespace costops::host;
using costops::test::check_golden;

namespace {

// 20 samples of `ns` per operation, 0.1% apart: deterministic statistics.
TargetResult measured(const std::string& id, double ns, std::uint64_t bytes = 0,
                      std::uint64_t items = 0) {
  TargetResult r;
  r.target_id = id;
  r.status = TargetStatus::ok;
  TargetMeasurement m;
  m.succeeded = true;
  m.batch_iterations = 1000;
  for (int i = 0; i < 20; ++i) {
    Sample s{1000, ns * 1000 * (1 + 0.001 * i), 0};
    s.cpu_ns = s.elapsed_ns * 0.98;
    m.samples.push_back(s);
  }
  m.bytes_per_operation = bytes;
  m.items_per_operation = items;
  r.measurement = m;
  finalize_target_result(r);
  return r;
}

TargetResult member(const std::string& id, std::int64_t records, double ns_per_record) {
  TargetResult r = measured(id, ns_per_record * static_cast<double>(records));
  r.family = "aggregator";
  r.argument = records;
  r.complexity_variable = "records";
  return r;
}

// Every kind of row: declared throughput and items, allocations, the
// plugin's metrics, a long id, a crash with a long reason, a skip, and a
// family whose per-record times (104, 79, 102 ns) cannot tell O(records)
// from O(records log records).
SuiteReport console_report() {
  SuiteReport report;
  report.targets.push_back(measured("cost_calculator", 81.2, 0, 1));
  report.targets.push_back(measured("compression_zstd_level_3", 10283, 65536));
  TargetResult& compression = report.targets.back();
  compression.measurement->allocations.iterations = 1000;
  compression.measurement->allocations.allocations = 3000;
  compression.measurement->allocations.bytes_allocated = 300000;
  compression.measurement->plugin_metrics.emplace_back("compression_ratio", 3.25);
  compression.measurement->plugin_metrics.emplace_back("level", 3.0);
  compression.measurement->plugin_metrics.emplace_back("codec", std::string("zstd"));
  report.targets.push_back(member("aggregator_100", 100, 104));
  report.targets.push_back(member("aggregator_1000", 1000, 79));
  report.targets.push_back(member("aggregator_10000", 10000, 102));
  TargetResult crashed;
  crashed.target_id = "storage_sqlite_insert_batch";
  crashed.status = TargetStatus::crashed;
  crashed.reason =
      "killed by SIGSEGV (Segmentation fault) in run(); the worker's output is in "
      "results.json";
  report.targets.push_back(crashed);
  TargetResult skipped;
  skipped.target_id = "gpu_only";
  skipped.status = TargetStatus::skipped;
  skipped.reason = "the target cannot run here: no GPU";
  report.targets.push_back(skipped);
  return report;
}

SuiteReport instructions_report() {
  SuiteReport report;
  for (const auto& [id, count] : {std::pair{"cost_calculator_validation", 466.0},
                                  std::pair{"aggregator_sqlite_group_by", 19750000.0}}) {
    report.targets.push_back(measured(id, count * 0.3 * 50));
    report.targets.back().measurement->instructions_per_operation = count;
  }
  return report;
}

TargetComparison compared(const std::string& id, double base, double next, Verdict verdict,
                          double p) {
  TargetComparison t;
  t.target_id = id;
  t.basis = ComparisonBasis::processes;
  t.base_count = t.new_count = 5;
  t.base_median = base;
  t.new_median = next;
  t.change = next / base - 1;
  t.change_ci_low = t.change - 0.012;
  t.change_ci_high = t.change + 0.009;
  t.p_value = p;
  t.smallest_p = 0.0079;
  t.verdict = verdict;
  return t;
}

RunComparison console_comparison() {
  RunComparison c;
  c.settings.threshold = 0.03;
  c.settings.alpha = 0.01;
  c.settings.bootstrap_resamples = 2000;
  c.targets.push_back(compared("aggregator_100", 10283, 10337, Verdict::no_change, 0.69));
  c.targets.push_back(
      compared("compression_zstd_level_3", 1520000, 1710000, Verdict::slower, 0.0079));
  c.targets.push_back(compared("cost_calculator", 81.2, 76.4, Verdict::faster, 0.0079));
  c.status_changes.push_back(
      {"storage_sqlite_insert_batch", TargetStatus::ok, TargetStatus::crashed, "SIGSEGV"});
  return c;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void check_fits(const std::string& text, std::size_t width) {
  for (const std::string& line : lines_of(text)) {
    INFO(line);
    CHECK(display_width(line) <= width);
    CHECK(line.find_last_not_of(' ') + 1 == line.size());  // no trailing spaces
  }
}

bool ascii_only(const std::string& text) {
  for (const char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// The display column where `cell` ends on the line starting with `row`.
std::size_t column_end(const std::string& text, const std::string& row, const std::string& cell) {
  for (const std::string& line : lines_of(text))
    if (line.rfind(row, 0) == 0) {
      const auto at = line.find(cell);
      REQUIRE(at != std::string::npos);
      return display_width(line.substr(0, at + cell.size()));
    }
  FAIL("no row " << row);
  return 0;
}

const TerminalStyle kColourTerminal{true, true};
const TerminalStyle kDumbTerminal{false, true};   // TERM=dumb: no escape codes
const TerminalStyle kAsciiTerminal{true, false};  // LANG=C on a colour terminal
const TerminalStyle kCiLog{false, true};          // not a terminal, no width

}  // namespace

TEST_CASE("results table golden: a colour terminal 100 columns wide") {
  const std::string text = console::run_results_text(console_report(), kColourTerminal, 100);
  check_golden("results_terminal_100.txt", text);
  check_fits(text, 100);
  CHECK(text.find("\033[31mcrashed: killed by SIGSEGV") != std::string::npos);
  // Padding by display width: µs and ns rows end in the same column.
  CHECK(column_end(text, "cost_calculator ", "81.97 ns") ==
        column_end(text, "compression_zstd_level_3", "10.381 µs"));
  CHECK(text.find("aggregator: complexity not determined: O(records) fits only") !=
        std::string::npos);
}

TEST_CASE("results table golden: narrow terminals drop columns instead of wrapping") {
  for (const std::size_t width : {std::size_t{50}, std::size_t{40}}) {
    CAPTURE(width);
    const std::string text = console::run_results_text(console_report(), kColourTerminal, width);
    check_golden("results_narrow_" + std::to_string(width) + ".txt", text);
    check_fits(text, width);
    CHECK(text.find("median/op") != std::string::npos);  // the headline stays
    // Names are cut to 20 columns before the spread or the rate goes.
    if (width == 50) CHECK(text.find("ops/s") < text.find('\n'));
    CHECK(text.find("storage_sqlite_in") != std::string::npos);
    CHECK(text.find("…  \033[31mcrashed: ") != std::string::npos);  // a cut name, marked
    CHECK(text.find("Not shown at this width: metrics,") != std::string::npos);
  }
}

TEST_CASE("results table golden: TERM=dumb, LANG=C and a CI log") {
  const std::string dumb = console::run_results_text(console_report(), kDumbTerminal, 80);
  check_golden("results_term_dumb.txt", dumb);
  CHECK(dumb.find('\033') == std::string::npos);
  CHECK(dumb.find('\r') == std::string::npos);

  const std::string ascii = console::run_results_text(console_report(), kAsciiTerminal, 100);
  check_golden("results_lang_c.txt", ascii);
  CHECK(ascii_only(ascii));
  CHECK(ascii.find("10.381 us") != std::string::npos);
  CHECK(ascii.find("+-0.") != std::string::npos);

  const std::string log = console::run_results_text(console_report(), kCiLog, 0);
  check_golden("results_ci_log.txt", log);
  CHECK(log.find('\033') == std::string::npos);
  CHECK(log.find("metrics") != std::string::npos);  // no width: every column
  CHECK(log.find("Not shown") == std::string::npos);
}

TEST_CASE("results table golden: --measure instructions headlines the count") {
  const std::string text = console::run_results_text(instructions_report(), kDumbTerminal, 100);
  check_golden("results_instructions.txt", text);
  CHECK(text.find("instr/op") < text.find("wall/op (valgrind)"));
  CHECK(text.find("466.0") != std::string::npos);
  CHECK(text.find("19.75 M") != std::string::npos);
  CHECK(text.find("ops/s") == std::string::npos);  // no rate from a valgrind-slowed time
  // summary.md's table: the count first in Notes, the duration marked.
  const std::string md = summary_markdown(instructions_report(), "2026-01-01T00:00:00Z");
  CHECK(md.find("| cost_calculator_validation | – (valgrind) | ") != std::string::npos);
  CHECK(md.find(" under valgrind | **466.0 instructions/op** (callgrind, run() only); ok |") !=
        std::string::npos);
  const std::string line = progress_line(instructions_report().targets[0], kDumbTerminal);
  CHECK(line.rfind("✓ cost_calculator_validation  466.0 instr/op  (wall under valgrind ", 0) == 0);
}

TEST_CASE("compare table golden: 100 and 50 columns, ASCII, aligned by display width") {
  const RunComparison c = console_comparison();
  const std::string wide = comparison_text(c, kDumbTerminal, 100);
  check_golden("compare_terminal_100.txt", wide);
  check_fits(wide, 100);
  CHECK(column_end(wide, "aggregator_100", "10.337 µs") ==
        column_end(wide, "cost_calculator", "76.40 ns"));
  const std::string narrow = comparison_text(c, kDumbTerminal, 50);
  check_golden("compare_narrow_50.txt", narrow);
  check_fits(narrow, 50);
  CHECK(narrow.find("slower") != std::string::npos);  // the verdict always stays
  const std::string ascii = comparison_text(c, TerminalStyle{false, false}, 0);
  check_golden("compare_lang_c.txt", ascii);
  CHECK(ascii_only(ascii));
  CHECK(ascii.find("ok -> crashed") != std::string::npos);
}

TEST_CASE("text table: empty columns are left out, spanning rows cut to the width") {
  const std::vector<console::TableColumn> columns{
      {"name", false, 0}, {"value", true, 0}, {"never", true, 1}, {"extra", true, 2}};
  const std::vector<console::TableRow> rows{
      {{"a", "1", "", "x"}, "", Colour::none},
      {{"µµµ", "22", "", ""}, "", Colour::none},
      {{"broken", "", "", ""}, "failed: a reason that is far too long for the table", Colour::red}};
  const auto table = console::render_table(columns, rows, kDumbTerminal, 30);
  CHECK(table.text ==
        "name    value  extra\n"
        "a           1      x\n"
        "µµµ        22      –\n"
        "broken  failed: a reason that…\n");
  CHECK(table.dropped.empty());
  const auto narrow = console::render_table(columns, rows, kDumbTerminal, 14);
  CHECK(narrow.dropped == std::vector<std::string>{"extra"});
  check_fits(narrow.text, 14);
  CHECK(console::wrap_to_width("one two three four", 9) == "one two\nthree\nfour\n");
  CHECK(console::wrap_to_width("a\nb c", 0) == "a\nb c\n");
}
