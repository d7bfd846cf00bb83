#include "costops/host/console/results_table.hpp"

#include <algorithm>
#include <iterator>
#include <variant>

#include "costops/host/console/text_table.hpp"
#include "costops/host/human_units.hpp"
#include "costops/host/metric_keys.hpp"
#include "costops/host/target_families.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::host::console {

namespace {

// The columns, in the order shown. drop_order: what a narrow terminal loses
// first (the plugin's own metrics, then allocations, declared rates, CPU
// time, the valgrind-slowed time, operations per second, the spread).
enum Column : std::size_t {
  kTarget,
  kHeadline,
  kSpread,
  kRate,
  kWall,
  kCpu,
  kThroughput,
  kItems,
  kAllocations,
  kMetrics,
  kColumnCount
};

std::vector<TableColumn> columns(bool instructions) {
  return {{"target", false, 0},
          {instructions ? "instr/op" : "median/op", true, 0},
          {"±MAD", true, 2},
          {"ops/s", true, 3},
          {"wall/op (valgrind)", true, 4},
          {"cpu/op", true, 5},
          {"throughput", true, 6},
          {"items/s", true, 6},
          {"allocs/op", true, 7},
          {"metrics", false, 8}};
}

bool counted_instructions(const TargetResult& t) {
  return t.measurement && t.measurement->instructions_per_operation > 0;
}

// The plugin's own numeric metrics ("records_per_aggregation 1000"), as
// many as fit in a cell of reasonable width; the rest counted.
std::string metrics_cell(const TargetMeasurement& m) {
  constexpr std::size_t kMetricsWidth = 40;
  std::string text;
  std::size_t more = 0;
  const auto host_key = [](std::string_view key) {
    return std::find(std::begin(kRequiredMetricKeys), std::end(kRequiredMetricKeys), key) !=
               std::end(kRequiredMetricKeys) ||
           std::find(std::begin(kDerivedMetricKeys), std::end(kDerivedMetricKeys), key) !=
               std::end(kDerivedMetricKeys) ||
           key.starts_with("yardstick_");  // a declaration, not a measurement
  };
  for (const auto& [key, value] : m.plugin_metrics) {
    const double* number = std::get_if<double>(&value);
    if (!number || host_key(key)) continue;
    const std::string part = for_terminal(key, false) + " " + number_without_exponent(*number);
    if (more > 0 || display_width(text) + 2 + display_width(part) > kMetricsWidth) {
      ++more;
      continue;
    }
    text += (text.empty() ? "" : ", ") + part;
  }
  if (more > 0) text += (text.empty() ? "" : ", ") + std::string("+") + std::to_string(more);
  return text;
}

TableRow row_of(const TargetResult& t) {
  TableRow row;
  row.cells.resize(kColumnCount);
  row.cells[kTarget] = for_terminal(t.target_id, false);
  if (t.status != TargetStatus::ok || !t.measurement) {
    row.spanning = std::string(to_string(t.status)) +
                   (t.reason.empty() ? "" : ": " + for_terminal(t.reason, false));
    row.colour = t.status == TargetStatus::skipped ? Colour::yellow : Colour::red;
    return row;
  }
  const TargetMeasurement& m = *t.measurement;
  const double median = t.stats.median;
  // Aggregate over a threaded target's threads (ABI 1.4), as the records.
  const double per_second = median > 0 ? 1e9 / median * m.threads : 0;
  if (counted_instructions(t)) {
    // Deterministic: the headline. The time ran under valgrind (~50x
    // slower), so it is shown as that and no rate is derived from it.
    row.cells[kHeadline] = instruction_count_text(m.instructions_per_operation);
    row.cells[kWall] = human_duration(median);
  } else {
    row.cells[kHeadline] = human_duration(median);
    row.cells[kSpread] =
        "±" + format_double("%.1f%%",
                            median > 0 ? 100 * t.stats.median_absolute_deviation / median : 0.0);
    row.cells[kRate] = human_rate(per_second);
    if (m.bytes_per_operation > 0)
      row.cells[kThroughput] =
          human_rate(static_cast<double>(m.bytes_per_operation) * per_second) + "B/s";
    if (m.items_per_operation > 0)
      row.cells[kItems] = human_rate(static_cast<double>(m.items_per_operation) * per_second);
  }
  // Under valgrind the CPU time is as slowed as the wall time: not shown.
  if (const double cpu = cpu_ns_per_operation(m); cpu >= 0 && !counted_instructions(t))
    row.cells[kCpu] = human_duration(cpu);
  if (const AllocationCounts& a = m.allocations; a.counted())
    row.cells[kAllocations] = number_without_exponent(a.per_operation(a.allocations)) + " (" +
                              number_without_exponent(a.per_operation(a.bytes_allocated)) + " B)";
  row.cells[kMetrics] = metrics_cell(m);
  return row;
}

std::string legend(bool instructions) {
  return instructions
             ? "instr/op: instructions per operation counted by callgrind in run() "
               "(deterministic); wall/op: time per operation under valgrind, many times slower "
               "than a native run."
             : "median/op: median time per operation over all samples; ±MAD: median absolute "
               "deviation relative to the median; rates from the median (threads together).";
}

}  // namespace

std::string run_results_text(const SuiteReport& report, const TerminalStyle& style,
                             std::size_t width) {
  if (report.targets.empty()) return {};
  const bool instructions =
      std::any_of(report.targets.begin(), report.targets.end(), counted_instructions);
  std::vector<TableRow> rows;
  for (const TargetResult& t : report.targets) rows.push_back(row_of(t));
  const RenderedTable table = render_table(columns(instructions), rows, style, width);
  std::string text = table.text + wrap_to_width(style.in_charset(legend(instructions)), width);
  if (!table.dropped.empty()) {
    std::string names;
    for (const std::string& name : table.dropped) names += (names.empty() ? "" : ", ") + name;
    text += wrap_to_width(style.in_charset("Not shown at this width: " + names +
                                           " (summary.md and results.json have them)."),
                          width);
  }
  for (const FamilyResult& family : family_results(report))
    text += wrap_to_width(style.in_charset(for_terminal(complexity_summary(family), false)), width);
  return text;
}

}  // namespace costops::host::console
