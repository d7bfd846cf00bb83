#include "costops/host/history_report.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <map>
#include <sstream>

#include "costops/host/console/text_table.hpp"
#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/sample_stats.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

// The machine's name (--machine, or host name and machine-id); rows from
// before names knew only the host.
std::string machine_label(const HistoryEntry& e) {
  return e.run.machine_id.empty() ? e.run.host_name : e.run.machine_id;
}

std::string short_commit(const std::string& commit) {
  return commit.empty() ? "unknown" : commit.substr(0, 12);
}

// The change of the shown medians (the processes basis: the test's own change).
std::string change_text(const HistoryRow& row) {
  return row.change ? format_double("%+.1f%%", 100 * row.change->change_of_medians()) : "";
}

std::string step_text(const HistoryRow& row) {
  if (row.level_change)
    return std::string(row.level_change->slower() ? "▲ step: slower" : "▼ step: faster") +
           " (level " + format_double("%+.1f%%", 100 * row.level_change->change) + ", p " +
           format_double("%.2g", row.level_change->p_value) + ")";
  if (!row.step()) return "";
  const bool slower = row.change->verdict == Verdict::slower;
  return std::string(slower ? "▲ step: slower" : "▼ step: faster") + " (p " +
         format_double("%.2g", row.change->p_value) + ")";
}

std::string median_text(const HistoryEntry& e) {
  return e.status == "ok" ? human_duration(shown_history_median(e)) : "-";
}

StoredTarget stored_target(const std::string& target_id, const HistoryEntry& e) {
  StoredTarget t{target_id, TargetStatus::ok, {}, e.ns_per_operation, e.repetition, e.process};
  t.summary_only = e.summary_only;
  return t;
}

// Stored text (machines, commits: another host's outbox) for a terminal.
std::string shown(const std::string& text) {
  return for_terminal(text, false);
}

// Padded by display width (a median in µs is no longer one column off);
// empty cells stay blank.
std::string history_text(const std::string& target_id, const std::vector<HistoryRow>& rows) {
  const std::vector<console::TableColumn> columns{
      {"run", false, 0},    {"timestamp", false, 0}, {"machine", false, 0}, {"commit", false, 0},
      {"status", false, 0}, {"median*", true, 0},    {"change", true, 0},   {"step", false, 0}};
  std::vector<console::TableRow> table;
  for (const HistoryRow& row : rows) {
    const HistoryEntry& e = *row.entry;
    table.push_back(
        {{std::to_string(e.run_id), shown(e.timestamp),
          truncate_to_width(shown(machine_label(e)), 16, "…"), shown(short_commit(e.run.commit)),
          shown(e.status), median_text(e), change_text(row), step_text(row)},
         "",
         Colour::none});
  }
  return "History of " + shown(target_id) + ":\n" +
         console::render_table(columns, table, TerminalStyle{false, true}, 0, "").text +
         "* median of process medians; change: of that median from the machine's previous ok "
         "run\n";
}

std::string history_markdown(const std::string& target_id, const std::vector<HistoryRow>& rows) {
  std::string md =
      // No code spans around escaped text: a backslash is literal inside one.
      "## History of " + markdown_cell(target_id) +
      "\n\n| Run | Time | Machine | Repository | Branch | Commit | Status | Median "
      "of process medians | Change | Step |\n|---:|---|---|---|---|---|---|---:|---:|---|\n";
  for (const HistoryRow& row : rows) {
    const HistoryEntry& e = *row.entry;
    md += "| " + std::to_string(e.run_id) + " | " + markdown_cell(e.timestamp) + " | " +
          markdown_cell(machine_label(e)) + " | " + markdown_cell(e.run.repository) + " | " +
          markdown_cell(e.run.branch) + " | " + markdown_cell(short_commit(e.run.commit)) + " | " +
          markdown_cell(e.status) + " | " + median_text(e) + " | " + change_text(row) + " | " +
          step_text(row) + " |\n";
  }
  return md;
}

std::string history_json(const std::string& target_id, const std::vector<HistoryRow>& rows,
                         const ComparisonSettings& settings) {
  json::array runs;
  for (const HistoryRow& row : rows) {
    const HistoryEntry& e = *row.entry;
    json::object item{{"run_id", e.run_id},
                      {"timestamp", e.timestamp},
                      {"provenance", provenance_json(e.run)},
                      {"status", e.status},
                      {"median_ns", e.status == "ok" ? finite_or_null(e.median_ns) : nullptr},
                      {"median_of_process_medians_ns",
                       e.status == "ok" ? finite_or_null(shown_history_median(e)) : nullptr},
                      {"samples", e.ns_per_operation.size()}};
    if (e.summary_only) item["summary_only"] = true;
    if (row.level_change)
      item["level_change"] = json::object{{"relative", finite_or_null(row.level_change->change)},
                                          {"p_value", finite_or_null(row.level_change->p_value)},
                                          {"step", true}};
    if (row.change)
      item["change"] = json::object{{"previous_run_id", row.previous->run_id},
                                    {"relative", finite_or_null(row.change->change)},
                                    {"of", "median_of_process_medians_ns"},
                                    {"basis", basis_key(row.change->basis)},
                                    {"p_value", finite_or_null(row.change->p_value)},
                                    {"verdict", verdict_name(row.change->verdict)},
                                    {"step", row.step()}};
    runs.push_back(std::move(item));
  }
  return to_pretty_json(
      json::object{{"target_id", target_id},
                   {"settings", {{"threshold", settings.threshold}, {"alpha", settings.alpha}}},
                   {"runs", std::move(runs)}});
}

}  // namespace

// Branch names, machines, repositories and commits come from the runs'
// provenance (git, the environment, another host's outbox): escaped like
// every other Markdown cell, not only for '|' and line ends.
std::string markdown_cell(const std::string& text) {
  return markdown_escaped(text);
}

std::string history_series_key(const RunProvenance& run) {
  const std::string machine = run.machine_id.empty() ? "host:" + run.host_name : run.machine_id;
  return run.repository + '\n' + run.branch + '\n' + machine;
}

std::optional<HistoryFormat> parse_history_format(const std::string& text) {
  if (text == "text") return HistoryFormat::text;
  if (text == "json") return HistoryFormat::json;
  if (text == "markdown") return HistoryFormat::markdown;
  return std::nullopt;
}

double shown_history_median(const HistoryEntry& entry) {
  if (entry.ns_per_operation.empty()) return entry.median_ns;
  return median_of(process_medians(samples_by_process(stored_target("", entry))));
}

TargetComparison compare_history_entries(const std::string& target_id, const HistoryEntry& before,
                                         const HistoryEntry& after,
                                         const ComparisonSettings& settings) {
  const StoredTarget base = stored_target(target_id, before);
  const StoredTarget current = stored_target(target_id, after);
  // An imported tool's one summary value a side: no test, never a step.
  if (base.summary_only || current.summary_only)
    return compare_summary_values(base, current, settings);
  return compare_targets(base, current, settings);
}

std::vector<HistoryRow> history_rows(const std::string& target_id,
                                     const std::vector<HistoryEntry>& entries,
                                     const ComparisonSettings& settings) {
  ComparisonSettings quick = settings;
  quick.bootstrap_resamples = 0;  // the trend shows no interval: skip its cost
  std::map<std::string, const HistoryEntry*> previous_ok;   // per series
  std::map<std::string, std::vector<std::size_t>> ok_rows;  // per series, oldest first
  std::vector<HistoryRow> rows;
  for (const HistoryEntry& e : entries) {
    HistoryRow row{&e, history_series_key(e.run), nullptr, std::nullopt, std::nullopt, false};
    const HistoryEntry*& previous = previous_ok[row.series];
    row.previous = previous;
    if (e.status == "ok" && previous)
      row.change = compare_history_entries(target_id, *previous, e, quick);
    if (e.status == "ok") {
      previous = &e;
      ok_rows[row.series].push_back(rows.size());
    }
    rows.push_back(std::move(row));
  }
  // The level of each series over its run medians: the step of one-process runs.
  // Over each series' newest kLevelWindowRuns runs, as `history --regressions`
  // tests them (the fit is quadratic in the runs it looks at).
  const SeriesStepSettings level{settings.threshold, settings.alpha};
  for (const auto& [series, indices] : ok_rows) {
    const std::size_t first =
        indices.size() > kLevelWindowRuns ? indices.size() - kLevelWindowRuns : 0;
    std::vector<double> medians;
    for (std::size_t k = first; k < indices.size(); ++k)
      medians.push_back(rows[indices[k]].entry->median_ns);
    if (indices.size() >= 2 * level.min_runs)
      for (HistoryRow& row : rows)
        if (row.series == series) row.level_tested = true;
    if (const auto step = detect_series_step(medians, level))
      rows[indices[first + step->first_after]].level_change = step;
  }
  return rows;
}

std::string render_history(const std::string& target_id, const std::vector<HistoryEntry>& entries,
                           const ComparisonSettings& settings, HistoryFormat format) {
  const std::vector<HistoryRow> rows = history_rows(target_id, entries, settings);
  switch (format) {
    case HistoryFormat::json:
      return history_json(target_id, rows, settings);
    case HistoryFormat::markdown:
      return history_markdown(target_id, rows);
    case HistoryFormat::text:
      break;
  }
  if (entries.empty()) return "no recorded results for " + target_id + "\n";
  return history_text(target_id, rows);
}

}  // namespace costops::host
